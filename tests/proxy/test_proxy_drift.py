"""The proxy in front of the independent, drifting realistic server (tests/apps/realistic_server.py).

Each response drift injected into the server is reported once, with its class, its stable key (the same key
the conformance suite gives it) and its spec-fix hint; ``--strict`` answers it with a 502 and the error
envelope; a baseline makes known findings known (and strict mode lets them pass); no credential ever
reaches the report, the report files, the HAR file or the log.
"""

from __future__ import annotations

import base64
import http.client
import json
import logging
from pathlib import Path
from typing import Any

import httpx
import pytest

from datasync_openapi.findings import FindingClass
from datasync_openapi.server import running
from tests.apps.proxy_helpers import RealisticServer, findings, proxied, report

TOKEN = "tok-5e3c1b7a9f2d4e6b8a0c"  # distinctive, so a leak is found wherever it is
CLIENT = ("proxy-client", "client-secret-7d1f9a2b")
BASIC = ("proxy-key", "basic-secret-4c8e2a6f")
EXCHANGE = "7294f213-c134-4555-b14d-693a3562302b"  # the realistic server's completed exchange
FAILED_EXCHANGE = "9cc6e34f-e128-48aa-b9aa-d155dfb33374"
TENANT = "be0a6077-2323-45dc-8cb9-b4fb7068f37f"


def traffic(base: str, token: str = TOKEN) -> dict[str, int]:
    """What a client does: fetch a token, read, write, download, list tenants with Basic; the statuses seen."""
    seen: dict[str, int] = {}
    with httpx.Client(base_url=base, headers={"Authorization": f"Bearer {token}"}) as http:
        form = {"grant_type": "client_credentials", "client_id": CLIENT[0], "client_secret": CLIENT[1]}
        issued = httpx.post(f"{base}/oauth/token", data=form)
        seen["token"] = issued.status_code
        assert issued.json()["access_token"] == token
        seen["list"] = http.get("/v2/grades/exchanges").status_code
        seen["get"] = http.get(f"/v2/grades/exchanges/{EXCHANGE}").status_code
        seen["errors"] = http.get(f"/v2/grades/exchanges/{FAILED_EXCHANGE}/errors").status_code
        seen["schedules"] = http.get("/v2/grades/schedules").status_code
        created = http.post("/v2/grades/exchanges", json={"query": {"type": "assignment_scores"}, "metadata": {}})
        seen["create"] = created.status_code
        seen["consumer without credentials"] = httpx.get(f"{base}/v2/grades/consumer").status_code
        seen["tenant"] = http.get(f"/v2/interop/tenants/{TENANT}").status_code
        seen["tenants"] = httpx.get(f"{base}/v2/interop/tenants", auth=BASIC).status_code
        seen["details"] = http.get(f"/v2/grades/exchanges/{EXCHANGE}/artifacts/details").status_code
    return seen


def _server(*defects: str) -> RealisticServer:
    return RealisticServer(token=TOKEN, client=CLIENT, basic=BASIC, defects=defects)


def _run(*defects: str, **options: Any) -> tuple[dict[str, int], dict[str, dict[str, Any]]]:
    with running(_server(*defects)) as upstream, proxied(upstream, **options) as (_, base):
        statuses = traffic(base)
        return statuses, findings(base)


@pytest.fixture(scope="module")
def clean() -> dict[str, dict[str, Any]]:
    """The findings of the server without defects: its always-on quirks (nulls for absent fields)."""
    statuses, found = _run()
    assert statuses["consumer without credentials"] == 401
    return found


# defect -> the findings it adds: key, class, and words its hint must hold
DRIFTS: dict[str, list[tuple[str, FindingClass, str]]] = {
    "error_count_string": [
        (
            "grades GET /exchanges response_schema_conformance /data/*/error_count type",
            FindingClass.RESPONSE_CONTRACT,
            "`Exchange.error_count` was a string",
        ),
        (
            "grades GET /exchanges/{id} response_schema_conformance /data/error_count type",
            FindingClass.RESPONSE_CONTRACT,
            "declare `type: [integer, string]`",
        ),
    ],
    "schedule_enabled_string": [
        (
            "grades GET /schedules response_schema_conformance /data/*/enabled type",
            FindingClass.RESPONSE_CONTRACT,
            "`Schedule.enabled` was a string",
        )
    ],
    "create_exchange_201": [
        (
            "grades POST /exchanges status_code_conformance status 201",
            FindingClass.RESPONSE_CONTRACT,
            "declare a `201` response (or `2XX`)",
        )
    ],
    "server_error_tenant": [
        ("interop GET /tenants/{id} not_a_server_error status 500", FindingClass.SERVER_ERROR, ""),
    ],
    "consumer_ignores_auth": [
        (
            "grades GET /consumer ignored_auth api accepts requests without authentication",
            FindingClass.AUTH,
            "as if it were authenticated",
        )
    ],
}


