"""The example scripts run unchanged through the proxy in front of the mock, and the proxy finds nothing.

The mock and the proxy each run on a real socket (``server.running``); the scripts only get the proxy's URL
as DATASYNC_URL, so their token requests, reads, writes and artifact downloads all pass through it.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from datasync_openapi.mock import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, DEMO_TOKEN, MockApp, create_app
from datasync_openapi.mock.seed import EXCHANGE_COMPLETED, EXCHANGE_CREATED, EXCHANGE_NO_LOGS
from datasync_openapi.server import running
from tests.apps.proxy_helpers import proxied, report, run_example
from tests.apps.rogue import RogueMockApp

CREDENTIALS = {
    "DATASYNC_CLIENT_ID": DEMO_CLIENT_ID,
    "DATASYNC_CLIENT_SECRET": DEMO_CLIENT_SECRET,
    "DATASYNC_TOKEN": DEMO_TOKEN,
}


@pytest.fixture
def mock() -> Iterator[tuple[MockApp, str]]:
    app = create_app()
    with running(app) as base:
        yield app, base


@pytest.mark.slow
def test_examples_run_through_the_proxy_with_zero_findings(mock: tuple[MockApp, str], tmp_path: Path) -> None:
    app, upstream = mock
    with proxied(upstream) as (_, base):
        listed = run_example("list_exchanges.py", base, **CREDENTIALS).splitlines()
        produced = run_example("producer_flow.py", base, **CREDENTIALS).splitlines()
        artifacts = run_example("download_artifacts.py", base, EXCHANGE_COMPLETED, str(tmp_path), **CREDENTIALS)
        no_logs = run_example("download_artifacts.py", base, EXCHANGE_NO_LOGS, str(tmp_path), **CREDENTIALS)
        scoping = run_example("manage_scoping.py", base, **CREDENTIALS).splitlines()
        data = report(base)

    # the scripts did what they do against the mock directly
    assert listed[0] == "5 exchanges"
    assert produced[0] == f"{EXCHANGE_CREATED}: posted 1 chunk(s)"
    stored = app.store.get("exchanges", EXCHANGE_CREATED)
    assert stored is not None
    assert stored["state"] == "completed"
    assert "details: wrote" in artifacts
    assert "consumerlogs: wrote" in artifacts
    assert "consumerlogs: not available (404)" in no_logs
    assert scoping[3] == "after delete: 404 Scoping school not found"

    # ... and every exchange was checked and conforms
    results = {r["api"]: r for r in data["results"]}
    assert [f["key"] for r in results.values() for f in r["findings"]] == []
    assert all(r["verdict"] == "PASS" for r in results.values())
    grades = {op["operation"]: op for op in results["grades"]["coverage"]["per_operation"]}
    interop = {op["operation"]: op for op in results["interop"]["coverage"]["per_operation"]}
    for label in (
        "GET /exchanges",
        "GET /exchanges/count",
        "POST /exchanges/{id}/data",
        "GET /exchanges/{id}/artifacts/details",
        "GET /exchanges/{id}/artifacts/consumerlogs",
    ):
        assert grades[label]["reached_2xx"], label
    assert grades["GET /exchanges/{id}/artifacts/consumerlogs"]["statuses"] == {"200": 1, "404": 1}
    for label in (
        "GET /tenant/scoping/schools",
        "POST /tenant/scoping/schools",
        "PUT /tenant/scoping/schools/{id}",
        "DELETE /tenant/scoping/schools/{id}",
    ):
        assert interop[label]["reached_2xx"], label
    assert interop["PUT /tenant/scoping/schools/{id}"]["statuses"] == {"200": 1, "404": 1}
    assert results["grades"]["notes"] == []
    assert results["interop"]["notes"] == []


@pytest.mark.slow
def test_the_same_run_in_front_of_a_drifting_mock_is_not_silent(tmp_path: Path) -> None:
    """The control of the test above: one injected drift, and the same script run yields its finding."""
    rogue = RogueMockApp({"schema_violation"})
    with running(rogue) as upstream, proxied(upstream) as (_, base):
        # the client refuses the drifted answer with a typed error (runtime.ResponseParseError); the proxy saw it
        failure = "ResponseParseError: 200 response body does not match the spec at $.data[0].error_count"
        run_example("list_exchanges.py", base, expect_failure=failure, **CREDENTIALS)
        data = report(base)
    keys = [f["key"] for r in data["results"] for f in r["findings"]]
    assert keys == ["grades GET /exchanges response_schema_conformance /data/*/error_count type"]
