"""The proxy's upstream client (``proxy.upstream.UpstreamPool``) against small raw asyncio servers: keep-alive,
response framings, broken answers, a closed idle connection, timeouts, request bodies."""

from __future__ import annotations

import asyncio
import shutil
import ssl
import subprocess
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import httptools
import pytest

from datasync_openapi.proxy.upstream import (
    ConnectError,
    InvalidTarget,
    ReadTimeout,
    RemoteProtocolError,
    UpstreamPool,
    UpstreamResponse,
)

Handler = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]


class _Request:
    def __init__(self) -> None:
        self.url = b""
        self.headers: list[tuple[bytes, bytes]] = []
        self.body = b""
        self.done = False

    def on_url(self, url: bytes) -> None:
        self.url += url

    def on_header(self, name: bytes, value: bytes) -> None:
        self.headers.append((name.lower(), value))

    def on_body(self, body: bytes) -> None:
        self.body += body

    def on_message_complete(self) -> None:
        self.done = True


async def read_request(reader: asyncio.StreamReader) -> _Request | None:
    """One request (``None`` at the end of the connection); chunked bodies come out decoded."""
    request = _Request()
    parser = httptools.HttpRequestParser(request)
    while not request.done:
        data = await reader.read(65536)
        if not data:
            return None
        parser.feed_data(data)
    return request


class Server:
    """A raw asyncio server on a free port; ``handler(reader, writer)`` runs for every connection."""

    def __init__(self, handler: Handler) -> None:
        self.handler = handler
        self.connections = 0
        self.requests: list[_Request] = []
        self.server: asyncio.Server | None = None
        self.writers: list[asyncio.StreamWriter] = []

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        self.writers.append(writer)
        try:
            await self.handler(reader, writer)
        except (ConnectionError, asyncio.CancelledError):
            pass
        finally:
            writer.close()

    async def __aenter__(self) -> str:
        self.server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        port = self.server.sockets[0].getsockname()[1]
        return f"http://127.0.0.1:{port}"

    async def __aexit__(self, *exc: object) -> None:
        assert self.server is not None
        self.server.close()
        for writer in self.writers:
            writer.close()
        await self.server.wait_closed()


def ok(body: bytes, *extra: bytes) -> bytes:
    return b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n%b\r\n%b" % (len(body), b"".join(extra), body)


async def read_all(response: UpstreamResponse) -> bytes:
    parts = [chunk async for chunk in response.aiter_body()]
    await response.aclose()
    return b"".join(parts)


def run(test: Callable[[], Awaitable[None]]) -> None:
    asyncio.run(test())  # type: ignore[arg-type]


def keep_alive_server(server_box: list[Server]) -> Handler:
    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        while (request := await read_request(reader)) is not None:
            server_box[0].requests.append(request)
            writer.write(ok(b"you asked for " + request.url))
            await writer.drain()

    return handler


def test_sequential_requests_reuse_one_connection() -> None:
    async def scenario() -> None:
        box: list[Server] = []
        box.append(Server(keep_alive_server(box)))
        async with box[0] as base:
            pool = UpstreamPool(base, timeout=5)
            for n in range(5):
                response = await pool.request("GET", f"/items/{n}?x=1", [(b"accept", b"*/*")])
                assert response.status == 200
                assert await read_all(response) == f"you asked for /items/{n}?x=1".encode()
            await pool.aclose()
        assert box[0].connections == 1
        assert len(box[0].requests) == 5
        host = dict(box[0].requests[0].headers)[b"host"]
        assert host == base.removeprefix("http://").encode()

    run(scenario)


