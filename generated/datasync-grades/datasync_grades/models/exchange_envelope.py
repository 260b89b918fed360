from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..errors import ModelParseError
from ..types import UNSET, Unset

_new_object = object.__new__
_PROPERTY_NAMES = frozenset(
    {
        "data",
        "error",
    }
)

T = TypeVar("T", bound="ExchangeEnvelope")


@_attrs_define
class ExchangeEnvelope:
    data: Exchange | None
    error: ErrorInfo | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        field_dict: dict[str, Any] = {**self.additional_properties}
        data = self.data
        field_dict["data"] = data.to_dict() if isinstance(data, Exchange) else data

        error = self.error
        if error is not UNSET:
            field_dict["error"] = (
                error.to_dict() if isinstance(error, ErrorInfo) else error
            )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        if not (type(src_dict) is dict or isinstance(src_dict, Mapping)):
            raise ModelParseError("", src_dict, "expected an object")
        _data = src_dict.get("data", UNSET)
        data: Exchange | None
        if _data is None:
            data = None
        elif isinstance(_data, Unset):
            raise ModelParseError.required("data", src_dict)
        else:
            try:
                data = Exchange.from_dict(_data)
            except ModelParseError as error_:
                raise error_.inside("data") from None

        _error = src_dict.get("error", UNSET)
        error: ErrorInfo | None | Unset
        if _error is None:
            error = None
        elif isinstance(_error, Unset):
            error = UNSET
        else:
            try:
                error = ErrorInfo.from_dict(_error)
            except ModelParseError as error_:
                raise error_.inside("error") from None

        d = (
            {}
            if _PROPERTY_NAMES.issuperset(src_dict)
            else {
                key: value
                for key, value in src_dict.items()
                if key not in _PROPERTY_NAMES
            }
        )
        if cls is ExchangeEnvelope:
            exchange_envelope = _new_object(cls)
            exchange_envelope.data = data
            exchange_envelope.error = error
            exchange_envelope.additional_properties = {}
        else:
            exchange_envelope = cls(
                data=data,
                error=error,
            )

        exchange_envelope.additional_properties = d
        return exchange_envelope

    @property
    def additional_keys(self) -> list[str]:
        return list(self.additional_properties.keys())

    def __getitem__(self, key: str) -> Any:
        return self.additional_properties[key]

    def __setitem__(self, key: str, value: Any) -> None:
        self.additional_properties[key] = value

    def __delitem__(self, key: str) -> None:
        del self.additional_properties[key]

    def __contains__(self, key: str) -> bool:
        return key in self.additional_properties


from ..models.error_info import ErrorInfo  # noqa: E402
from ..models.exchange import Exchange  # noqa: E402
