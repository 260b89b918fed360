"""Hostile clients of the mock (and of the proxy: both run on ``datasync_openapi.server``), over real sockets.

Idle and dripping connections are cut off by the header timeout, a connection past the limit is answered 503
at once, and the server keeps answering normal requests however many connections are held open; the auth
layer refuses ambiguous credentials.
"""

from __future__ import annotations

import json
import os
import resource
import select
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import ExitStack
from urllib.parse import urlsplit

import httpx
import pytest

from datasync_openapi.mock import create_app
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
            for _ in range(150):
                stack.enter_context(socket.create_connection(("127.0.0.1", port)))
            time.sleep(0.2)
            started = time.monotonic()
            during = [httpx.get(f"{base}/_mock/health", timeout=2).status_code for _ in range(10)]
            assert during == [503] * 10
            assert time.monotonic() - started < 1
            time.sleep(1.5)
            after = [httpx.get(f"{base}/_mock/health", timeout=2).status_code for _ in range(20)]
            assert after == [200] * 20
    finally:
        process.terminate()
        _, err = process.communicate(timeout=10)
    assert "connection limit lowered from 1000 to 64" in err
    assert "Traceback" not in err