def test_a_chunked_answer_is_decoded_and_the_connection_reused() -> None:
    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        while await read_request(reader) is not None:
            writer.write(b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n")
            await writer.drain()
            await asyncio.sleep(0.01)
            writer.write(b"6\r\n world\r\n0\r\n\r\n")
            await writer.drain()

    async def scenario() -> None:
        server = Server(handler)
        async with server as base:
            pool = UpstreamPool(base, timeout=5)
            for _ in range(2):
                response = await pool.request("GET", "/", [])
                assert (b"Transfer-Encoding", b"chunked") in response.headers
                assert await read_all(response) == b"hello world"
            await pool.aclose()
        assert server.connections == 1

    run(scenario)


def test_an_answer_delimited_by_the_end_of_the_connection() -> None:
    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await read_request(reader)
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nall of ")
        await writer.drain()
        await asyncio.sleep(0.01)
        writer.write(b"this, until the end")
        await writer.drain()
        writer.close()

    async def scenario() -> None:
        server = Server(handler)
        async with server as base:
            pool = UpstreamPool(base, timeout=5)
            for _ in range(2):  # the connection is not reused: the second request needs a new one
                assert await read_all(await pool.request("GET", "/", [])) == b"all of this, until the end"
            await pool.aclose()
        assert server.connections == 2

    run(scenario)


@pytest.mark.parametrize(
    "answer",
    [
        b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly part of it",
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n10\r\nonly part",
    ],
    ids=["content-length", "chunked"],
)
def test_an_answer_cut_mid_body_is_an_error(answer: bytes) -> None:
    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await read_request(reader)
        writer.write(answer)
        await writer.drain()
        writer.close()

    async def scenario() -> None:
        async with Server(handler) as base:
            pool = UpstreamPool(base, timeout=5)
            response = await pool.request("GET", "/", [])
            assert response.status == 200
            with pytest.raises(RemoteProtocolError):
                await read_all(response)
            await response.aclose()
            await pool.aclose()

    run(scenario)


def test_a_malformed_answer_is_a_protocol_error() -> None:
    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await read_request(reader)
        writer.write(b"this is not HTTP at all\r\n\r\n")
        await writer.drain()

    async def scenario() -> None:
        async with Server(handler) as base:
            pool = UpstreamPool(base, timeout=5)
            with pytest.raises(RemoteProtocolError):
                await pool.request("GET", "/", [])
            await pool.aclose()

    run(scenario)


def test_an_idle_connection_closed_by_the_server_is_replaced_for_a_get() -> None:
    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        request = await read_request(reader)  # one request per connection, yet the answer claims keep-alive
        assert request is not None
        writer.write(ok(b"fine"))
        await writer.drain()

    async def scenario() -> None:
        server = Server(handler)
        async with server as base:
            pool = UpstreamPool(base, timeout=5)
            assert await read_all(await pool.request("GET", "/", [])) == b"fine"
            assert len(pool._idle) == 1
            # the server closes the connection as the next request goes out: the pool cannot see it coming
            idle = pool._idle[0]
            idle.reader.at_eof = lambda: False  # type: ignore[method-assign]
            await asyncio.sleep(0.05)
            attempts: list[bool] = []
            exchange = pool._exchange

            async def counted(connection: Any, *args: Any) -> UpstreamResponse:
                attempts.append(connection.reused)
                return await exchange(connection, *args)

            pool._exchange = counted  # type: ignore[method-assign,assignment]
            assert await read_all(await pool.request("GET", "/", [])) == b"fine"
            await pool.aclose()
        assert attempts == [True, False]  # tried on the idle connection, then on a new one
        assert server.connections == 2

    run(scenario)


def test_a_post_on_a_closed_idle_connection_is_not_sent_again() -> None:
    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await read_request(reader)
        writer.write(ok(b"fine"))
        await writer.drain()

    async def scenario() -> None:
        server = Server(handler)
        async with server as base:
            pool = UpstreamPool(base, timeout=5)
            await read_all(await pool.request("GET", "/", []))
            pool._idle[0].reader.at_eof = lambda: False  # type: ignore[method-assign]
            await asyncio.sleep(0.05)
            with pytest.raises(RemoteProtocolError):
                await pool.request("POST", "/", [], b"{}")
            await pool.aclose()
        assert server.connections == 1

    run(scenario)


def test_a_slow_server_is_a_read_timeout() -> None:
    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await read_request(reader)
        await asyncio.sleep(2)

    async def scenario() -> None:
        async with Server(handler) as base:
            pool = UpstreamPool(base, timeout=0.2)
            with pytest.raises(ReadTimeout):
                await pool.request("GET", "/", [])
            await pool.aclose()

    run(scenario)


def test_a_refused_connection_is_a_connect_error() -> None:
    async def scenario() -> None:
        server = await asyncio.start_server(lambda r, w: None, "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        server.close()
        await server.wait_closed()
        pool = UpstreamPool(f"http://127.0.0.1:{port}", timeout=5)
        with pytest.raises(ConnectError):
            await pool.request("GET", "/", [])
        await pool.aclose()

    run(scenario)


def echo_server(box: list[Server]) -> Handler:
    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        while (request := await read_request(reader)) is not None:
            box[0].requests.append(request)
            writer.write(ok(request.body))
            await writer.drain()

    return handler


def test_request_bodies_of_known_length_and_streamed_arrive_intact() -> None:
    big = bytes(range(256)) * 4096  # 1 MiB

    async def stream() -> AsyncIterator[bytes]:
        for start in range(0, len(big), 100_000):
            yield big[start : start + 100_000]
            await asyncio.sleep(0)

    async def scenario() -> None:
        box: list[Server] = []
        box.append(Server(echo_server(box)))
        async with box[0] as base:
            pool = UpstreamPool(base, timeout=5)
            small = await pool.request("POST", "/", [(b"content-type", b"application/json")], b'{"a":1}')
            assert await read_all(small) == b'{"a":1}'
            assert await read_all(await pool.request("PUT", "/", [], big)) == big
            streamed = await pool.request("POST", "/", [], stream())
            assert await read_all(streamed) == big
            declared = await pool.request("POST", "/", [(b"content-length", str(len(big)).encode())], stream())
            assert await read_all(declared) == big
            await pool.aclose()
        headers: list[dict[bytes, bytes]] = [dict(r.headers) for r in box[0].requests]
        assert headers[0][b"content-length"] == b"7"
        assert headers[1][b"content-length"] == str(len(big)).encode()
        assert headers[2][b"transfer-encoding"] == b"chunked"
        assert b"transfer-encoding" not in headers[3]
        assert box[0].connections == 1

    run(scenario)


def test_a_large_answer_streams_in_bounded_chunks() -> None:
    big = b"x" * (8 * 1024 * 1024)

    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await read_request(reader)
        writer.write(ok(big))
        await writer.drain()

    async def scenario() -> None:
        async with Server(handler) as base:
            pool = UpstreamPool(base, timeout=5)
            response = await pool.request("GET", "/", [])
            sizes: list[int] = []
            total = 0
            async for chunk in response.aiter_body():
                sizes.append(len(chunk))
                total += len(chunk)
            await response.aclose()
            await pool.aclose()
        assert total == len(big)
        assert max(sizes) <= 256 * 1024

    run(scenario)


def test_head_answers_have_no_body() -> None:
    async def handler(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        while await read_request(reader) is not None:
            writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 1234\r\n\r\n")
            await writer.drain()

    async def scenario() -> None:
        async with Server(handler) as base:
            pool = UpstreamPool(base, timeout=5)
            response = await pool.request("HEAD", "/", [])
            assert (response.status, await read_all(response)) == (200, b"")
            await pool.aclose()

    run(scenario)


def test_https_with_keep_alive(tmp_path: Path) -> None:
    if shutil.which("openssl") is None:
        pytest.skip("needs the openssl command to make a certificate")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(
        [
            *("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1"),
            *("-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)),
        ],
        check=True,
        capture_output=True,
    )
    served = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    served.load_cert_chain(cert, key)
    trusted = ssl.create_default_context(cafile=str(cert))

    async def scenario() -> None:
        box: list[Server] = []
        box.append(Server(keep_alive_server(box)))
        server = box[0]
        server.server = await asyncio.start_server(server._serve, "127.0.0.1", 0, ssl=served)
        port = server.server.sockets[0].getsockname()[1]
        pool = UpstreamPool(f"https://127.0.0.1:{port}", timeout=5, ssl_context=trusted)
        for n in range(3):
            assert await read_all(await pool.request("GET", f"/{n}", [])) == f"you asked for /{n}".encode()
        await pool.aclose()
        untrusted = UpstreamPool(f"https://127.0.0.1:{port}", timeout=5)  # the system's trust store: refused
        with pytest.raises(ConnectError):
            await untrusted.request("GET", "/", [])
        await untrusted.aclose()
        await server.__aexit__()
        assert server.connections == 1  # three requests on one TLS connection (the refused handshake never got here)

    run(scenario)


def test_a_line_break_in_a_header_or_a_space_in_the_target_is_refused() -> None:
    async def scenario() -> None:
        pool = UpstreamPool("http://127.0.0.1:9", timeout=5)
        for target, headers in [
            ("/a b", []),
            ("/a\r\nX: y", []),
            ("/", [(b"x-evil", b"a\r\nInjected: 1")]),
            ("/", [(b"x-evil", b"a\nInjected: 1")]),
            ("/", [(b"x-evil\r", b"a")]),
        ]:
            with pytest.raises(InvalidTarget):
                await pool.request("GET", target, headers)
        await pool.aclose()

    run(scenario)
