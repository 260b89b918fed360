"""A raw-socket HTTP/1.1 server for the conformance suite's bounds: it records every request line it receives
and answers each one with what a ``Behaviour`` writes to the socket, byte for byte, so it can misbehave in
ways no HTTP framework allows (a body that never ends, an answer dripped a byte at a time, a 200 MB body made
up as it is sent).

    server = HostileServer(lambda method, path: plausible(method, path))
    with server:
        ...  # server.url is http://127.0.0.1:<free port>; server.methods lists the methods received

A behaviour is called with the request's method and path (query string removed) and returns an iterable of
byte chunks; the server sends them in turn and closes the connection after each answer. It stops sending
when the client goes away, so a generated answer costs only what the client reads.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from types import TracebackType
from typing import Any

Behaviour = Callable[[str, str], Iterable[bytes]]
MAX_HEAD = 64 * 1024


def head(status: int = 200, headers: dict[str, str] | None = None, length: int | None = None) -> bytes:
    lines = [f"HTTP/1.1 {status} {'OK' if status < 400 else 'Error'}", "Connection: close"]
    lines += [f"{name}: {value}" for name, value in {"Content-Type": "application/json", **(headers or {})}.items()]
    if length is not None:
        lines.append(f"Content-Length: {length}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def answer(body: Any, status: int = 200) -> list[bytes]:
    data = json.dumps(body).encode()
    return [head(status, length=len(data)), data]


def endless(prefix: bytes = b'{"data": [') -> Iterator[bytes]:
    """A close-delimited JSON body that never ends."""
    yield head()
    yield prefix
    chunk = b'{"id": "x"}, ' * 4096
    while True:
        yield chunk


def drip(chunks: Iterable[bytes], interval: float) -> Iterator[bytes]:
    """The whole answer, status line included, one byte every ``interval`` seconds."""
    for chunk in chunks:
        for index in range(len(chunk)):
            time.sleep(interval)
            yield chunk[index : index + 1]


def huge(size: int, *, declared: bool) -> Iterator[bytes]:
    """A JSON answer of ``size`` bytes, generated as it is sent (never held whole)."""
    opening, closing = b'{"data": [], "padding": "', b'"}'
    yield head(length=size if declared else None)
    yield opening
    left = size - len(opening) - len(closing)
    block = b"x" * (64 * 1024)
    while left > 0:
        part = block[: min(left, len(block))]
        left -= len(part)
        yield part
    yield closing


class HostileServer:
    def __init__(self, behaviour: Behaviour) -> None:
        self.behaviour = behaviour
        self.requests: list[tuple[str, str]] = []  # (method, path) as received
        self._lock = threading.Lock()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.2)
        self.url = f"http://127.0.0.1:{self._listener.getsockname()[1]}"
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)

    @property
    def methods(self) -> set[str]:
        with self._lock:
            return {method for method, _ in self.requests}

    def __enter__(self) -> HostileServer:
        self._thread.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None, tb: TracebackType | None) -> None:
        self._stopped.set()
        self._thread.join(timeout=5)
        self._listener.close()

    def _serve(self) -> None:
        while not self._stopped.is_set():
            try:
                connection, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            threading.Thread(target=self._handle, args=(connection,), daemon=True).start()

    def _handle(self, connection: socket.socket) -> None:
        connection.settimeout(5)
        with connection:
            data = b""
            try:
                while b"\r\n\r\n" not in data and len(data) < MAX_HEAD:
                    received = connection.recv(4096)
                    if not received:
                        return
                    data += received
                request_line, _, rest = data.partition(b"\r\n")
                method, target, _version = request_line.decode("latin-1").split(" ", 2)
                length = 0
                for line in rest.split(b"\r\n\r\n", 1)[0].split(b"\r\n"):
                    name, _, value = line.decode("latin-1").partition(":")
                    if name.strip().lower() == "content-length" and value.strip().isdigit():
                        length = min(int(value.strip()), MAX_HEAD)
                body = data.split(b"\r\n\r\n", 1)[1]
                while len(body) < length:
                    received = connection.recv(4096)
                    if not received:
                        break
                    body += received
                path = target.split("?", 1)[0]
                with self._lock:
                    self.requests.append((method, path))
                for chunk in self.behaviour(method, path):
                    if self._stopped.is_set():
                        return
                    connection.sendall(chunk)
            except (OSError, ValueError):
                return
