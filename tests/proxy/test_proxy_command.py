"""``datasync proxy`` as a user runs it: a process in front of a server, stopped with Ctrl-C or SIGTERM, leaving
its reports and a complete HAR file; options it cannot use are one line and exit status 2."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from datasync_openapi import cli
from datasync_openapi.mock import DEMO_TOKEN
from datasync_openapi.server import free_port, running
from tests.apps.rogue import RogueMockApp

AUTH = {"Authorization": f"Bearer {DEMO_TOKEN}"}


def _wait_until_serving(process: subprocess.Popen[str], base: str) -> None:
    for _attempt in range(400):
        assert process.poll() is None, "the proxy exited"
        try:
            httpx.get(f"{base}/_proxy/health")
            return
        except httpx.TransportError:
            time.sleep(0.05)
    raise AssertionError("the proxy did not start")


@pytest.mark.slow
@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT])
def test_stopping_the_proxy_writes_the_reports_and_completes_the_har(stop: signal.Signals, tmp_path: Path) -> None:
    reports, har = tmp_path / "reports", tmp_path / "traffic.har"
    with running(RogueMockApp({"schema_violation"})) as upstream:
        port = free_port()
        process = subprocess.Popen(
            [
                *(sys.executable, "-m", "datasync_openapi.cli", "proxy", "--upstream", upstream, "--port", str(port)),
                *("--reports", str(reports), "--record", str(har)),
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        try:
            base = f"http://127.0.0.1:{port}"
            _wait_until_serving(process, base)
            assert httpx.get(f"{base}/v2/grades/exchanges", headers=AUTH).status_code == 200
            assert httpx.get(f"{base}/v2/interop/tenant/scoping/schools", headers=AUTH).status_code == 200
        finally:
            process.send_signal(stop)
            out, err = process.communicate(timeout=30)
    assert f"datasync proxy on {base} -> {upstream}" in out
    assert "FAIL: 2 exchanges checked, 1 distinct findings (1 new)" in out
    assert "[NEW] GET /exchanges: Response violates schema: Exchange.error_count" in out
    assert "finding [response-contract] grades GET /exchanges response_schema_conformance" in err
    assert sorted(p.name for p in reports.iterdir()) == [
        "proxy-grades.json",
        "proxy-grades.xml",
        "proxy-interop.json",
        "proxy-interop.xml",
        "proxy.html",
        "proxy.md",
    ]
    grades = json.loads((reports / "proxy-grades.json").read_text(encoding="utf-8"))
    assert [f["key"] for f in grades["findings"]] == [
        "grades GET /exchanges response_schema_conformance /data/*/error_count type"
    ]
    markdown = (reports / "proxy.md").read_text(encoding="utf-8")
    assert markdown.startswith("# Validating proxy report")
    assert "`Exchange.error_count` was a string" in markdown
    entries = json.loads(har.read_text(encoding="utf-8"))["log"]["entries"]
    assert [e["request"]["url"].removeprefix(upstream) for e in entries] == [
        "/v2/grades/exchanges",
        "/v2/interop/tenant/scoping/schools",
    ]
    assert DEMO_TOKEN not in har.read_text(encoding="utf-8") + out + err


@pytest.mark.parametrize(
    ("arguments", "problem"),
    [
        (["--upstream", "ftp://host"], "--upstream must be an http(s) URL such as https://api.us2.kimonocloud.com"),
        (["--upstream", "https://user:pw@host"], "--upstream must not carry credentials"),
        (["--upstream", "https://host", "--update-baseline"], "--update-baseline needs --baseline FILE"),
        (["--upstream", "https://host", "--baseline", "no-such.json"], "baseline no-such.json does not exist"),
        (["--upstream", "https://host", "--fail-on", "nonsense"], "unknown finding class nonsense"),
    ],
)
def test_options_it_cannot_use_are_one_line_and_status_2(
    arguments: list[str],
    problem: str,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(tmp_path)
    status = cli.main(["proxy", "--port", str(free_port()), *arguments])
    err = capsys.readouterr().err
    assert status == 2
    assert err.startswith("datasync: ")
    assert problem in err
    assert len(err.strip().splitlines()) == 1
