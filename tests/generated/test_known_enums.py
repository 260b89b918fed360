"""The known enum values of the vendor's 2020 artefacts (``shared/facts/datasync-enums-2020.md``, issue 24) are
typed members of the generated Grades client, and every enumeration stays open: a value nobody listed parses
as the plain string it is and is written back unchanged."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Any

import pytest
import yaml
from datasync_grades.models import (
    ConditionScopeByKnown,
    ConditionScopeKnown,
    ExchangeError,
    ExchangeErrorCodeKnown,
    ExchangeQuery,
    ExchangeQueryCondition,
    ExchangeQueryTypeKnown,
    ScoreTypeKnown,
    Summary,
    SummaryTypeKnown,
)

ROOT = Path(__file__).resolve().parents[2]
# field -> the values the 2020 artefacts list (the fact file's table), each now a member of its Known enum
VALUES_2020: list[tuple[type[StrEnum], list[str]]] = [
    (
        ExchangeErrorCodeKnown,
        ["query_type_not_supported", "query_conditions_not_supported", "producer_error", "producer_failure"],
    ),
    (ExchangeQueryTypeKnown, ["assignment_scores", "summary"]),
    (ConditionScopeKnown, ["course", "section"]),
    (ConditionScopeByKnown, ["id", "all"]),
    (SummaryTypeKnown, ["final", "midterm"]),
    (ScoreTypeKnown, ["raw", "percentage"]),
]


@pytest.mark.parametrize(("enum", "values"), VALUES_2020, ids=lambda v: getattr(v, "__name__", ""))
def test_the_2020_values_are_typed_members(enum: type[StrEnum], values: list[str]) -> None:
    assert sorted(member.value for member in enum) == sorted(values)
    spec = yaml.safe_load((ROOT / "openapi" / "grades.yaml").read_text(encoding="utf-8"))
    schema = spec["components"]["schemas"][enum.__name__]
    assert sorted(schema["enum"]) == sorted(values)
    assert "2020" in schema["description"]


def parse_each(value: str) -> list[tuple[object, Any]]:
    """(the parsed field, what to_dict writes back) for ``value`` in every field the 2020 values belong to."""
    error = ExchangeError.from_dict({"code": value})
    query = ExchangeQuery.from_dict({"type": value, "conditions": [{"scope": value, "scope_by": value}]})
    condition = ExchangeQueryCondition.from_dict({"scope": value, "scope_by": value, "summary_type": value})
    summary = Summary.from_dict({"summary_type": value, "score_type": value})
    return [
        (error.code, error.to_dict()["code"]),
        (query.type_, query.to_dict()["type"]),
        (condition.scope, condition.to_dict()["scope"]),
        (condition.scope_by, condition.to_dict()["scope_by"]),
        (condition.summary_type, condition.to_dict()["summary_type"]),
        (summary.summary_type, summary.to_dict()["summary_type"]),
        (summary.score_type, summary.to_dict()["score_type"]),
    ]


def test_new_values_parse_as_their_members() -> None:
    error = ExchangeError.from_dict({"code": "producer_failure"})
    assert error.code is ExchangeErrorCodeKnown.PRODUCER_FAILURE
    query = ExchangeQuery.from_dict({"type": "summary", "conditions": [{"scope": "section", "scope_by": "all"}]})
    assert query.type_ is ExchangeQueryTypeKnown.SUMMARY
    assert isinstance(query.conditions, list)
    assert query.conditions[0].scope is ConditionScopeKnown.SECTION
    condition = ExchangeQueryCondition.from_dict({"scope": "section", "scope_by": "all", "summary_type": "midterm"})
    assert condition.scope is ConditionScopeKnown.SECTION
    assert condition.scope_by is ConditionScopeByKnown.ALL
    assert condition.summary_type is SummaryTypeKnown.MIDTERM
    summary = Summary.from_dict({"summary_type": "midterm", "score_type": "percentage"})
    assert summary.summary_type is SummaryTypeKnown.MIDTERM
    assert summary.score_type is ScoreTypeKnown.PERCENTAGE
    assert summary.to_dict() == {"summary_type": "midterm", "score_type": "percentage"}


def test_unknown_values_still_parse_as_plain_strings() -> None:
    for parsed, written in parse_each("graded_by_moon_phase"):
        assert type(parsed) is str
        assert parsed == "graded_by_moon_phase"
        assert written == "graded_by_moon_phase"
