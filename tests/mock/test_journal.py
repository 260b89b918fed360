"""The request log (one line per request) and the request journal (``/_mock/requests``, ``datasync_mock.requests``)."""

from __future__ import annotations

import asyncio
import json
import logging
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest

from datasync_openapi.mock import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, DEMO_TOKEN, MockApp, MockConfig, create_app
from datasync_openapi.mock.journal import JOURNAL_BODY_BYTES, MemoryJournal
from datasync_openapi.mock.seed import EXCHANGE_CREATED
from datasync_openapi.process import running_process

G = "/v2/grades"
BEARER = {"Authorization": f"Bearer {DEMO_TOKEN}"}
SECRET = "s3cr3t-value-never-shown"


def send(app: MockApp, *requests: tuple[str, str, dict[str, Any]]) -> list[httpx.Response]:
    async def go() -> list[httpx.Response]:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://mock") as client:
            return [await client.request(method, url, **kwargs) for method, url, kwargs in requests]

    return asyncio.run(go())


@pytest.fixture
def app() -> MockApp:
    return create_app()


def test_each_answered_request_is_journaled_with_its_parsed_body(app: MockApp) -> None:
    body = {"assignments": [], "final": True}
    raw = json.dumps(body).encode()
    as_json = {**BEARER, "Content-Type": "application/json"}
    send(
        app,
        ("GET", f"{G}/exchanges?state=created&page_size=2", {"headers": BEARER}),
        ("POST", f"{G}/exchanges/{EXCHANGE_CREATED}/data", {"headers": as_json, "content": raw}),
        ("GET", f"{G}/exchanges/{EXCHANGE_CREATED}", {}),  # no credentials: 401, journaled too
        ("GET", f"{G}/nowhere", {"headers": BEARER}),
    )
    entries = send(app, ("GET", "/_mock/requests", {}))[0].json()["data"]
    assert [(e["operation"], e["method"], e["path"], e["status"]) for e in entries] == [
        ("listExchanges", "GET", f"{G}/exchanges", 200),
        ("createExchangeData", "POST", f"{G}/exchanges/{EXCHANGE_CREATED}/data", 200),
        ("getExchange", "GET", f"{G}/exchanges/{EXCHANGE_CREATED}", 401),
        (None, "GET", f"{G}/nowhere", 404),
    ]
    assert entries[0]["query"] == {"state": "created", "page_size": "2"}
    assert entries[1]["body"] == body
    assert entries[1]["body_size"] == len(raw)
    assert [e["seq"] for e in entries] == sorted(e["seq"] for e in entries)
    assert all(e["duration_ms"] >= 0 and e["at"].endswith("Z") for e in entries)


def test_the_journal_filters_and_clears(app: MockApp) -> None:
    send(
        app,
        ("GET", f"{G}/exchanges", {"headers": BEARER}),
        ("POST", f"{G}/exchanges", {"headers": BEARER, "json": {}}),
        ("GET", f"{G}/exchanges/{EXCHANGE_CREATED}", {"headers": BEARER}),
    )
    got = send(
        app,
        ("GET", "/_mock/requests?method=post", {}),
        ("GET", "/_mock/requests?operation=getexchange", {}),
        ("GET", f"/_mock/requests?path={G}/exchanges/&method=GET", {}),
        ("GET", "/_mock/requests?colour=red", {}),
    )
    assert [e["operation"] for e in got[0].json()["data"]] == ["createExchange"]
    assert [e["operation"] for e in got[1].json()["data"]] == ["getExchange"]
    assert [e["operation"] for e in got[2].json()["data"]] == ["getExchange"]
    assert got[3].status_code == 400
    assert "unknown filter 'colour'" in got[3].json()["error"]["details"]
    assert send(app, ("DELETE", "/_mock/requests", {}))[0].status_code == 204
    assert send(app, ("GET", "/_mock/requests", {}))[0].json()["data"] == []  # controls are not journaled


