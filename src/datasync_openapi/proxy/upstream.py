"""The proxy's upstream client: a small keep-alive HTTP/1.1 connection pool on asyncio streams, responses parsed
with httptools (llhttp).

It does only what a forwarding proxy needs, and little per request: ``UpstreamPool(base_url, timeout,
max_connections)`` and ``await pool.request(method, target, headers, body)`` give an ``UpstreamResponse``
(``status``, the ``headers`` as received, ``aiter_body()``, ``aclose()``). The request goes out as given (plus
``Host``, and ``Content-Length`` or chunked framing for the body); the body is bytes or an async iterator of
bytes (sent chunked unless the headers carry a ``Content-Length``). The answer's body is streamed as it
arrives, delimited by ``Content-Length``, chunked framing or the end of the connection; its content coding is
left alone. No redirect is followed, no cookie kept, nothing logged.

Bounds: ``timeout`` is one deadline for the whole exchange (a free connection, connecting, sending, the head
and the body of the answer), not for each read. The answer's head has the limits the mock puts on a request
head (``datasync_openapi.server``: header fields, their bytes in total, the raw bytes of a head still
incomplete); past one, ``ResponseHeadTooLarge``.

A connection goes back to the pool only when its answer was read to the end and allows keep-alive; an idle
connection is dropped after ``keepalive_expiry`` seconds, and when anything came on it while it was idle
(unsolicited bytes such as a ``408``, its end, an error): those are no answer to the next request. A reused
connection found broken before any byte of the answer came is replaced by a new one once for a request whose
method is idempotent and whose body is bytes. Failures are ``UpstreamError``\\ s: ``ConnectError`` (refused,
unknown host, TLS handshake), ``ConnectTimeout``, ``ReadTimeout``, ``WriteTimeout``, ``PoolTimeout`` (all
``UpstreamTimeout``), ``ReadError``/``WriteError`` (the connection broke), ``RemoteProtocolError`` (no answer,
a malformed one, one cut short, or ``ResponseHeadTooLarge``).
"""

from __future__ import annotations

import asyncio
import re
import ssl
import time
from collections.abc import AsyncIterator
from urllib.parse import urlsplit

import httptools

from datasync_openapi.server import MAX_HEAD_RAW_BYTES, MAX_HEADER_BYTES, MAX_HEADER_FIELDS

Headers = list[tuple[bytes, bytes]]
Body = bytes | AsyncIterator[bytes]

READ_SIZE = 64 * 1024
IDEMPOTENT = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE", "TRACE"})
_BAD_TARGET = re.compile(rb"[\x00-\x20\x7f]")  # controls and spaces cannot be in a request target


class UpstreamError(Exception):
    """The upstream gave no usable answer."""


class UpstreamTimeout(UpstreamError):
    pass


class ConnectTimeout(UpstreamTimeout):
    pass


class ReadTimeout(UpstreamTimeout):
    pass


class WriteTimeout(UpstreamTimeout):
    pass


class PoolTimeout(UpstreamTimeout):
    pass


class ConnectError(UpstreamError):
    pass


class ReadError(UpstreamError):
    pass


class WriteError(UpstreamError):
    pass


class RemoteProtocolError(UpstreamError):
    pass


class ResponseHeadTooLarge(RemoteProtocolError):
    """The answer's head passed one of the limits the mock puts on a request head (``datasync_openapi.server``)."""


class InvalidTarget(ValueError):
    """The request target or a header cannot be written into an HTTP/1.1 request."""


class _Connection:
    __slots__ = ("held", "idle_since", "reader", "reused", "writer")

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader = reader
        self.writer = writer
        self.idle_since = 0.0
        self.reused = False
        self.held = True  # taken by a request (holds one of the pool's slots)

    def usable(self, expiry: float) -> bool:
        """Still fit to carry a request: not expired, and nothing came while it was idle (no unsolicited bytes,
        such as a ``408``, no end of the connection, no error). Anything that came is no answer to a request
        sent later: the connection is dead."""
        reader = self.reader
        return (
            not reader.at_eof()
            and not reader._buffer  # type: ignore[attr-defined]
            and reader.exception() is None
            and not self.writer.transport.is_closing()
            and time.monotonic() - self.idle_since < expiry
        )

    def close(self) -> None:
        self.writer.transport.abort()


