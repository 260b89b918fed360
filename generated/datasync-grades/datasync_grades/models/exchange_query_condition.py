from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..errors import ModelParseError
from ..models.condition_scope_by_known import ConditionScopeByKnown
from ..models.condition_scope_known import ConditionScopeKnown
from ..models.summary_type_known import SummaryTypeKnown
from ..types import UNSET, Unset

_CONDITION_SCOPE_BY_KNOWN_VALUES: dict[str, ConditionScopeByKnown] = {
    member.value: member for member in ConditionScopeByKnown
}
_CONDITION_SCOPE_KNOWN_VALUES: dict[str, ConditionScopeKnown] = {
    member.value: member for member in ConditionScopeKnown
}
_SUMMARY_TYPE_KNOWN_VALUES: dict[str, SummaryTypeKnown] = {
    member.value: member for member in SummaryTypeKnown
}
_new_object = object.__new__
_PROPERTY_NAMES = frozenset(
    {
        "scope",
        "scope_by",
        "scope_id",
        "graded_after",
        "assignment_ids",
        "summary_type",
    }
)

T = TypeVar("T", bound="ExchangeQueryCondition")


@_attrs_define
class ExchangeQueryCondition:
    scope: ConditionScopeKnown | str | Unset = UNSET
    """ What a query condition is scoped to. Open enumeration. """
    scope_by: ConditionScopeByKnown | str | Unset = UNSET
    """ How the scope is identified. Open enumeration. """
    scope_id: ObjectRef | Unset = UNSET
    """ A reference to a DataSync object (section, person, term, ...) by name and system ids. """
    graded_after: datetime.datetime | Unset = UNSET
    """ Only grades given after this instant. """
    assignment_ids: list[str] | Unset = UNSET
    summary_type: str | SummaryTypeKnown | Unset = UNSET
    """ Kind of summary score (for example the final grade). Open enumeration. """
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        field_dict: dict[str, Any] = {**self.additional_properties}
        scope = self.scope
        if scope is not UNSET:
            field_dict["scope"] = (
                scope.value if isinstance(scope, ConditionScopeKnown) else scope
            )

        scope_by = self.scope_by
        if scope_by is not UNSET:
            field_dict["scope_by"] = (
                scope_by.value
                if isinstance(scope_by, ConditionScopeByKnown)
                else scope_by
            )

        scope_id = self.scope_id
        if scope_id is not UNSET:
            if TYPE_CHECKING:
                assert not isinstance(scope_id, Unset)
            field_dict["scope_id"] = scope_id.to_dict()

        graded_after = self.graded_after
        if graded_after is not UNSET:
            if TYPE_CHECKING:
                assert not isinstance(graded_after, Unset)
            field_dict["graded_after"] = graded_after.isoformat()

        assignment_ids = self.assignment_ids
        if assignment_ids is not UNSET:
            field_dict["assignment_ids"] = assignment_ids

        summary_type = self.summary_type
        if summary_type is not UNSET:
            field_dict["summary_type"] = (
                summary_type.value
                if isinstance(summary_type, SummaryTypeKnown)
                else summary_type
            )

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        if not (type(src_dict) is dict or isinstance(src_dict, Mapping)):
            raise ModelParseError("", src_dict, "expected an object")
        _scope = src_dict.get("scope")
        scope: ConditionScopeKnown | str | Unset
        if _scope is None:
            scope = UNSET
        elif isinstance(_scope, str):
            scope = _CONDITION_SCOPE_KNOWN_VALUES.get(_scope, _scope)
        else:
            raise ModelParseError("scope", _scope, "expected a string")

        _scope_by = src_dict.get("scope_by")
        scope_by: ConditionScopeByKnown | str | Unset
        if _scope_by is None:
            scope_by = UNSET
        elif isinstance(_scope_by, str):
            scope_by = _CONDITION_SCOPE_BY_KNOWN_VALUES.get(_scope_by, _scope_by)
        else:
            raise ModelParseError("scope_by", _scope_by, "expected a string")

        _scope_id = src_dict.get("scope_id")
        scope_id: ObjectRef | Unset
        if _scope_id is None:
            scope_id = UNSET
        else:
            try:
                scope_id = ObjectRef.from_dict(_scope_id)
            except ModelParseError as error:
                raise error.inside("scope_id") from None

        _graded_after = src_dict.get("graded_after")
        graded_after: datetime.datetime | Unset
        if _graded_after is None:
            graded_after = UNSET
        else:
            try:
                graded_after = datetime.datetime.fromisoformat(_graded_after)
            except (AttributeError, TypeError, ValueError):
                raise ModelParseError(
                    "graded_after", _graded_after, "expected a date-time string"
                ) from None

        _assignment_ids = src_dict.get("assignment_ids")
        assignment_ids: list[str] | Unset
        if _assignment_ids is None:
            assignment_ids = UNSET
        elif isinstance(_assignment_ids, list):
            for assignment_ids_index, assignment_ids_item in enumerate(_assignment_ids):
                if not (isinstance(assignment_ids_item, str)):
                    raise ModelParseError(
                        "assignment_ids" + f"[{assignment_ids_index}]",
                        assignment_ids_item,
                        "expected a string",
                    )
            assignment_ids = _assignment_ids
        else:
            raise ModelParseError(
                "assignment_ids", _assignment_ids, "expected an array"
            )

        _summary_type = src_dict.get("summary_type")
        summary_type: str | SummaryTypeKnown | Unset
        if _summary_type is None:
            summary_type = UNSET
        elif isinstance(_summary_type, str):
            summary_type = _SUMMARY_TYPE_KNOWN_VALUES.get(_summary_type, _summary_type)
        else:
            raise ModelParseError("summary_type", _summary_type, "expected a string")

        d = (
            {}
            if _PROPERTY_NAMES.issuperset(src_dict)
            else {
                key: value
                for key, value in src_dict.items()
                if key not in _PROPERTY_NAMES
            }
        )
        if cls is ExchangeQueryCondition:
            exchange_query_condition = _new_object(cls)
            exchange_query_condition.scope = scope
            exchange_query_condition.scope_by = scope_by
            exchange_query_condition.scope_id = scope_id
            exchange_query_condition.graded_after = graded_after
            exchange_query_condition.assignment_ids = assignment_ids
            exchange_query_condition.summary_type = summary_type
            exchange_query_condition.additional_properties = {}
        else:
            exchange_query_condition = cls(
                scope=scope,
                scope_by=scope_by,
                scope_id=scope_id,
                graded_after=graded_after,
                assignment_ids=assignment_ids,
                summary_type=summary_type,
            )

        exchange_query_condition.additional_properties = d
        return exchange_query_condition

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


from ..models.object_ref import ObjectRef  # noqa: E402
