"""Recorded traffic becomes an offline sandbox: ``datasync proxy --record`` then ``datasync mock --seed-from``.

The traffic is recorded through the proxy in front of the realistic server, whose ids are its own (neither
the specs' examples nor the mock's seed), so every recorded object the mock serves came from the HAR file.
"""

from __future__ import annotations

import gzip
import json
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from datasync_openapi.mock import DEMO_TOKEN, MockApp, MockConfig, create_app, har
from datasync_openapi.mock.seed import EXCHANGE_COMPLETED as DEMO_EXCHANGE
from datasync_openapi.server import free_port, running
from tests.apps.proxy_helpers import RealisticServer, findings, proxied

LIVE = "live-token"
EXCHANGE = "7294f213-c134-4555-b14d-693a3562302b"
FAILED_EXCHANGE = "9cc6e34f-e128-48aa-b9aa-d155dfb33374"
NEVER_RUN_SCHEDULE = "d37c9025-0d65-4ff6-a51c-02f2b96c0515"
TENANT = "be0a6077-2323-45dc-8cb9-b4fb7068f37f"
SCHOOLS = (
    "d3800d98-c971-48c6-a20e-01dee6783637",
    "32110b38-b1b7-45f2-b9d0-d526cbfb05c9",
    "450e7d37-9187-4c3e-91a1-88bc5a86ec64",
)
SECTION = "e4f737f2-9dd0-423e-82fe-456409219754"
DEMO = {"Authorization": f"Bearer {DEMO_TOKEN}"}


