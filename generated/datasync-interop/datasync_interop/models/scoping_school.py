from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

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
        account_id: str | Unset = UNSET
        if not isinstance(self.account_id, Unset):
            account_id = str(self.account_id)

        tenant_id: str | Unset = UNSET
        if not isinstance(self.tenant_id, Unset):
            tenant_id = str(self.tenant_id)

        school_id: str | Unset = UNSET
        if not isinstance(self.school_id, Unset):
            school_id = str(self.school_id)

        school_ref_id = self.school_ref_id

        name = self.name

        local_id = self.local_id

        keywords = self.keywords

        selected = self.selected

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if account_id is not UNSET:
            field_dict["account_id"] = account_id
        if tenant_id is not UNSET:
            field_dict["tenant_id"] = tenant_id
        if school_id is not UNSET:
            field_dict["school_id"] = school_id
        if school_ref_id is not UNSET:
            field_dict["school_ref_id"] = school_ref_id
        if name is not UNSET:
            field_dict["name"] = name
        if local_id is not UNSET:
            field_dict["local_id"] = local_id
        if keywords is not UNSET:
            field_dict["keywords"] = keywords
        if selected is not UNSET:
            field_dict["selected"] = selected

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        _account_id = src_dict.get("account_id", UNSET)
        account_id: UUID | Unset
        if isinstance(_account_id, Unset):
            account_id = UNSET
        else:
            account_id = UUID(_account_id)

        _tenant_id = src_dict.get("tenant_id", UNSET)
        tenant_id: UUID | Unset
        if isinstance(_tenant_id, Unset):
            tenant_id = UNSET
        else:
            tenant_id = UUID(_tenant_id)

        _school_id = src_dict.get("school_id", UNSET)
        school_id: UUID | Unset
        if isinstance(_school_id, Unset):
            school_id = UNSET
        else:
            school_id = UUID(_school_id)

        school_ref_id = src_dict.get("school_ref_id", UNSET)

        name = src_dict.get("name", UNSET)

        local_id = src_dict.get("local_id", UNSET)

        keywords = src_dict.get("keywords", UNSET)

        selected = src_dict.get("selected", UNSET)

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

        if not _PROPERTY_NAMES.issuperset(src_dict):
            scoping_school.additional_properties = {
                key: value
                for key, value in src_dict.items()
                if key not in _PROPERTY_NAMES
            }
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
