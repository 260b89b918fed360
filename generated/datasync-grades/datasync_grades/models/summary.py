from __future__ import annotations

import datetime
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from attrs import define as _attrs_define
from attrs import field as _attrs_field

from ..errors import ModelParseError
from ..models.data_error_code_known import DataErrorCodeKnown
from ..models.score_type_known import ScoreTypeKnown
from ..models.summary_type_known import SummaryTypeKnown
from ..models.sync_status_known import SyncStatusKnown
from ..types import UNSET, Unset

_DATA_ERROR_CODE_KNOWN_VALUES: dict[str, DataErrorCodeKnown] = {
    member.value: member for member in DataErrorCodeKnown
}
_SCORE_TYPE_KNOWN_VALUES: dict[str, ScoreTypeKnown] = {
    member.value: member for member in ScoreTypeKnown
}
_SUMMARY_TYPE_KNOWN_VALUES: dict[str, SummaryTypeKnown] = {
    member.value: member for member in SummaryTypeKnown
}
_SYNC_STATUS_KNOWN_VALUES: dict[str, SyncStatusKnown] = {
    member.value: member for member in SyncStatusKnown
}
_new_object = object.__new__
_PROPERTY_NAMES = frozenset(
    {
        "error_code",
        "sync_status",
        "$section",
        "$person",
        "$grader",
        "summary_type",
        "score_type",
        "score",
        "grade",
        "last_activity",
        "comments",
        "$ext",
    }
)

T = TypeVar("T", bound="Summary")


