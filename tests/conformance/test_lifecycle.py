"""Lifecycle drift is reported beside other drift, and EXCLUDE_CHECKS drops a check (realistic_server.py, HTTP).

The server answers 404 for an exchange it has just created and 200 for a scoping school it has just deleted,
while its ordinary quirks (nulls for absent fields, lenient paging) fail other checks on the same operations.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from datasync_openapi import cli, conformance
from datasync_openapi.conformance.options import CHECK_NAMES
from datasync_openapi.findings import FOREIGN_DEFAULT_FAIL_ON, FindingClass
from datasync_openapi.server import running
from tests.apps.realistic_server import RealisticServer

TOKEN = "live-token"
STATEFUL = conformance.Budget(max_examples=2, phases=("stateful",), max_steps=4)
CREATED_NOT_FOUND = "grades GET /exchanges/{id} ensure_resource_availability status 404"
DELETED_STILL_THERE = "interop GET /tenant/scoping/schools/{id} use_after_free status 200"
GRADES_OPS = ["createExchange", "getExchange", "listExchanges", "getConsumer"]
INTEROP_OPS = ["createScopingSchools", "getScopingSchool", "deleteScopingSchool", "listScopingSchools"]


@pytest.fixture
def drifting() -> Iterator[tuple[RealisticServer, str]]:
    app = RealisticServer(defects={"created_exchange_not_found", "deleted_school_still_served", "error_count_string"})
    with running(app) as base:
        yield app, base


def _run(base: str, api: str, only: list[str], budget: conformance.Budget = STATEFUL) -> conformance.Result:
    url = f"{base}/v2/{api}"
    credentials = conformance.Credentials(token=TOKEN)
    return conformance.run(
        api,  # type: ignore[arg-type]
        base_url=url,
        credentials=credentials,
        bearer=TOKEN,
        budget=budget,
        writes=True,
        only=only,
        manners=conformance.Manners(rate=500),
        fail_on=FOREIGN_DEFAULT_FAIL_ON,
    )


@pytest.mark.slow
def test_lifecycle_drift_is_reported_beside_other_drift(drifting: tuple[RealisticServer, str]) -> None:
    app, base = drifting
    grades = _run(base, "grades", GRADES_OPS)
    interop = _run(base, "interop", INTEROP_OPS)
    keys = {f.key: f for f in grades.findings + interop.findings}
    # the ordinary drift on the same operations is there too: other checks did fail
    assert "grades GET /exchanges/{id} response_schema_conformance /data/batch_exchange_id null" in keys
    assert "grades GET /exchanges/{id} response_schema_conformance /data/error_count type" in keys
    assert CREATED_NOT_FOUND in keys, sorted(keys)
    assert DELETED_STILL_THERE in keys, sorted(keys)
    for key in (CREATED_NOT_FOUND, DELETED_STILL_THERE):
        finding = keys[key]
        assert finding.cls is FindingClass.LIFECYCLE
        assert finding in grades.failing() + interop.failing()
        assert TOKEN not in finding.reproduce
        assert '"Authorization: Bearer $TOKEN"' in finding.reproduce
    # the reproduction is the chain: create, read (and delete, read again)
    assert keys[CREATED_NOT_FOUND].reproduce.splitlines()[0].startswith("curl -X POST ")
    assert [line.split()[2] for line in keys[DELETED_STILL_THERE].reproduce.splitlines()] == [
        "POST",
        "GET",
        "DELETE",
        "GET",
    ]
    # what the probes created is cleaned up or listed (exchanges cannot be deleted: they are listed)
    made = app.created()["exchanges"]
    assert made
    assert all(i in " ".join(grades.left_behind) for i in made)


@pytest.mark.slow
def test_a_conforming_server_gives_no_lifecycle_finding() -> None:
    app = RealisticServer()
    with running(app) as base:
        results = [_run(base, "grades", GRADES_OPS), _run(base, "interop", INTEROP_OPS)]
    assert [f.key for r in results for f in r.findings if f.cls is FindingClass.LIFECYCLE] == []
    assert any(f.cls is FindingClass.RESPONSE_CONTRACT for f in results[0].findings), "the quirks were not seen"


@pytest.mark.slow
def test_excluded_checks_are_not_run(drifting: tuple[RealisticServer, str]) -> None:
    _, base = drifting
    budget = conformance.Budget(
        max_examples=2, phases=("stateful",), max_steps=4, exclude_checks=("use_after_free", "ignored_auth")
    )
    result = _run(base, "interop", INTEROP_OPS, budget)
    checks = {f.check for f in result.findings}
    assert "use_after_free" not in checks
    assert "ignored_auth" not in checks
    assert "except use_after_free,ignored_auth" in result.parameters["checks"]
    grades = _run(base, "grades", GRADES_OPS, budget)
    assert CREATED_NOT_FOUND in {f.key for f in grades.findings}, "only the excluded checks are dropped"


def test_unknown_check_names_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    status = cli.main(["conformance", "--api", "grades", "--exclude-checks", "ignored_auth,no_such_check"])
    err = capsys.readouterr().err
    assert status == 2
    assert "EXCLUDE_CHECKS: unknown check no_such_check" in err
    assert len(err.strip().splitlines()) == 1


def test_check_names_are_schemathesis_checks() -> None:
    import schemathesis.specs.openapi.checks  # noqa: F401  (registers the OpenAPI checks)
    from schemathesis.checks import CHECKS

    assert set(CHECK_NAMES) == set(CHECKS.get_all_names())


@pytest.mark.parametrize("bug", ["deleted_still_served", "created_not_fetchable"])
def test_lifecycle_bugs_are_found_in_process_without_the_stateful_walk(bug: str) -> None:
    """In-process too the probes find them on purpose: no stateful phase, so no luck of its random walk."""
    from datasync_openapi.mock import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET
    from tests.apps.rogue import BUGS, RogueMockApp

    app = RogueMockApp({bug})
    credentials = conformance.Credentials(
        client_id=DEMO_CLIENT_ID, client_secret=DEMO_CLIENT_SECRET, token_url="/oauth/token"
    )
    report = conformance.run(
        "interop",
        app=app,
        credentials=credentials,
        budget=conformance.Budget(max_examples=2, phases=("examples",)),
        reset=app.reset,
        only=["createScopingSchools", "getScopingSchool", "deleteScopingSchool"],
        writes=True,
    )
    assert report.stateful_cases == 0
    assert BUGS[bug][1] in report.failed_checks(), conformance.summary(report)