class _Parser:
    """httptools callbacks: the status line, headers and body chunks of one response."""

    def __init__(self) -> None:
        self.headers: Headers = []
        self.fields = 0  # header fields and their bytes so far, of every head (informational ones too)
        self.field_bytes = 0
        self.too_large = ""  # why the head passed a limit (the parser is stopped by an exception)
        self.body: list[bytes] = []
        self.headers_done = False
        self.complete = False
        self.informational = False
        self.keep_alive = False  # read when the message completes (llhttp resets it right after)
        self.parser = httptools.HttpResponseParser(self)

    def on_header(self, name: bytes, value: bytes) -> None:
        self.fields += 1
        self.field_bytes += len(name) + len(value)
        if self.fields > MAX_HEADER_FIELDS:
            self.too_large = f"more than {MAX_HEADER_FIELDS} header fields"
        elif self.field_bytes > MAX_HEADER_BYTES:
            self.too_large = f"header fields larger than {MAX_HEADER_BYTES} bytes in total"
        if self.too_large:
            raise ResponseHeadTooLarge(self.too_large)  # stops llhttp; feed_data raises HttpParserCallbackError
        self.headers.append((name, value))

    def feed(self, data: bytes) -> None:
        """``feed_data``, its errors as ``RemoteProtocolError`` (``ResponseHeadTooLarge`` past a limit)."""
        try:
            self.parser.feed_data(data)
        except httptools.HttpParserUpgrade:
            raise RemoteProtocolError("the upstream switched protocols") from None
        except httptools.HttpParserError as exc:
            if self.too_large:
                raise ResponseHeadTooLarge(f"the answer's head has {self.too_large}") from None
            raise RemoteProtocolError(f"malformed answer: {exc}") from None

    def on_headers_complete(self) -> None:
        status = self.parser.get_status_code()
        if 100 <= status < 200 and status != 101:
            self.informational = True  # 100 Continue and friends: skipped, the real answer follows
            self.headers = []
        else:
            self.headers_done = True

    def on_body(self, body: bytes) -> None:
        self.body.append(body)

    def on_message_complete(self) -> None:
        if self.informational:
            self.informational = False
        else:
            self.complete = True
            self.keep_alive = self.parser.should_keep_alive()


