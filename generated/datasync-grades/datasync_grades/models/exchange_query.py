from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..errors import ModelParseError
from ..models.exchange_query_type_known import ExchangeQueryTypeKnown
from ..types import UNSET, Unset

_EXCHANGE_QUERY_TYPE_KNOWN_VALUES: dict[str, ExchangeQueryTypeKnown] = {
    member.value: member for member in ExchangeQueryTypeKnown
}
_new_object = object.__new__
_PROPERTY_NAMES = frozenset(
    {
        "type",
        "conditions",
    }
)

T = TypeVar("T", bound="ExchangeQuery")


@_attrs_define
class ExchangeQuery:
    type_: ExchangeQueryTypeKnown | str | Unset = UNSET
    """ Kind of data an exchange asks for. Open enumeration. """
    conditions: list[ExchangeQueryCondition] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        field_dict: dict[str, Any] = {**self.additional_properties}
        type_ = self.type_
        if type_ is not UNSET:
            field_dict["type"] = (
                type_.value if isinstance(type_, ExchangeQueryTypeKnown) else type_
            )

        conditions = self.conditions
        if conditions is not UNSET:
            if TYPE_CHECKING:
                assert not isinstance(conditions, Unset)
            field_dict["conditions"] = [
                conditions_item.to_dict() for conditions_item in conditions
            ]

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        if not (type(src_dict) is dict or isinstance(src_dict, Mapping)):
            raise ModelParseError("", src_dict, "expected an object")
        _type_ = src_dict.get("type")
        type_: ExchangeQueryTypeKnown | str | Unset
        if _type_ is None:
            type_ = UNSET
        elif isinstance(_type_, str):
            type_ = _EXCHANGE_QUERY_TYPE_KNOWN_VALUES.get(_type_, _type_)
        else:
            raise ModelParseError("type", _type_, "expected a string")

        _conditions = src_dict.get("conditions")
        conditions: list[ExchangeQueryCondition] | Unset
        if _conditions is None:
            conditions = UNSET
        elif isinstance(_conditions, list):
            conditions = []
            for conditions_item_data in _conditions:
                conditions_item: ExchangeQueryCondition
                try:
                    conditions_item = ExchangeQueryCondition.from_dict(
                        conditions_item_data
                    )
                except ModelParseError as error:
                    raise error.inside("conditions" + f"[{len(conditions)}]") from None

                conditions.append(conditions_item)
        else:
            raise ModelParseError("conditions", _conditions, "expected an array")

        d = (
            {}
            if _PROPERTY_NAMES.issuperset(src_dict)
            else {
                key: value
                for key, value in src_dict.items()
                if key not in _PROPERTY_NAMES
            }
        )
        if cls is ExchangeQuery:
            exchange_query = _new_object(cls)
            exchange_query.type_ = type_
            exchange_query.conditions = conditions
            exchange_query.additional_properties = {}
        else:
            exchange_query = cls(
                type_=type_,
                conditions=conditions,
            )

        exchange_query.additional_properties = d
        return exchange_query

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


from ..models.exchange_query_condition import ExchangeQueryCondition  # noqa: E402
