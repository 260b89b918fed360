"""Serve an ASGI app (the mock) over HTTP/1.1: in the foreground, or on a free port in a background thread.

The stack is uvicorn on httptools (llhttp) with the uvloop event loop: measured on this project's 2-core
machine, a trivial ASGI app answers ~22 000-25 000 requests/s on it against ~2 500 on uvicorn's default h11
stack (see ``make bench``), and llhttp rejects ambiguous framing (``Content-Length`` together with
``Transfer-Encoding``) with a 400 and closes the connection, as RFC 9112 section 6.3 asks.

The request head has fixed limits, checked on the parsed request line and header fields, so they hold however
the bytes arrive (in one read or a byte at a time):

    request target (path and query)   8 KiB        past it: 414, JSON error envelope, connection closed
    header fields, names and values   16 KiB total past it: 431, same
    number of header fields           100          past it: 431, same
    a head still incomplete           64 KiB       past it: 431, same (bounds one endless field)

A request the HTTP parser cannot read at all is answered 400 with the same JSON envelope (uvicorn's own answer
is ``text/plain``). The body limits (16 MiB, JSON nesting depth) are the app's: see ``datasync_openapi.mock``.

Connections are bounded too (``header_timeout``, ``max_connections``; ``datasync mock|proxy --header-timeout
--max-connections``):

    header timeout     from a connection's opening, or the end of its previous answer, to a complete request
                       head; bytes arriving do not extend it (a head dripped a byte at a time is cut off).
                       Past it: a connection that sent nothing of a new request is closed; one in the middle of
                       a head is answered 408 with the JSON envelope and closed.
    connection limit   a connection opened while ``max_connections`` are open is answered 503 with the JSON
                       envelope and ``Retry-After`` at once, and closed (not counted; a quarter of the limit
                       of such closes linger at most: past that, the oldest is cut short). The limit is lowered to half
                       the process's open-file limit (the rest: upstream connections, files, logs).

uvicorn's own settings do not do this (measured): ``timeout_keep_alive`` is armed only after an answer and
disarmed by the next byte, so a connection that never sends a request, or drips one, is held for ever;
``limit_concurrency`` still accepts and holds every connection and answers ``text/plain`` 503s only to those
that send a request. uvicorn's keep-alive timeout is kept (it closes an idle connection after an answer).
"""

from __future__ import annotations

import asyncio
import logging
import math
import socket
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, cast

import uvicorn
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol
from uvicorn.supervisors import Multiprocess

from datasync_openapi.contract import dumps, error_body
from datasync_openapi.numbers import positive_finite
from datasync_openapi.server_options import HEADER_TIMEOUT, MAX_CONNECTIONS

MAX_TARGET_BYTES = 8 * 1024
MAX_HEADER_BYTES = 16 * 1024
MAX_HEADER_FIELDS = 100
MAX_HEAD_RAW_BYTES = 64 * 1024  # bytes of a request head still incomplete (line, fields, line ends)
LINGER_BYTES, LINGER_SECONDS = 1024 * 1024, 2.0
LOOP = "uvloop" if sys.platform != "win32" else "asyncio"

_REASONS = {
    400: "Bad Request",
    408: "Request Timeout",
    414: "URI Too Long",
    431: "Request Header Fields Too Large",
    503: "Service Unavailable",
}
log = logging.getLogger("datasync_openapi.server")


class Config(uvicorn.Config):
    """uvicorn's configuration plus this stack's connection bounds (read by ``LimitedHttpToolsProtocol``)."""

    header_timeout: float = HEADER_TIMEOUT
    max_connections: int = MAX_CONNECTIONS
    at_limit = False  # logged once each time the limit is reached, not once per connection refused
    # Connections answered 503 whose close still lingers (each holds a file), oldest first.
    refusals: dict[LimitedHttpToolsProtocol, None]


class _HeadTooLarge(Exception):
    """Raised inside a parser callback; the parser turns it into an error and the protocol answers ``status``."""

    def __init__(self, status: int, details: str) -> None:
        super().__init__(details)
        self.status = status
        self.details = details


class LimitedHttpToolsProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol with fixed request-head limits and JSON answers for unreadable requests."""

    _target_bytes = 0
    _header_bytes = 0
    _header_fields = 0
    _rejection: _HeadTooLarge | None = None
    _in_head = False  # between the first byte of a request and the end of its header fields
    _lingering = 0
    _head_raw_bytes = 0
    _head_timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        config = cast(Config, self.config)
        if len(self.connections) > config.max_connections:
            self.connections.discard(self)  # not served: it must not keep another connection out
            if not config.at_limit:
                log.warning("%d connections open: new ones are answered 503", config.max_connections)
                config.at_limit = True
            if len(config.refusals) >= max(1, config.max_connections // 4):  # more could run out of files
                oldest = next(iter(config.refusals))  # answered first: the most time to have read it
                oldest.transport.close()
                config.refusals.pop(oldest, None)
            config.refusals[self] = None
            self._rejection = _HeadTooLarge(503, f"the server has {config.max_connections} connections open")
            self.send_400_response(self._rejection.details)
            return
        config.at_limit = False
        self._arm_head_timer()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm_head_timer()
        cast(Config, self.config).refusals.pop(self, None)
        super().connection_lost(exc)

    def _arm_head_timer(self) -> None:
        self._disarm_head_timer()
        self._head_timer = self.loop.call_later(cast(Config, self.config).header_timeout, self._head_timed_out)

    def _disarm_head_timer(self) -> None:
        if self._head_timer is not None:
            self._head_timer.cancel()
            self._head_timer = None

    def _head_timed_out(self) -> None:
        self._head_timer = None
        if self.transport.is_closing() or self._lingering:
            return
        if not self._in_head:  # nothing of a request yet: close quietly (an answer could meet a client's next one)
            self.transport.close()
            return
        timeout = cast(Config, self.config).header_timeout
        self._rejection = _HeadTooLarge(408, f"the request head was not complete within {timeout:g} s")
        self.send_400_response(self._rejection.details)

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if self.timeout_keep_alive_task is not None:  # idle again (no pipelined request waiting): time the next
            self._arm_head_timer()

    def on_message_begin(self) -> None:
        self._target_bytes = self._header_bytes = self._header_fields = 0
        self._rejection = None
        self._in_head, self._head_raw_bytes = True, 0
        super().on_message_begin()

    def on_url(self, url: bytes) -> None:
        self._target_bytes += len(url)
        if self._target_bytes > MAX_TARGET_BYTES:
            self._reject(414, f"request target longer than {MAX_TARGET_BYTES} bytes")
        super().on_url(url)

    def on_header(self, name: bytes, value: bytes) -> None:
        self._header_fields += 1
        self._header_bytes += len(name) + len(value)
        if self._header_fields > MAX_HEADER_FIELDS:
            self._reject(431, f"more than {MAX_HEADER_FIELDS} header fields")
        if self._header_bytes > MAX_HEADER_BYTES:
            self._reject(431, f"header fields larger than {MAX_HEADER_BYTES} bytes in total")
        super().on_header(name, value)

    def _reject(self, status: int, details: str) -> None:
        self._rejection = _HeadTooLarge(status, details)
        raise self._rejection

    def on_headers_complete(self) -> None:
        self._disarm_head_timer()
        self._in_head, self._head_raw_bytes = False, 0
        super().on_headers_complete()

    def data_received(self, data: bytes) -> None:
        if self._lingering:  # the answer is sent: drain what the client still sends, then close
            self._lingering -= min(self._lingering, len(data))
            if not self._lingering:
                self.transport.close()
            return
        super().data_received(data)
        # httptools buffers a header field until it is complete before calling ``on_header``: bound the raw
        # bytes of a head that is still incomplete, so one endless field cannot grow the buffer. (A read that
        # also ends a pipelined request before it counts whole: an overcount bounded by one read.)
        if self._in_head and not self.transport.is_closing():
            self._head_raw_bytes += len(data)
            if self._head_raw_bytes > MAX_HEAD_RAW_BYTES:
                self._rejection = _HeadTooLarge(431, f"request head larger than {MAX_HEAD_RAW_BYTES} bytes")
                self.send_400_response(self._rejection.details)

    def send_400_response(self, msg: str) -> None:
        self._disarm_head_timer()
        rejection = self._rejection
        status, details = (rejection.status, rejection.details) if rejection else (400, "malformed HTTP request")
        body = dumps(error_body(status, _REASONS[status], details))
        head = [f"HTTP/1.1 {status} {_REASONS[status]}".encode()]
        head += [name + b": " + value for name, value in self.server_state.default_headers]
        head += [b"content-type: application/json", b"content-length: %d" % len(body), b"connection: close"]
        if status == 503:  # by then the header timeout has closed the connections that only wait
            head.append(b"retry-after: %d" % math.ceil(cast(Config, self.config).header_timeout))
        self.transport.write(b"\r\n".join(head) + b"\r\n\r\n" + body)
        # Lingering close (as nginx does): closing with unread input makes the kernel send a reset that can
        # destroy the answer before the client reads it. Stop writing, drain up to 1 MiB for up to 2 s, close.
        responding = self.cycle is not None and not self.cycle.response_complete
        if self.transport.can_write_eof() and not responding:
            self.transport.write_eof()
            self._lingering = LINGER_BYTES
            self.loop.call_later(LINGER_SECONDS, self.transport.close)
        else:
            self.transport.close()


def connection_limit(requested: int) -> int:
    """``requested``, lowered to half the process's open-file limit (each proxied connection also holds one to
    the upstream, and the state file, logs and a lingering close need some)."""
    if sys.platform == "win32":
        return requested
    import resource

    soft, _hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft == resource.RLIM_INFINITY or requested <= soft // 2:
        return requested
    return max(1, soft // 2)


def _config(
    app: Any,
    log_level: str,
    lifespan: bool = False,
    own_headers: bool = True,
    header_timeout: float = HEADER_TIMEOUT,
    max_connections: int = MAX_CONNECTIONS,
) -> Config:
    if positive_finite(header_timeout) is None:
        raise ValueError(f"the header timeout is a positive number of seconds, not {header_timeout}")
    if max_connections < 1:
        raise ValueError(f"the connection limit is at least 1, not {max_connections}")
    config = Config(
        app,
        log_level=log_level,
        lifespan="on" if lifespan else "off",
        access_log=False,
        workers=1,
        http=LimitedHttpToolsProtocol,
        loop=LOOP,
        ws="none",
        server_header=own_headers,
        date_header=own_headers,
    )
    config.header_timeout, config.refusals = header_timeout, {}
    config.max_connections = connection_limit(max_connections)
    if config.max_connections < max_connections:
        log.warning(
            "connection limit lowered from %d to %d (the open-file limit)", max_connections, config.max_connections
        )
    return config


def serve(
    app: Any,
    host: str = "127.0.0.1",
    port: int = 8000,
    log_level: str = "info",
    *,
    lifespan: bool = False,
    own_headers: bool = True,
    workers: int = 1,
    header_timeout: float = HEADER_TIMEOUT,
    max_connections: int = MAX_CONNECTIONS,
) -> None:
    """Serve in the foreground until interrupted (Ctrl-C, SIGTERM). With ``workers`` > 1, ``app`` is the import
    string of an app factory (``module:function``) each worker process calls; they accept on one shared socket.

    ``lifespan=True`` sends the app ASGI lifespan events: its shutdown runs before this returns, also on
    SIGTERM (uvicorn re-raises the signal afterwards, so code after ``serve`` may never run). ``own_headers=False``
    leaves out the server's ``Server`` and ``Date`` headers (a proxy passes on the upstream's).
    ``header_timeout`` and ``max_connections`` bound connections (see the module's doc; the limit is per worker
    process)."""
    config = _config(app, log_level, lifespan, own_headers, header_timeout, max_connections)
    config.host, config.port = host, port
    if workers > 1:
        config.workers, config.factory = workers, True
        Multiprocess(config, sockets=[config.bind_socket()]).run()
        return
    uvicorn.Server(config).run()


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


@contextmanager
def running(
    app: Any,
    host: str = "127.0.0.1",
    log_level: str = "error",
    *,
    lifespan: bool = False,
    own_headers: bool = True,
    header_timeout: float = HEADER_TIMEOUT,
    max_connections: int = MAX_CONNECTIONS,
) -> Iterator[str]:
    """Serve ``app`` on a free local port in a background thread; yields its base URL (``http://host:port``).
    ``lifespan``, ``own_headers``, ``header_timeout`` and ``max_connections`` as for ``serve``: with
    ``lifespan=True`` the app's shutdown has run when the block is left.

    uvicorn binds the port itself: handing it a pre-bound socket made every keep-alive request ~40 ms slower
    (measured with httpx and requests on this machine).
    """
    for _attempt in range(5):
        config = _config(app, log_level, lifespan, own_headers, header_timeout, max_connections)
        config.host, config.port = host, free_port(host)
        server = uvicorn.Server(config)
        thread = threading.Thread(target=server.run, daemon=True, name="datasync-mock")
        thread.start()
        deadline = time.monotonic() + 10
        while not server.started and thread.is_alive() and time.monotonic() < deadline:
            time.sleep(0.01)
        if server.started:
            break
        server.should_exit = True
        thread.join(timeout=5)
    else:
        raise RuntimeError("the mock server did not start")
    try:
        yield f"http://{host}:{config.port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


__all__ = [
    "MAX_HEADER_BYTES",
    "MAX_HEADER_FIELDS",
    "MAX_HEAD_RAW_BYTES",
    "MAX_TARGET_BYTES",
    "free_port",
    "running",
    "serve",
]
