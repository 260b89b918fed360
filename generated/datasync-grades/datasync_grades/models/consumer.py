from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..errors import ModelParseError
from ..models.exchange_query_type_known import ExchangeQueryTypeKnown
from ..models.summary_type_known import SummaryTypeKnown
from ..types import UNSET, Unset

_EXCHANGE_QUERY_TYPE_KNOWN_VALUES: dict[str, ExchangeQueryTypeKnown] = {
    member.value: member for member in ExchangeQueryTypeKnown
}
_SUMMARY_TYPE_KNOWN_VALUES: dict[str, SummaryTypeKnown] = {
    member.value: member for member in SummaryTypeKnown
}
_new_object = object.__new__
_PROPERTY_NAMES = frozenset(
    {
        "id",
        "connector_type",
        "supported_exchange_query_type",
        "summary_score_type",
    }
)

T = TypeVar("T", bound="Consumer")


@_attrs_define
class Consumer:
    """The entity designated as this Grades application's consumer."""

    id: str | Unset = UNSET
    connector_type: str | Unset = UNSET
    supported_exchange_query_type: ExchangeQueryTypeKnown | str | Unset = UNSET
    """ Kind of data an exchange asks for. Open enumeration. """
    summary_score_type: str | SummaryTypeKnown | Unset = UNSET
    """ Kind of summary score (for example the final grade). Open enumeration. """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        field_dict: dict[str, Any] = {**self.additional_properties}
        id = self.id
        if id is not UNSET:
            field_dict["id"] = id

        connector_type = self.connector_type
        if connector_type is not UNSET:
            field_dict["connector_type"] = connector_type

        supported_exchange_query_type = self.supported_exchange_query_type
        if supported_exchange_query_type is not UNSET:
            field_dict["supported_exchange_query_type"] = (
                supported_exchange_query_type.value
                if isinstance(supported_exchange_query_type, ExchangeQueryTypeKnown)
                else supported_exchange_query_type
            )

        summary_score_type = self.summary_score_type
        if summary_score_type is not UNSET:
            field_dict["summary_score_type"] = (
                summary_score_type.value
                if isinstance(summary_score_type, SummaryTypeKnown)
                else summary_score_type
            )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        if not (type(src_dict) is dict or isinstance(src_dict, Mapping)):
            raise ModelParseError("", src_dict, "expected an object")
        _id = src_dict.get("id")
        id: str | Unset
        if _id is None:
            id = UNSET
        elif isinstance(_id, str):
            id = _id
        else:
            raise ModelParseError("id", _id, "expected a string")

        _connector_type = src_dict.get("connector_type")
        connector_type: str | Unset
        if _connector_type is None:
            connector_type = UNSET
        elif isinstance(_connector_type, str):
            connector_type = _connector_type
        else:
            raise ModelParseError(
                "connector_type", _connector_type, "expected a string"
            )

        _supported_exchange_query_type = src_dict.get("supported_exchange_query_type")
        supported_exchange_query_type: ExchangeQueryTypeKnown | str | Unset
        if _supported_exchange_query_type is None:
            supported_exchange_query_type = UNSET
        elif isinstance(_supported_exchange_query_type, str):
            supported_exchange_query_type = _EXCHANGE_QUERY_TYPE_KNOWN_VALUES.get(
                _supported_exchange_query_type, _supported_exchange_query_type
            )
        else:
            raise ModelParseError(
                "supported_exchange_query_type",
                _supported_exchange_query_type,
                "expected a string",
            )

        _summary_score_type = src_dict.get("summary_score_type")
        summary_score_type: str | SummaryTypeKnown | Unset
        if _summary_score_type is None:
            summary_score_type = UNSET
        elif isinstance(_summary_score_type, str):
            summary_score_type = _SUMMARY_TYPE_KNOWN_VALUES.get(
                _summary_score_type, _summary_score_type
            )
        else:
            raise ModelParseError(
                "summary_score_type", _summary_score_type, "expected a string"
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
        if cls is Consumer:
            consumer = _new_object(cls)
            consumer.id = id
            consumer.connector_type = connector_type
            consumer.supported_exchange_query_type = supported_exchange_query_type
            consumer.summary_score_type = summary_score_type
            consumer.additional_properties = {}
        else:
            consumer = cls(
                id=id,
                connector_type=connector_type,
                supported_exchange_query_type=supported_exchange_query_type,
                summary_score_type=summary_score_type,
            )

        consumer.additional_properties = d
        return consumer

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
