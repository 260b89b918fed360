"""A live run is read-only and bounded by its own limits, proven against raw-socket servers (hostile_server.py).

Read-only: every method a default read-only run sends, recorded at the server, is a safe one; the gate every
request passes refuses the rest (counted in the report, never sent). Bounds: a body that never ends, an
answer dripped a byte at a time, a 200 MB answer: each is a ``transport`` finding naming the bound, the run
writes its reports and exits 1, within its time and in bounded memory. A large valid body with one drifting
field is reported as that field's drift (triage reads the body the check saw, not a truncated copy).
"""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest
import requests
from schemathesis.config._phases import DEFAULT_UNEXPECTED_METHODS

from datasync_openapi import cli, conformance
from datasync_openapi.conformance import engine
from datasync_openapi.conformance.manners import SAFE_METHODS, BoundExceeded, Manners, MethodRefused
from datasync_openapi.server import free_port
from tests.apps.hostile_server import Behaviour, HostileServer, answer, drip, endless, huge

BASE = "/v2/grades"


@pytest.fixture(scope="module")
def exchange() -> dict[str, Any]:
    """One Exchange as the project's mock lists it (schema-valid)."""
    from datasync_openapi.mock import DEMO_TOKEN, create_app
    from datasync_openapi.server import running

    with running(create_app()) as base:
        headers = {"Authorization": f"Bearer {DEMO_TOKEN}"}
        body = requests.get(f"{base}{BASE}/exchanges?page_size=1", headers=headers, timeout=10).json()
    item = body["data"][0]
    assert isinstance(item, dict)
    return item


def plausible(exchange: dict[str, Any]) -> Behaviour:
    """A lenient server: a list of one exchange for every GET, 405 for anything else."""

    def behaviour(method: str, path: str) -> Iterable[bytes]:
        if method != "GET":
            return answer({"error": {"code": "method_not_allowed"}}, status=405)
        if path.endswith("/count"):
            return answer({"data": {"count": 1}})
        if path.endswith("/exchanges") or path.count("/") == 3:
            return answer({"data": [exchange], "paging": {"page": 0, "page_size": 1, "total": 1}})
        return answer({"data": exchange})

    return behaviour


def hostile_on_count(exchange: dict[str, Any], hostile: Callable[[], Iterable[bytes]]) -> Behaviour:
    """Plausible everywhere (so the preflight passes) but ``GET /exchanges/count``, which gets ``hostile()``."""
    normal = plausible(exchange)

    def behaviour(method: str, path: str) -> Iterable[bytes]:
        return hostile() if path == f"{BASE}/exchanges/count" else normal(method, path)

    return behaviour


