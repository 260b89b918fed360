from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..errors import ModelParseError
from ..types import UNSET, Unset

_new_object = object.__new__
_PROPERTY_NAMES = frozenset(
    {
        "name",
        "$sys",
    }
)

T = TypeVar("T", bound="ObjectRef")


@_attrs_define
class ObjectRef:
    """A reference to a DataSync object (section, person, term, ...) by name and system ids."""

    name: str | Unset = UNSET
    sys: Sys | Unset = UNSET
    """ System attributes of a DataSync object (`$sys`). Decision: `created_at`/`updated_at` are not
    read-only here: the docs' grade-data example sends them, as the timestamps of the object in its
    source system.
     """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        field_dict: dict[str, Any] = {**self.additional_properties}
        name = self.name
        if name is not UNSET:
            field_dict["name"] = name

        sys = self.sys
        if sys is not UNSET:
            if TYPE_CHECKING:
                assert not isinstance(sys, Unset)
            field_dict["$sys"] = sys.to_dict()

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        if not (type(src_dict) is dict or isinstance(src_dict, Mapping)):
            raise ModelParseError("", src_dict, "expected an object")
        _name = src_dict.get("name")
        name: str | Unset
        if _name is None:
            name = UNSET
        elif isinstance(_name, str):
            name = _name
        else:
            raise ModelParseError("name", _name, "expected a string")

        _sys = src_dict.get("$sys")
        sys: Sys | Unset
        if _sys is None:
            sys = UNSET
        else:
            try:
                sys = Sys.from_dict(_sys)
            except ModelParseError as error:
                raise error.inside("$sys") from None

        d = (
            {}
            if _PROPERTY_NAMES.issuperset(src_dict)
            else {
                key: value
                for key, value in src_dict.items()
                if key not in _PROPERTY_NAMES
            }
        )
        if cls is ObjectRef:
            object_ref = _new_object(cls)
            object_ref.name = name
            object_ref.sys = sys
            object_ref.additional_properties = {}
        else:
            object_ref = cls(
                name=name,
                sys=sys,
            )

        object_ref.additional_properties = d
        return object_ref

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


from ..models.sys import Sys  # noqa: E402
