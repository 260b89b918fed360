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
        "created",
        "updated",
        "scheduled",
    }
)

T = TypeVar("T", bound="ScheduleMetadata")


@_attrs_define
class ScheduleMetadata:
    """Audit data of a schedule. The docs show only `null` values, so the shape of each field is not
    constrained.

    """

    created: Any | Unset = UNSET
    updated: Any | Unset = UNSET
    scheduled: Any | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        field_dict: dict[str, Any] = {**self.additional_properties}
        created = self.created
        if created is not UNSET:
            field_dict["created"] = created

        updated = self.updated
        if updated is not UNSET:
            field_dict["updated"] = updated

        scheduled = self.scheduled
        if scheduled is not UNSET:
            field_dict["scheduled"] = scheduled

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        if not (type(src_dict) is dict or isinstance(src_dict, Mapping)):
            raise ModelParseError("", src_dict, "expected an object")
        created = src_dict.get("created", UNSET)

        updated = src_dict.get("updated", UNSET)

        scheduled = src_dict.get("scheduled", UNSET)

        d = (
            {}
            if _PROPERTY_NAMES.issuperset(src_dict)
            else {
                key: value
                for key, value in src_dict.items()
                if key not in _PROPERTY_NAMES
            }
        )
        if cls is ScheduleMetadata:
            schedule_metadata = _new_object(cls)
            schedule_metadata.created = created
            schedule_metadata.updated = updated
            schedule_metadata.scheduled = scheduled
            schedule_metadata.additional_properties = {}
        else:
            schedule_metadata = cls(
                created=created,
                updated=updated,
                scheduled=scheduled,
            )

        schedule_metadata.additional_properties = d
        return schedule_metadata

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
