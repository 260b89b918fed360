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
        field_dict: dict[str, Any] = {**self.additional_properties}
        op_state = self.op_state
        if op_state is not UNSET:
            field_dict["op_state"] = op_state

        setup_state = self.setup_state
        if setup_state is not UNSET:
            field_dict["setup_state"] = setup_state

        last_sync_at = self.last_sync_at
        if last_sync_at is not UNSET:
            if TYPE_CHECKING:
                assert not isinstance(last_sync_at, Unset)
            field_dict["last_sync_at"] = last_sync_at.isoformat()

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        if not (type(src_dict) is dict or isinstance(src_dict, Mapping)):
            raise ModelParseError("", src_dict, "expected an object")
        _op_state = src_dict.get("op_state")
        op_state: str | Unset
        if _op_state is None:
            op_state = UNSET
        elif isinstance(_op_state, str):
            op_state = _op_state
        else:
            raise ModelParseError("op_state", _op_state, "expected a string")

        _setup_state = src_dict.get("setup_state")
        setup_state: str | Unset
        if _setup_state is None:
            setup_state = UNSET
        elif isinstance(_setup_state, str):
            setup_state = _setup_state
        else:
            raise ModelParseError("setup_state", _setup_state, "expected a string")

        _last_sync_at = src_dict.get("last_sync_at")
        last_sync_at: datetime.datetime | Unset
        if _last_sync_at is None:
            last_sync_at = UNSET
        else:
            try:
                last_sync_at = datetime.datetime.fromisoformat(_last_sync_at)
            except (AttributeError, TypeError, ValueError):
                raise ModelParseError(
                    "last_sync_at", _last_sync_at, "expected a date-time string"
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
        if cls is TenantStatus:
            tenant_status = _new_object(cls)
            tenant_status.op_state = op_state
            tenant_status.setup_state = setup_state
            tenant_status.last_sync_at = last_sync_at
            tenant_status.additional_properties = {}
        else:
            tenant_status = cls(
                op_state=op_state,
                setup_state=setup_state,
                last_sync_at=last_sync_at,
            )

        tenant_status.additional_properties = d
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
