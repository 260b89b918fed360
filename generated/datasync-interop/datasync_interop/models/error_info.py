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
        "status",
        "code",
        "message",
        "ext_message",
        "details",
    }
)

T = TypeVar("T", bound="ErrorInfo")


@_attrs_define
class ErrorInfo:
    """The error part of an envelope."""

    status: int | Unset = UNSET
    """ HTTP status of the response. """
    code: str | Unset = UNSET
    """ Machine-readable error code. """
    message: str | Unset = UNSET
    """ Human-readable message. """
    ext_message: None | str | Unset = UNSET
    """ Additional message. """
    details: None | str | Unset = UNSET
    """ Details, such as which field was invalid. """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        field_dict: dict[str, Any] = {**self.additional_properties}
        status = self.status
        if status is not UNSET:
            field_dict["status"] = status

        code = self.code
        if code is not UNSET:
            field_dict["code"] = code

        message = self.message
        if message is not UNSET:
            field_dict["message"] = message

        ext_message = self.ext_message
        if ext_message is not UNSET:
            field_dict["ext_message"] = ext_message

        details = self.details
        if details is not UNSET:
            field_dict["details"] = details

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        if not (type(src_dict) is dict or isinstance(src_dict, Mapping)):
            raise ModelParseError("", src_dict, "expected an object")
        _status = src_dict.get("status")
        status: int | Unset
        if _status is None:
            status = UNSET
        elif isinstance(_status, int) and not isinstance(_status, bool):
            status = _status
        else:
            raise ModelParseError("status", _status, "expected an integer")

        _code = src_dict.get("code")
        code: str | Unset
        if _code is None:
            code = UNSET
        elif isinstance(_code, str):
            code = _code
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

        _ext_message = src_dict.get("ext_message", UNSET)
        ext_message: None | str | Unset
        if _ext_message is None:
            ext_message = None
        elif isinstance(_ext_message, Unset):
            ext_message = UNSET
        elif isinstance(_ext_message, str):
            ext_message = _ext_message
        else:
            raise ModelParseError("ext_message", _ext_message, "expected a string")

        _details = src_dict.get("details", UNSET)
        details: None | str | Unset
        if _details is None:
            details = None
        elif isinstance(_details, Unset):
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
        if cls is ErrorInfo:
            error_info = _new_object(cls)
            error_info.status = status
            error_info.code = code
            error_info.message = message
            error_info.ext_message = ext_message
            error_info.details = details
            error_info.additional_properties = {}
        else:
            error_info = cls(
                status=status,
                code=code,
                message=message,
                ext_message=ext_message,
                details=details,
            )

        error_info.additional_properties = d
        return error_info

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
