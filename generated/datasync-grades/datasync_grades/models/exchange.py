from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..errors import ModelParseError
from ..models.exchange_state_known import ExchangeStateKnown
from ..types import UNSET, Unset

_EXCHANGE_STATE_KNOWN_VALUES: dict[str, ExchangeStateKnown] = {
    member.value: member for member in ExchangeStateKnown
}
_new_object = object.__new__
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
        field_dict: dict[str, Any] = {**self.additional_properties}
        id = self.id
        if id is not UNSET:
            if TYPE_CHECKING:
                assert not isinstance(id, Unset)
            field_dict["id"] = str(id)

        query = self.query
        if query is not UNSET:
            if TYPE_CHECKING:
                assert not isinstance(query, Unset)
            field_dict["query"] = query.to_dict()

        metadata = self.metadata
        if metadata is not UNSET:
            field_dict["metadata"] = (
                metadata.to_dict() if isinstance(metadata, MetadataType0) else metadata
            )

        state = self.state
        if state is not UNSET:
            field_dict["state"] = (
                state.value if isinstance(state, ExchangeStateKnown) else state
            )

        max_data_content_length = self.max_data_content_length
        if max_data_content_length is not UNSET:
            field_dict["max_data_content_length"] = max_data_content_length

        error_count = self.error_count
        if error_count is not UNSET:
            field_dict["error_count"] = error_count

        course_app_id = self.course_app_id
        if course_app_id is not UNSET:
            field_dict["course_app_id"] = course_app_id

        batch_exchange_id = self.batch_exchange_id
        if batch_exchange_id is not UNSET:
            field_dict["batch_exchange_id"] = batch_exchange_id

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

        _query = src_dict.get("query")
        query: ExchangeQuery | Unset
        if _query is None:
            query = UNSET
        else:
            try:
                query = ExchangeQuery.from_dict(_query)
            except ModelParseError as error:
                raise error.inside("query") from None

        _metadata = src_dict.get("metadata", UNSET)
        metadata: MetadataType0 | None | Unset
        if _metadata is None:
            metadata = None
        elif isinstance(_metadata, Unset):
            metadata = UNSET
        else:
            try:
                metadata = MetadataType0.from_dict(_metadata)
            except ModelParseError as error:
                raise error.inside("metadata") from None

        _state = src_dict.get("state")
        state: ExchangeStateKnown | str | Unset
        if _state is None:
            state = UNSET
        elif isinstance(_state, str):
            state = _EXCHANGE_STATE_KNOWN_VALUES.get(_state, _state)
        else:
            raise ModelParseError("state", _state, "expected a string")

        _max_data_content_length = src_dict.get("max_data_content_length")
        max_data_content_length: int | Unset
        if _max_data_content_length is None:
            max_data_content_length = UNSET
        elif isinstance(_max_data_content_length, int) and not isinstance(
            _max_data_content_length, bool
        ):
            max_data_content_length = _max_data_content_length
        else:
            raise ModelParseError(
                "max_data_content_length",
                _max_data_content_length,
                "expected an integer",
            )

        _error_count = src_dict.get("error_count")
        error_count: int | Unset
        if _error_count is None:
            error_count = UNSET
        elif isinstance(_error_count, int) and not isinstance(_error_count, bool):
            error_count = _error_count
        else:
            raise ModelParseError("error_count", _error_count, "expected an integer")

        _course_app_id = src_dict.get("course_app_id")
        course_app_id: str | Unset
        if _course_app_id is None:
            course_app_id = UNSET
        elif isinstance(_course_app_id, str):
            course_app_id = _course_app_id
        else:
            raise ModelParseError("course_app_id", _course_app_id, "expected a string")

        _batch_exchange_id = src_dict.get("batch_exchange_id")
        batch_exchange_id: str | Unset
        if _batch_exchange_id is None:
            batch_exchange_id = UNSET
        elif isinstance(_batch_exchange_id, str):
            batch_exchange_id = _batch_exchange_id
        else:
            raise ModelParseError(
                "batch_exchange_id", _batch_exchange_id, "expected a string"
            )

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
        if cls is Exchange:
            exchange = _new_object(cls)
            exchange.id = id
            exchange.query = query
            exchange.metadata = metadata
            exchange.state = state
            exchange.max_data_content_length = max_data_content_length
            exchange.error_count = error_count
            exchange.course_app_id = course_app_id
            exchange.batch_exchange_id = batch_exchange_id
            exchange.created_at = created_at
            exchange.updated_at = updated_at
            exchange.additional_properties = {}
        else:
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

        exchange.additional_properties = d
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


from ..models.exchange_query import ExchangeQuery  # noqa: E402
from ..models.metadata_type_0 import MetadataType0  # noqa: E402