def test_the_clean_server_gives_only_its_quirks(clean: dict[str, dict[str, Any]]) -> None:
    assert sorted(clean) == [
        "grades GET /exchanges response_schema_conformance /data/*/batch_exchange_id null",
        "grades GET /exchanges/{id}/errors response_schema_conformance /data/*/details null",
        "grades GET /schedules response_schema_conformance /data/*/last_executed_at null",
        "grades POST /exchanges response_schema_conformance /data/batch_exchange_id null",
    ]
    null = clean["grades GET /exchanges response_schema_conformance /data/*/batch_exchange_id null"]
    assert null["hint"] == (
        "`Exchange.batch_exchange_id` was null: declare it `type: [string, 'null']` (or have the server omit it)"
    )
    assert null["occurrences"] == 1  # four exchanges carry it in one answer: one exchange, one occurrence
    assert null["reproduce"].startswith("curl -X GET 'http://127.0.0.1:")
    assert '-H "Authorization: Bearer $TOKEN"' in null["reproduce"]


@pytest.mark.slow
@pytest.mark.parametrize("defect", sorted(DRIFTS))
def test_each_drift_is_reported_once_with_class_and_hint(defect: str, clean: dict[str, dict[str, Any]]) -> None:
    _, found = _run(defect)
    new = {key: f for key, f in found.items() if key not in clean}
    assert sorted(new) == sorted(key for key, _, _ in DRIFTS[defect])
    for key, cls, words in DRIFTS[defect]:
        finding = new[key]
        assert finding["class"] == cls.value
        assert finding["occurrences"] == 1
        if cls is FindingClass.SERVER_ERROR:  # its undocumented status and text/html body fold into it
            assert finding["title"] == "Server error 500"
        else:
            assert words in (finding["hint"] or ""), finding["hint"]


def test_a_repeated_drift_stays_one_finding() -> None:
    with running(_server("error_count_string")) as upstream, proxied(upstream) as (_, base):
        for _ in range(3):
            httpx.get(f"{base}/v2/grades/exchanges", headers={"Authorization": f"Bearer {TOKEN}"})
        found = findings(base)
    keys = [k for k in found if "error_count" in k]
    assert keys == ["grades GET /exchanges response_schema_conformance /data/*/error_count type"]
    assert found[keys[0]]["occurrences"] == 3


def _baseline(tmp_path: Path) -> Path:
    """A baseline of the clean server's quirks, written the way a user does: --update-baseline, then stop."""
    path = tmp_path / "proxy-baseline.json"
    with running(_server()) as upstream, proxied(upstream, baseline=path, update_baseline=True) as (_, base):
        traffic(base)
    return path


@pytest.mark.slow
def test_strict_answers_a_contract_breaking_response_with_502(tmp_path: Path) -> None:
    baseline = _baseline(tmp_path)
    headers = {"Authorization": f"Bearer {TOKEN}"}
    with running(_server("error_count_string", "server_error_tenant")) as upstream:
        with proxied(upstream, strict=True, baseline=baseline) as (_, base):
            broken = httpx.get(f"{base}/v2/grades/exchanges", headers=headers)
            schedules = httpx.get(f"{base}/v2/grades/schedules", headers=headers)  # only known quirks
            tenant = httpx.get(f"{base}/v2/interop/tenants/{TENANT}", headers=headers)
            data = report(base)
        with proxied(upstream) as (_, base):  # the same answer without --strict
            passed = httpx.get(f"{base}/v2/grades/exchanges", headers=headers)
    assert broken.status_code == 502
    assert broken.headers["content-type"] == "application/json"
    error = broken.json()["error"]
    assert sorted(error) == ["code", "details", "ext_message", "message", "status"]
    assert (error["status"], error["code"], error["ext_message"]) == (502, "response_contract_violation", None)
    assert error["message"] == "The upstream answer does not match the spec"
    assert error["details"].startswith("GET /exchanges answered 200: Response violates schema: Exchange.error_count")
    assert "batch_exchange_id" not in error["details"]  # known to the baseline: not a reason for a 502
    assert schedules.status_code == 200  # its findings are all known: passed on
    assert tenant.status_code == 500  # a server error is passed on as it is (it is not a contract answer)
    assert "<html>" in tenant.text
    assert passed.status_code == 200
    assert passed.json()["data"][0]["error_count"] == "0"
    grades = next(r for r in data["results"] if r["api"] == "grades")
    assert grades["coverage"]["per_operation"][0]["statuses"] == {"200": 1}  # what the upstream answered


