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
        "course_ids",
    }
)

T = TypeVar("T", bound="BatchContextData")


@_attrs_define
class BatchContextData:
    """Context data of a batch exchange."""

    course_ids: list[str] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        field_dict: dict[str, Any] = {**self.additional_properties}
        course_ids = self.course_ids
        if course_ids is not UNSET:
            field_dict["course_ids"] = course_ids

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        if not (type(src_dict) is dict or isinstance(src_dict, Mapping)):
            raise ModelParseError("", src_dict, "expected an object")
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

        d = (
            {}
            if _PROPERTY_NAMES.issuperset(src_dict)
            else {
                key: value
                for key, value in src_dict.items()
                if key not in _PROPERTY_NAMES
            }
        )
        if cls is BatchContextData:
            batch_context_data = _new_object(cls)
            batch_context_data.course_ids = course_ids
            batch_context_data.additional_properties = {}
        else:
            batch_context_data = cls(
                course_ids=course_ids,
            )

        batch_context_data.additional_properties = d
        return batch_context_data

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
