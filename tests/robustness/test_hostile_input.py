"""Hostile input over a real socket: the mock answers a 4xx with the JSON error envelope, never a 5xx.

Deeply nested JSON (in an LTI JWT, a request body) and non-finite numbers. The limits asserted here are the
ones the README documents under "Limits". Every answer of the mock in this module is recorded; a test fails
if any of them was a 5xx.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from starlette.types import Message, Receive, Scope, Send

from datasync_openapi.mock import DEMO_TOKEN, MockApp, create_app
from datasync_openapi.mock.seed import EXCHANGE_CREATED
from datasync_openapi.server import running
from datasync_openapi.specs import operations

G = "/v2/grades"
BEARER = {"Authorization": f"Bearer {DEMO_TOKEN}"}
MAX_DEPTH = 64  # README "Limits": JSON nested deeper than this is a 400


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