def _cli(capsys: pytest.CaptureFixture[str], url: str, reports: Path, *args: str) -> tuple[int, str, str]:
    status = cli.main(
        ["conformance", "--api", "grades", "--base-url", url + BASE, "--token", "x", "--reports", str(reports), *args]
    )
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def _report(reports: Path) -> dict[str, Any]:
    data = json.loads((reports / "conformance-grades.json").read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    for name in ("conformance.md", "conformance.html", "conformance-grades.xml"):
        assert (reports / name).is_file(), name
    return data


def _transport(report: dict[str, Any]) -> dict[str, str]:
    return {f["operation"]: f["title"] for f in report["findings"] if f["class"] == "transport"}


# -- read-only means safe methods only --------------------------------------------------------------------------
@pytest.mark.slow
def test_a_default_read_only_run_sends_only_safe_methods(
    exchange: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with HostileServer(plausible(exchange)) as server:
        status, _, err = _cli(capsys, server.url, tmp_path, "--max-examples", "1", "--rate", "1000")
    assert status in (0, 1), err
    assert len(server.requests) > 50, "the run sent too little to prove anything"
    unsafe = sorted({f"{m} {p}" for m, p in server.requests if m not in SAFE_METHODS})
    assert unsafe == [], unsafe
    assert {"GET", "OPTIONS"} <= server.methods  # the coverage phase still probes undeclared (safe) methods
    assert "refused" not in " ".join(_report(tmp_path)["notes"])  # nothing unsafe was even generated


def test_the_gate_refuses_what_schemathesis_would_probe(
    exchange: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Give the coverage phase schemathesis' own default probes (DELETE, PUT, POST, PATCH...): the manners'
    # gate, the chokepoint of every request, refuses them; the server never sees one.
    monkeypatch.setattr(engine, "READ_ONLY_UNEXPECTED_METHODS", sorted(DEFAULT_UNEXPECTED_METHODS))
    with HostileServer(plausible(exchange)) as server:
        result = conformance.run(
            "grades",
            base_url=server.url + BASE,
            credentials=conformance.Credentials(token="x"),
            budget=conformance.Budget(max_examples=1, phases=("coverage",)),
            only=["getExchange"],
            manners=Manners(rate=1000),
        )
    assert server.methods <= SAFE_METHODS, server.methods
    assert server.requests, "nothing was sent"
    refused = [n for n in result.notes if "refused and not sent" in n]
    assert len(refused) == 1, result.notes
    assert "DELETE /v2/grades/exchanges/{id}" in refused[0] or "DELETE /v2/grades/exchanges/" in refused[0]
    assert not [f for f in result.findings if f.cls is conformance.FindingClass.TRANSPORT]


def test_the_suites_own_requests_pass_the_same_gate(exchange: dict[str, Any]) -> None:
    with HostileServer(plausible(exchange)) as server:
        manners = Manners()
        with manners.session() as session:
            with pytest.raises(MethodRefused, match="DELETE /v2/grades/x was not sent"):
                session.delete(server.url + BASE + "/x")
            manners.allow("POST", server.url + "/oauth/token")  # the one POST a read-only run sends
            assert session.post(server.url + "/oauth/token").status_code == 405
            assert session.get(server.url + BASE + "/exchanges").status_code == 200
        assert server.requests == [("POST", "/oauth/token"), ("GET", BASE + "/exchanges")]
        assert manners.refused == ["DELETE /v2/grades/x"]
        manners.writes = True
        with manners.session() as session:
            assert session.delete(server.url + BASE + "/x").status_code == 405


# -- bounded by the suite's own limits -------------------------------------------------------------------------
@pytest.mark.slow
def test_a_dripped_answer_is_cut_at_the_deadline_not_per_read(exchange: dict[str, Any]) -> None:
    # a byte every 50 ms: no single read ever waits long, only the whole exchange is too slow
    with HostileServer(lambda m, p: drip(answer({"data": [exchange]}), 0.05)) as server:
        manners = Manners(request_timeout=0.5)
        started = time.monotonic()
        with manners.session() as session, pytest.raises(BoundExceeded, match="request deadline exceeded"):
            session.get(server.url + BASE + "/exchanges")
        assert time.monotonic() - started < 1.5


@pytest.mark.slow
def test_a_server_that_drips_is_a_transport_finding(
    exchange: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    behaviour = hostile_on_count(exchange, lambda: drip(answer({"data": {"count": 1}}), 0.05))
    with HostileServer(behaviour) as server:
        started = time.monotonic()
        status, out, err = _cli(
            capsys,
            server.url,
            tmp_path,
            *("--include", "countExchanges", "--phases", "fuzzing", "--max-examples", "1"),
            *("--request-timeout", "0.5", "--rate", "1000"),
        )
        elapsed = time.monotonic() - started
    assert status == 1, out + err
    assert _transport(_report(tmp_path)) == {"GET /exchanges/count": "Request deadline exceeded"}
    assert elapsed < 10, elapsed


@pytest.mark.slow
def test_max_time_bounds_the_preflight(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # every answer drips (a byte every 200 ms): the first preflight request is in flight when MAX_TIME passes
    with HostileServer(lambda m, p: drip(answer({"data": []}), 0.2)) as server:
        started = time.monotonic()
        status, out, err = _cli(capsys, server.url, tmp_path, "--max-time", "1.5")
        elapsed = time.monotonic() - started
    assert status == 1, out + err
    assert elapsed < 4, elapsed
    report = _report(tmp_path)
    assert _transport(report) == {"GET /exchanges": "Stopped by MAX_TIME"}
    assert any("preflight did not pass" in n for n in report["notes"])


@pytest.mark.slow
def test_max_time_cuts_requests_in_flight(
    exchange: dict[str, Any], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # the preflight passes; then GET /exchanges/count drips for longer than the whole run may take
    behaviour = hostile_on_count(exchange, lambda: drip(answer({"data": {"count": 1}}), 0.2))
    with HostileServer(behaviour) as server:
        started = time.monotonic()
        status, out, err = _cli(
            capsys,
            server.url,
            tmp_path,
            *("--include", "countExchanges,listExchanges", "--max-examples", "1", "--max-time", "3"),
        )
        elapsed = time.monotonic() - started
    assert status in (0, 1), out + err
    assert elapsed < 5.5, elapsed  # MAX_TIME, plus writing the reports
    notes = " ".join(_report(tmp_path)["notes"])
    assert "stopped by MAX_TIME after 3 s" in notes
    assert "cut in flight at MAX_TIME" in notes


@pytest.mark.parametrize("declared", [True, False], ids=["content-length", "close-delimited"])
def test_a_200_mb_answer_does_not_pass_the_preflight(
    declared: bool, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with HostileServer(lambda m, p: huge(200_000_000, declared=declared)) as server:
        status, out, err = _cli(capsys, server.url, tmp_path, "--allow-not-exercised", "--max-time", "20")
    assert status == 1, out + err
    report = _report(tmp_path)
    assert _transport(report) == {"GET /exchanges": "Response over MAX_RESPONSE_SIZE"}
    finding = next(f for f in report["findings"] if f["class"] == "transport")
    assert ("declared 200000000 bytes" if declared else "went on past 16 MiB") in finding["message"]
    assert "preflight did not pass" in out


@pytest.mark.slow
def test_a_never_ending_body_is_cut_in_bounded_memory(exchange: dict[str, Any], tmp_path: Path) -> None:
    # A separate process, so its peak memory is the run's own: VmHWM of its address space. Not ru_maxrss, which
    # keeps the high-water mark of the process it was forked from (pytest's own, late in a full run).
    script = (
        "import sys\n"
        "from datasync_openapi import cli\n"
        "status = cli.main(sys.argv[1:])\n"
        "with open('/proc/self/status') as status_file:\n"
        "    peak = next(line.split()[1] for line in status_file if line.startswith('VmHWM:'))\n"
        "print('maxrss_kib', peak, file=sys.stderr)\n"
        "sys.exit(status)\n"
    )
    behaviour = hostile_on_count(exchange, endless)
    with HostileServer(behaviour) as server:
        started = time.monotonic()
        done = subprocess.run(
            [sys.executable, "-c", script, "conformance", "--api", "grades", "--base-url", server.url + BASE,
             "--token", "x", "--reports", str(tmp_path), "--include", "countExchanges",
             "--phases", "examples,coverage", "--max-examples", "1", "--rate", "1000", "--max-time", "20"],
            capture_output=True, text=True, timeout=60, check=False, env={**os.environ, "NO_COLOR": "1"},
        )  # fmt: skip
        elapsed = time.monotonic() - started
    assert done.returncode == 1, done.stdout + done.stderr
    assert _transport(_report(tmp_path)) == {"GET /exchanges/count": "Response over MAX_RESPONSE_SIZE"}
    peak_mib = int(done.stderr.rsplit("maxrss_kib", 1)[1].split()[0]) / 1024
    assert peak_mib < 300, peak_mib
    assert elapsed < 30, elapsed


@pytest.mark.slow
def test_a_large_body_with_one_drift_is_reported_as_that_drift(exchange: dict[str, Any]) -> None:
    items = []
    for index in range(3000):
        item = copy.deepcopy(exchange)
        item["id"] = f"e1000000-0000-0000-0000-{index:012d}"
        items.append(item)
    items[1234]["state"] = 42  # one drifting field, deep in a body schemathesis records only in part
    body = {"data": items, "paging": {"page": 0, "page_size": 3000, "total": 3000}}
    assert len(json.dumps(body)) > 1024 * 1024

    def behaviour(method: str, path: str) -> Iterator[bytes]:
        yield from answer(body)

    with HostileServer(behaviour) as server:
        result = conformance.run(
            "grades",
            base_url=server.url + BASE,
            credentials=conformance.Credentials(token="x"),
            budget=conformance.Budget(max_examples=1, phases=("fuzzing",)),
            only=["listExchanges"],
            manners=Manners(),
        )
    contract = {f.location: f.hint for f in result.findings if f.check == "response_schema_conformance"}
    assert "/data/*/state type" in contract, contract
    assert not [loc for loc in contract if loc.endswith("null")], contract


# -- options that say what they do ----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("option", "value", "variable"),
    [
        ("--max-time", "-1", "MAX_TIME"),
        ("--max-time", "nan", "MAX_TIME"),
        ("--max-time", "inf", "MAX_TIME"),
        ("--max-time", "0", "MAX_TIME"),
        ("--max-response-size", "0", "MAX_RESPONSE_SIZE"),
        ("--max-response-size", "-5", "MAX_RESPONSE_SIZE"),
        ("--max-response-size", "inf", "MAX_RESPONSE_SIZE"),
        ("--max-response-size", "nan", "MAX_RESPONSE_SIZE"),
        ("--max-response-size", "12XB", "MAX_RESPONSE_SIZE"),
        ("--request-timeout", "-1", "REQUEST_TIMEOUT"),
    ],
)
def test_bounds_take_positive_finite_numbers(
    option: str, value: str, variable: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"http://127.0.0.1:{free_port()}"  # nothing listens: the option must be refused before any request
    status, out, err = _cli(capsys, url, tmp_path, f"{option}={value}")
    assert status == 2
    assert err.startswith(f"datasync: error: {variable} takes a positive"), err
    assert len(err.strip().splitlines()) == 1, err
    assert "Traceback" not in out + err


def test_sizes_take_units(exchange: dict[str, Any]) -> None:
    from datasync_openapi.conformance.suite import size as _size

    assert _size("16MiB") == 16 * 1024 * 1024
    assert _size("512 KiB") == 512 * 1024
    assert _size("1000") == 1000
    with HostileServer(lambda m, p: answer({"data": [exchange] * 20})) as server:
        manners = Manners(max_response_size=_size("1KiB"))
        with manners.session() as session, pytest.raises(BoundExceeded, match="limit 1 KiB"):
            session.get(server.url + BASE + "/exchanges")
        assert requests.get(server.url + BASE + "/exchanges", timeout=5).status_code == 200


def test_a_head_answer_declares_a_length_it_does_not_send() -> None:
    from tests.apps.hostile_server import head

    with HostileServer(lambda m, p: [head(length=200_000_000)] if m == "HEAD" else huge(2048, declared=True)) as server:
        manners = Manners(max_response_size=1024)
        with manners.session() as session:
            assert session.head(server.url + BASE + "/exchanges").status_code == 200  # no body: nothing too large
            with pytest.raises(BoundExceeded, match="declared 2048 bytes"):
                session.get(server.url + BASE + "/exchanges")


@pytest.mark.slow
def test_the_rate_limit_does_not_wait_past_max_time() -> None:
    with HostileServer(lambda m, p: answer({"data": []})) as server:
        manners = Manners(rate=0.2, deadline=time.monotonic() + 1.0)  # a turn every 5 s; 1 s left
        with manners.session() as session:
            assert session.get(server.url + BASE + "/exchanges").status_code == 200
            started = time.monotonic()
            with pytest.raises(BoundExceeded, match="stopped by MAX_TIME"):
                session.get(server.url + BASE + "/exchanges")
            assert time.monotonic() - started < 1.5
        assert len(server.requests) == 1
        assert manners.cut_by_max_time == 1
