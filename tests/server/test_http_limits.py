"""The HTTP layer's fixed limits (src/datasync_openapi/server.py), probed over a real socket.

Each limit must give the same answer however the bytes arrive: in one write, in 8 KiB pieces, in 1 KiB pieces.
Every refusal is the JSON error envelope and closes the connection; nothing behind it on the connection is read.
"""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Iterator
from urllib.parse import urlsplit

import pytest

from datasync_openapi.mock import create_app
from datasync_openapi.server import MAX_HEADER_BYTES, MAX_HEADER_FIELDS, MAX_TARGET_BYTES, running

PIECES = [None, 8192, 1024]
AUTH = b"Authorization: Bearer demo-token\r\n"


@pytest.fixture(scope="module")
def address() -> Iterator[tuple[str, int]]:
    with running(create_app()) as url:
        parts = urlsplit(url)
        assert parts.hostname
        assert parts.port
        yield parts.hostname, parts.port


def exchange(address: tuple[str, int], data: bytes, piece: int | None = None, wait: float = 5.0) -> bytes:
    """Send ``data`` (whole or in pieces) and read until the server closes; ``<open>`` marks a connection kept."""
    with socket.create_connection(address, timeout=wait) as sock:
        try:
            for start in range(0, len(data), piece or len(data)):
                sock.sendall(data[start : start + (piece or len(data))])
                if piece:
                    time.sleep(0.0005)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server answered and closed before reading everything: read its answer below
        received = b""
        deadline = time.monotonic() + wait
        while time.monotonic() < deadline:
            try:
                chunk = sock.recv(65536)
            except TimeoutError:
                return received + b"<open>"
            except ConnectionResetError:
                return received + b"<reset>"
            if not chunk:
                return received
            received += chunk
        return received + b"<open>"


def responses(raw: bytes) -> list[tuple[int, dict[str, str], bytes]]:
    """Split a byte stream into (status, headers, body) triples using Content-Length."""
    found = []
    rest = raw.removesuffix(b"<open>")
    while rest.startswith(b"HTTP/1.1 "):
        head, _, rest = rest.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        headers = {k.lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:])}
        length = int(headers.get("content-length", "0"))
        found.append((int(lines[0].split()[1]), headers, rest[:length]))
        rest = rest[length:]
    return found


def assert_refused(raw: bytes, status: int, code: str) -> None:
    answers = responses(raw)
    assert len(answers) == 1, raw[:300]
    got_status, headers, body = answers[0]
    assert got_status == status, raw[:300]
    assert headers["content-type"] == "application/json"
    assert headers["connection"] == "close"
    error = json.loads(body)["error"]
    assert error["status"] == status
    assert error["code"] == code
    assert error["details"]
    assert not raw.endswith(b"<open>"), "the connection must be closed after a refusal"


def get(target: bytes, extra: bytes = b"") -> bytes:
    return b"GET " + target + b" HTTP/1.1\r\nHost: mock\r\n" + AUTH + extra + b"\r\n"


@pytest.mark.parametrize("piece", PIECES)
def test_content_length_with_transfer_encoding_is_refused_and_the_pipelined_request_is_not_read(
    address: tuple[str, int], piece: int | None
) -> None:
    smuggled = get(b"/v2/grades/exchanges")
    request = (
        b"POST /v2/grades/exchanges HTTP/1.1\r\nHost: mock\r\n" + AUTH + b"Content-Type: application/json\r\n"
        b"Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n" + smuggled
    )
    assert_refused(exchange(address, request, piece), 400, "invalid_request")


@pytest.mark.parametrize("piece", PIECES)
def test_header_fields_past_the_limit_answer_431_however_they_arrive(
    address: tuple[str, int], piece: int | None
) -> None:
    assert_refused(
        exchange(address, get(b"/v2/grades/exchanges", b"X-Big: " + b"a" * MAX_HEADER_BYTES + b"\r\n"), piece),
        431,
        "request_header_fields_too_large",
    )
    many = b"".join(b"X-Field-%d: v\r\n" % i for i in range(MAX_HEADER_FIELDS + 1))
    assert_refused(exchange(address, get(b"/v2/grades/exchanges", many), piece), 431, "request_header_fields_too_large")


@pytest.mark.parametrize("piece", PIECES)
def test_request_target_past_the_limit_answers_414_however_it_arrives(
    address: tuple[str, int], piece: int | None
) -> None:
    target = b"/v2/grades/exchanges?q=" + b"a" * MAX_TARGET_BYTES
    assert_refused(exchange(address, get(target), piece), 414, "uri_too_long")


@pytest.mark.slow
@pytest.mark.parametrize("piece", PIECES)
def test_requests_within_the_limits_are_served_however_they_arrive(address: tuple[str, int], piece: int | None) -> None:
    padding = b"X-Pad: " + b"a" * (MAX_HEADER_BYTES - 1024) + b"\r\n"
    target = b"/v2/grades/exchanges?limit=5&x=" + b"a" * (MAX_TARGET_BYTES - 200)
    raw = exchange(address, get(target, padding) + get(b"/v2/grades/exchanges"), piece, wait=1.0)
    answers = responses(raw)
    assert [status for status, _, _ in answers] == [200, 200], raw[:300]
    assert raw.endswith(b"<open>"), "keep-alive connections stay open"


def test_an_endless_header_field_is_refused_before_it_ends(address: tuple[str, int]) -> None:
    """One field that never ends must not grow the parser's buffer: refused while the head is incomplete."""
    with socket.create_connection(address, timeout=5) as sock:
        sock.sendall(b"GET /v2/grades/exchanges HTTP/1.1\r\nHost: mock\r\nX-Endless: ")
        for _ in range(200):  # up to 1.6 MB, far past every limit, but bounded
            try:
                sock.sendall(b"a" * 8192)
            except (BrokenPipeError, ConnectionResetError):
                break
            sock.settimeout(0.001)
            try:
                if sock.recv(1, socket.MSG_PEEK):
                    break
            except TimeoutError:
                pass
            finally:
                sock.settimeout(5)
        raw = b""
        try:
            while chunk := sock.recv(65536):
                raw += chunk
        except ConnectionResetError:
            pass
    assert_refused(raw, 431, "request_header_fields_too_large")


def test_a_request_the_parser_cannot_read_gets_the_json_envelope(address: tuple[str, int]) -> None:
    assert_refused(exchange(address, b"GET / HTTP/1.1\r\nHost mock\r\n\r\n"), 400, "invalid_request")
