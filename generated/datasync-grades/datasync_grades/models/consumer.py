from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar, cast

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..models.exchange_query_type_known import ExchangeQueryTypeKnown
from ..models.summary_type_known import SummaryTypeKnown
from ..types import UNSET, Unset

_EXCHANGE_QUERY_TYPE_KNOWN_VALUES: dict[str, ExchangeQueryTypeKnown] = {
    member.value: member for member in ExchangeQueryTypeKnown
}
_SUMMARY_TYPE_KNOWN_VALUES: dict[str, SummaryTypeKnown] = {
    member.value: member for member in SummaryTypeKnown
}
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
        id = self.id

        connector_type = self.connector_type

        supported_exchange_query_type: str | Unset
        if isinstance(self.supported_exchange_query_type, Unset):
            supported_exchange_query_type = UNSET
        elif isinstance(self.supported_exchange_query_type, ExchangeQueryTypeKnown):
            supported_exchange_query_type = self.supported_exchange_query_type.value
        else:
            supported_exchange_query_type = self.supported_exchange_query_type

        summary_score_type: str | Unset
        if isinstance(self.summary_score_type, Unset):
            summary_score_type = UNSET
        elif isinstance(self.summary_score_type, SummaryTypeKnown):
            summary_score_type = self.summary_score_type.value
        else:
            summary_score_type = self.summary_score_type

        field_dict: dict[str, Any] = {}
        field_dict.update(self.additional_properties)
        field_dict.update({})
        if id is not UNSET:
            field_dict["id"] = id
        if connector_type is not UNSET:
            field_dict["connector_type"] = connector_type
        if supported_exchange_query_type is not UNSET:
            field_dict["supported_exchange_query_type"] = supported_exchange_query_type
        if summary_score_type is not UNSET:
            field_dict["summary_score_type"] = summary_score_type

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        id = src_dict.get("id", UNSET)

        connector_type = src_dict.get("connector_type", UNSET)

        _supported_exchange_query_type = src_dict.get(
            "supported_exchange_query_type", UNSET
        )
        supported_exchange_query_type: ExchangeQueryTypeKnown | str | Unset
        if isinstance(_supported_exchange_query_type, str):
            supported_exchange_query_type = _EXCHANGE_QUERY_TYPE_KNOWN_VALUES.get(
                _supported_exchange_query_type, _supported_exchange_query_type
            )
        else:
            supported_exchange_query_type = cast(
                ExchangeQueryTypeKnown | str | Unset, _supported_exchange_query_type
            )

        _summary_score_type = src_dict.get("summary_score_type", UNSET)
        summary_score_type: str | SummaryTypeKnown | Unset
        if isinstance(_summary_score_type, str):
            summary_score_type = _SUMMARY_TYPE_KNOWN_VALUES.get(
                _summary_score_type, _summary_score_type
            )
        else:
            summary_score_type = cast(
                str | SummaryTypeKnown | Unset, _summary_score_type
            )

        consumer = cls(
            id=id,
            connector_type=connector_type,
            supported_exchange_query_type=supported_exchange_query_type,
            summary_score_type=summary_score_type,
        )

        if not _PROPERTY_NAMES.issuperset(src_dict):
            consumer.additional_properties = {
                key: value
                for key, value in src_dict.items()
                if key not in _PROPERTY_NAMES
            }
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