def test_credentials_never_reach_the_journal_or_the_log(app: MockApp, caplog: pytest.LogCaptureFixture) -> None:
    form = {"grant_type": "client_credentials", "client_id": DEMO_CLIENT_ID, "client_secret": DEMO_CLIENT_SECRET}
    with caplog.at_level(logging.INFO, logger="datasync_openapi.mock.requests"):
        token = send(app, ("POST", "/oauth/token", {"data": form}))[0].json()["access_token"]
        send(
            app,
            ("GET", f"{G}/exchanges?access_token={SECRET}", {"headers": {"Authorization": f"Bearer {token}"}}),
            ("POST", f"{G}/exchanges", {"headers": BEARER, "json": {"metadata": {"password": SECRET, "n": 1}}}),
        )
    journal = json.dumps(app.journal.entries())
    for secret in (SECRET, DEMO_CLIENT_SECRET, DEMO_CLIENT_ID, token, DEMO_TOKEN):
        assert secret not in journal
        assert secret not in caplog.text
    token_entry, listed, created = app.journal.entries()
    assert token_entry["body"] == {
        "grant_type": "client_credentials",
        "client_id": "[redacted]",
        "client_secret": "[redacted]",
    }
    assert listed["query"] == {"access_token": "[redacted]"}
    assert created["body"] == {"metadata": {"password": "[redacted]", "n": 1}}


def test_one_log_line_per_request_with_the_peer_text_neutralised(
    app: MockApp, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="datasync_openapi.mock.requests"):
        send(
            app,
            ("GET", f"{G}/exchanges/{EXCHANGE_CREATED}", {"headers": BEARER}),
            ("GET", f"{G}/exchanges/%1b%5b31mred%0aforged", {"headers": BEARER}),
            ("GET", "/_mock/health", {}),
        )
    lines = [r.getMessage() for r in caplog.records if r.name == "datasync_openapi.mock.requests"]
    assert len(lines) == 2
    method, path, status, ms, unit, operation = lines[0].split(" ")
    assert (method, path, status, unit, operation) == (
        "GET",
        f"{G}/exchanges/{EXCHANGE_CREATED}",
        "200",
        "ms",
        "getExchange",
    )
    assert float(ms) >= 0
    assert "\x1b" not in lines[1]
    assert "\n" not in lines[1]
    assert "\\x1b[31mred\\x0aforged" in lines[1]


def test_the_journal_is_a_bounded_ring_and_skips_large_bodies() -> None:
    app = create_app(MockConfig(journal=MemoryJournal(cap=3)))
    for n in range(5):
        send(app, ("GET", f"{G}/exchanges?page={n}", {"headers": BEARER}))
    assert [e["query"]["page"] for e in app.journal.entries()] == ["2", "3", "4"]
    big = json.dumps({"metadata": {"x": "y" * JOURNAL_BODY_BYTES}}).encode()
    send(app, ("POST", f"{G}/exchanges", {"headers": {**BEARER, "Content-Type": "application/json"}, "content": big}))
    last = app.journal.entries()[-1]
    assert (last["operation"], last["status"], last["body"], last["body_size"]) == (
        "createExchange",
        200,
        None,
        len(big),
    )


def test_reset_empties_the_journal(app: MockApp) -> None:
    send(app, ("GET", f"{G}/exchanges", {"headers": BEARER}), ("POST", "/_mock/reset", {}))
    assert app.journal.entries() == []


@pytest.mark.slow
@pytest.mark.parametrize("quiet", [False, True])
def test_datasync_mock_logs_a_line_per_request_unless_quiet(tmp_path: Path, quiet: bool) -> None:
    log = tmp_path / "mock.log"
    command = [sys.executable, "-m", "datasync_openapi.cli", "mock", *(["--quiet"] if quiet else [])]
    with running_process(lambda port: [*command, "--port", port], "/_mock/health", name="datasync mock", log=log) as m:
        httpx.get(f"{m.url}{G}/exchanges/{EXCHANGE_CREATED}", headers=BEARER).raise_for_status()
        httpx.get(f"{m.url}{G}/exchanges/{EXCHANGE_CREATED}")  # 401
    lines = [line for line in log.read_text().splitlines() if line.startswith("datasync mock: ")]
    if quiet:
        assert lines == []
    else:
        assert [line.split(" ")[2:5] for line in lines] == [
            ["GET", f"{G}/exchanges/{EXCHANGE_CREATED}", "200"],
            ["GET", f"{G}/exchanges/{EXCHANGE_CREATED}", "401"],
        ]
        assert all(line.endswith(" getExchange") for line in lines)
    assert DEMO_TOKEN not in "\n".join(lines)


def test_the_options_are_in_the_mock_commands_help() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "datasync_openapi.cli", "mock", "--help"], capture_output=True, text=True, check=True
    )
    for option in ("--quiet", "--seed", "--no-demo-data"):
        assert option in done.stdout
