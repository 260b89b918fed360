from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..errors import ModelParseError

_new_object = object.__new__
_PROPERTY_NAMES = frozenset(
    {
        "data",
    }
)

T = TypeVar("T", bound="ScopingSchoolsCreate")


@_attrs_define
class ScopingSchoolsCreate:
    """Body of `createScopingSchools`."""

    data: list[ScopingSchool]
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        field_dict: dict[str, Any] = {**self.additional_properties}
        data = self.data
        field_dict["data"] = [data_item.to_dict() for data_item in data]

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        if not (type(src_dict) is dict or isinstance(src_dict, Mapping)):
            raise ModelParseError("", src_dict, "expected an object")
        _data = src_dict.get("data")
        data: list[ScopingSchool]
        if _data is None:
            raise ModelParseError.required("data", src_dict)
        elif isinstance(_data, list):
            data = []
            for data_item_data in _data:
                data_item: ScopingSchool
                try:
                    data_item = ScopingSchool.from_dict(data_item_data)
                except ModelParseError as error:
                    raise error.inside("data" + f"[{len(data)}]") from None

                data.append(data_item)
        else:
            raise ModelParseError("data", _data, "expected an array")

        d = (
            {}
            if _PROPERTY_NAMES.issuperset(src_dict)
            else {
                key: value
                for key, value in src_dict.items()
                if key not in _PROPERTY_NAMES
            }
        )
        if cls is ScopingSchoolsCreate:
            scoping_schools_create = _new_object(cls)
            scoping_schools_create.data = data
            scoping_schools_create.additional_properties = {}
        else:
            scoping_schools_create = cls(
                data=data,
            )

        scoping_schools_create.additional_properties = d
        return scoping_schools_create

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


from ..models.scoping_school import ScopingSchool  # noqa: E402
