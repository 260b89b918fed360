"""Baselines and shards: an update replaces only what the run covered; ``--shard I/N`` is a stable, exact split with
reports of its own; ``datasync report merge`` reads the shards' JSON reports back into one verdict.

Against tests/apps/realistic_server.py (a server written from the docs, not the mock), over HTTP.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

import pytest

from datasync_openapi import cli
from datasync_openapi.conformance.options import ConformanceError
from datasync_openapi.conformance.suite import Shard, parse_shard, select
from datasync_openapi.contract import APIS, operations
from datasync_openapi.findings import FindingClass, OperationCoverage, Result
from datasync_openapi.findings import baseline as baselines
from datasync_openapi.findings.model import Finding, result_from_dict
from datasync_openapi.findings.report import read_json, write_json
from datasync_openapi.server import running
from tests.apps.realistic_server import RealisticServer

TOKEN = "live-token"


@pytest.fixture(scope="module")
def base() -> Iterator[str]:
    with running(RealisticServer()) as origin:
        yield f"{origin}/v2/grades"


def _run(capsys: pytest.CaptureFixture[str], base: str, reports: Path, *extra: str) -> tuple[int, str, str]:
    status = cli.main(
        [
            *("conformance", "--api", "grades", "--base-url", base, "--token", TOKEN, "--rate", "unlimited"),
            *("--max-examples", "1", "--phases", "examples,coverage,fuzzing", "--reports", str(reports)),
            "--allow-not-exercised",
            *extra,
        ]
    )
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def _entries(path: Path) -> dict[str, dict[str, Any]]:
    return {e["key"]: e for e in json.loads(path.read_text(encoding="utf-8"))["findings"]}


# -- the split -------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("count", [1, 2, 3, 5])
def test_shards_split_every_operation_exactly_once_and_evenly(count: int) -> None:
    for api in APIS:
        ids = [op.operation_id for op in operations(api)]
        shares = [Shard(index, count).select(ids) for index in range(1, count + 1)]
        assert sorted(op for share in shares for op in share) == sorted(ids)  # each in exactly one shard
        assert max(map(len, shares)) - min(map(len, shares)) <= 1
        shuffled = list(reversed(ids[1::2])) + ids[::2]
        assert [Shard(index, count).select(shuffled) for index in range(1, count + 1)] == shares  # order-free


def test_the_split_depends_only_on_the_names() -> None:
    # sorted, dealt round-robin: the same on every machine and run
    assert Shard(1, 3).select(["d", "b", "a", "e", "c"]) == ["a", "d"]
    assert Shard(2, 3).select(["d", "b", "a", "e", "c"]) == ["b", "e"]
    assert Shard(3, 3).select(["d", "b", "a", "e", "c"]) == ["c"]


def test_a_read_only_shard_splits_the_reads() -> None:
    args = argparse.Namespace(include=None, shard="2/3")
    apis, only, shard = select(args, ["grades"], writes=False)
    reads = sorted(op.operation_id for op in operations("grades") if op.method == "get")
    assert shard == Shard(2, 3)
    assert apis == ["grades"]
    assert only == reads[1::3]


@pytest.mark.parametrize("text", ["0/3", "4/3", "1/0", "1", "a/b", "-1/2", "1/2/3", ""])
def test_bad_shards_are_refused(text: str) -> None:
    with pytest.raises(ConformanceError, match="SHARD takes I/N"):
        parse_shard(text)


def test_more_shards_than_operations_is_exit_2(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    status = cli.main(["conformance", "--api", "grades", "--include", "listExchanges", "--shard", "1/2"])
    err = capsys.readouterr().err
    assert status == 2
    assert err.strip().splitlines() == [
        "datasync: error: SHARD=1/2: grades has 1 operations to split in this run, fewer than 2 shards "
        "(use at most 1 shards)"
    ]


# -- the baseline update -----------------------------------------------------------------------------------------
def _result(api: str, tested: dict[str, int], findings: list[Finding]) -> Result:
    result = Result(api=api, target="t", findings=findings)
    result.operations = {label: OperationCoverage(label, cases=cases) for label, cases in tested.items()}
    return result


def _finding(api: str, operation: str, location: str) -> Finding:
    return Finding(api, operation, "response_schema_conformance", FindingClass.RESPONSE_CONTRACT, "t", location)


def test_an_update_replaces_only_what_the_run_covered() -> None:
    old = {
        f.key: baselines.entry(f, writes)
        for f, writes in [
            (_finding("grades", "GET /exchanges", "/a"), False),  # tested, not seen again: dropped
            (_finding("grades", "GET /exchanges", "/w"), True),  # needs writes; the run sent none: kept
            (_finding("grades", "GET /schedules", "/b"), False),  # not tested (another shard): kept
            (_finding("grades", "GET /batch", "/c"), False),  # included but no case reached it: kept
            (_finding("interop", "GET /tenants", "/d"), False),  # another API: kept
        ]
    }
    run = _result("grades", {"GET /exchanges": 3, "GET /batch": 0}, [_finding("grades", "GET /exchanges", "/n")])
    kept = {e["key"] for e in baselines.untouched(old, [run], writes=False)}
    assert kept == {
        "grades GET /exchanges response_schema_conformance /w",
        "grades GET /schedules response_schema_conformance /b",
        "grades GET /batch response_schema_conformance /c",
        "interop GET /tenants response_schema_conformance /d",
    }
    # a run with writes covers what needs writes too
    kept = {e["key"] for e in baselines.untouched(old, [run], writes=True)}
    assert "grades GET /exchanges response_schema_conformance /w" not in kept
    # and what the update drops is what the report calls fixed
    baselines.apply(run, old, writes=False)
    assert [e["key"] for e in run.fixed] == ["grades GET /exchanges response_schema_conformance /a"]


@pytest.mark.slow
def test_sharded_updates_and_a_narrowed_update_lose_nothing(
    base: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    baseline = tmp_path / "baseline.json"
    reports = tmp_path / "reports"
    first, out, _ = _run(capsys, base, reports, "--shard", "1/2", "--baseline", str(baseline), "--update-baseline")
    assert first == 0, out
    after_first = _entries(baseline)
    assert after_first, "the realistic server's quirks must be in the baseline"
    second, out, _ = _run(capsys, base, reports, "--shard", "2/2", "--baseline", str(baseline), "--update-baseline")
    assert second == 0, out
    full = _entries(baseline)
    assert set(after_first) < set(full)  # shard 2 added its findings and kept shard 1's
    assert {e["operation"] for e in full.values()} - {e["operation"] for e in after_first.values()}
    # shard 1 again: the same baseline
    _run(capsys, base, reports, "--shard", "1/2", "--baseline", str(baseline), "--update-baseline")
    assert _entries(baseline) == full

    # a narrowed update replaces only its operation's entries
    status, out, _ = _run(
        capsys, base, reports, "--include", "listExchanges", "--baseline", str(baseline), "--update-baseline"
    )
    assert status == 0, out
    narrowed = _entries(baseline)
    assert narrowed == full
    status, out, _ = _run(
        capsys, base, reports, "--include", "getExchange", "--baseline", str(baseline), "--update-baseline"
    )
    assert status == 0, out
    assert _entries(baseline) == full
    assert f"({len(full)} findings: 0 from this run, {len(full)} kept)" in out


def test_shards_after_a_full_run_keep_what_only_the_full_run_can_see(
    base: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A finding on one operation can need another in the same run (schemathesis feeds getExchange the ids
    listExchanges answered): a shard holding one of the two covers it and does not see it. It is not fixed."""
    baseline = tmp_path / "baseline.json"
    reports = tmp_path / "reports"
    status, out, _ = _run(capsys, base, reports, "--baseline", str(baseline), "--update-baseline")
    assert status == 0, out
    full = _entries(baseline)
    for shard in ("1/2", "2/2", "1/2"):
        status, out, _ = _run(capsys, base, reports, "--shard", shard, "--baseline", str(baseline), "--update-baseline")
        assert status == 0, out
        assert set(_entries(baseline)) >= set(full), f"SHARD={shard} dropped {set(full) - set(_entries(baseline))}"
        report = json.loads((reports / f"conformance-grades.shard-{shard.replace('/', '-of-')}.json").read_text())
        assert report["baseline"]["fixed"] == [], report["baseline"]  # nothing a shard cannot judge is called fixed


