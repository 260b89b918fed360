"""Hostile input over a real socket: the mock answers a 4xx with the JSON error envelope, never a 5xx.

Deeply nested JSON (in an LTI JWT, a request body, a control body), bodies over the 16 MiB cap (with
Content-Length, and chunked without one), non-finite numbers, and malformed fault controls (body and
``X-Mock-Fault`` header). The limits asserted here are the ones the README documents under "Limits".
Every answer of the mock in this module is recorded; a test fails if any of them was a 5xx.
"""

from __future__ import annotations

import base64
import http.client
import json
import re
import socket
import threading
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from starlette.types import Message, Receive, Scope, Send

from datasync_openapi.contract import operations
from datasync_openapi.mock import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, DEMO_TOKEN, MockApp, create_app
from datasync_openapi.mock.seed import EXCHANGE_CREATED
from datasync_openapi.server import running

G = "/v2/grades"
BEARER = {"Authorization": f"Bearer {DEMO_TOKEN}"}
MAX_DEPTH = 64  # README "Limits": JSON nested deeper than this is a 400
MAX_BODY = 16 * 1024 * 1024  # README "Limits": a larger request body is a 413
MIB = 1024 * 1024


class Recorder:
    """The mock behind a recorder of every status it answers (an exception escaping it counts as a 500)."""

    def __init__(self, app: MockApp) -> None:
        self.app = app
        self.statuses: list[int] = []

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def recording(message: Message) -> None:
            if message["type"] == "http.response.start":
                self.statuses.append(int(message["status"]))
            await send(message)

        try:
            await self.app(scope, receive, recording)
        except Exception:
            self.statuses.append(500)
            raise


@pytest.fixture(scope="module")
def served() -> Iterator[tuple[Recorder, str]]:
    recorder = Recorder(create_app())
    with running(recorder) as base:
        yield recorder, base


@pytest.fixture
def mock(served: tuple[Recorder, str]) -> Iterator[tuple[MockApp, str]]:
    """The served mock, reset; after the test, no answer of it may have been a 5xx."""
    recorder, base = served
    recorder.app.reset()
    recorder.statuses.clear()
    yield recorder.app, base
    server_errors = [status for status in recorder.statuses if status >= 500]
    assert server_errors == [], f"the mock answered {server_errors} to hostile input"


@pytest.fixture
def client(mock: tuple[MockApp, str]) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=mock[1], timeout=30) as client:
        yield client


def strict_json(data: bytes) -> Any:
    """Parse as JSON proper: NaN, Infinity and -Infinity are not JSON."""

    def refuse(constant: str) -> Any:
        raise AssertionError(f"the mock served {constant}, which is not JSON: {data[:200]!r}")

    return json.loads(data, parse_constant=refuse)


def error_of(response: httpx.Response, status: int) -> dict[str, Any]:
    """The error envelope of a ``status`` answer (and its ``details``, the plain-words reason)."""
    assert response.status_code == status, response.text[:500]
    assert response.headers["content-type"] == "application/json"
    error = strict_json(response.content)["error"]
    assert set(error) == {"status", "code", "message", "ext_message", "details"}
    assert error["status"] == status
    return dict(error)


def nested(depth: int) -> Any:
    """A JSON value ``depth`` arrays deep (``[[...[]...]]``)."""
    value: Any = []
    for _ in range(depth - 1):
        value = [value]
    return value


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def concrete(path: str) -> str:
    return re.sub(r"\{[^}/]+\}", EXCHANGE_CREATED, path)


# -- 1. nesting depth ---------------------------------------------------------------------------------------
GRADES_OPERATIONS = operations("grades")


