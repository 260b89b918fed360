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
        "next",
    }
)

T = TypeVar("T", bound="Paging")


@_attrs_define
class Paging:
    next_: None | str | Unset = UNSET
    """ Link to the next page; null or absent on the last page. """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        field_dict: dict[str, Any] = {**self.additional_properties}
        next_ = self.next_
        if next_ is not UNSET:
            field_dict["next"] = next_

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        if not (type(src_dict) is dict or isinstance(src_dict, Mapping)):
            raise ModelParseError("", src_dict, "expected an object")
        _next_ = src_dict.get("next", UNSET)
        next_: None | str | Unset
        if _next_ is None:
            next_ = None
        elif isinstance(_next_, Unset):
            next_ = UNSET
        elif isinstance(_next_, str):
            next_ = _next_
        else:
            raise ModelParseError("next", _next_, "expected a string")

        d = (
            {}
            if _PROPERTY_NAMES.issuperset(src_dict)
            else {
                key: value
                for key, value in src_dict.items()
                if key not in _PROPERTY_NAMES
            }
        )
        if cls is Paging:
            paging = _new_object(cls)
            paging.next_ = next_
            paging.additional_properties = {}
        else:
            paging = cls(
                next_=next_,
            )

        paging.additional_properties = d
        return paging

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
