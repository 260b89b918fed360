"""The validating proxy against hostile upstreams written on raw sockets (src/datasync_openapi/proxy/upstream.py).

An upstream that never ends its answer's head, one that drips its answer a byte at a time, one that answers an
idle pooled connection with an unsolicited ``408`` (or closes it): each must give the client a clear answer in
bounded time and memory, and no client may get an answer meant for no request. Every hostile server sends a
bounded number of bytes and stops when the test ends.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import pytest

from datasync_openapi.proxy import ProxyApp, ProxyConfig
from datasync_openapi.proxy.upstream import ReadTimeout, ResponseHeadTooLarge, UpstreamPool
from datasync_openapi.server import MAX_HEAD_RAW_BYTES, MAX_HEADER_BYTES, MAX_HEADER_FIELDS, running

OPERATION = "/v2/grades/exchanges/count"  # a documented JSON answer: the proxy holds it to check it
SEND_CAP = 4 * 1024 * 1024  # the most any hostile server here sends on one connection

Handler = Callable[[socket.socket, "Hostile"], None]


class Hostile:
    """A raw TCP server on a free local port, one thread per connection running ``handler(sock, server)``."""

    def __init__(self, handler: Handler) -> None:
        self.handler = handler
        self.stop = threading.Event()
        self.connections = 0
        self.requests: list[bytes] = []  # the request heads read, in order
        self.idle_ends = 0  # connections the server spoke on or ended while they were idle
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.listener.settimeout(0.1)
        self.port = self.listener.getsockname()[1]
        self.threads: list[threading.Thread] = []
        self.accepting = threading.Thread(target=self._accept, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _accept(self) -> None:
        while not self.stop.is_set():
            try:
                sock, _ = self.listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.connections += 1
            thread = threading.Thread(target=self._serve, args=(sock,), daemon=True)
            self.threads.append(thread)
            thread.start()

    def _serve(self, sock: socket.socket) -> None:
        with sock:
            sock.settimeout(5)
            with contextlib.suppress(OSError):  # the proxy closed its end: done
                self.handler(sock, self)

    def read_request(self, sock: socket.socket) -> bytes | None:
        """One request head (the requests here have no body); ``None`` when the connection ends."""
        data = b""
        while b"\r\n\r\n" not in data:
            try:
                chunk = sock.recv(65536)
            except TimeoutError:
                return None
            if not chunk:
                return None
            data += chunk
        self.requests.append(data)
        return data

    def __enter__(self) -> Hostile:
        self.accepting.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop.set()
        self.listener.close()
        self.accepting.join(timeout=2)
        for thread in self.threads:
            thread.join(timeout=2)


@contextmanager
def proxy(upstream: str, timeout: float) -> Iterator[str]:
    with running(ProxyApp(ProxyConfig(upstream=upstream, timeout=timeout)), lifespan=True, own_headers=False) as base:
        yield base


def send_bounded(sock: socket.socket, server: Hostile, piece: bytes) -> None:
    """``piece`` again and again, up to ``SEND_CAP`` bytes or the end of the test; then hold the connection."""
    sent = 0
    while sent < SEND_CAP and not server.stop.is_set():
        sock.sendall(piece)
        sent += len(piece)
    server.stop.wait(10)


def endless(start: bytes, piece: bytes) -> Handler:
    def handler(sock: socket.socket, server: Hostile) -> None:
        if server.read_request(sock) is not None:
            sock.sendall(start)
            send_bounded(sock, server, piece)

    return handler


def error_of(response: httpx.Response) -> dict[str, Any]:
    assert response.headers["content-type"] == "application/json", response.text
    error: dict[str, Any] = json.loads(response.content)["error"]
    return error


# -- 1. the answer's head is capped ------------------------------------------------------------------------------
ENDLESS_HEADS = {
    "many-small-fields": endless(b"HTTP/1.1 200 OK\r\n", b"X-A: b\r\n" * 512),
    "few-large-fields": endless(b"HTTP/1.1 200 OK\r\n", b"X-Large: " + b"v" * 4000 + b"\r\n"),
    "one-endless-field": endless(b"HTTP/1.1 200 OK\r\nX-Endless: ", b"v" * 16384),
    "endless-status-line": endless(b"HTTP/1.1 200 ", b"O" * 16384),
    "endless-100-continue": endless(b"", b"HTTP/1.1 100 Continue\r\nX-A: b\r\n\r\n" * 64),
}


@pytest.mark.parametrize("kind", list(ENDLESS_HEADS))
def test_an_endless_answer_head_is_a_clear_502_at_once(kind: str) -> None:
    timeout = 3.0
    with Hostile(ENDLESS_HEADS[kind]) as upstream, proxy(upstream.url, timeout) as base:
        started = time.monotonic()
        response = httpx.get(base + OPERATION, timeout=timeout + 5)
        elapsed = time.monotonic() - started
    assert response.status_code == 502
    error = error_of(response)
    assert (error["status"], error["code"]) == (502, "upstream_error")
    assert "ResponseHeadTooLarge" in error["details"]
    assert elapsed < timeout  # refused as the limit passed, not when the deadline came


def fields_head(count: int, size: int = 8) -> bytes:
    """An answer whose head has ``count`` fields in all (Content-Length among them), each value ``size`` bytes."""
    fields = b"".join(b"X-F%03d: %b\r\n" % (i, b"v" * size) for i in range(count - 1))
    return b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n" + fields + b"\r\nok"


@pytest.mark.parametrize(
    ("answer", "passes"),
    [
        (fields_head(MAX_HEADER_FIELDS), True),
        (fields_head(MAX_HEADER_FIELDS + 1), False),
        (fields_head(10, MAX_HEADER_BYTES // 10), True),
        (fields_head(10, MAX_HEADER_BYTES // 9), False),
    ],
    ids=["fields-at-the-limit", "one-field-too-many", "bytes-under-the-limit", "bytes-over-the-limit"],
)
def test_the_head_limits_are_the_mocks_request_head_limits(answer: bytes, passes: bool) -> None:
    def handler(sock: socket.socket, server: Hostile) -> None:
        if server.read_request(sock) is not None:
            sock.sendall(answer)
            server.stop.wait(10)

    with Hostile(handler) as upstream, proxy(upstream.url, 3.0) as base:
        response = httpx.get(base + "/unspecified", timeout=8)
    if passes:
        assert (response.status_code, response.content) == (200, b"ok")
    else:
        assert response.status_code == 502
        assert "header fields" in error_of(response)["details"]


def test_the_pool_stops_reading_an_endless_head_at_the_raw_limit() -> None:
    """The pool itself: ``ResponseHeadTooLarge`` once the raw bytes of an incomplete head pass the limit, having
    read at most one more read's worth."""
    read: list[int] = []

    async def scenario(url: str) -> None:
        pool = UpstreamPool(url, timeout=3)
        original = pool._read

        async def counted(connection: Any, deadline: float) -> bytes:
            data = await original(connection, deadline)
            read.append(len(data))
            return data

        pool._read = counted  # type: ignore[method-assign]
        with pytest.raises(ResponseHeadTooLarge):
            await pool.request("GET", "/", [])
        await pool.aclose()

    with Hostile(endless(b"HTTP/1.1 200 OK\r\nX-Endless: ", b"v" * 16384)) as upstream:
        asyncio.run(scenario(upstream.url))
    assert MAX_HEAD_RAW_BYTES < sum(read) <= MAX_HEAD_RAW_BYTES + 64 * 1024