@pytest.mark.slow
def test_a_baseline_marks_known_findings_and_new_drift(tmp_path: Path) -> None:
    baseline = _baseline(tmp_path)
    entries = json.loads(baseline.read_text(encoding="utf-8"))["findings"]
    assert len(entries) == 4, "the quirks are the baseline"

    _, known = _run(baseline=baseline)
    assert len(known) == 4
    assert all(not f["new"] and not f["fails_run"] for f in known.values())
    with running(_server("schedule_enabled_string")) as upstream, proxied(upstream, baseline=baseline) as (_, base):
        traffic(base)
        data = report(base)
    grades = next(r for r in data["results"] if r["api"] == "grades")
    new = [f["key"] for f in grades["findings"] if f["new"]]
    assert new == ["grades GET /schedules response_schema_conformance /data/*/enabled type"]
    assert grades["verdict"] == "FAIL"
    assert len(grades["baseline"]["known"]) == 4

    with running(_server()) as upstream, proxied(upstream, baseline=baseline) as (_, base):
        httpx.get(f"{base}/v2/grades/exchanges", headers={"Authorization": f"Bearer {TOKEN}"})
        data = report(base)
    grades = next(r for r in data["results"] if r["api"] == "grades")
    assert grades["verdict"] == "PASS"
    assert grades["baseline"]["fixed"] == []  # the only operation seen still shows its known finding


@pytest.mark.slow
def test_updating_a_baseline_keeps_what_the_traffic_did_not_reach(tmp_path: Path) -> None:
    path = _baseline(tmp_path)
    other = {
        "key": "grades GET /batch response_schema_conformance /data/*/state enum",
        "api": "grades",
        "operation": "GET /batch",
    }
    document = json.loads(path.read_text(encoding="utf-8"))
    document["findings"].append(other)
    path.write_text(json.dumps(document), encoding="utf-8")
    with running(_server()) as upstream, proxied(upstream, baseline=path, update_baseline=True) as (_, base):
        httpx.get(f"{base}/v2/grades/schedules", headers={"Authorization": f"Bearer {TOKEN}"})
    keys = [e["key"] for e in json.loads(path.read_text(encoding="utf-8"))["findings"]]
    assert other["key"] in keys  # GET /batch was not reached: its entry stays
    assert "grades GET /schedules response_schema_conformance /data/*/last_executed_at null" in keys
    assert "grades GET /exchanges response_schema_conformance /data/*/batch_exchange_id null" in keys  # not reached
    assert len(keys) == 5


@pytest.mark.slow
def test_no_credential_reaches_the_report_the_har_or_the_log(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    har = tmp_path / "traffic.har"
    reports = tmp_path / "reports"
    basic_blob = base64.b64encode(f"{BASIC[0]}:{BASIC[1]}".encode()).decode()
    drifting = _server("error_count_string", "create_exchange_201")
    with running(drifting) as upstream, proxied(upstream, record=har, reports=reports) as (_, base):
        traffic(base)
        # the token echoed by the server in a body, and sent in a query parameter
        echoed = {"query": {"type": "assignment_scores"}, "metadata": {"note": f"token {TOKEN}"}}
        httpx.post(f"{base}/v2/grades/exchanges", json=echoed, headers={"Authorization": f"Bearer {TOKEN}"})
        # (with http.client: httpx would log this test's own URL, token and all, into caplog)
        host, port = base.removeprefix("http://").split(":")
        connection = http.client.HTTPConnection(host, int(port), timeout=10)
        connection.request(
            "GET", f"/v2/grades/exchanges?access_token={TOKEN}", headers={"Authorization": f"Bearer {TOKEN}"}
        )
        assert connection.getresponse().status == 200
        connection.close()
        live = httpx.get(f"{base}/_proxy/report").text
    texts = {"the report endpoint": live, "the log": caplog.text, "the HAR file": har.read_text(encoding="utf-8")}
    texts.update({path.name: path.read_text(encoding="utf-8") for path in sorted(reports.iterdir())})
    assert len(texts) == 3 + 6  # proxy.md, proxy.html, proxy-<api>.json and .xml
    for secret in (TOKEN, CLIENT[1], BASIC[1], basic_blob):
        for where, text in texts.items():
            assert secret not in text, (secret, where)
    # the recording is complete and says where the credentials were
    entries = json.loads(texts["the HAR file"])["log"]["entries"]
    assert len(entries) == 12
    token_entry = entries[0]
    assert token_entry["request"]["url"].endswith("/oauth/token")
    assert {p["name"]: p["value"] for p in token_entry["request"]["postData"]["params"]} == {
        "grant_type": "client_credentials",
        "client_id": "[redacted]",
        "client_secret": "[redacted]",
    }
    assert json.loads(token_entry["response"]["content"]["text"])["access_token"] == "[redacted]"
    authorizations = [h["value"] for e in entries for h in e["request"]["headers"] if h["name"] == "authorization"]
    assert authorizations
    assert set(authorizations) == {"[redacted]"}
    assert "findings" in entries[1]["_datasync"]
    assert "finding [response-contract] grades GET /exchanges response_schema_conformance" in caplog.text
