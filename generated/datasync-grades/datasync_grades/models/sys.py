from __future__ import annotations

import datetime
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
        "source_id",
        "app_id",
        "created_at",
        "updated_at",
    }
)

T = TypeVar("T", bound="Sys")


@_attrs_define
class Sys:
    """System attributes of a DataSync object (`$sys`). Decision: `created_at`/`updated_at` are not
    read-only here: the docs' grade-data example sends them, as the timestamps of the object in its
    source system.

    """

    id: UUID | Unset = UNSET
    source_id: KeyValueMap | Unset = UNSET
    """ String values keyed by application or source name. """
    app_id: KeyValueMap | Unset = UNSET
    """ String values keyed by application or source name. """
    created_at: datetime.datetime | Unset = UNSET
    updated_at: datetime.datetime | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        field_dict: dict[str, Any] = {**self.additional_properties}
        id = self.id
        if id is not UNSET:
            if TYPE_CHECKING:
                assert not isinstance(id, Unset)
            field_dict["id"] = str(id)

        source_id = self.source_id
        if source_id is not UNSET:
            if TYPE_CHECKING:
                assert not isinstance(source_id, Unset)
            field_dict["source_id"] = source_id.to_dict()

        app_id = self.app_id
        if app_id is not UNSET:
            if TYPE_CHECKING:
                assert not isinstance(app_id, Unset)
            field_dict["app_id"] = app_id.to_dict()

        created_at = self.created_at
        if created_at is not UNSET:
            if TYPE_CHECKING:
                assert not isinstance(created_at, Unset)
            field_dict["created_at"] = created_at.isoformat()

        updated_at = self.updated_at
        if updated_at is not UNSET:
            if TYPE_CHECKING:
                assert not isinstance(updated_at, Unset)
            field_dict["updated_at"] = updated_at.isoformat()

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

        _source_id = src_dict.get("source_id")
        source_id: KeyValueMap | Unset
        if _source_id is None:
            source_id = UNSET
        else:
            try:
                source_id = KeyValueMap.from_dict(_source_id)
            except ModelParseError as error:
                raise error.inside("source_id") from None

        _app_id = src_dict.get("app_id")
        app_id: KeyValueMap | Unset
        if _app_id is None:
            app_id = UNSET
        else:
            try:
                app_id = KeyValueMap.from_dict(_app_id)
            except ModelParseError as error:
                raise error.inside("app_id") from None

        _created_at = src_dict.get("created_at")
        created_at: datetime.datetime | Unset
        if _created_at is None:
            created_at = UNSET
        else:
            try:
                created_at = datetime.datetime.fromisoformat(_created_at)
            except (AttributeError, TypeError, ValueError):
                raise ModelParseError(
                    "created_at", _created_at, "expected a date-time string"
                ) from None

        _updated_at = src_dict.get("updated_at")
        updated_at: datetime.datetime | Unset
        if _updated_at is None:
            updated_at = UNSET
        else:
            try:
                updated_at = datetime.datetime.fromisoformat(_updated_at)
            except (AttributeError, TypeError, ValueError):
                raise ModelParseError(
                    "updated_at", _updated_at, "expected a date-time string"
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
        if cls is Sys:
            sys = _new_object(cls)
            sys.id = id
            sys.source_id = source_id
            sys.app_id = app_id
            sys.created_at = created_at
            sys.updated_at = updated_at
            sys.additional_properties = {}
        else:
            sys = cls(
                id=id,
                source_id=source_id,
                app_id=app_id,
                created_at=created_at,
                updated_at=updated_at,
            )

        sys.additional_properties = d
        return sys

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


from ..models.key_value_map import KeyValueMap  # noqa: E402
