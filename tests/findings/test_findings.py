"""The findings package on its own: spec-fix hints per schema shape, keys, classes, baseline files, manners."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from datasync_openapi.conformance.manners import Manners, RateLimiter, retry_after
from datasync_openapi.conformance.triage import redact
from datasync_openapi.contract import Operation, operations
from datasync_openapi.findings import ALL_CLASSES, Finding, FindingClass, OperationCoverage, Result, parse_classes
from datasync_openapi.findings import baseline as baselines
from datasync_openapi.findings.hints import contract_errors
from datasync_openapi.findings.model import normalise_pointer

OPS: dict[str, Operation] = {op.operation_id: op for api in ("grades", "interop") for op in operations(api)}
EXCHANGE = "e1000000-0000-4000-8000-000000000001"


def _hints(operation_id: str, body: Any, status: int = 200) -> dict[str, str]:
    return {e.location: e.hint for e in contract_errors(OPS[operation_id], status, body)}


def test_every_offending_value_is_its_own_error_with_a_hint() -> None:
    body = {
        "data": [
            {"id": EXCHANGE, "error_count": "3", "created_at": "yesterday"},
            {"id": EXCHANGE, "error_count": None, "course_app_id": 7},
        ],
        "paging": {"next": None},
    }
    hints = _hints("listExchanges", body)
    assert set(hints) == {
        "/data/*/error_count type",
        "/data/*/error_count null",
        "/data/*/created_at format",
        "/data/*/course_app_id type",
    }
    assert hints["/data/*/error_count type"].startswith(
        '`Exchange.error_count` was a string ("3"), the spec says integer'
    )
    assert hints["/data/*/error_count null"] == (
        "`Exchange.error_count` was null: declare it `type: [integer, 'null']` (or have the server omit it)"
    )
    assert "drop `format: date-time`" in hints["/data/*/created_at format"]


def test_nullable_envelope_data_is_drilled_into_not_reported_as_anyof() -> None:
    hints = _hints("listExchangeErrors", {"data": [{"id": EXCHANGE, "code": "x", "details": None}]})
    assert hints == {
        "/data/*/details null": "`ExchangeError.details` was null: declare it `type: [string, 'null']` "
        "(or have the server omit it)"
    }
    assert _hints("getExchange", {"data": {"id": EXCHANGE, "error_count": "1"}}).keys() == {"/data/error_count type"}


def test_required_missing_and_bare_values() -> None:
    assert "remove it from `ExchangeList.required`" in _hints("listExchanges", {"paging": {}})["/data required"]
    assert _hints("countExchanges", "5") == {
        " type": '`Count` was a string ("5"), the spec says integer: if the server is right, declare '
        "`type: [integer, string]`"
    }


def test_a_conforming_body_has_no_errors() -> None:
    assert contract_errors(OPS["listExchanges"], 200, {"data": [{"id": EXCHANGE, "error_count": 0}]}) == []
    assert contract_errors(OPS["getExchange"], 200, {"data": None}) == []


def test_keys_hold_no_indices_and_classes_parse() -> None:
    assert normalise_pointer("/data/12/scores/0/score") == "/data/*/scores/*/score"
    assert normalise_pointer("/data/x1/2") == "/data/x1/*"
    assert parse_classes("all") == ALL_CLASSES
    assert parse_classes("server-error, auth") == {FindingClass.SERVER_ERROR, FindingClass.AUTH}
    with pytest.raises(ValueError, match="unknown finding class nope"):
        parse_classes("nope")


def _finding(location: str, cls: FindingClass = FindingClass.RESPONSE_CONTRACT) -> Finding:
    return Finding("grades", "GET /exchanges", "response_schema_conformance", cls, "t", location, reproduce="curl x")


def test_baseline_round_trip_known_new_fixed(tmp_path: Path) -> None:
    path = tmp_path / "b.json"
    old, gone = _finding("/data/*/a type"), _finding("/data/*/b null")
    assert baselines.write(path, [old, gone]) == 2
    document = json.loads(path.read_text(encoding="utf-8"))
    assert [e["key"] for e in document["findings"]] == sorted([old.key, gone.key])
    result = Result("grades", "http://x", operations={"GET /exchanges": OperationCoverage("GET /exchanges", cases=3)})
    new = _finding("/data/*/c type")
    result.findings = [old, new]
    baselines.apply(result, baselines.load(path))
    assert result.known == {old.key}
    assert [f.key for f in result.failing()] == [new.key]
    assert [e["key"] for e in result.fixed] == [gone.key]


def test_baseline_errors_say_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(baselines.BaselineError, match="create it with UPDATE_BASELINE=1"):
        baselines.load(tmp_path / "missing.json")
    (tmp_path / "bad.json").write_text("{}", encoding="utf-8")
    with pytest.raises(baselines.BaselineError, match="is not a datasync-conformance-baseline file"):
        baselines.load(tmp_path / "bad.json")


def test_result_verdict_weighs_classes_and_coverage() -> None:
    op = OperationCoverage("GET /exchanges", ("200",), cases=2)
    op.statuses[401] += 2
    result = Result(
        "grades", "http://x", operations={"GET /exchanges": op}, fail_on=frozenset({FindingClass.SERVER_ERROR})
    )
    assert result.not_exercised() == {"GET /exchanges": "all 401"}
    assert not result.ok
    op.statuses[200] += 1
    result.findings = [_finding("/x type")]  # response-contract, not in fail_on: reported, passes
    assert result.ok
    assert op.observed_documented() == ["200"]


def test_redact_and_rate_limiter_and_retry_after() -> None:
    assert redact("Bearer s3cret-token and s3cret-token", ["s3cret-token"]) == "Bearer *** and ***"
    now = [100.0]

    def sleep(seconds: float) -> None:
        now[0] += seconds

    limiter = RateLimiter(4, clock=lambda: now[0], sleep=sleep)
    sent = []
    for _ in range(9):
        limiter.wait()
        sent.append(now[0] - 100.0)
    assert sent == [0.0, 0.25, 0.5, 0.75, 1.0, 1.25, 1.5, 1.75, 2.0]  # 4 per second, back to back
    now[0] += 10  # idle time is not saved up into a burst
    limiter.wait()
    limiter.wait()
    assert now[0] - 100.0 == 12.25
    assert retry_after("2") == 2.0
    assert retry_after(None) == 1.0
    assert retry_after("soon") == 1.0
    assert retry_after("3600") == 30.0  # capped
    waits: list[float] = []
    manners = Manners(rate=None, sleep=waits.append)
    assert manners.on_429({"Retry-After": "3"}) == 3.0
    assert waits == [3.0]
    assert "1 answers 429 waited out" in manners.note()
