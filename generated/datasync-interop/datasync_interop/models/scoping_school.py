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
        "account_id",
        "tenant_id",
        "school_id",
        "school_ref_id",
        "name",
        "local_id",
        "keywords",
        "selected",
    }
)

T = TypeVar("T", bound="ScopingSchool")


@_attrs_define
class ScopingSchool:
    """A school that scopes the tenant's repository."""

    account_id: UUID | Unset = UNSET
    tenant_id: UUID | Unset = UNSET
    school_id: UUID | Unset = UNSET
    school_ref_id: str | Unset = UNSET
    name: str | Unset = UNSET
    local_id: str | Unset = UNSET
    keywords: str | Unset = UNSET
    selected: bool | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        field_dict: dict[str, Any] = {**self.additional_properties}
        account_id = self.account_id
        if account_id is not UNSET:
            if TYPE_CHECKING:
                assert not isinstance(account_id, Unset)
            field_dict["account_id"] = str(account_id)

        tenant_id = self.tenant_id
        if tenant_id is not UNSET:
            if TYPE_CHECKING:
                assert not isinstance(tenant_id, Unset)
            field_dict["tenant_id"] = str(tenant_id)

        school_id = self.school_id
        if school_id is not UNSET:
            if TYPE_CHECKING:
                assert not isinstance(school_id, Unset)
            field_dict["school_id"] = str(school_id)

        school_ref_id = self.school_ref_id
        if school_ref_id is not UNSET:
            field_dict["school_ref_id"] = school_ref_id

        name = self.name
        if name is not UNSET:
            field_dict["name"] = name

        local_id = self.local_id
        if local_id is not UNSET:
            field_dict["local_id"] = local_id

        keywords = self.keywords
        if keywords is not UNSET:
            field_dict["keywords"] = keywords

        selected = self.selected
        if selected is not UNSET:
            field_dict["selected"] = selected

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        if not (type(src_dict) is dict or isinstance(src_dict, Mapping)):
            raise ModelParseError("", src_dict, "expected an object")
        _account_id = src_dict.get("account_id")
        account_id: UUID | Unset
        if _account_id is None:
            account_id = UNSET
        else:
            try:
                account_id = UUID(_account_id)
            except (AttributeError, TypeError, ValueError):
                raise ModelParseError(
                    "account_id", _account_id, "expected a UUID string"
                ) from None

        _tenant_id = src_dict.get("tenant_id")
        tenant_id: UUID | Unset
        if _tenant_id is None:
            tenant_id = UNSET
        else:
            try:
                tenant_id = UUID(_tenant_id)
            except (AttributeError, TypeError, ValueError):
                raise ModelParseError(
                    "tenant_id", _tenant_id, "expected a UUID string"
                ) from None

        _school_id = src_dict.get("school_id")
        school_id: UUID | Unset
        if _school_id is None:
            school_id = UNSET
        else:
            try:
                school_id = UUID(_school_id)
            except (AttributeError, TypeError, ValueError):
                raise ModelParseError(
                    "school_id", _school_id, "expected a UUID string"
                ) from None

        _school_ref_id = src_dict.get("school_ref_id")
        school_ref_id: str | Unset
        if _school_ref_id is None:
            school_ref_id = UNSET
        elif isinstance(_school_ref_id, str):
            school_ref_id = _school_ref_id
        else:
            raise ModelParseError("school_ref_id", _school_ref_id, "expected a string")

        _name = src_dict.get("name")
        name: str | Unset
        if _name is None:
            name = UNSET
        elif isinstance(_name, str):
            name = _name
        else:
            raise ModelParseError("name", _name, "expected a string")

        _local_id = src_dict.get("local_id")
        local_id: str | Unset
        if _local_id is None:
            local_id = UNSET
        elif isinstance(_local_id, str):
            local_id = _local_id
        else:
            raise ModelParseError("local_id", _local_id, "expected a string")

        _keywords = src_dict.get("keywords")
        keywords: str | Unset
        if _keywords is None:
            keywords = UNSET
        elif isinstance(_keywords, str):
            keywords = _keywords
        else:
            raise ModelParseError("keywords", _keywords, "expected a string")

        _selected = src_dict.get("selected")
        selected: bool | Unset
        if _selected is None:
            selected = UNSET
        elif isinstance(_selected, bool):
            selected = _selected
        else:
            raise ModelParseError("selected", _selected, "expected a boolean")

        d = (
            {}
            if _PROPERTY_NAMES.issuperset(src_dict)
            else {
                key: value
                for key, value in src_dict.items()
                if key not in _PROPERTY_NAMES
            }
        )
        if cls is ScopingSchool:
            scoping_school = _new_object(cls)
            scoping_school.account_id = account_id
            scoping_school.tenant_id = tenant_id
            scoping_school.school_id = school_id
            scoping_school.school_ref_id = school_ref_id
            scoping_school.name = name
            scoping_school.local_id = local_id
            scoping_school.keywords = keywords
            scoping_school.selected = selected
            scoping_school.additional_properties = {}
        else:
            scoping_school = cls(
                account_id=account_id,
                tenant_id=tenant_id,
                school_id=school_id,
                school_ref_id=school_ref_id,
                name=name,
                local_id=local_id,
                keywords=keywords,
                selected=selected,
            )

        scoping_school.additional_properties = d
        return scoping_school

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