@_attrs_define
class Summary:
    """A person's summary (for example final) score in a section."""

    error_code: DataErrorCodeKnown | str | Unset = UNSET
    """ Why an item of grade data could not be synced. Open enumeration. """
    sync_status: str | SyncStatusKnown | Unset = UNSET
    """ Sync status of an item of grade data. Open enumeration. """
    section: ObjectRef | Unset = UNSET
    """ A reference to a DataSync object (section, person, term, ...) by name and system ids. """
    person: ObjectRef | Unset = UNSET
    """ A reference to a DataSync object (section, person, term, ...) by name and system ids. """
    grader: ObjectRef | Unset = UNSET
    """ A reference to a DataSync object (section, person, term, ...) by name and system ids. """
    summary_type: str | SummaryTypeKnown | Unset = UNSET
    """ Kind of summary score (for example the final grade). Open enumeration. """
    score_type: ScoreTypeKnown | str | Unset = UNSET
    """ How a summary score is expressed. Open enumeration. """
    score: float | Unset = UNSET
    grade: str | Unset = UNSET
    last_activity: datetime.datetime | Unset = UNSET
    comments: list[str] | Unset = UNSET
    ext: KeyValueMap | Unset = UNSET
    """ String values keyed by application or source name. """
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

        section = self.section
        if section is not UNSET:
            if TYPE_CHECKING:
                assert not isinstance(section, Unset)
            field_dict["$section"] = section.to_dict()

        person = self.person
        if person is not UNSET:
            if TYPE_CHECKING:
                assert not isinstance(person, Unset)
            field_dict["$person"] = person.to_dict()

        grader = self.grader
        if grader is not UNSET:
            if TYPE_CHECKING:
                assert not isinstance(grader, Unset)
            field_dict["$grader"] = grader.to_dict()

        summary_type = self.summary_type
        if summary_type is not UNSET:
            field_dict["summary_type"] = (
                summary_type.value
                if isinstance(summary_type, SummaryTypeKnown)
                else summary_type
            )

        score_type = self.score_type
        if score_type is not UNSET:
            field_dict["score_type"] = (
                score_type.value
                if isinstance(score_type, ScoreTypeKnown)
                else score_type
            )

        score = self.score
        if score is not UNSET:
            field_dict["score"] = score

        grade = self.grade
        if grade is not UNSET:
            field_dict["grade"] = grade

        last_activity = self.last_activity
        if last_activity is not UNSET:
            if TYPE_CHECKING:
                assert not isinstance(last_activity, Unset)
            field_dict["last_activity"] = last_activity.isoformat()

        comments = self.comments
        if comments is not UNSET:
            field_dict["comments"] = comments

        ext = self.ext
        if ext is not UNSET:
            if TYPE_CHECKING:
                assert not isinstance(ext, Unset)
            field_dict["$ext"] = ext.to_dict()

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

        _section = src_dict.get("$section")
        section: ObjectRef | Unset
        if _section is None:
            section = UNSET
        else:
            try:
                section = ObjectRef.from_dict(_section)
            except ModelParseError as error:
                raise error.inside("$section") from None

        _person = src_dict.get("$person")
        person: ObjectRef | Unset
        if _person is None:
            person = UNSET
        else:
            try:
                person = ObjectRef.from_dict(_person)
            except ModelParseError as error:
                raise error.inside("$person") from None

        _grader = src_dict.get("$grader")
        grader: ObjectRef | Unset
        if _grader is None:
            grader = UNSET
        else:
            try:
                grader = ObjectRef.from_dict(_grader)
            except ModelParseError as error:
                raise error.inside("$grader") from None

        _summary_type = src_dict.get("summary_type")
        summary_type: str | SummaryTypeKnown | Unset
        if _summary_type is None:
            summary_type = UNSET
        elif isinstance(_summary_type, str):
            summary_type = _SUMMARY_TYPE_KNOWN_VALUES.get(_summary_type, _summary_type)
        else:
            raise ModelParseError("summary_type", _summary_type, "expected a string")

        _score_type = src_dict.get("score_type")
        score_type: ScoreTypeKnown | str | Unset
        if _score_type is None:
            score_type = UNSET
        elif isinstance(_score_type, str):
            score_type = _SCORE_TYPE_KNOWN_VALUES.get(_score_type, _score_type)
        else:
            raise ModelParseError("score_type", _score_type, "expected a string")

        _score = src_dict.get("score")
        score: float | Unset
        if _score is None:
            score = UNSET
        elif isinstance(_score, (int, float)) and not isinstance(_score, bool):
            score = _score
        else:
            raise ModelParseError("score", _score, "expected a number")

        _grade = src_dict.get("grade")
        grade: str | Unset
        if _grade is None:
            grade = UNSET
        elif isinstance(_grade, str):
            grade = _grade
        else:
            raise ModelParseError("grade", _grade, "expected a string")

        _last_activity = src_dict.get("last_activity")
        last_activity: datetime.datetime | Unset
        if _last_activity is None:
            last_activity = UNSET
        else:
            try:
                last_activity = datetime.datetime.fromisoformat(_last_activity)
            except (AttributeError, TypeError, ValueError):
                raise ModelParseError(
                    "last_activity", _last_activity, "expected a date-time string"
                ) from None

        _comments = src_dict.get("comments")
        comments: list[str] | Unset
        if _comments is None:
            comments = UNSET
        elif isinstance(_comments, list):
            for comments_index, comments_item in enumerate(_comments):
                if not (isinstance(comments_item, str)):
                    raise ModelParseError(
                        "comments" + f"[{comments_index}]",
                        comments_item,
                        "expected a string",
                    )
            comments = _comments
        else:
            raise ModelParseError("comments", _comments, "expected an array")

        _ext = src_dict.get("$ext")
        ext: KeyValueMap | Unset
        if _ext is None:
            ext = UNSET
        else:
            try:
                ext = KeyValueMap.from_dict(_ext)
            except ModelParseError as error:
                raise error.inside("$ext") from None

        d = (
            {}
            if _PROPERTY_NAMES.issuperset(src_dict)
            else {
                key: value
                for key, value in src_dict.items()
                if key not in _PROPERTY_NAMES
            }
        )
        if cls is Summary:
            summary = _new_object(cls)
            summary.error_code = error_code
            summary.sync_status = sync_status
            summary.section = section
            summary.person = person
            summary.grader = grader
            summary.summary_type = summary_type
            summary.score_type = score_type
            summary.score = score
            summary.grade = grade
            summary.last_activity = last_activity
            summary.comments = comments
            summary.ext = ext
            summary.additional_properties = {}
        else:
            summary = cls(
                error_code=error_code,
                sync_status=sync_status,
                section=section,
                person=person,
                grader=grader,
                summary_type=summary_type,
                score_type=score_type,
                score=score,
                grade=grade,
                last_activity=last_activity,
                comments=comments,
                ext=ext,
            )

        summary.additional_properties = d
        return summary

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
