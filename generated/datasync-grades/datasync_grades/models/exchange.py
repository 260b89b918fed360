from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import Any, TypeVar, cast
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.exchange_query import ExchangeQuery
from ..models.exchange_state_known import ExchangeStateKnown
from ..models.metadata_type_0 import MetadataType0
from ..types import UNSET, Unset

_EXCHANGE_STATE_KNOWN_VALUES: dict[str, ExchangeStateKnown] = {
    member.value: member for member in ExchangeStateKnown
}
_PROPERTY_NAMES = frozenset(
    {
        "id",
        "query",
        "metadata",
        "state",
        "max_data_content_length",
        "error_count",
        "course_app_id",
        "batch_exchange_id",
        "created_at",
        "updated_at",
    }
)

T = TypeVar("T", bound="Exchange")


@_attrs_define
class Exchange:
    """A Grades Exchange. Decision: the docs' examples show no `id`, `created_at` or `updated_at`, but an
    exchange is addressed by id (`GET /exchanges/{id}`); these read-only fields are declared, optional.

    """

    id: UUID | Unset = UNSET
    query: ExchangeQuery | Unset = UNSET
    metadata: MetadataType0 | None | Unset = UNSET
    """ Free-form metadata attached by the creator. """
    state: ExchangeStateKnown | str | Unset = UNSET
    """ Lifecycle state of an exchange. Open enumeration. """
    max_data_content_length: int | Unset = UNSET
    """ Largest body, in bytes, one `createExchangeData` request may carry. """
    error_count: int | Unset = UNSET
    """ Number of errors posted against the exchange. """
    course_app_id: str | Unset = UNSET
    batch_exchange_id: str | Unset = UNSET
    created_at: datetime.datetime | Unset = UNSET
    updated_at: datetime.datetime | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        id: str | Unset = UNSET
        if not isinstance(self.id, Unset):
            id = str(self.id)

        query: dict[str, Any] | Unset = UNSET
        if not isinstance(self.query, Unset):
            query = self.query.to_dict()

        metadata: dict[str, Any] | None | Unset
        if isinstance(self.metadata, Unset):
            metadata = UNSET
        elif isinstance(self.metadata, MetadataType0):
            metadata = self.metadata.to_dict()
        else:
            metadata = self.metadata

        state: str | Unset
        if isinstance(self.state, Unset):
            state = UNSET
        elif isinstance(self.state, ExchangeStateKnown):
            state = self.state.value
        else:
            state = self.state

        max_data_content_length = self.max_data_content_length

        error_count = self.error_count

        course_app_id = self.course_app_id

        batch_exchange_id = self.batch_exchange_id

        created_at: str | Unset = UNSET
        if not isinstance(self.created_at, Unset):
            created_at = self.created_at.isoformat()

        updated_at: str | Unset = UNSET
        if not isinstance(self.updated_at, Unset):
            updated_at = self.updated_at.isoformat()

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if id is not UNSET:
            field_dict["id"] = id
        if query is not UNSET:
            field_dict["query"] = query
        if metadata is not UNSET:
            field_dict["metadata"] = metadata
        if state is not UNSET:
            field_dict["state"] = state
        if max_data_content_length is not UNSET:
            field_dict["max_data_content_length"] = max_data_content_length
        if error_count is not UNSET:
            field_dict["error_count"] = error_count
        if course_app_id is not UNSET:
            field_dict["course_app_id"] = course_app_id
        if batch_exchange_id is not UNSET:
            field_dict["batch_exchange_id"] = batch_exchange_id
        if created_at is not UNSET:
            field_dict["created_at"] = created_at
        if updated_at is not UNSET:
            field_dict["updated_at"] = updated_at

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        _id = src_dict.get("id", UNSET)
        id: UUID | Unset
        if isinstance(_id, Unset):
            id = UNSET
        else:
            id = UUID(_id)

        _query = src_dict.get("query", UNSET)
        query: ExchangeQuery | Unset
        if isinstance(_query, Unset):
            query = UNSET
        else:
            query = ExchangeQuery.from_dict(_query)

        def _parse_metadata(data: object) -> MetadataType0 | None | Unset:
            if data is None:
                return data
            if isinstance(data, Unset):
                return data
            try:
                if not isinstance(data, dict):
                    raise TypeError()
                componentsschemas_metadata_type_0 = MetadataType0.from_dict(data)

                return componentsschemas_metadata_type_0
            except (TypeError, ValueError, AttributeError, KeyError):
                pass
            return cast(MetadataType0 | None | Unset, data)

        metadata = _parse_metadata(src_dict.get("metadata", UNSET))

        _state = src_dict.get("state", UNSET)
        state: ExchangeStateKnown | str | Unset
        if isinstance(_state, str):
            state = _EXCHANGE_STATE_KNOWN_VALUES.get(_state, _state)
        else:
            state = cast(ExchangeStateKnown | str | Unset, _state)

        max_data_content_length = src_dict.get("max_data_content_length", UNSET)

        error_count = src_dict.get("error_count", UNSET)

        course_app_id = src_dict.get("course_app_id", UNSET)

        batch_exchange_id = src_dict.get("batch_exchange_id", UNSET)

        _created_at = src_dict.get("created_at", UNSET)
        created_at: datetime.datetime | Unset
        if isinstance(_created_at, Unset):
            created_at = UNSET
        else:
            created_at = datetime.datetime.fromisoformat(_created_at)

        _updated_at = src_dict.get("updated_at", UNSET)
        updated_at: datetime.datetime | Unset
        if isinstance(_updated_at, Unset):
            updated_at = UNSET
        else:
            updated_at = datetime.datetime.fromisoformat(_updated_at)

        exchange = cls(
            id=id,
            query=query,
            metadata=metadata,
            state=state,
            max_data_content_length=max_data_content_length,
            error_count=error_count,
            course_app_id=course_app_id,
            batch_exchange_id=batch_exchange_id,
            created_at=created_at,
            updated_at=updated_at,
        )

        if not _PROPERTY_NAMES.issuperset(src_dict):
            exchange.additional_properties = {
                key: value
                for key, value in src_dict.items()
                if key not in _PROPERTY_NAMES
            }
        return exchange

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
