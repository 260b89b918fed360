from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..errors import ModelParseError
from ..models.exchange_error_code_known import ExchangeErrorCodeKnown
from ..types import UNSET, Unset

_EXCHANGE_ERROR_CODE_KNOWN_VALUES: dict[str, ExchangeErrorCodeKnown] = {
    member.value: member for member in ExchangeErrorCodeKnown
}
_new_object = object.__new__
_PROPERTY_NAMES = frozenset(
    {
        "code",
        "details",
    }
)

T = TypeVar("T", bound="ExchangeErrorCreate")


@_attrs_define
class ExchangeErrorCreate:
    """Body of `createExchangeError` (the writable fields of `ExchangeError`)."""

    code: ExchangeErrorCodeKnown | str | Unset = UNSET
    """ Why the producer could not answer an exchange. Open enumeration. """
    details: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        field_dict: dict[str, Any] = {**self.additional_properties}
        code = self.code
        if code is not UNSET:
            field_dict["code"] = (
                code.value if isinstance(code, ExchangeErrorCodeKnown) else code
            )

        details = self.details
        if details is not UNSET:
            field_dict["details"] = details

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        if not (type(src_dict) is dict or isinstance(src_dict, Mapping)):
            raise ModelParseError("", src_dict, "expected an object")
        _code = src_dict.get("code")
        code: ExchangeErrorCodeKnown | str | Unset
        if _code is None:
            code = UNSET
        elif isinstance(_code, str):
            code = _EXCHANGE_ERROR_CODE_KNOWN_VALUES.get(_code, _code)
        else:
            raise ModelParseError("code", _code, "expected a string")

        _details = src_dict.get("details")
        details: str | Unset
        if _details is None:
            details = UNSET
        elif isinstance(_details, str):
            details = _details
        else:
            raise ModelParseError("details", _details, "expected a string")

        d = (
            {}
            if _PROPERTY_NAMES.issuperset(src_dict)
            else {
                key: value
                for key, value in src_dict.items()
                if key not in _PROPERTY_NAMES
            }
        )
        if cls is ExchangeErrorCreate:
            exchange_error_create = _new_object(cls)
            exchange_error_create.code = code
            exchange_error_create.details = details
            exchange_error_create.additional_properties = {}
        else:
            exchange_error_create = cls(
                code=code,
                details=details,
            )

        exchange_error_create.additional_properties = d
        return exchange_error_create

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
