"""The conformance suite: the clean mock has zero findings, each injected bug is reported, reports are written."""

from __future__ import annotations

from pathlib import Path
from xml.etree import ElementTree as ET

import pytest

from datasync_openapi import cli, conformance
from datasync_openapi.contract import API, APIS, operations
from datasync_openapi.mock import DEMO_API_KEY, DEMO_API_SECRET, DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, create_app
from datasync_openapi.server import running
from tests.apps.rogue import BUGS, RogueMockApp

CREDENTIALS = conformance.Credentials(
    client_id=DEMO_CLIENT_ID,
    client_secret=DEMO_CLIENT_SECRET,
    token_url="/oauth/token",
    basic=(DEMO_API_KEY, DEMO_API_SECRET),
)
SMALL = conformance.Budget(max_examples=5)

# Which operations each rogue bug needs to be seen (a full run finds them too, only slower).
TARGETS: dict[str, tuple[API, list[str]]] = {
    "server_error_on_bad_input": ("grades", ["listExchanges", "getExchange"]),
    "undocumented_status": ("grades", ["createExchange"]),
    "wrong_content_type": ("grades", ["getExchange"]),
    "schema_violation": ("grades", ["getExchange"]),
    "missing_envelope": ("grades", ["getExchange"]),
    "ignored_auth": ("grades", ["getConsumer"]),
    "deleted_still_served": ("interop", ["createScopingSchools", "getScopingSchool", "deleteScopingSchool"]),
    "created_not_fetchable": ("interop", ["createScopingSchools", "getScopingSchool"]),
    "accepts_invalid": ("grades", ["listSchedules"]),
    "rejects_valid": ("grades", ["createExchange"]),
}


def test_every_bug_has_a_target() -> None:
    assert set(TARGETS) == set(BUGS)


@pytest.mark.slow
@pytest.mark.parametrize("api", APIS)
def test_clean_mock_has_zero_findings_in_process(api: API) -> None:
    app = create_app()
    report = conformance.run(api, app=app, credentials=CREDENTIALS, budget=SMALL, reset=app.reset, writes=True)
    assert report.findings == [], conformance.summary(report)
    assert report.errors == []
    assert report.skipped == []
    assert {op.key for op in operations(api)} == set(report.operations)
    assert all(result.cases > 0 for result in report.operations.values())
    # coverage truth: every operation reached a 2xx, and the stateful phase ran
    assert report.not_exercised() == {}
    assert report.reached() == len(operations(api))
    assert report.stateful_cases > 0
    assert report.stop_reason == "completed"
    assert report.ok


@pytest.mark.slow
@pytest.mark.parametrize("bug", sorted(BUGS))
def test_each_injected_bug_is_reported(bug: str) -> None:
    api, only = TARGETS[bug]
    app = RogueMockApp({bug})
    report = conformance.run(
        api, app=app, credentials=CREDENTIALS, budget=SMALL, reset=app.reset, only=only, writes=True
    )
    expected_check = BUGS[bug][1]
    assert expected_check in report.failed_checks(), conformance.summary(report)
    # and the same operations on the clean mock are clean: the finding is the bug, not noise
    clean = create_app()
    baseline = conformance.run(
        api, app=clean, credentials=CREDENTIALS, budget=SMALL, reset=clean.reset, only=only, writes=True
    )
    assert baseline.findings == [], conformance.summary(baseline)


def test_rogue_rejects_unknown_bug_names() -> None:
    with pytest.raises(ValueError, match="unknown bugs"):
        RogueMockApp({"no_such_bug"})


@pytest.mark.slow
def test_over_http_read_only_by_default_and_reports_bugs(tmp_path: Path) -> None:
    """Against a server that is not the embedded mock: only GETs run unless writes are allowed."""
    app = RogueMockApp({"schema_violation"})
    with running(app) as base:
        report = conformance.run(
            "grades",
            base_url=f"{base}/v2/grades",
            credentials=conformance.Credentials(
                client_id=DEMO_CLIENT_ID, client_secret=DEMO_CLIENT_SECRET, token_url=f"{base}/oauth/token"
            ),
            budget=conformance.Budget(max_examples=3, phases=("examples", "fuzzing")),
        )
    assert report.operations, "nothing ran"
    assert [label for label in report.operations if not label.startswith("GET ")] == []
    assert any("a write (read-only run" in s for s in report.skipped)
    assert "response_schema_conformance" in report.failed_checks()
    finding = next(f for f in report.findings if f.check == "response_schema_conformance")
    assert "curl" in finding.reproduce
    conformance.write_junit(report, tmp_path / "r.xml")
    suite = ET.parse(tmp_path / "r.xml").getroot()
    assert suite.get("failures") == str(len(report.findings))
    assert suite.findall(".//failure[@type='response-contract']")


def test_operations_without_credentials_are_skipped_not_failed() -> None:
    app = create_app()
    report = conformance.run(
        "interop",
        app=app,
        credentials=conformance.Credentials(token="demo-token"),  # no Basic: GET /tenants cannot run
        budget=conformance.Budget(max_examples=2, phases=("examples",)),
        reset=app.reset,
    )
    assert "GET /tenants" not in report.operations
    assert any(s.startswith("GET /tenants: no credentials for basicAuth") for s in report.skipped)
    assert report.findings == []


@pytest.mark.slow
def test_cli_runs_the_embedded_mock_and_writes_reports(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status = cli.main(
        ["conformance", "--phases", "examples,fuzzing", "--max-examples", "2", "--reports", str(tmp_path)]
    )
    out = capsys.readouterr().out
    assert status == 0, out
    assert "0 distinct findings" in out
    assert "33 of 33 operations reached a 2xx" in out
    for api in APIS:
        suite = ET.parse(tmp_path / f"conformance-{api}.xml").getroot()
        assert suite.get("failures") == "0"
        assert int(suite.get("tests", "0")) == len(operations(api))
    markdown = (tmp_path / "conformance.md").read_text(encoding="utf-8")
    assert "## grades: PASS" in markdown
    assert "## interop: PASS" in markdown
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "conformance-grades.json",
        "conformance-grades.xml",
        "conformance-interop.json",
        "conformance-interop.xml",
        "conformance.html",
        "conformance.md",
    ]


def test_cli_requires_credentials_for_a_foreign_server(capsys: pytest.CaptureFixture[str]) -> None:
    status = cli.main(["conformance", "--api", "grades", "--base-url", "http://127.0.0.1:9/v2/grades"])
    assert status == 2
    err = capsys.readouterr().err
    assert "give credentials" in err
    assert "TOKEN=" in err  # names the Make variables the README shows
    assert len(err.strip().splitlines()) == 1


def test_credentials_repr_hides_secrets() -> None:
    text = repr(conformance.Credentials(token="t0ken-secret", client_secret="s3cret", basic=("key", "pw-secret")))
    assert "t0ken-secret" not in text
    assert "s3cret" not in text
    assert "pw-secret" not in text
