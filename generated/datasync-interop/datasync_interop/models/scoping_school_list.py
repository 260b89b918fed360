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
        "data",
        "paging",
    }
)

T = TypeVar("T", bound="ScopingSchoolList")


@_attrs_define
class ScopingSchoolList:
    data: list[ScopingSchool]
    paging: Paging | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        field_dict: dict[str, Any] = {**self.additional_properties}
        data = self.data
        field_dict["data"] = [data_item.to_dict() for data_item in data]

        paging = self.paging
        if paging is not UNSET:
            if TYPE_CHECKING:
                assert not isinstance(paging, Unset)
            field_dict["paging"] = paging.to_dict()

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

        _paging = src_dict.get("paging")
        paging: Paging | Unset
        if _paging is None:
            paging = UNSET
        else:
            try:
                paging = Paging.from_dict(_paging)
            except ModelParseError as error:
                raise error.inside("paging") from None

        d = (
            {}
            if _PROPERTY_NAMES.issuperset(src_dict)
            else {
                key: value
                for key, value in src_dict.items()
                if key not in _PROPERTY_NAMES
            }
        )
        if cls is ScopingSchoolList:
            scoping_school_list = _new_object(cls)
            scoping_school_list.data = data
            scoping_school_list.paging = paging
            scoping_school_list.additional_properties = {}
        else:
            scoping_school_list = cls(
                data=data,
                paging=paging,
            )

        scoping_school_list.additional_properties = d
        return scoping_school_list

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


from ..models.paging import Paging  # noqa: E402
from ..models.scoping_school import ScopingSchool  # noqa: E402
