from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..errors import ModelParseError
from ..types import UNSET, Unset

_new_object = object.__new__
_PROPERTY_NAMES = frozenset(
    {
        "status",
        "valid_from",
        "valid_to",
    }
)

T = TypeVar("T", bound="License")


@_attrs_define
class License:
    status: str | Unset = UNSET
    valid_from: datetime.datetime | Unset = UNSET
    valid_to: datetime.datetime | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        field_dict: dict[str, Any] = {**self.additional_properties}
        status = self.status
        if status is not UNSET:
            field_dict["status"] = status

        valid_from = self.valid_from
        if valid_from is not UNSET:
            if TYPE_CHECKING:
                assert not isinstance(valid_from, Unset)
            field_dict["valid_from"] = valid_from.isoformat()

        valid_to = self.valid_to
        if valid_to is not UNSET:
            if TYPE_CHECKING:
                assert not isinstance(valid_to, Unset)
            field_dict["valid_to"] = valid_to.isoformat()

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        if not (type(src_dict) is dict or isinstance(src_dict, Mapping)):
            raise ModelParseError("", src_dict, "expected an object")
        _status = src_dict.get("status")
        status: str | Unset
        if _status is None:
            status = UNSET
        elif isinstance(_status, str):
            status = _status
        else:
            raise ModelParseError("status", _status, "expected a string")

        _valid_from = src_dict.get("valid_from")
        valid_from: datetime.datetime | Unset
        if _valid_from is None:
            valid_from = UNSET
        else:
            try:
                valid_from = datetime.datetime.fromisoformat(_valid_from)
            except (AttributeError, TypeError, ValueError):
                raise ModelParseError(
                    "valid_from", _valid_from, "expected a date-time string"
                ) from None

        _valid_to = src_dict.get("valid_to")
        valid_to: datetime.datetime | Unset
        if _valid_to is None:
            valid_to = UNSET
        else:
            try:
                valid_to = datetime.datetime.fromisoformat(_valid_to)
            except (AttributeError, TypeError, ValueError):
                raise ModelParseError(
                    "valid_to", _valid_to, "expected a date-time string"
                ) from None

        d = (
            {}
            if _PROPERTY_NAMES.issuperset(src_dict)
            else {
                key: value
                for key, value in src_dict.items()
                if key not in _PROPERTY_NAMES
            }
        )
        if cls is License:
            license_ = _new_object(cls)
            license_.status = status
            license_.valid_from = valid_from
            license_.valid_to = valid_to
            license_.additional_properties = {}
        else:
            license_ = cls(
                status=status,
                valid_from=valid_from,
                valid_to=valid_to,
            )

        license_.additional_properties = d
        return license_

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
