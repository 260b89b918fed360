from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..errors import ModelParseError

_new_object = object.__new__
_PROPERTY_NAMES = frozenset(
    {
        "error",
    }
)

T = TypeVar("T", bound="ErrorResponse")


@_attrs_define
class ErrorResponse:
    """Body of every error response."""

    error: ErrorInfo
    """ The error part of an envelope. """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        field_dict: dict[str, Any] = {**self.additional_properties}
        error = self.error
        field_dict["error"] = error.to_dict()

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        if not (type(src_dict) is dict or isinstance(src_dict, Mapping)):
            raise ModelParseError("", src_dict, "expected an object")
        _error = src_dict.get("error")
        error: ErrorInfo
        if _error is None:
            raise ModelParseError.required("error", src_dict)
        else:
            try:
                error = ErrorInfo.from_dict(_error)
            except ModelParseError as error_:
                raise error_.inside("error") from None

        d = (
            {}
            if _PROPERTY_NAMES.issuperset(src_dict)
            else {
                key: value
                for key, value in src_dict.items()
                if key not in _PROPERTY_NAMES
            }
        )
        if cls is ErrorResponse:
            error_response = _new_object(cls)
            error_response.error = error
            error_response.additional_properties = {}
        else:
            error_response = cls(
                error=error,
            )

        error_response.additional_properties = d
        return error_response

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


from ..models.error_info import ErrorInfo  # noqa: E402
