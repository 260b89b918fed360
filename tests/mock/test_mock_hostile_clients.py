"""Hostile clients of the mock (and of the proxy: both run on ``datasync_openapi.server``), over real sockets.

Idle and dripping connections are cut off by the header timeout, a connection past the limit is answered 503
at once, and the server keeps answering normal requests however many connections are held open; the auth
layer refuses ambiguous credentials.
"""

from __future__ import annotations

import json
import logging
import os
import resource
import select
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest

import datasync_openapi.server
from datasync_openapi import cli
from datasync_openapi.mock import DEMO_TOKEN, MockApp, MockConfig, create_app
from datasync_openapi.server import free_port, running

HEALTH = b"GET /_mock/health HTTP/1.1\r\nHost: mock\r\n\r\n"


def _address(url: str) -> tuple[str, int]:
    parts = urlsplit(url)
    assert parts.hostname
    assert parts.port
    return parts.hostname, parts.port


@pytest.fixture(scope="module")
def quick() -> Iterator[tuple[str, int]]:
    """A mock with a short header timeout."""
    with running(create_app(), header_timeout=0.5) as url:
        yield _address(url)


def read_all(sock: socket.socket, wait: float, drip: bytes = b"") -> tuple[bytes, float | None]:
    """What the server sends until it closes, and when it closed (``None``: still open after ``wait``). With
    ``drip``, one more byte of it is sent every 50 ms meanwhile."""
    sock.settimeout(0.05)
    start = time.monotonic()
    received = b""
    sent = 0
    while time.monotonic() - start < wait:
        if sent < len(drip):
            try:
                sock.send(drip[sent : sent + 1])
                sent += 1
            except OSError:
                pass  # closed by the server: its answer (if any) is read below
        try:
            chunk = sock.recv(65536)
        except TimeoutError:
            continue
        except ConnectionResetError:
            return received, time.monotonic() - start
        if not chunk:
            return received, time.monotonic() - start
        received += chunk
    return received, None


def envelope(raw: bytes) -> tuple[int, dict[str, str], dict[str, object]]:
    head, _, body = raw.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
    assert headers["content-type"] == "application/json", raw[:300]
    error = json.loads(body[: int(headers["content-length"])])["error"]
    assert isinstance(error, dict)
    return int(lines[0].split()[1]), headers, error


# -- 12: header timeout -------------------------------------------------------------------------------------
def test_a_connection_that_sends_nothing_is_closed_after_the_header_timeout(quick: tuple[str, int]) -> None:
    with socket.create_connection(quick) as sock:
        received, closed_after = read_all(sock, wait=4)
    assert received == b""  # nothing of a request was sent: closed without an answer
    assert closed_after is not None
    assert 0.4 <= closed_after < 2


def test_a_dripped_head_does_not_extend_the_header_timeout(quick: tuple[str, int]) -> None:
    """A byte every 50 ms of a head that never ends (well under the head's size limits in the time allowed)."""
    with socket.create_connection(quick) as sock:
        received, closed_after = read_all(sock, wait=4, drip=b"GET /_mock/health HTTP/1.1\r\nX-Drip: " + b"a" * 200)
    assert closed_after is not None
    assert closed_after < 3.5
    status, headers, error = envelope(received)
    assert (status, error["code"], headers["connection"]) == (408, "request_timeout", "close")


@pytest.mark.slow
def test_the_header_timeout_runs_again_after_each_answer(quick: tuple[str, int]) -> None:
    with socket.create_connection(quick) as sock:
        sock.sendall(HEALTH)
        sock.settimeout(2)
        first = sock.recv(65536)
        assert first.startswith(b"HTTP/1.1 200 "), first[:200]
        time.sleep(0.3)  # within the timeout: the connection is still served
        sock.sendall(HEALTH)
        assert sock.recv(65536).startswith(b"HTTP/1.1 200 ")
        received, closed_after = read_all(sock, wait=4, drip=b"GET /_mock/health HTTP/1.1\r\nX-Drip: " + b"a" * 200)
    assert closed_after is not None
    assert closed_after < 3.5
    assert envelope(received)[0] == 408


