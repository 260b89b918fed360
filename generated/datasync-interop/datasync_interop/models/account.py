from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..errors import ModelParseError
from ..types import UNSET, Unset

_new_object = object.__new__
_PROPERTY_NAMES = frozenset(
    {
        "id",
        "name",
        "public_id",
        "timezone",
        "userdata",
    }
)

T = TypeVar("T", bound="Account")


@_attrs_define
class Account:
    id: UUID | Unset = UNSET
    name: str | Unset = UNSET
    public_id: str | Unset = UNSET
    timezone: str | Unset = UNSET
    userdata: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        field_dict: dict[str, Any] = {**self.additional_properties}
        id = self.id
        if id is not UNSET:
            if TYPE_CHECKING:
                assert not isinstance(id, Unset)
            field_dict["id"] = str(id)

        name = self.name
        if name is not UNSET:
            field_dict["name"] = name

        public_id = self.public_id
        if public_id is not UNSET:
            field_dict["public_id"] = public_id

        timezone = self.timezone
        if timezone is not UNSET:
            field_dict["timezone"] = timezone

        userdata = self.userdata
        if userdata is not UNSET:
            field_dict["userdata"] = userdata

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        if not (type(src_dict) is dict or isinstance(src_dict, Mapping)):
            raise ModelParseError("", src_dict, "expected an object")
        _id = src_dict.get("id")
        id: UUID | Unset
        if _id is None:
            id = UNSET
        else:
            try:
                id = UUID(_id)
            except (AttributeError, TypeError, ValueError):
                raise ModelParseError("id", _id, "expected a UUID string") from None

        _name = src_dict.get("name")
        name: str | Unset
        if _name is None:
            name = UNSET
        elif isinstance(_name, str):
            name = _name
        else:
            raise ModelParseError("name", _name, "expected a string")

        _public_id = src_dict.get("public_id")
        public_id: str | Unset
        if _public_id is None:
            public_id = UNSET
        elif isinstance(_public_id, str):
            public_id = _public_id
        else:
            raise ModelParseError("public_id", _public_id, "expected a string")

        _timezone = src_dict.get("timezone")
        timezone: str | Unset
        if _timezone is None:
            timezone = UNSET
        elif isinstance(_timezone, str):
            timezone = _timezone
        else:
            raise ModelParseError("timezone", _timezone, "expected a string")

        _userdata = src_dict.get("userdata")
        userdata: str | Unset
        if _userdata is None:
            userdata = UNSET
        elif isinstance(_userdata, str):
            userdata = _userdata
        else:
            raise ModelParseError("userdata", _userdata, "expected a string")

        d = (
            {}
            if _PROPERTY_NAMES.issuperset(src_dict)
            else {
                key: value
                for key, value in src_dict.items()
                if key not in _PROPERTY_NAMES
            }
        )
        if cls is Account:
            account = _new_object(cls)
            account.id = id
            account.name = name
            account.public_id = public_id
            account.timezone = timezone
            account.userdata = userdata
            account.additional_properties = {}
        else:
            account = cls(
                id=id,
                name=name,
                public_id=public_id,
                timezone=timezone,
                userdata=userdata,
            )

        account.additional_properties = d
        return account

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
