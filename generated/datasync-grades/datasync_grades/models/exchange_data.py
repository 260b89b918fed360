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
        "assignments",
        "summaries",
        "final",
    }
)

T = TypeVar("T", bound="ExchangeData")


@_attrs_define
class ExchangeData:
    """Body of `createExchangeData`, one chunk of the producer's answer."""

    assignments: list[Assignment] | Unset = UNSET
    summaries: list[Summary] | Unset = UNSET
    final: bool | Unset = UNSET
    """ True on the last chunk; completes the exchange. """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        field_dict: dict[str, Any] = {**self.additional_properties}
        assignments = self.assignments
        if assignments is not UNSET:
            if TYPE_CHECKING:
                assert not isinstance(assignments, Unset)
            field_dict["assignments"] = [
                assignments_item.to_dict() for assignments_item in assignments
            ]

        summaries = self.summaries
        if summaries is not UNSET:
            if TYPE_CHECKING:
                assert not isinstance(summaries, Unset)
            field_dict["summaries"] = [
                summaries_item.to_dict() for summaries_item in summaries
            ]

        final = self.final
        if final is not UNSET:
            field_dict["final"] = final

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        if not (type(src_dict) is dict or isinstance(src_dict, Mapping)):
            raise ModelParseError("", src_dict, "expected an object")
        _assignments = src_dict.get("assignments")
        assignments: list[Assignment] | Unset
        if _assignments is None:
            assignments = UNSET
        elif isinstance(_assignments, list):
            assignments = []
            for assignments_item_data in _assignments:
                assignments_item: Assignment
                try:
                    assignments_item = Assignment.from_dict(assignments_item_data)
                except ModelParseError as error:
                    raise error.inside(
                        "assignments" + f"[{len(assignments)}]"
                    ) from None

                assignments.append(assignments_item)
        else:
            raise ModelParseError("assignments", _assignments, "expected an array")

        _summaries = src_dict.get("summaries")
        summaries: list[Summary] | Unset
        if _summaries is None:
            summaries = UNSET
        elif isinstance(_summaries, list):
            summaries = []
            for summaries_item_data in _summaries:
                summaries_item: Summary
                try:
                    summaries_item = Summary.from_dict(summaries_item_data)
                except ModelParseError as error:
                    raise error.inside("summaries" + f"[{len(summaries)}]") from None

                summaries.append(summaries_item)
        else:
            raise ModelParseError("summaries", _summaries, "expected an array")

        _final = src_dict.get("final")
        final: bool | Unset
        if _final is None:
            final = UNSET
        elif isinstance(_final, bool):
            final = _final
        else:
            raise ModelParseError("final", _final, "expected a boolean")

        d = (
            {}
            if _PROPERTY_NAMES.issuperset(src_dict)
            else {
                key: value
                for key, value in src_dict.items()
                if key not in _PROPERTY_NAMES
            }
        )
        if cls is ExchangeData:
            exchange_data = _new_object(cls)
            exchange_data.assignments = assignments
            exchange_data.summaries = summaries
            exchange_data.final = final
            exchange_data.additional_properties = {}
        else:
            exchange_data = cls(
                assignments=assignments,
                summaries=summaries,
                final=final,
            )

        exchange_data.additional_properties = d
        return exchange_data

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


from ..models.assignment import Assignment  # noqa: E402
from ..models.summary import Summary  # noqa: E402
