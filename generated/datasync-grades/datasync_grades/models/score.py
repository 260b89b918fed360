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
        "$person",
        "$grader",
        "score",
        "grade",
        "late",
        "missing",
        "excused",
        "submitted_at",
        "preview_url",
        "$ext",
    }
)

T = TypeVar("T", bound="Score")


@_attrs_define
class Score:
    """One person's score on an assignment."""

    error_code: DataErrorCodeKnown | str | Unset = UNSET
    """ Why an item of grade data could not be synced. Open enumeration. """
    sync_status: str | SyncStatusKnown | Unset = UNSET
    """ Sync status of an item of grade data. Open enumeration. """
    person: ObjectRef | Unset = UNSET
    """ A reference to a DataSync object (section, person, term, ...) by name and system ids. """
    grader: ObjectRef | Unset = UNSET
    """ A reference to a DataSync object (section, person, term, ...) by name and system ids. """
    score: float | Unset = UNSET
    grade: str | Unset = UNSET
    late: bool | Unset = UNSET
    missing: bool | Unset = UNSET
    excused: bool | Unset = UNSET
    submitted_at: datetime.datetime | Unset = UNSET
    preview_url: str | Unset = UNSET
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

        score = self.score
        if score is not UNSET:
            field_dict["score"] = score

        grade = self.grade
        if grade is not UNSET:
            field_dict["grade"] = grade

        late = self.late
        if late is not UNSET:
            field_dict["late"] = late

        missing = self.missing
        if missing is not UNSET:
            field_dict["missing"] = missing

        excused = self.excused
        if excused is not UNSET:
            field_dict["excused"] = excused

        submitted_at = self.submitted_at
        if submitted_at is not UNSET:
            if TYPE_CHECKING:
                assert not isinstance(submitted_at, Unset)
            field_dict["submitted_at"] = submitted_at.isoformat()

        preview_url = self.preview_url
        if preview_url is not UNSET:
            field_dict["preview_url"] = preview_url

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

        _late = src_dict.get("late")
        late: bool | Unset
        if _late is None:
            late = UNSET
        elif isinstance(_late, bool):
            late = _late
        else:
            raise ModelParseError("late", _late, "expected a boolean")

        _missing = src_dict.get("missing")
        missing: bool | Unset
        if _missing is None:
            missing = UNSET
        elif isinstance(_missing, bool):
            missing = _missing
        else:
            raise ModelParseError("missing", _missing, "expected a boolean")

        _excused = src_dict.get("excused")
        excused: bool | Unset
        if _excused is None:
            excused = UNSET
        elif isinstance(_excused, bool):
            excused = _excused
        else:
            raise ModelParseError("excused", _excused, "expected a boolean")

        _submitted_at = src_dict.get("submitted_at")
        submitted_at: datetime.datetime | Unset
        if _submitted_at is None:
            submitted_at = UNSET
        else:
            try:
                submitted_at = datetime.datetime.fromisoformat(_submitted_at)
            except (AttributeError, TypeError, ValueError):
                raise ModelParseError(
                    "submitted_at", _submitted_at, "expected a date-time string"
                ) from None

        _preview_url = src_dict.get("preview_url")
        preview_url: str | Unset
        if _preview_url is None:
            preview_url = UNSET
        elif isinstance(_preview_url, str):
            preview_url = _preview_url
        else:
            raise ModelParseError("preview_url", _preview_url, "expected a string")

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
        if cls is Score:
            score_model = _new_object(cls)
            score_model.error_code = error_code
            score_model.sync_status = sync_status
            score_model.person = person
            score_model.grader = grader
            score_model.score = score
            score_model.grade = grade
            score_model.late = late
            score_model.missing = missing
            score_model.excused = excused
            score_model.submitted_at = submitted_at
            score_model.preview_url = preview_url
            score_model.ext = ext
            score_model.additional_properties = {}
        else:
            score_model = cls(
                error_code=error_code,
                sync_status=sync_status,
                person=person,
                grader=grader,
                score=score,
                grade=grade,
                late=late,
                missing=missing,
                excused=excused,
                submitted_at=submitted_at,
                preview_url=preview_url,
                ext=ext,
            )

        score_model.additional_properties = d
        return score_model

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
