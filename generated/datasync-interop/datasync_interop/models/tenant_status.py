from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..types import UNSET, Unset

_PROPERTY_NAMES = frozenset(
    {
        "op_state",
        "setup_state",
        "last_sync_at",
    }
)

T = TypeVar("T", bound="TenantStatus")


@_attrs_define
class TenantStatus:
    op_state: str | Unset = UNSET
    setup_state: str | Unset = UNSET
    last_sync_at: datetime.datetime | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        op_state = self.op_state

        setup_state = self.setup_state

        last_sync_at: str | Unset = UNSET
        if not isinstance(self.last_sync_at, Unset):
            last_sync_at = self.last_sync_at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if op_state is not UNSET:
            field_dict["op_state"] = op_state
        if setup_state is not UNSET:
            field_dict["setup_state"] = setup_state
        if last_sync_at is not UNSET:
            field_dict["last_sync_at"] = last_sync_at

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        op_state = src_dict.get("op_state", UNSET)

        setup_state = src_dict.get("setup_state", UNSET)

        _last_sync_at = src_dict.get("last_sync_at", UNSET)
        last_sync_at: datetime.datetime | Unset
        if isinstance(_last_sync_at, Unset):
            last_sync_at = UNSET
        else:
            last_sync_at = datetime.datetime.fromisoformat(_last_sync_at)

        tenant_status = cls(
            op_state=op_state,
            setup_state=setup_state,
            last_sync_at=last_sync_at,
        )

        if not _PROPERTY_NAMES.issuperset(src_dict):
            tenant_status.additional_properties = {
                key: value
                for key, value in src_dict.items()
                if key not in _PROPERTY_NAMES
            }
        return tenant_status

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
