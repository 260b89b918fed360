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

T = TypeVar("T", bound="BatchContextDataEnvelope")


@_attrs_define
class BatchContextDataEnvelope:
    data: BatchContextData | None
    error: ErrorInfo | None | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        field_dict: dict[str, Any] = {**self.additional_properties}
        data = self.data
        field_dict["data"] = (
            data.to_dict() if isinstance(data, BatchContextData) else data
        )

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
        data: BatchContextData | None
        if _data is None:
            data = None
        elif isinstance(_data, Unset):
            raise ModelParseError.required("data", src_dict)
        else:
            try:
                data = BatchContextData.from_dict(_data)
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
        if cls is BatchContextDataEnvelope:
            batch_context_data_envelope = _new_object(cls)
            batch_context_data_envelope.data = data
            batch_context_data_envelope.error = error
            batch_context_data_envelope.additional_properties = {}
        else:
            batch_context_data_envelope = cls(
                data=data,
                error=error,
            )

        batch_context_data_envelope.additional_properties = d
        return batch_context_data_envelope

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


from ..models.batch_context_data import BatchContextData  # noqa: E402
from ..models.error_info import ErrorInfo  # noqa: E402
