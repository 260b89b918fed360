from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..errors import ModelParseError
from ..models.batch_exchange_error_code_known import BatchExchangeErrorCodeKnown
from ..types import UNSET, Unset

_BATCH_EXCHANGE_ERROR_CODE_KNOWN_VALUES: dict[str, BatchExchangeErrorCodeKnown] = {
    member.value: member for member in BatchExchangeErrorCodeKnown
}
_new_object = object.__new__
_PROPERTY_NAMES = frozenset(
    {
        "id",
        "state",
        "course_ids",
        "error_code",
        "created_at",
        "updated_at",
    }
)

T = TypeVar("T", bound="BatchExchange")


@_attrs_define
class BatchExchange:
    """A Batch Grades Exchange. Decision: the docs do not show this object; only `id` is needed to
    address it, the other fields are what the mock serves and may be absent from a real server.

    """

    id: UUID | Unset = UNSET
    state: str | Unset = UNSET
    """ Lifecycle state. Open enumeration; no values are documented. """
    course_ids: list[str] | Unset = UNSET
    """ Course ids posted as context data. """
    error_code: BatchExchangeErrorCodeKnown | None | str | Unset = UNSET
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

        state = self.state
        if state is not UNSET:
            field_dict["state"] = state

        course_ids = self.course_ids
        if course_ids is not UNSET:
            field_dict["course_ids"] = course_ids

        error_code = self.error_code
        if error_code is not UNSET:
            field_dict["error_code"] = (
                error_code.value
                if isinstance(error_code, BatchExchangeErrorCodeKnown)
                else error_code
            )

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

        _state = src_dict.get("state")
        state: str | Unset
        if _state is None:
            state = UNSET
        elif isinstance(_state, str):
            state = _state
        else:
            raise ModelParseError("state", _state, "expected a string")

        _course_ids = src_dict.get("course_ids")
        course_ids: list[str] | Unset
        if _course_ids is None:
            course_ids = UNSET
        elif isinstance(_course_ids, list):
            for course_ids_index, course_ids_item in enumerate(_course_ids):
                if not (isinstance(course_ids_item, str)):
                    raise ModelParseError(
                        "course_ids" + f"[{course_ids_index}]",
                        course_ids_item,
                        "expected a string",
                    )
            course_ids = _course_ids
        else:
            raise ModelParseError("course_ids", _course_ids, "expected an array")

        _error_code = src_dict.get("error_code", UNSET)
        error_code: BatchExchangeErrorCodeKnown | None | str | Unset
        if _error_code is None:
            error_code = None
        elif isinstance(_error_code, Unset):
            error_code = UNSET
        elif isinstance(_error_code, str):
            error_code = _BATCH_EXCHANGE_ERROR_CODE_KNOWN_VALUES.get(
                _error_code, _error_code
            )
        else:
            raise ModelParseError("error_code", _error_code, "expected a string")

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
        if cls is BatchExchange:
            batch_exchange = _new_object(cls)
            batch_exchange.id = id
            batch_exchange.state = state
            batch_exchange.course_ids = course_ids
            batch_exchange.error_code = error_code
            batch_exchange.created_at = created_at
            batch_exchange.updated_at = updated_at
            batch_exchange.additional_properties = {}
        else:
            batch_exchange = cls(
                id=id,
                state=state,
                course_ids=course_ids,
                error_code=error_code,
                created_at=created_at,
                updated_at=updated_at,
            )

        batch_exchange.additional_properties = d
        return batch_exchange

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