@pytest.mark.parametrize("part", ["header", "payload"])
@pytest.mark.parametrize("op", GRADES_OPERATIONS, ids=[op.operation_id for op in GRADES_OPERATIONS])
def test_a_deeply_nested_lti_jwt_is_a_401_on_every_grades_operation(client: httpx.Client, op: Any, part: str) -> None:
    deep = b64url(b"[" * 1000)
    plain = b64url(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
    token = f"{deep}.{plain}" if part == "header" else f"{plain}.{deep}"
    headers = {"Authorization": f"Bearer {token}.{b64url(b'signature')}"}
    response = client.request(op.method.upper(), G + concrete(op.path), headers=headers, json={})
    assert error_of(response, 401)["code"] == "unauthorized"


def test_the_nested_jwt_test_covers_every_grades_operation() -> None:
    assert len(GRADES_OPERATIONS) == 19


@pytest.mark.parametrize(
    ("url", "body"),
    [
        (G + "/exchanges", {"metadata": {"deep": nested(MAX_DEPTH)}}),  # 65 levels with the outer object
        (G + "/exchanges", {"metadata": {"deep": nested(100)}}),
        (f"{G}/exchanges/{EXCHANGE_CREATED}/errors", {"code": "x", "extra": nested(200)}),
        (G + "/exchanges", "[" * 100_000),  # unbalanced, far beyond any recursion limit
        ("/v2/interop/tenant/scoping/schools", {"data": [{"name": "x", "extra": nested(MAX_DEPTH)}]}),
    ],
    ids=["65-levels", "100-levels", "error-200-levels", "unbalanced-100000", "interop-66-levels"],
)
def test_a_deeply_nested_body_is_a_400(client: httpx.Client, url: str, body: Any) -> None:
    content = body.encode() if isinstance(body, str) else json.dumps(body).encode()
    count_before = client.get(G + "/exchanges/count", headers=BEARER).json()
    response = client.post(url, content=content, headers={**BEARER, "Content-Type": "application/json"})
    assert f"more than {MAX_DEPTH} levels" in error_of(response, 400)["details"]
    assert client.get(G + "/exchanges/count", headers=BEARER).json() == count_before


def test_nesting_up_to_the_limit_is_accepted(client: httpx.Client) -> None:
    body = {"metadata": {"deep": nested(MAX_DEPTH - 2)}}  # exactly MAX_DEPTH levels in all
    response = client.post(G + "/exchanges", json=body, headers=BEARER)
    assert response.status_code == 200, response.text[:500]
    assert strict_json(response.content)["data"]["metadata"] == body["metadata"]


# -- 2. the body cap, with and without Content-Length ---------------------------------------------------------
def raw_request(base: str, head: bytes, chunks: Iterator[bytes]) -> tuple[int, bytes]:
    """Send ``head`` then ``chunks`` (already framed) on one socket while reading the answer in a thread.

    Sending stops as soon as the answer is in or the mock closes the connection, so a mock that stops
    reading at its cap is not waited for; every wait is bounded (socket timeout, thread join).
    """
    url = urlsplit(base)
    answer: dict[str, Any] = {}
    done = threading.Event()
    with socket.create_connection((url.hostname, url.port), timeout=60) as sock:

        def read() -> None:
            response = http.client.HTTPResponse(sock)
            try:
                response.begin()
                answer["status"], answer["body"] = response.status, response.read()
            except OSError as exc:  # includes a timeout: reported below as no answer
                answer["error"] = exc
            finally:
                response.close()
                done.set()

        reader = threading.Thread(target=read, daemon=True)
        sock.sendall(head)
        reader.start()
        try:
            for chunk in chunks:
                if done.is_set():
                    break
                sock.sendall(chunk)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the mock stopped reading and closed: its answer, if any, is read below
        reader.join(timeout=90)
    assert "status" in answer, f"no answer from the mock: {answer.get('error')!r}"
    return int(answer["status"]), bytes(answer["body"])


def chunked(total: int, prefix: bytes = b"", suffix: bytes = b"", size: int = MIB) -> Iterator[bytes]:
    """``prefix`` + ``x`` filler + ``suffix`` (``total`` bytes in all) as HTTP/1.1 chunks, then the last chunk."""
    filler = total - len(prefix) - len(suffix)
    pieces = [prefix, *(b"x" * min(size, filler - start) for start in range(0, filler, size)), suffix]
    for piece in pieces:
        if piece:
            yield b"%x\r\n%s\r\n" % (len(piece), piece)
    yield b"0\r\n\r\n"


def head_of(method: str, path: str, headers: dict[str, str]) -> bytes:
    lines = [f"{method} {path} HTTP/1.1", "Host: mock", *(f"{k}: {v}" for k, v in headers.items()), "", ""]
    return "\r\n".join(lines).encode("latin-1")


@pytest.mark.parametrize("total", [20 * MIB, 64 * MIB], ids=["20MiB", "64MiB"])
def test_a_chunked_body_over_the_cap_is_a_413_and_nothing_is_stored(
    mock: tuple[MockApp, str], client: httpx.Client, total: int
) -> None:
    app, base = mock
    exchanges_before = len(app.store.all("exchanges"))
    head = head_of(
        "POST",
        G + "/exchanges",
        {**BEARER, "Content-Type": "application/json", "Transfer-Encoding": "chunked"},
    )
    status, body = raw_request(base, head, chunked(total, b'{"metadata": {"blob": "', b'"}}'))
    assert status == 413, body[:500]
    error = strict_json(body)["error"]
    assert (error["status"], error["code"]) == (413, "payload_too_large")
    assert str(MAX_BODY) in error["details"]
    assert len(app.store.all("exchanges")) == exchanges_before
    assert client.get(G + "/exchanges/count", headers=BEARER).json() == exchanges_before


@pytest.mark.parametrize(
    ("path", "headers"),
    [
        ("/oauth/token", {"Content-Type": "application/x-www-form-urlencoded"}),
        ("/_mock/faults", {"Content-Type": "application/json"}),
        (f"{G}/exchanges/{EXCHANGE_CREATED}/errors", {**BEARER, "Content-Type": "application/json"}),
    ],
)
def test_every_endpoint_that_reads_a_body_caps_it(
    mock: tuple[MockApp, str], path: str, headers: dict[str, str]
) -> None:
    app, base = mock
    errors_before = len(app.store.all("exchange_errors"))
    head = head_of("POST", path, {**headers, "Transfer-Encoding": "chunked"})
    prefix = b"grant_type=client_credentials&client_id=" if path == "/oauth/token" else b'{"details": "'
    suffix = b"" if path == "/oauth/token" else b'"}'
    status, body = raw_request(base, head, chunked(20 * MIB, prefix, suffix))
    assert status == 413, body[:500]
    assert strict_json(body)["error"]["code"] == "payload_too_large"
    assert len(app.store.all("exchange_errors")) == errors_before
    assert app.faults.pending() == []


def test_a_content_length_over_the_cap_is_a_413_before_the_body_is_read(mock: tuple[MockApp, str]) -> None:
    _, base = mock
    head = head_of(
        "POST",
        G + "/exchanges",
        {**BEARER, "Content-Type": "application/json", "Content-Length": str(64 * MIB)},
    )
    status, body = raw_request(base, head, iter([b"{}"]))  # the mock answers without waiting for 64 MiB
    assert status == 413, body[:500]
    assert strict_json(body)["error"]["code"] == "payload_too_large"


def test_a_chunked_body_under_the_cap_is_accepted(client: httpx.Client, mock: tuple[MockApp, str]) -> None:
    _, base = mock
    head = head_of(
        "POST",
        G + "/exchanges",
        {**BEARER, "Content-Type": "application/json", "Transfer-Encoding": "chunked"},
    )
    status, body = raw_request(base, head, chunked(2 * MIB, b'{"metadata": {"blob": "', b'"}}'))
    assert status == 200, body[:500]
    created = strict_json(body)["data"]
    assert len(created["metadata"]["blob"]) > MIB
    assert client.get(f"{G}/exchanges/{created['id']}", headers=BEARER).status_code == 200


# -- 3. non-finite numbers ----------------------------------------------------------------------------------
NON_FINITE = ["NaN", "Infinity", "-Infinity", "1e999999"]
BODIES = {
    "exchange-metadata": (G + "/exchanges", '{{"metadata": {{"x": {}}}}}'),
    "exchange-data": (f"{G}/exchanges/{EXCHANGE_CREATED}/data", '{{"summaries": [{{"score": {}}}]}}'),
    "exchange-error": (f"{G}/exchanges/{EXCHANGE_CREATED}/errors", '{{"code": "unspecified", "n": {}}}'),
}


@pytest.mark.parametrize("where", sorted(BODIES))
@pytest.mark.parametrize("value", NON_FINITE)
def test_a_non_finite_number_in_a_body_is_a_400(client: httpx.Client, value: str, where: str) -> None:
    url, template = BODIES[where]
    response = client.post(
        url, content=template.format(value).encode(), headers={**BEARER, "Content-Type": "application/json"}
    )
    details = error_of(response, 400)["details"]
    assert value in details
    assert re.search(r"not a JSON number|too large", details), details
    exchange = client.get(f"{G}/exchanges/{EXCHANGE_CREATED}", headers=BEARER)
    assert strict_json(exchange.content)["data"]["state"] == "created"  # the data chunk was not taken
    listed = client.get(G + "/exchanges", headers=BEARER)
    strict_json(listed.content)  # nothing non-JSON is served back
    errors = client.get(f"{G}/exchanges/{EXCHANGE_CREATED}/errors", headers=BEARER)
    assert strict_json(errors.content)["data"] == []


def test_a_lone_surrogate_escape_is_served_back_as_sent(client: httpx.Client) -> None:
    # JSON's grammar allows "\ud800" (a lone surrogate, which UTF-8 cannot encode): it comes back as that escape
    content = rb'{"metadata": {"x": "\ud800", "\udc00": "a\\\ud800"}}'
    response = client.post(G + "/exchanges", content=content, headers={**BEARER, "Content-Type": "application/json"})
    assert response.status_code == 200, response.text[:500]
    assert strict_json(response.content)["data"]["metadata"] == {"x": "\ud800", "\udc00": "a\\\ud800"}


# -- 5. fault controls are validated like the API -----------------------------------------------------------
BAD_FAULTS: list[tuple[str, bytes, str]] = [
    ("method-not-a-string", b'{"status": 503, "method": 5}', "'method'"),
    ("method-unknown", b'{"status": 503, "method": "FETCH"}', "'method'"),
    ("path-not-a-string", b'{"status": 503, "path": 5}', "'path'"),
    ("count-boolean", b'{"status": 503, "count": true}', "'count'"),
    ("count-too-large", b'{"status": 503, "count": 100000000}', "'count'"),
    ("delay-boolean", b'{"delay": true}', "'delay'"),
    ("status-string", b'{"status": "503"}', "'status'"),
    ("retry-after-header-injection", b'{"status": 429, "retry_after": "1\\r\\nX-Evil: 1"}', "'retry_after'"),
    ("second-item-bad", b'[{"status": 503}, {"status": 503, "method": 5}]', "[1].method"),
    ("nested", b"[" * 1000, f"more than {MAX_DEPTH} levels"),
    ("nested-in-a-field", json.dumps({"status": 503, "path": nested(100)}).encode(), f"more than {MAX_DEPTH} levels"),
    ("non-finite-delay", b'{"delay": Infinity}', "Infinity"),
    ("not-json", b"{status: 503}", "not valid JSON"),
]


@pytest.mark.parametrize(("body", "named"), [(b, n) for _, b, n in BAD_FAULTS], ids=[i for i, _, _ in BAD_FAULTS])
def test_a_bad_fault_is_a_400_and_the_api_keeps_working(client: httpx.Client, body: bytes, named: str) -> None:
    response = client.post("/_mock/faults", content=body, headers={"Content-Type": "application/json"})
    assert named in error_of(response, 400)["details"]
    assert client.get("/_mock/faults").json() == {"data": []}  # nothing was queued, not even a good first item
    assert client.get(G + "/consumer", headers=BEARER).status_code == 200
    assert client.get(G + "/exchanges", headers=BEARER).status_code == 200


BAD_FAULT_HEADERS = [
    "418",
    "status=abc",
    "status=5_03",  # Python's int() takes it; HTTP does not
    "503; delay=0_1",
    "503; delay=1e999",
    "503; delay=NaN",
    "503; delay=-1",
    "429; retry-after=",
    "429; retry-after=soon",
    "503; count=2",  # a queue-only field
    "retry-after=1",  # neither a status nor a delay
]


@pytest.mark.parametrize("value", BAD_FAULT_HEADERS)
def test_a_bad_fault_header_is_a_400(client: httpx.Client, value: str) -> None:
    response = client.get(G + "/consumer", headers={**BEARER, "X-Mock-Fault": value})
    assert "X-Mock-Fault" in error_of(response, 400)["details"]
    assert client.get(G + "/consumer", headers=BEARER).status_code == 200


def test_good_faults_still_work(client: httpx.Client) -> None:
    # (4xx faults only: this module asserts the mock never answered a 5xx)
    limited = client.get(G + "/consumer", headers={**BEARER, "X-Mock-Fault": "429; retry-after=2"})
    assert (limited.status_code, limited.headers["Retry-After"]) == (429, "2")
    queued = client.post("/_mock/faults", json=[{"status": 429, "method": "GET", "path": G + "/consumer"}])
    assert queued.status_code == 200
    assert client.get(G + "/consumer", headers=BEARER).status_code == 429
    assert client.get(G + "/consumer", headers=BEARER).status_code == 200


def test_the_token_endpoint_still_takes_a_form(client: httpx.Client) -> None:
    form = {"grant_type": "client_credentials", "client_id": DEMO_CLIENT_ID, "client_secret": DEMO_CLIENT_SECRET}
    assert client.post("/oauth/token", data=form).status_code == 200
