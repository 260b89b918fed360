from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..errors import ModelParseError
from ..models.schedule_type_known import ScheduleTypeKnown
from ..types import UNSET, Unset

_SCHEDULE_TYPE_KNOWN_VALUES: dict[str, ScheduleTypeKnown] = {
    member.value: member for member in ScheduleTypeKnown
}
_new_object = object.__new__
_PROPERTY_NAMES = frozenset(
    {
        "id",
        "type",
        "last_executed_at",
        "enabled",
        "hour",
        "days",
        "metadata",
    }
)

T = TypeVar("T", bound="Schedule")


@_attrs_define
class Schedule:
    """A grades schedule. Decision: the docs' example shows no `id`, but schedules are addressed by id
    (`PATCH /schedules/{id}`); a read-only `id` is declared, optional.

    """

    id: UUID | Unset = UNSET
    type_: ScheduleTypeKnown | str | Unset = UNSET
    """ Kind of schedule. Open enumeration. """
    last_executed_at: datetime.datetime | Unset = UNSET
    enabled: bool | Unset = UNSET
    hour: int | Unset = UNSET
    """ Hour of the day the schedule runs. """
    days: str | Unset = UNSET
    """ Days the schedule runs on. """
    metadata: ScheduleMetadata | Unset = UNSET
    """ Audit data of a schedule. The docs show only `null` values, so the shape of each field is not
    constrained.
     """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        field_dict: dict[str, Any] = {**self.additional_properties}
        id = self.id
        if id is not UNSET:
            if TYPE_CHECKING:
                assert not isinstance(id, Unset)
            field_dict["id"] = str(id)

        type_ = self.type_
        if type_ is not UNSET:
            field_dict["type"] = (
                type_.value if isinstance(type_, ScheduleTypeKnown) else type_
            )

        last_executed_at = self.last_executed_at
        if last_executed_at is not UNSET:
            if TYPE_CHECKING:
                assert not isinstance(last_executed_at, Unset)
            field_dict["last_executed_at"] = last_executed_at.isoformat()

        enabled = self.enabled
        if enabled is not UNSET:
            field_dict["enabled"] = enabled

        hour = self.hour
        if hour is not UNSET:
            field_dict["hour"] = hour

        days = self.days
        if days is not UNSET:
            field_dict["days"] = days

        metadata = self.metadata
        if metadata is not UNSET:
            if TYPE_CHECKING:
                assert not isinstance(metadata, Unset)
            field_dict["metadata"] = metadata.to_dict()

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

        _type_ = src_dict.get("type")
        type_: ScheduleTypeKnown | str | Unset
        if _type_ is None:
            type_ = UNSET
        elif isinstance(_type_, str):
            type_ = _SCHEDULE_TYPE_KNOWN_VALUES.get(_type_, _type_)
        else:
            raise ModelParseError("type", _type_, "expected a string")

        _last_executed_at = src_dict.get("last_executed_at")
        last_executed_at: datetime.datetime | Unset
        if _last_executed_at is None:
            last_executed_at = UNSET
        else:
            try:
                last_executed_at = datetime.datetime.fromisoformat(_last_executed_at)
            except (AttributeError, TypeError, ValueError):
                raise ModelParseError(
                    "last_executed_at", _last_executed_at, "expected a date-time string"
                ) from None

        _enabled = src_dict.get("enabled")
        enabled: bool | Unset
        if _enabled is None:
            enabled = UNSET
        elif isinstance(_enabled, bool):
            enabled = _enabled
        else:
            raise ModelParseError("enabled", _enabled, "expected a boolean")

        _hour = src_dict.get("hour")
        hour: int | Unset
        if _hour is None:
            hour = UNSET
        elif isinstance(_hour, int) and not isinstance(_hour, bool):
            hour = _hour
        else:
            raise ModelParseError("hour", _hour, "expected an integer")

        _days = src_dict.get("days")
        days: str | Unset
        if _days is None:
            days = UNSET
        elif isinstance(_days, str):
            days = _days
        else:
            raise ModelParseError("days", _days, "expected a string")

        _metadata = src_dict.get("metadata")
        metadata: ScheduleMetadata | Unset
        if _metadata is None:
            metadata = UNSET
        else:
            try:
                metadata = ScheduleMetadata.from_dict(_metadata)
            except ModelParseError as error:
                raise error.inside("metadata") from None

        d = (
            {}
            if _PROPERTY_NAMES.issuperset(src_dict)
            else {
                key: value
                for key, value in src_dict.items()
                if key not in _PROPERTY_NAMES
            }
        )
        if cls is Schedule:
            schedule = _new_object(cls)
            schedule.id = id
            schedule.type_ = type_
            schedule.last_executed_at = last_executed_at
            schedule.enabled = enabled
            schedule.hour = hour
            schedule.days = days
            schedule.metadata = metadata
            schedule.additional_properties = {}
        else:
            schedule = cls(
                id=id,
                type_=type_,
                last_executed_at=last_executed_at,
                enabled=enabled,
                hour=hour,
                days=days,
                metadata=metadata,
            )

        schedule.additional_properties = d
        return schedule

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


from ..models.schedule_metadata import ScheduleMetadata  # noqa: E402
