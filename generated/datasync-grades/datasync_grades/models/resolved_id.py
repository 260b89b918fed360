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
        "consumerSourceId",
    }
)

T = TypeVar("T", bound="ResolvedId")


@_attrs_define
class ResolvedId:
    consumer_source_id: str | Unset = UNSET
    """ The section's id in the consumer's id space. """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        field_dict: dict[str, Any] = {**self.additional_properties}
        consumer_source_id = self.consumer_source_id
        if consumer_source_id is not UNSET:
            field_dict["consumerSourceId"] = consumer_source_id

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        if not (type(src_dict) is dict or isinstance(src_dict, Mapping)):
            raise ModelParseError("", src_dict, "expected an object")
        _consumer_source_id = src_dict.get("consumerSourceId")
        consumer_source_id: str | Unset
        if _consumer_source_id is None:
            consumer_source_id = UNSET
        elif isinstance(_consumer_source_id, str):
            consumer_source_id = _consumer_source_id
        else:
            raise ModelParseError(
                "consumerSourceId", _consumer_source_id, "expected a string"
            )

        d = (
            {}
            if _PROPERTY_NAMES.issuperset(src_dict)
            else {
                key: value
                for key, value in src_dict.items()
                if key not in _PROPERTY_NAMES
            }
        )
        if cls is ResolvedId:
            resolved_id = _new_object(cls)
            resolved_id.consumer_source_id = consumer_source_id
            resolved_id.additional_properties = {}
        else:
            resolved_id = cls(
                consumer_source_id=consumer_source_id,
            )

        resolved_id.additional_properties = d
        return resolved_id

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