class UpstreamResponse:
    """One answer: ``status`` and ``headers`` (names as sent) at once, the body through ``aiter_body()``."""

    def __init__(
        self,
        pool: UpstreamPool,
        connection: _Connection,
        parser: _Parser,
        status: int,
        head_only: bool,
        deadline: float,
    ) -> None:
        self.status = status
        self.deadline = deadline  # the exchange's end (event loop time): the body must be read by then
        self.headers: Headers = parser.headers
        self._pool = pool
        self._connection: _Connection | None = connection
        self._parser = parser
        self._head_only = head_only
        self._framed = head_only or parser.complete or _framed(parser.headers)

    async def aiter_body(self) -> AsyncIterator[bytes]:
        parser = self._parser
        if parser.body:
            chunk = b"".join(parser.body)
            parser.body.clear()
            yield chunk
        if self._head_only:
            self._release()
            return
        while not parser.complete:
            connection = self._connection
            assert connection is not None
            data = await self._pool._read(connection, self.deadline)
            if not data:
                if self._framed:
                    self._discard()
                    raise RemoteProtocolError("peer closed connection without sending complete message body")
                break  # delimited by the end of the connection
            try:
                parser.feed(data)
            except RemoteProtocolError:
                self._discard()
                raise
            if parser.body:
                chunk = b"".join(parser.body)
                parser.body.clear()
                yield chunk
        self._release()

    def _release(self) -> None:
        connection, self._connection = self._connection, None
        if connection is None:
            return
        if (
            self._parser.complete and not self._head_only and self._parser.keep_alive and not connection.reader._buffer  # type: ignore[attr-defined]  # nothing unexpected after the answer
        ):
            self._pool._put(connection)
        else:
            self._pool._drop(connection)

    def _discard(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None:
            self._pool._drop(connection)

    async def aclose(self) -> None:
        """Done with the answer: a connection not read to its end is closed, not reused."""
        if self._connection is not None and not self._parser.complete:
            self._discard()
        else:
            self._release()


def _framed(headers: Headers) -> bool:
    """The answer says where its body ends (Content-Length or chunked), so an early end of the connection is an
    error; without either, the body runs until the connection closes."""
    for name, _ in headers:
        lowered = name.lower()
        if lowered == b"content-length" or lowered == b"transfer-encoding":
            return True
    return False


class UpstreamPool:
    """Keep-alive HTTP/1.1 connections to one origin (``http(s)://host[:port]``; a path in ``base_url`` is
    ignored: requests carry their full target)."""

    def __init__(
        self,
        base_url: str,
        timeout: float,
        max_connections: int = 256,
        keepalive_expiry: float = 30.0,
        ssl_context: ssl.SSLContext | None = None,  # https: the system's trust store unless given
    ) -> None:
        parts = urlsplit(base_url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"not an http(s) URL: {base_url!r}")
        self.scheme = parts.scheme
        self.hostname = parts.hostname
        self.port = parts.port or (443 if parts.scheme == "https" else 80)
        default = self.port == (443 if parts.scheme == "https" else 80)
        host = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname
        if not host.isascii():
            host = host.encode("idna").decode("ascii")
        self.host_header = (host if default else f"{host}:{self.port}").encode("ascii")
        self.timeout = timeout
        self.keepalive_expiry = keepalive_expiry
        self.ssl: ssl.SSLContext | None = None
        if parts.scheme == "https":
            self.ssl = ssl_context or ssl.create_default_context()
        self._idle: list[_Connection] = []
        self._slots = asyncio.Semaphore(max_connections)
        self._max_idle = max_connections
        self._closed = False
        self.connections_opened = 0  # for tests and curiosity

    # -- connections ---------------------------------------------------------------------------------------
    async def _connect(self, deadline: float) -> _Connection:
        try:
            async with asyncio.timeout_at(deadline):
                reader, writer = await asyncio.open_connection(
                    self.hostname,
                    self.port,
                    ssl=self.ssl,
                    server_hostname=self.hostname if self.ssl is not None else None,
                    limit=READ_SIZE,
                )
        except TimeoutError:
            raise ConnectTimeout(f"no connection to {self.hostname}:{self.port} within {self.timeout:g} s") from None
        except (OSError, ssl.SSLError) as exc:
            raise ConnectError(str(exc) or type(exc).__name__) from None
        self.connections_opened += 1
        return _Connection(reader, writer)

    def _take(self) -> _Connection | None:
        while self._idle:
            connection = self._idle.pop()
            if connection.usable(self.keepalive_expiry):
                connection.reused = True
                connection.held = True
                return connection
            connection.close()
        return None

    def _put(self, connection: _Connection) -> None:
        if not connection.held:
            return
        connection.held = False
        self._slots.release()
        if self._closed or len(self._idle) >= self._max_idle:
            connection.close()
            return
        connection.idle_since = time.monotonic()
        self._idle.append(connection)

    def _drop(self, connection: _Connection) -> None:
        connection.close()
        if connection.held:
            connection.held = False
            self._slots.release()

    async def _read(self, connection: _Connection, deadline: float) -> bytes:
        try:
            async with asyncio.timeout_at(deadline):
                return await connection.reader.read(READ_SIZE)
        except TimeoutError:
            self._drop(connection)
            raise ReadTimeout(f"no complete answer from the upstream within {self.timeout:g} s") from None
        except OSError as exc:
            self._drop(connection)
            raise ReadError(str(exc) or type(exc).__name__) from None

    async def aclose(self) -> None:
        self._closed = True
        idle, self._idle = self._idle, []
        for connection in idle:
            connection.close()

    # -- one request ---------------------------------------------------------------------------------------
    async def request(self, method: str, target: str, headers: Headers, body: Body = b"") -> UpstreamResponse:
        """Send the request and read the answer's status and headers; the body follows through the response.

        ``timeout`` bounds the whole exchange, one deadline for every step: waiting for a free connection,
        connecting, sending, the answer's head and its body (``aiter_body``), a resent request included. An
        upstream that drips its answer fails at the deadline, as one that sends nothing does."""
        deadline = asyncio.get_running_loop().time() + self.timeout
        head = self._head(method, target, headers, body)
        await self._acquire(deadline)
        try:
            connection = self._take()
            retry = connection is not None and method in IDEMPOTENT and isinstance(body, bytes)
            if connection is None:
                connection = await self._connect(deadline)
        except BaseException:
            self._slots.release()
            raise
        try:
            return await self._exchange(connection, method, head, body, deadline)
        except _Stale:
            if not retry:
                raise RemoteProtocolError("server disconnected without sending a response") from None
        # the idle connection had been closed by the upstream and nothing was received: once more, on a new one
        await self._acquire(deadline)
        try:
            connection = await self._connect(deadline)
        except BaseException:
            self._slots.release()
            raise
        try:
            return await self._exchange(connection, method, head, body, deadline)
        except _Stale:
            raise RemoteProtocolError("server disconnected without sending a response") from None

    async def _acquire(self, deadline: float) -> None:
        if not self._slots.locked():
            await self._slots.acquire()  # a free slot: taken at once, no timer needed
            return
        try:
            async with asyncio.timeout_at(deadline):
                await self._slots.acquire()
        except TimeoutError:
            raise PoolTimeout(f"no free upstream connection within {self.timeout:g} s") from None

    def _head(self, method: str, target: str, headers: Headers, body: Body) -> bytes:
        encoded = target.encode("latin-1", "replace")
        if not encoded or _BAD_TARGET.search(encoded) is not None:
            raise InvalidTarget(f"invalid request target {target!r}")
        lines = [method.encode("ascii"), b" ", encoded, b" HTTP/1.1\r\nHost: ", self.host_header, b"\r\n"]
        length = False
        breaks = 3 + len(headers)  # the request line, Host, each header, the empty line
        for name, value in headers:
            if name == b"content-length" or (len(name) == 14 and name.lower() == b"content-length"):
                length = True
            lines += (name, b": ", value, b"\r\n")
        if isinstance(body, bytes):
            if body and not length:
                lines += (b"Content-Length: ", str(len(body)).encode(), b"\r\n")
                breaks += 1
        elif not length:
            lines.append(b"Transfer-Encoding: chunked\r\n")
            breaks += 1
        lines.append(b"\r\n")
        head = b"".join(lines)
        # a CR or LF inside a header name or value would split it into lines of its own: refused (three C scans)
        if head.count(b"\r\n") != breaks or head.count(b"\r") != breaks or head.count(b"\n") != breaks:
            raise InvalidTarget("a header name or value holds a line break")
        return head

    async def _exchange(
        self, connection: _Connection, method: str, head: bytes, body: Body, deadline: float
    ) -> UpstreamResponse:
        """Write the request, read up to the end of the answer's headers. ``_Stale`` (the connection released)
        if the connection turned out closed before anything was received. The head is held within the mock's
        request-head limits: past them, ``ResponseHeadTooLarge``."""
        writer = connection.writer
        try:
            if isinstance(body, bytes):
                writer.write(head + body if len(body) < READ_SIZE else head)
                if len(body) >= READ_SIZE:
                    writer.write(body)
                if writer.transport.get_write_buffer_size() > READ_SIZE:
                    await self._drain(connection, deadline)
            else:
                await self._send_stream(connection, head, body, not _has_length(head), deadline)
        except (ReadError, WriteError) as exc:
            if connection.reused and isinstance(body, bytes):
                raise _Stale from exc
            raise
        except BaseException:
            self._drop(connection)
            raise

        parser = _Parser()
        received = 0  # bytes of the answer so far, while its head is incomplete
        try:
            while not parser.headers_done:
                try:
                    data = await self._read(connection, deadline)
                except ReadError:
                    if connection.reused and not received:
                        raise _Stale from None
                    raise
                if not data:
                    if connection.reused and not received:
                        raise _Stale
                    raise RemoteProtocolError("server disconnected without sending a complete answer")
                received += len(data)
                parser.feed(data)
                # httptools holds a header field until it is complete: the raw bytes of a head still incomplete
                # are bounded too, so one endless field (or status line) cannot grow that buffer
                if not parser.headers_done and received > MAX_HEAD_RAW_BYTES:
                    raise ResponseHeadTooLarge(f"the answer's head is larger than {MAX_HEAD_RAW_BYTES} bytes")
        except BaseException:  # errors, and cancellation: the connection is closed and its slot freed
            self._drop(connection)
            raise
        status = parser.parser.get_status_code()
        return UpstreamResponse(self, connection, parser, status, method == "HEAD", deadline)

    async def _drain(self, connection: _Connection, deadline: float) -> None:
        try:
            async with asyncio.timeout_at(deadline):
                await connection.writer.drain()
        except TimeoutError:
            self._drop(connection)
            raise WriteTimeout(f"the upstream did not take the request within {self.timeout:g} s") from None
        except OSError as exc:
            self._drop(connection)
            raise WriteError(str(exc) or type(exc).__name__) from None

    async def _send_stream(
        self, connection: _Connection, head: bytes, body: AsyncIterator[bytes], chunked: bool, deadline: float
    ) -> None:
        writer = connection.writer
        writer.write(head)
        async for chunk in body:
            if not chunk:
                continue
            if chunked:
                writer.write(b"%x\r\n" % len(chunk) + chunk + b"\r\n")
            else:
                writer.write(chunk)
            await self._drain(connection, deadline)
        if chunked:
            writer.write(b"0\r\n\r\n")
        await self._drain(connection, deadline)


def _has_length(head: bytes) -> bool:
    return b"\r\ncontent-length:" in head.lower()


class _Stale(Exception):
    """A reused connection was found closed before any byte of the answer came (the connection is released)."""


__all__ = [
    "Body",
    "ConnectError",
    "ConnectTimeout",
    "Headers",
    "InvalidTarget",
    "PoolTimeout",
    "ReadError",
    "ReadTimeout",
    "RemoteProtocolError",
    "ResponseHeadTooLarge",
    "UpstreamError",
    "UpstreamPool",
    "UpstreamResponse",
    "UpstreamTimeout",
    "WriteError",
    "WriteTimeout",
]