# -- 2. the timeout bounds the whole exchange ----------------------------------------------------------------
def drip(answer: bytes, interval: float, head_at_once: bool = False) -> Handler:
    def handler(sock: socket.socket, server: Hostile) -> None:
        if server.read_request(sock) is None:
            return
        data = answer
        if head_at_once:
            end = answer.index(b"\r\n\r\n") + 4
            sock.sendall(answer[:end])
            data = answer[end:]
        for index in range(len(data)):
            if server.stop.wait(interval):
                return
            sock.sendall(data[index : index + 1])
        server.stop.wait(10)

    return handler


DRIP_INTERVAL = 0.02
DRIP_HEAD = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nX-Slow: %b\r\nContent-Length: 2\r\n\r\n{}" % (
    b"s" * 200
)
DRIP_BODY = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 200\r\n\r\n" + b" " * 198 + b"{}"


@pytest.mark.slow
@pytest.mark.parametrize(
    "handler",
    [drip(DRIP_HEAD, DRIP_INTERVAL), drip(DRIP_BODY, DRIP_INTERVAL, head_at_once=True)],
    ids=["dripped-head", "dripped-body-of-a-checked-answer"],
)
def test_a_dripping_upstream_is_a_504_at_the_deadline(handler: Handler) -> None:
    timeout = 0.5  # the drip would take over four seconds
    with Hostile(handler) as upstream, proxy(upstream.url, timeout) as base:
        started = time.monotonic()
        try:
            response: httpx.Response | None = httpx.get(base + OPERATION, timeout=3)
        except httpx.TimeoutException:
            response = None
        elapsed = time.monotonic() - started
    assert response is not None, "no answer in 3 s"
    assert response.status_code == 504
    error = error_of(response)
    assert (error["status"], error["code"]) == (504, "upstream_timeout")
    assert timeout <= elapsed < timeout + 1.5


@pytest.mark.slow
def test_a_dripping_environment_proxy_is_a_504_at_the_deadline_too(monkeypatch: pytest.MonkeyPatch) -> None:
    """Through ``HTTP_PROXY`` the upstream is reached with httpx's transport: the same one deadline holds."""
    for name in ("NO_PROXY", "no_proxy", "ALL_PROXY", "all_proxy", "HTTPS_PROXY", "https_proxy"):
        monkeypatch.delenv(name, raising=False)
    timeout = 0.5
    with Hostile(drip(DRIP_BODY, DRIP_INTERVAL, head_at_once=True)) as hostile_proxy:
        monkeypatch.setenv("HTTP_PROXY", hostile_proxy.url)
        monkeypatch.setenv("http_proxy", hostile_proxy.url)
        with proxy("http://upstream.invalid", timeout) as base:
            started = time.monotonic()
            response = httpx.get(base + OPERATION, timeout=3, trust_env=False)  # to the proxy directly
            elapsed = time.monotonic() - started
    assert hostile_proxy.requests, "the request did not go through the environment proxy"
    assert response.status_code == 504
    assert error_of(response)["code"] == "upstream_timeout"
    assert timeout <= elapsed < timeout + 1.5