@pytest.fixture(scope="module")
def recording(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    """A HAR file of a client's session against the realistic server, and what the server answered."""
    path = tmp_path_factory.mktemp("har") / "traffic.har"
    server = RealisticServer()
    seen: dict[str, Any] = {}
    with running(server) as upstream, proxied(upstream, record=path) as (_, base):
        with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {LIVE}"}) as http:
            seen["exchanges"] = http.get("/v2/grades/exchanges").json()["data"]
            seen["exchange"] = http.get(f"/v2/grades/exchanges/{EXCHANGE}").json()["data"]
            seen["errors"] = http.get(f"/v2/grades/exchanges/{FAILED_EXCHANGE}/errors").json()["data"]
            seen["schedules"] = http.get("/v2/grades/schedules").json()["data"]
            seen["details"] = http.get(f"/v2/grades/exchanges/{EXCHANGE}/artifacts/details").content
            seen["consumer"] = http.get("/v2/grades/consumer").json()
            seen["section"] = http.get(f"/v2/grades/sections/{SECTION}/resolve").json()
            seen["tenant"] = http.get(f"/v2/interop/tenants/{TENANT}").json()["data"]
            seen["schools"] = http.get("/v2/interop/tenant/scoping/schools").json()["data"]
            created = {"data": [{"name": "Recorded Elementary", "selected": True}]}
            seen["created"] = http.post("/v2/interop/tenant/scoping/schools?replace=false", json=created).json()["data"]
            assert http.delete(f"/v2/interop/tenant/scoping/schools/{SCHOOLS[2]}").status_code == 204
            assert http.get("/v2/grades/exchanges/00000000-0000-4000-8000-000000000000").status_code == 404
        seen["findings"] = findings(base)
    return path, seen


@pytest.fixture
def sandbox(recording: tuple[Path, dict[str, Any]]) -> Iterator[tuple[MockApp, str, har.Recorded]]:
    recorded = har.load(recording[0])
    app = create_app(MockConfig(seeder=har.with_demo_data(recorded)))
    with running(app) as base:
        yield app, base, recorded


def test_the_recording_is_a_complete_har_file(recording: tuple[Path, dict[str, Any]]) -> None:
    path, seen = recording
    log = json.loads(path.read_text(encoding="utf-8"))["log"]
    assert log["version"] == "1.2"
    assert log["creator"]["name"] == "datasync proxy"
    entries = log["entries"]
    assert len(entries) == 12
    first = entries[0]
    assert first["request"]["url"].endswith("/v2/grades/exchanges")
    assert json.loads(first["response"]["content"]["text"])["data"] == seen["exchanges"]
    assert first["_datasync"]["operation"] == "listExchanges"
    details = entries[4]
    assert details["response"]["content"]["encoding"] == "base64"  # the gzip artifact, as bytes
    assert details["_datasync"]["findings"] == []


def test_recorded_objects_answer_get_by_id(
    sandbox: tuple[MockApp, str, har.Recorded], recording: tuple[Path, dict[str, Any]]
) -> None:
    _, base, recorded = sandbox
    _, seen = recording
    assert recorded.objects == {
        "exchanges": 5,
        "exchange_errors": 1,
        "schedules": 2,
        "artifacts": 1,
        "consumer": 1,
        "sections": 1,
        "tenants": 1,
        "scoping_schools": 4,
    }
    assert recorded.deletes == 1
    assert recorded.skipped == []
    with httpx.Client(base_url=base, headers=DEMO) as http:
        exchange = http.get(f"/v2/grades/exchanges/{EXCHANGE}").json()["data"]
        # as recorded, except the null the spec does not allow (the realistic server's quirk): absent
        assert exchange == seen["exchange"]
        tenant = http.get(f"/v2/interop/tenants/{TENANT}")
        # as recorded, but the client_secret (format: password in the spec): the HAR holds it redacted
        recorded_tenant = {**seen["tenant"], "auth": {**seen["tenant"]["auth"], "client_secret": "[redacted]"}}
        assert tenant.json()["data"] == recorded_tenant
        errors = http.get(f"/v2/grades/exchanges/{FAILED_EXCHANGE}/errors").json()["data"]
        assert errors == [{k: v for k, v in seen["errors"][0].items() if v is not None}]
        schedules = {s["id"]: s for s in http.get("/v2/grades/schedules").json()["data"]}
        assert "last_executed_at" not in schedules[NEVER_RUN_SCHEDULE]  # was null: dropped
        details = http.get(f"/v2/grades/exchanges/{EXCHANGE}/artifacts/details")
        assert json.loads(gzip.decompress(details.content)) == json.loads(gzip.decompress(seen["details"]))
        assert http.get("/v2/grades/consumer").json() == seen["consumer"]
        assert http.get(f"/v2/grades/sections/{SECTION}/resolve").json() == seen["section"]
        school = http.get(f"/v2/interop/tenant/scoping/schools/{SCHOOLS[0]}").json()["data"]
        assert school == next(s for s in seen["schools"] if s["school_id"] == SCHOOLS[0])
        created = http.get(f"/v2/interop/tenant/scoping/schools/{seen['created']['school_id']}")
        assert created.json()["data"]["name"] == "Recorded Elementary"
        # deleted while recording: gone here too
        assert http.get(f"/v2/interop/tenant/scoping/schools/{SCHOOLS[2]}").status_code == 404
        # the demo data is still there beside the recorded objects
        assert http.get(f"/v2/grades/exchanges/{DEMO_EXCHANGE}").status_code == 200


def test_the_sandbox_keeps_working_statefully(sandbox: tuple[MockApp, str, har.Recorded]) -> None:
    app, base, _ = sandbox
    with httpx.Client(base_url=base, headers=DEMO) as http:
        school = f"/v2/interop/tenant/scoping/schools/{SCHOOLS[1]}"
        assert http.put(school, json={"selected": False}).json()["data"]["selected"] is False
        assert http.delete(school).status_code == 204
        assert http.get(school).status_code == 404

        made = http.post("/v2/grades/exchanges", json={"query": {"type": "assignment_scores"}}).json()["data"]
        listed = [e["id"] for e in http.get("/v2/grades/exchanges", params={"page_size": 100}).json()["data"]]
        assert made["id"] in listed
        assert EXCHANGE in listed
        assert http.get("/v2/grades/exchanges/count").json() == len(listed)

        # the recorded (and repaired) exchange takes errors and data like any other
        assert http.post(f"/v2/grades/exchanges/{EXCHANGE}/errors", json={"code": "x"}).status_code == 200
        assert http.get(f"/v2/grades/exchanges/{EXCHANGE}").json()["data"]["error_count"] == 1

        # reset restores the demo data and the recording
        assert http.post("/_mock/reset").status_code == 204
        assert http.get(school).status_code == 200
        assert http.get(f"/v2/grades/exchanges/{made['id']}").status_code == 404
    assert app.store.get("exchanges", EXCHANGE) is not None


def test_the_sandbox_conforms_to_the_spec(sandbox: tuple[MockApp, str, har.Recorded]) -> None:
    """Through the proxy, the sandbox's answers about recorded objects give no finding (what drifted when
    recorded, the nulls, is absent in the sandbox)."""
    _, upstream, _ = sandbox
    with proxied(upstream) as (_, base), httpx.Client(base_url=base, headers=DEMO) as http:
        for path in (
            "/v2/grades/exchanges",
            f"/v2/grades/exchanges/{EXCHANGE}",
            f"/v2/grades/exchanges/{FAILED_EXCHANGE}/errors",
            "/v2/grades/schedules",
            f"/v2/interop/tenants/{TENANT}",
            "/v2/interop/tenant/scoping/schools",
        ):
            assert http.get(path).status_code == 200, path
        assert findings(base) == {}


def test_objects_that_do_not_match_the_spec_are_skipped_and_named(tmp_path: Path) -> None:
    path = tmp_path / "drift.har"
    with running(RealisticServer(defects={"error_count_string"})) as upstream, proxied(upstream, record=path) as p:
        httpx.get(f"{p[1]}/v2/grades/exchanges", headers={"Authorization": f"Bearer {LIVE}"})
        httpx.get(f"{p[1]}/v2/grades/schedules", headers={"Authorization": f"Bearer {LIVE}"})
    recorded = har.load(path)
    assert recorded.objects == {"schedules": 2}
    assert len(recorded.skipped) == 5
    assert recorded.skipped[0].startswith(f"exchanges from GET /exchanges: Exchange {EXCHANGE}: ")
    assert "error_count' must be an integer" in recorded.skipped[0]
    assert "skipped exchanges from GET /exchanges" in recorded.summary()


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ("{not json", "is not complete JSON"),
        ('{"log": {}}', "is not a HAR file (no log.entries)"),
        ('{"log": {"version": "1.2", "entries": [', "a proxy stopped with SIGKILL leaves its HAR file unfinished"),
    ],
)
def test_an_unusable_file_is_one_clear_error(tmp_path: Path, content: str, problem: str) -> None:
    path = tmp_path / "bad.har"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(har.HarError, match=re.escape(problem)):
        har.load(path)


@pytest.mark.slow
def test_datasync_mock_seed_from(recording: tuple[Path, dict[str, Any]], tmp_path: Path) -> None:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "datasync_openapi.cli", "mock", "--port", str(port), "--seed-from", str(recording[0])],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        for _attempt in range(200):
            try:
                answer = httpx.get(f"{base}/v2/grades/exchanges/{EXCHANGE}", headers=DEMO)
                break
            except httpx.TransportError:
                assert process.poll() is None, "the mock exited"
                time.sleep(0.05)
        else:
            raise AssertionError("the mock did not start")
        assert answer.status_code == 200
        assert answer.json()["data"]["id"] == EXCHANGE
    finally:
        process.terminate()
        out, _ = process.communicate(timeout=10)
    assert f"seeded from {recording[0]}: 12 entries; objects put: artifacts 1, consumer 1" in out
    assert "1 deletes replayed" in out

    missing = subprocess.run(
        [
            *(sys.executable, "-m", "datasync_openapi.cli", "mock", "--port", str(free_port())),
            *("--seed-from", str(tmp_path / "none.har")),
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert missing.returncode == 2
    assert missing.stderr.strip().startswith(f"datasync: cannot read {tmp_path / 'none.har'}: No such file")
