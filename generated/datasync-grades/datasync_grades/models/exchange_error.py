from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar
from uuid import UUID

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..errors import ModelParseError
from ..models.exchange_error_code_known import ExchangeErrorCodeKnown
from ..types import UNSET, Unset

_EXCHANGE_ERROR_CODE_KNOWN_VALUES: dict[str, ExchangeErrorCodeKnown] = {
    member.value: member for member in ExchangeErrorCodeKnown
}
_new_object = object.__new__
_PROPERTY_NAMES = frozenset(
    {
        "id",
        "created_at",
        "updated_at",
        "code",
        "message",
        "details",
    }
)

T = TypeVar("T", bound="ExchangeError")


@_attrs_define
class ExchangeError:
    """An error posted against an exchange."""

    id: UUID | Unset = UNSET
    created_at: datetime.datetime | Unset = UNSET
    updated_at: datetime.datetime | Unset = UNSET
    code: ExchangeErrorCodeKnown | str | Unset = UNSET
    """ Why the producer could not answer an exchange. Open enumeration. """
    message: str | Unset = UNSET
    """ Human-readable message the server derives from `code`. """
    details: str | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        field_dict: dict[str, Any] = {**self.additional_properties}
        id = self.id
        if id is not UNSET:
            if TYPE_CHECKING:
                assert not isinstance(id, Unset)
            field_dict["id"] = str(id)

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

        code = self.code
        if code is not UNSET:
            field_dict["code"] = (
                code.value if isinstance(code, ExchangeErrorCodeKnown) else code
            )

        message = self.message
        if message is not UNSET:
            field_dict["message"] = message

        details = self.details
        if details is not UNSET:
            field_dict["details"] = details

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

        _code = src_dict.get("code")
        code: ExchangeErrorCodeKnown | str | Unset
        if _code is None:
            code = UNSET
        elif isinstance(_code, str):
            code = _EXCHANGE_ERROR_CODE_KNOWN_VALUES.get(_code, _code)
        else:
            raise ModelParseError("code", _code, "expected a string")

        _message = src_dict.get("message")
        message: str | Unset
        if _message is None:
            message = UNSET
        elif isinstance(_message, str):
            message = _message
        else:
            raise ModelParseError("message", _message, "expected a string")

        _details = src_dict.get("details")
        details: str | Unset
        if _details is None:
            details = UNSET
        elif isinstance(_details, str):
            details = _details
        else:
            raise ModelParseError("details", _details, "expected a string")

        d = (
            {}
            if _PROPERTY_NAMES.issuperset(src_dict)
            else {
                key: value
                for key, value in src_dict.items()
                if key not in _PROPERTY_NAMES
            }
        )
        if cls is ExchangeError:
            exchange_error = _new_object(cls)
            exchange_error.id = id
            exchange_error.created_at = created_at
            exchange_error.updated_at = updated_at
            exchange_error.code = code
            exchange_error.message = message
            exchange_error.details = details
            exchange_error.additional_properties = {}
        else:
            exchange_error = cls(
                id=id,
                created_at=created_at,
                updated_at=updated_at,
                code=code,
                message=message,
                details=details,
            )

        exchange_error.additional_properties = d
        return exchange_error

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