# -- 12: connection limit -----------------------------------------------------------------------------------
@pytest.mark.slow
def test_past_the_connection_limit_new_connections_are_answered_503_and_normal_requests_come_back() -> None:
    with running(create_app(), header_timeout=1.0, max_connections=20) as url, ExitStack() as stack:
        address = _address(url)
        idle = [stack.enter_context(socket.create_connection(address)) for _ in range(30)]
        time.sleep(0.2)
        readable, _, _ = select.select(idle, [], [], 0.2)
        refused = [sock.recv(65536) for sock in readable]
        assert len(refused) == 10  # the ones past the limit, answered at once (the others wait for a request)
        status, headers, error = envelope(refused[0])
        assert (status, error["code"], headers["connection"], headers["retry-after"]) == (
            503,
            "service_unavailable",
            "close",
            "1",
        )
        at_limit = httpx.get(f"{url}/_mock/health", timeout=2)  # answered at once, not held
        assert at_limit.status_code == 503
        assert at_limit.json()["error"]["code"] == "service_unavailable"
        time.sleep(1.5)  # the header timeout has closed the idle ones
        served = [httpx.get(f"{url}/_mock/health", timeout=2).status_code for _ in range(10)]
        assert served == [200] * 10


@pytest.mark.slow
def test_many_idle_connections_under_a_small_open_file_limit_leave_the_mock_serving() -> None:
    """`datasync mock` with 128 open files at most (its connection limit then lowered to 64) and 150 idle
    connections: a normal request is never held (answered 503 at once), and all are served once the header
    timeout has closed the idle ones. Before, the process ran out of files and held every request."""
    port = free_port()

    def limit_files() -> None:
        resource.setrlimit(resource.RLIMIT_NOFILE, (128, 128))

    command = [sys.executable, "-m", "datasync_openapi.cli", "mock", "--port", str(port), "--header-timeout", "1"]
    process = subprocess.Popen(
        command,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=limit_files,  # only sets a limit in the child
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                httpx.get(f"{base}/_mock/health", timeout=2)
                break
            except httpx.TransportError:
                assert process.poll() is None, "the mock exited"
                assert time.monotonic() < deadline, "the mock did not start"
                time.sleep(0.05)
        with ExitStack() as stack:
            opened = time.monotonic()  # the idle connections' header timeouts end a second after this, or later
            for _ in range(150):
                stack.enter_context(socket.create_connection(("127.0.0.1", port)))
            during = []
            for _ in range(10):
                started = time.monotonic()
                status = httpx.get(f"{base}/_mock/health", timeout=2).status_code
                assert time.monotonic() - started < 1  # answered at once, never held
                if time.monotonic() < opened + 1:
                    during.append(status)
            assert during  # (a machine too slow to ask one in time would leave nothing to check)
            assert set(during) == {503}
            time.sleep(1.5)
            after = [httpx.get(f"{base}/_mock/health", timeout=2).status_code for _ in range(20)]
            assert after == [200] * 20
    finally:
        process.terminate()
        _, err = process.communicate(timeout=10)
    assert "connection limit lowered from 1000 to 64" in err
    assert "Traceback" not in err


# -- 13: a state file that cannot take a write ----------------------------------------------------------------
@pytest.fixture
def read_only(tmp_path: Path) -> Iterator[Path]:
    """A seeded state file this process cannot write: mode 0444, or immutable (``chattr +i``) for root."""
    state = tmp_path / "state.sqlite"
    create_app(MockConfig(state_file=state)).close()
    if os.geteuid() != 0:
        state.chmod(0o444)
        yield state
        state.chmod(0o644)
        return
    if subprocess.run(["chattr", "+i", str(state)], capture_output=True, check=False).returncode != 0:
        pytest.skip("running as root without chattr +i: no way to make a read-only file here")
    try:
        yield state
    finally:
        subprocess.run(["chattr", "-i", str(state)], check=True)


def test_a_read_only_state_file_is_refused_at_start_in_one_line(
    read_only: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("the mock started serving a state it cannot write")

    monkeypatch.setattr(datasync_openapi.server, "serve", refuse)
    assert cli.main(["mock", "--port", str(free_port()), "--state", str(read_only)]) == 2
    err = capsys.readouterr().err
    assert err == f"datasync: cannot use the state file {read_only}: attempt to write a readonly database\n"


def _limit_pages(app: MockApp, pages: int | None) -> None:
    """SQLite's own cap on the file's size: past it a write fails as on a full disk ('database or disk is
    full', SQLITE_FULL), whatever the machine's free space."""
    db = app.store._db
    assert db is not None
    with app.store._lock:
        if pages is None:
            pages = int(db.execute("PRAGMA page_count").fetchone()[0])
        db.execute(f"PRAGMA max_page_count = {pages}")


def test_a_full_state_file_answers_507_logs_one_line_and_loses_nothing(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    state = tmp_path / "state.sqlite"
    app = create_app(MockConfig(state_file=state))
    bearer = {"Authorization": f"Bearer {DEMO_TOKEN}"}
    acknowledged = []
    refused = None
    with running(app) as url, httpx.Client(base_url=url, headers=bearer, timeout=5) as client:
        before = client.get("/v2/grades/exchanges/count").json()
        for n in range(3):
            answer = client.post("/v2/grades/exchanges", json={"metadata": {"n": n}})
            assert answer.status_code == 200
            acknowledged.append(answer.json()["data"]["id"])
        _limit_pages(app, None)
        caplog.set_level(logging.ERROR, "datasync_openapi.mock")
        for n in range(200):  # bounded: a page holds a few of these
            answer = client.post("/v2/grades/exchanges", json={"metadata": {"n": n, "pad": "x" * 2000}})
            if answer.status_code != 200:
                refused = answer
                break
            acknowledged.append(answer.json()["data"]["id"])
        assert refused is not None, "the capped file took every write"
        assert refused.status_code == 507
        assert refused.headers["content-type"] == "application/json"
        assert refused.json()["error"]["code"] == "insufficient_storage"
        records = [r for r in caplog.records if r.name == "datasync_openapi.mock"]
        assert len(records) == 1
        assert records[0].exc_info is None
        assert "database or disk is full" in records[0].getMessage()
        # nothing lost, nothing half kept: what was acknowledged is served, the refused write is not
        assert client.get("/v2/grades/exchanges/count").json() == before + len(acknowledged)
        for key in acknowledged:
            assert client.get(f"/v2/grades/exchanges/{key}").status_code == 200
        _limit_pages(app, 1 << 30)  # space again: writes work again
        again = client.post("/v2/grades/exchanges", json={"metadata": {"n": "again"}})
        assert again.status_code == 200
        acknowledged.append(again.json()["data"]["id"])
    app.close()
    reopened = create_app(MockConfig(state_file=state))  # the file holds exactly what was acknowledged
    try:
        ids = {obj["id"] for obj in reopened.store.all("exchanges")}
        assert set(acknowledged) <= ids
        assert len(ids) == before + len(acknowledged)
    finally:
        reopened.close()


# -- 14: ambiguous credentials --------------------------------------------------------------------------------
GET_EXCHANGES = b"GET /v2/grades/exchanges HTTP/1.1\r\nHost: mock\r\n"


def _ask(address: tuple[str, int], head: bytes, body: bytes = b"") -> tuple[int, dict[str, str], bytes]:
    """One request as raw bytes (so header fields can repeat); its status, header fields and body."""
    with socket.create_connection(address, timeout=5) as sock:
        sock.sendall(head + b"Connection: close\r\n\r\n" + body)
        received = b""
        while chunk := sock.recv(65536):
            received += chunk
    top, _, rest = received.partition(b"\r\n\r\n")
    lines = top.decode("latin-1").split("\r\n")
    headers = {k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
    return int(lines[0].split()[1]), headers, rest


@pytest.mark.parametrize(
    "fields",
    [
        [b"Bearer nope", b"Bearer demo-token"],  # a bad one, then a good one: once, the last won (200)
        [b"Bearer demo-token", b"Bearer nope"],
        [b"Bearer demo-token", b"Bearer demo-token"],
    ],
)
def test_two_authorization_fields_are_400_invalid_request(quick: tuple[str, int], fields: list[bytes]) -> None:
    head = GET_EXCHANGES + b"".join(b"Authorization: " + field + b"\r\n" for field in fields)
    status, headers, body = _ask(quick, head)
    assert status == 400
    assert json.loads(body)["error"]["code"] == "invalid_request"
    assert headers["www-authenticate"] == 'Bearer error="invalid_request"'


def test_bearer_credentials_are_read_strictly(quick: tuple[str, int]) -> None:
    """`scheme SP token68`, one space (see mock/auth.py for why one); the scheme in any case."""
    for value in [b"Bearer  demo-token", b"Bearer\tdemo-token", b"Bearer demo-token x", b"Bearer demo token"]:
        status, _, body = _ask(quick, GET_EXCHANGES + b"Authorization: " + value + b"\r\n")
        assert status == 401, value
        assert json.loads(body)["error"]["code"] == "unauthorized"
    assert _ask(quick, GET_EXCHANGES + b"Authorization: bearer demo-token\r\n")[0] == 200


@pytest.mark.parametrize(
    "form",
    [
        b"grant_type=password&grant_type=client_credentials&client_id=demo-client&client_secret=demo-secret",
        b"grant_type=client_credentials&grant_type=password&client_id=demo-client&client_secret=demo-secret",
        b"grant_type=client_credentials&client_id=demo-client&client_secret=nope&client_secret=demo-secret",
        b"grant_type=client_credentials&client_id=x&client_id=demo-client&client_secret=demo-secret",
    ],
)
def test_a_repeated_token_parameter_is_400_invalid_request(quick: tuple[str, int], form: bytes) -> None:
    head = (
        b"POST /oauth/token HTTP/1.1\r\nHost: mock\r\nContent-Type: application/x-www-form-urlencoded\r\n"
        b"Content-Length: %d\r\n" % len(form)
    )
    status, _, body = _ask(quick, head, form)
    assert status == 400
    answer = json.loads(body)
    assert answer["error"] == "invalid_request"
    assert "access_token" not in answer


def test_the_token_endpoint_takes_one_authorization_field_and_no_json(quick: tuple[str, int]) -> None:
    basic = b"Authorization: Basic ZGVtby1jbGllbnQ6ZGVtby1zZWNyZXQ=\r\n"  # demo-client:demo-secret
    form = b"grant_type=client_credentials"
    head = (
        b"POST /oauth/token HTTP/1.1\r\nHost: mock\r\nContent-Type: application/x-www-form-urlencoded\r\n"
        b"Content-Length: %d\r\n" % len(form)
    )
    assert _ask(quick, head + basic, form)[0] == 200
    status, _, body = _ask(quick, head + b"Authorization: Basic bm9wZTpub3Bl\r\n" + basic, form)
    assert (status, json.loads(body)["error"]) == (400, "invalid_request")
    payload = b'{"grant_type": "client_credentials", "grant_type": "password"}'  # JSON is refused outright
    json_head = b"POST /oauth/token HTTP/1.1\r\nHost: mock\r\nContent-Type: application/json\r\n"
    status, _, body = _ask(quick, json_head + b"Content-Length: %d\r\n" % len(payload), payload)
    assert (status, json.loads(body)["error"]) == (400, "invalid_request")
