from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..errors import ModelParseError
from ..models.data_error_code_known import DataErrorCodeKnown
from ..models.sync_status_known import SyncStatusKnown
from ..types import UNSET, Unset

_DATA_ERROR_CODE_KNOWN_VALUES: dict[str, DataErrorCodeKnown] = {
    member.value: member for member in DataErrorCodeKnown
}
_SYNC_STATUS_KNOWN_VALUES: dict[str, SyncStatusKnown] = {
    member.value: member for member in SyncStatusKnown
}
_new_object = object.__new__
_PROPERTY_NAMES = frozenset(
    {
        "error_code",
        "sync_status",
        "$sys",
        "$section",
        "$category",
        "$term",
        "name",
        "description",
        "points_possible",
        "due_at",
        "available_at",
        "$ext",
        "scores",
    }
)

T = TypeVar("T", bound="Assignment")


@_attrs_define
class Assignment:
    """An assignment with its scores."""

    error_code: DataErrorCodeKnown | str | Unset = UNSET
    """ Why an item of grade data could not be synced. Open enumeration. """
    sync_status: str | SyncStatusKnown | Unset = UNSET
    """ Sync status of an item of grade data. Open enumeration. """
    sys: Sys | Unset = UNSET
    """ System attributes of a DataSync object (`$sys`). Decision: `created_at`/`updated_at` are not
    read-only here: the docs' grade-data example sends them, as the timestamps of the object in its
    source system.
     """
    section: ObjectRef | Unset = UNSET
    """ A reference to a DataSync object (section, person, term, ...) by name and system ids. """
    category: ObjectRef | Unset = UNSET
    """ A reference to a DataSync object (section, person, term, ...) by name and system ids. """
    term: ObjectRef | Unset = UNSET
    """ A reference to a DataSync object (section, person, term, ...) by name and system ids. """
    name: str | Unset = UNSET
    description: str | Unset = UNSET
    points_possible: float | Unset = UNSET
    due_at: datetime.datetime | Unset = UNSET
    available_at: datetime.datetime | Unset = UNSET
    ext: KeyValueMap | Unset = UNSET
    """ String values keyed by application or source name. """
    scores: list[Score] | Unset = UNSET
    additional_properties: dict[str, Any] = _attrs_field(init=False, factory=dict)

    def to_dict(self) -> dict[str, Any]:
        field_dict: dict[str, Any] = {**self.additional_properties}
        error_code = self.error_code
        if error_code is not UNSET:
            field_dict["error_code"] = (
                error_code.value
                if isinstance(error_code, DataErrorCodeKnown)
                else error_code
            )

        sync_status = self.sync_status
        if sync_status is not UNSET:
            field_dict["sync_status"] = (
                sync_status.value
                if isinstance(sync_status, SyncStatusKnown)
                else sync_status
            )

        sys = self.sys
        if sys is not UNSET:
            if TYPE_CHECKING:
                assert not isinstance(sys, Unset)
            field_dict["$sys"] = sys.to_dict()

        section = self.section
        if section is not UNSET:
            if TYPE_CHECKING:
                assert not isinstance(section, Unset)
            field_dict["$section"] = section.to_dict()

        category = self.category
        if category is not UNSET:
            if TYPE_CHECKING:
                assert not isinstance(category, Unset)
            field_dict["$category"] = category.to_dict()

        term = self.term
        if term is not UNSET:
            if TYPE_CHECKING:
                assert not isinstance(term, Unset)
            field_dict["$term"] = term.to_dict()

        name = self.name
        if name is not UNSET:
            field_dict["name"] = name

        description = self.description
        if description is not UNSET:
            field_dict["description"] = description

        points_possible = self.points_possible
        if points_possible is not UNSET:
            field_dict["points_possible"] = points_possible

        due_at = self.due_at
        if due_at is not UNSET:
            if TYPE_CHECKING:
                assert not isinstance(due_at, Unset)
            field_dict["due_at"] = due_at.isoformat()

        available_at = self.available_at
        if available_at is not UNSET:
            if TYPE_CHECKING:
                assert not isinstance(available_at, Unset)
            field_dict["available_at"] = available_at.isoformat()

        ext = self.ext
        if ext is not UNSET:
            if TYPE_CHECKING:
                assert not isinstance(ext, Unset)
            field_dict["$ext"] = ext.to_dict()

        scores = self.scores
        if scores is not UNSET:
            if TYPE_CHECKING:
                assert not isinstance(scores, Unset)
            field_dict["scores"] = [scores_item.to_dict() for scores_item in scores]

        return field_dict

    @classmethod
    def from_dict(cls: type[T], src_dict: Mapping[str, Any]) -> T:
        if not (type(src_dict) is dict or isinstance(src_dict, Mapping)):
            raise ModelParseError("", src_dict, "expected an object")
        _error_code = src_dict.get("error_code")
        error_code: DataErrorCodeKnown | str | Unset
        if _error_code is None:
            error_code = UNSET
        elif isinstance(_error_code, str):
            error_code = _DATA_ERROR_CODE_KNOWN_VALUES.get(_error_code, _error_code)
        else:
            raise ModelParseError("error_code", _error_code, "expected a string")

        _sync_status = src_dict.get("sync_status")
        sync_status: str | SyncStatusKnown | Unset
        if _sync_status is None:
            sync_status = UNSET
        elif isinstance(_sync_status, str):
            sync_status = _SYNC_STATUS_KNOWN_VALUES.get(_sync_status, _sync_status)
        else:
            raise ModelParseError("sync_status", _sync_status, "expected a string")

        _sys = src_dict.get("$sys")
        sys: Sys | Unset
        if _sys is None:
            sys = UNSET
        else:
            try:
                sys = Sys.from_dict(_sys)
            except ModelParseError as error:
                raise error.inside("$sys") from None

        _section = src_dict.get("$section")
        section: ObjectRef | Unset
        if _section is None:
            section = UNSET
        else:
            try:
                section = ObjectRef.from_dict(_section)
            except ModelParseError as error:
                raise error.inside("$section") from None

        _category = src_dict.get("$category")
        category: ObjectRef | Unset
        if _category is None:
            category = UNSET
        else:
            try:
                category = ObjectRef.from_dict(_category)
            except ModelParseError as error:
                raise error.inside("$category") from None

        _term = src_dict.get("$term")
        term: ObjectRef | Unset
        if _term is None:
            term = UNSET
        else:
            try:
                term = ObjectRef.from_dict(_term)
            except ModelParseError as error:
                raise error.inside("$term") from None

        _name = src_dict.get("name")
        name: str | Unset
        if _name is None:
            name = UNSET
        elif isinstance(_name, str):
            name = _name
        else:
            raise ModelParseError("name", _name, "expected a string")

        _description = src_dict.get("description")
        description: str | Unset
        if _description is None:
            description = UNSET
        elif isinstance(_description, str):
            description = _description
        else:
            raise ModelParseError("description", _description, "expected a string")

        _points_possible = src_dict.get("points_possible")
        points_possible: float | Unset
        if _points_possible is None:
            points_possible = UNSET
        elif isinstance(_points_possible, (int, float)) and not isinstance(
            _points_possible, bool
        ):
            points_possible = _points_possible
        else:
            raise ModelParseError(
                "points_possible", _points_possible, "expected a number"
            )

        _due_at = src_dict.get("due_at")
        due_at: datetime.datetime | Unset
        if _due_at is None:
            due_at = UNSET
        else:
            try:
                due_at = datetime.datetime.fromisoformat(_due_at)
            except (AttributeError, TypeError, ValueError):
                raise ModelParseError(
                    "due_at", _due_at, "expected a date-time string"
                ) from None

        _available_at = src_dict.get("available_at")
        available_at: datetime.datetime | Unset
        if _available_at is None:
            available_at = UNSET
        else:
            try:
                available_at = datetime.datetime.fromisoformat(_available_at)
            except (AttributeError, TypeError, ValueError):
                raise ModelParseError(
                    "available_at", _available_at, "expected a date-time string"
                ) from None

        _ext = src_dict.get("$ext")
        ext: KeyValueMap | Unset
        if _ext is None:
            ext = UNSET
        else:
            try:
                ext = KeyValueMap.from_dict(_ext)
            except ModelParseError as error:
                raise error.inside("$ext") from None

        _scores = src_dict.get("scores")
        scores: list[Score] | Unset
        if _scores is None:
            scores = UNSET
        elif isinstance(_scores, list):
            scores = []
            for scores_item_data in _scores:
                scores_item: Score
                try:
                    scores_item = Score.from_dict(scores_item_data)
                except ModelParseError as error:
                    raise error.inside("scores" + f"[{len(scores)}]") from None

                scores.append(scores_item)
        else:
            raise ModelParseError("scores", _scores, "expected an array")

        d = (
            {}
            if _PROPERTY_NAMES.issuperset(src_dict)
            else {
                key: value
                for key, value in src_dict.items()
                if key not in _PROPERTY_NAMES
            }
        )
        if cls is Assignment:
            assignment = _new_object(cls)
            assignment.error_code = error_code
            assignment.sync_status = sync_status
            assignment.sys = sys
            assignment.section = section
            assignment.category = category
            assignment.term = term
            assignment.name = name
            assignment.description = description
            assignment.points_possible = points_possible
            assignment.due_at = due_at
            assignment.available_at = available_at
            assignment.ext = ext
            assignment.scores = scores
            assignment.additional_properties = {}
        else:
            assignment = cls(
                error_code=error_code,
                sync_status=sync_status,
                sys=sys,
                section=section,
                category=category,
                term=term,
                name=name,
                description=description,
                points_possible=points_possible,
                due_at=due_at,
                available_at=available_at,
                ext=ext,
                scores=scores,
            )

        assignment.additional_properties = d
        return assignment

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


from ..models.key_value_map import KeyValueMap  # noqa: E402
from ..models.object_ref import ObjectRef  # noqa: E402
from ..models.score import Score  # noqa: E402
from ..models.sys import Sys  # noqa: E402