def test_a_dripped_body_ends_at_the_deadline_in_the_pool() -> None:
    """The body of a streamed answer counts against the same deadline: the head came at once, yet the read of
    the body fails when the exchange's time is up, not when one read waited that long."""

    async def scenario(url: str) -> tuple[float, int]:
        pool = UpstreamPool(url, timeout=0.5)
        started = asyncio.get_running_loop().time()
        response = await pool.request("GET", "/", [])
        chunks: list[bytes] = []

        async def read() -> None:
            async for chunk in response.aiter_body():
                chunks.append(chunk)

        with pytest.raises(ReadTimeout):
            await read()
        await response.aclose()
        await pool.aclose()
        return asyncio.get_running_loop().time() - started, sum(map(len, chunks))

    with Hostile(drip(DRIP_BODY, DRIP_INTERVAL, head_at_once=True)) as upstream:
        elapsed, received = asyncio.run(scenario(upstream.url))
    assert 0.5 <= elapsed < 1.5
    assert 0 < received < 200


# -- 3. an idle pooled connection with unread bytes or a close is dead -------------------------------------------
def idle_answer(after: bytes, close: bool) -> Handler:
    """Answers each request (keep-alive) with its number; a connection idle for a moment gets ``after``
    (an unsolicited answer) and, with ``close``, its end."""

    def handler(sock: socket.socket, server: Hostile) -> None:
        sock.settimeout(0.05)
        while not server.stop.is_set():
            request = server.read_request(sock)
            if request is None:
                break
            body = b"answer %d" % len(server.requests)
            sock.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n%b" % (len(body), body))
        if after:
            sock.sendall(after)
        if close:
            sock.shutdown(socket.SHUT_WR)
        server.idle_ends += 1
        if not close:
            server.stop.wait(10)

    return handler


def idle(server: Hostile, ends: int) -> None:
    """Until ``ends`` idle connections were spoken on or ended (at most two seconds), then a moment for the
    proxy's event loop to have read it."""
    deadline = time.monotonic() + 2
    while server.idle_ends < ends and time.monotonic() < deadline:
        time.sleep(0.01)
    time.sleep(0.1)


REQUEST_TIMEOUT = b"HTTP/1.1 408 Request Timeout\r\nConnection: close\r\nContent-Length: 0\r\n\r\n"


@pytest.mark.parametrize(
    ("after", "close"),
    [(REQUEST_TIMEOUT, True), (REQUEST_TIMEOUT, False), (b"", True)],
    ids=["408-then-close", "408-left-open", "close"],
)
def test_an_idle_connection_the_upstream_spoke_on_or_closed_is_not_reused(after: bytes, close: bool) -> None:
    with (
        Hostile(idle_answer(after, close)) as upstream,
        proxy(upstream.url, 3.0) as base,
        httpx.Client(base_url=base, timeout=5) as client,
    ):
        first = client.get("/first")
        idle(upstream, 1)  # the upstream's idle connection got its 408 (and its end)
        second = client.get("/second")
        idle(upstream, 2)
        third = client.get("/third")
    answers = [(r.status_code, r.content) for r in (first, second, third)]
    assert answers == [(200, b"answer 1"), (200, b"answer 2"), (200, b"answer 3")]
    assert [request.split(b" ")[1] for request in upstream.requests] == [b"/first", b"/second", b"/third"]
    assert upstream.connections == 3  # each idle connection was found dead and replaced


def closes_the_reused_connection_unanswered(sock: socket.socket, server: Hostile) -> None:
    """The first connection answers one request, then reads the next and closes without a byte (the race of an
    idle close with a request already on its way); later connections answer every request."""
    first = server.connections == 1
    while server.read_request(sock) is not None:
        if first and len(server.requests) > 1:
            return
        body = b"answer %d" % len(server.requests)
        sock.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n\r\n%b" % (len(body), body))


@pytest.mark.parametrize(("method", "resent"), [("GET", True), ("DELETE", True), ("POST", False)])
def test_a_reused_connection_closed_unanswered_resends_only_an_idempotent_request(method: str, resent: bool) -> None:
    with (
        Hostile(closes_the_reused_connection_unanswered) as upstream,
        proxy(upstream.url, 3.0) as base,
        httpx.Client(base_url=base, timeout=5) as client,
    ):
        assert client.get("/first").content == b"answer 1"
        second = client.request(method, "/second")
    sent = [request.split(b" ")[0] for request in upstream.requests]
    if resent:
        assert (second.status_code, second.content) == (200, b"answer 3")
        assert sent == [b"GET", method.encode(), method.encode()]  # once more, on a new connection
        assert upstream.connections == 2
    else:
        assert second.status_code == 502
        assert error_of(second)["code"] == "upstream_error"
        assert sent == [b"GET", b"POST"]  # a POST is never sent twice