def test_an_unreadable_baseline_is_not_replaced(base: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    baseline = tmp_path / "baseline.json"
    baseline.write_text("{not json", encoding="utf-8")
    status, out, err = _run(capsys, base, tmp_path, "--baseline", str(baseline), "--update-baseline")
    assert status == 2
    assert "is not readable JSON" in err
    assert out == ""  # refused before the run
    assert baseline.read_text(encoding="utf-8") == "{not json"


# -- shards' reports and the merge -------------------------------------------------------------------------------
@pytest.mark.slow
def test_shards_reports_do_not_collide_and_merge_into_one_verdict(
    base: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    reports = tmp_path / "reports"
    statuses = [_run(capsys, base, reports, "--shard", f"{i}/3")[0] for i in (1, 2, 3)]
    names = sorted(p.name for p in reports.iterdir())
    assert names == sorted(
        name
        for i in (1, 2, 3)
        for name in (
            f"conformance-grades.shard-{i}-of-3.json",
            f"conformance-grades.shard-{i}-of-3.xml",
            f"conformance.shard-{i}-of-3.md",
            f"conformance.shard-{i}-of-3.html",
        )
    )
    shards = [read_json(reports / f"conformance-grades.shard-{i}-of-3.json") for i in (1, 2, 3)]
    reads = {op.key for op in operations("grades") if op.method == "get"}
    assert sorted(label for s in shards for label in s.operations) == sorted(reads)

    merged_dir = tmp_path / "merged"
    inputs = [str(reports / f"conformance-grades.shard-{i}-of-3.json") for i in (3, 1, 2)]
    status = cli.main(["report", "merge", *inputs, "--reports", str(merged_dir)])
    out = capsys.readouterr().out
    assert status == (1 if 1 in statuses else 0) == 1, out  # the quirks fail a live run
    merged = json.loads((merged_dir / "conformance-grades.json").read_text(encoding="utf-8"))
    assert merged["verdict"] == "FAIL"
    assert merged["parameters"]["shard"] == "1/3, 2/3, 3/3 (merged)"
    assert {op["operation"] for op in merged["coverage"]["per_operation"]} == reads
    assert sorted(f["key"] for f in merged["findings"]) == sorted(f.key for s in shards for f in s.findings)
    assert merged["cases"] == sum(s.cases for s in shards)
    suite = ET.parse(merged_dir / "conformance-grades.xml").getroot()
    assert suite.get("tests") == str(len(reads))
    assert "## grades: FAIL" in (merged_dir / "conformance.md").read_text(encoding="utf-8")
    assert (merged_dir / "conformance.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert out.strip().splitlines()[-1].startswith("FAIL: ")

    # every finding accepted by a baseline: the merged verdict passes
    baseline = tmp_path / "baseline.json"
    for i in (1, 2, 3):
        _run(capsys, base, reports, "--shard", f"{i}/3", "--baseline", str(baseline), "--update-baseline")
    status = cli.main(["report", "merge", *inputs, "--reports", str(merged_dir)])
    assert status == 0, capsys.readouterr().out


@pytest.mark.slow
def test_merge_refuses_what_would_give_a_wrong_verdict(
    base: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    reports = tmp_path / "reports"
    for i in (1, 2):
        _run(capsys, base, reports, "--shard", f"{i}/2")
    one, two = (str(reports / f"conformance-grades.shard-{i}-of-2.json") for i in (1, 2))
    whole = tmp_path / "whole"
    _run(capsys, base, whole, "--include", "listExchanges")
    garbage = tmp_path / "garbage.json"
    garbage.write_text('{"api": "grades"}', encoding="utf-8")
    cases = {
        (one,): "grades: shard 2/2 missing",
        (one, one): "grades: shard 1/2 given twice",
        (one, two, str(whole / "conformance-grades.json")): "a report of the whole run",
        (str(tmp_path / "none.json"),): "cannot read",
        (str(garbage),): "is not a conformance JSON report",
    }
    for inputs, message in cases.items():
        status = cli.main(["report", "merge", *inputs, "--reports", str(tmp_path / "merged")])
        err = capsys.readouterr().err
        assert status == 2, (inputs, err)
        assert message in err
        assert len(err.strip().splitlines()) == 1
    assert not (tmp_path / "merged").exists()


@pytest.mark.slow
def test_the_json_report_round_trips(base: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    baseline = tmp_path / "baseline.json"
    # a baseline with an entry this run will call fixed, so every part of the report has content
    ghost = _finding("grades", "GET /exchanges", "/ghost")
    baselines.write(baseline, [ghost])
    _run(capsys, base, tmp_path, "--baseline", str(baseline))  # a whole run: a narrowed one calls nothing fixed
    path = tmp_path / "conformance-grades.json"
    written = json.loads(path.read_text(encoding="utf-8"))
    assert written["findings"]
    assert written["baseline"]["fixed"]
    back = read_json(path)
    assert back.to_dict()["findings"] == written["findings"]
    assert back.ok is (written["verdict"] == "PASS")
    again = tmp_path / "again.json"
    write_json(back, again)
    assert again.read_text(encoding="utf-8") == path.read_text(encoding="utf-8")


def test_round_trip_keeps_allow_not_exercised() -> None:
    result = Result(api="grades", target="t", allow_not_exercised=True)
    result.operations = {"GET /x": OperationCoverage("GET /x", cases=2)}
    result.operations["GET /x"].statuses.update({404: 2})
    assert result.ok
    assert result_from_dict(result.to_dict()).ok
    result.allow_not_exercised = False
    assert not result_from_dict(result.to_dict()).ok
