"""The client runtime under hostile or unlucky conditions (issue 10), over real local sockets (the mock, or a
tiny recording ASGI app) or httpx.MockTransport.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from datasync_grades import runtime, workflows
from datasync_grades.api.exchanges import count_exchanges, get_exchange, list_exchanges
from datasync_grades.client import Client
from datasync_grades.runtime import ApiError, RetryPolicy, acall, call
from datasync_interop import runtime as interop_runtime
from datasync_interop.api.scoping_schools import list_scoping_schools
from datasync_interop.api.tenants import list_tenants

from datasync_openapi.mock import DEMO_API_KEY, DEMO_API_SECRET, DEMO_TOKEN, MockApp, create_app
from datasync_openapi.mock.faults import Fault
from datasync_openapi.mock.seed import EXCHANGE_CREATED
from datasync_openapi.server import running

GRADES = "/v2/grades"


@pytest.fixture(scope="module")
def mock_served() -> Iterator[tuple[MockApp, str]]:
    app = create_app()
    with running(app) as base:
        yield app, base


@pytest.fixture
def mock(mock_served: tuple[MockApp, str]) -> tuple[MockApp, str]:
    mock_served[0].reset()
    return mock_served


# -- a tiny recording server ----------------------------------------------------------------------------------
@dataclass
class Seen:
    method: str
    path: str
    headers: dict[str, str]


@dataclass(frozen=True)
class Redirect:
    location: str


@dataclass
class Site:
    """An ASGI app answering ``routes[(method, path)]`` with JSON or a ``Redirect`` (404 otherwise); records
    every request."""

    routes: dict[tuple[str, str], Any] = field(default_factory=dict)
    seen: list[Seen] = field(default_factory=list)

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        more = True
        while more:  # drain the request body
            message = await receive()
            more = bool(message.get("more_body"))
        method, path = scope["method"], scope["path"]
        received = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        self.seen.append(Seen(method, path, received))
        route = self.routes.get((method, path))
        status, body = (200, route) if route is not None else (404, {"error": {"code": "not_found"}})
        headers = [(b"content-type", b"application/json")]
        if isinstance(route, Redirect):
            status, body = 302, {}
            headers.append((b"location", route.location.encode()))
        content = json.dumps(body).encode()
        headers.append((b"content-length", str(len(content)).encode()))
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": content})


def _connect(kind: str, base_url: str) -> Client:
    if kind == "token":
        return runtime.connect(base_url, token="static-token-1")
    return runtime.connect(base_url, client_id="id-1", client_secret="secret-1")


# -- 7: links to another origin get no credentials ------------------------------------------------------------
@pytest.mark.parametrize("kind", ["token", "client_credentials"])
def test_a_paging_link_to_another_origin_is_refused_and_no_credentials_leave(kind: str) -> None:
    elsewhere = Site(routes={("GET", "/v2/grades/exchanges"): {"data": [{"id": "stolen"}], "paging": {"next": None}}})
    with running(elsewhere) as other:
        home = Site(
            routes={
                ("POST", "/oauth/token"): {"access_token": "fetched-token-1", "expires_in": 3600},
                ("GET", "/v2/grades/exchanges"): {
                    "data": [{"id": "a"}],
                    "paging": {"next": f"{other}/v2/grades/exchanges?page=1"},
                },
            }
        )
        with running(home) as base:
            client = _connect(kind, base + GRADES)
            with client:
                items: list[dict[str, Any]] = []
                with pytest.raises(runtime.ForeignLinkError) as caught:
                    items.extend(runtime.paginate_json(client, "/exchanges"))
                assert items == [{"id": "a"}]  # the API's own page was read
                assert elsewhere.seen == []  # the link was not followed at all
                assert other.removeprefix("http://") in str(caught.value)
                assert isinstance(caught.value, ApiError)
                # the auth itself never sends credentials off the API's origin, whatever asks for it
                assert client.get_httpx_client().get(f"{other}/v2/grades/exchanges").status_code == 200
    sent = {"token": "Bearer static-token-1", "client_credentials": "Bearer fetched-token-1"}[kind]
    assert [s.headers.get("authorization") for s in home.seen if s.path == "/v2/grades/exchanges"] == [sent]
    assert [s.path for s in elsewhere.seen] == ["/v2/grades/exchanges"]
    assert "authorization" not in elsewhere.seen[0].headers


def test_a_redirect_to_another_origin_is_not_followed() -> None:
    elsewhere = Site(routes={("GET", "/artifact.json.gz"): {"stolen": True}})
    with running(elsewhere) as other:
        path = f"/v2/grades/exchanges/{EXCHANGE_CREATED}/artifacts/details"
        home = Site(routes={("GET", path): Redirect(f"{other}/artifact.json.gz")})
        with running(home) as base:
            client = runtime.connect(base + GRADES, token="static-token-1")
            with client, pytest.raises(ApiError) as caught:
                workflows.download_details(client, EXCHANGE_CREATED)
    assert caught.value.status == 302
    assert [s.headers.get("authorization") for s in home.seen] == ["Bearer static-token-1"]
    assert elsewhere.seen == []


# -- 8: credentials in the base URL ---------------------------------------------------------------------------
def test_credentials_in_the_base_url_become_basic_auth_and_never_show(
    mock: tuple[MockApp, str], caplog: pytest.LogCaptureFixture
) -> None:
    _, base = mock
    caplog.set_level(logging.DEBUG)
    with_userinfo = base.replace("http://", f"http://{DEMO_API_KEY}:{DEMO_API_SECRET}@") + "/v2/interop"
    client = interop_runtime.connect(with_userinfo)
    with client:
        assert len(interop_runtime.call(list_tenants, client=client).data) == 2  # sent as HTTP Basic
        with pytest.raises(interop_runtime.ApiError) as caught:  # Basic is for /tenants only: a 401 names the URL
            interop_runtime.call(list_scoping_schools, client=client)
    assert caught.value.status == 401
    assert "HTTP Request: GET" in caplog.text  # httpx's own log line was captured
    for text in (str(caught.value), repr(caught.value), caplog.text, repr(client)):
        assert DEMO_API_SECRET not in text
    caplog.clear()
    bearer = interop_runtime.connect(with_userinfo, token=DEMO_TOKEN)  # explicit credentials win, as in httpx
    with bearer:
        assert interop_runtime.call(list_scoping_schools, client=bearer).data
    assert "HTTP Request: GET" in caplog.text
    for text in (caplog.text, repr(bearer)):
        assert DEMO_API_SECRET not in text


def test_errors_never_print_user_info_of_the_request_url() -> None:
    request = httpx.Request("GET", "https://key:s3cret-pw@api.test/v2/grades/exchanges?page=2")
    error = ApiError(httpx.Response(503, request=request))
    for text in (str(error), repr(error), str(runtime.ResponseParseError(httpx.Response(200, request=request)))):
        assert "s3cret-pw" not in text
        assert "https://api.test/v2/grades/exchanges" in text


# -- 9: the retry deadline ------------------------------------------------------------------------------------
SLACK = 0.75  # generous: the bound under test is max_total; slow CI machines add scheduling noise


def _slow_503s(app: MockApp, seconds: float) -> None:
    app.faults.add(Fault(status=503, retry_after="0", delay=seconds, count=5, path=GRADES + "/exchanges"))


@pytest.mark.slow
def test_no_retry_starts_that_cannot_finish_before_the_deadline(mock: tuple[MockApp, str]) -> None:
    app, base = mock
    events: list[runtime.RetryEvent] = []
    client = runtime.connect(base + GRADES, token=DEMO_TOKEN, retry=RetryPolicy(max_total=2.0, on_retry=events.append))
    _slow_503s(app, 1.5)  # each attempt takes 1.5 s: a second one would end at 3 s
    started = time.monotonic()
    with client, pytest.raises(ApiError) as caught:
        call(get_exchange, EXCHANGE_CREATED, client=client)
    elapsed = time.monotonic() - started
    assert caught.value.status == 503
    assert events == []
    assert elapsed < 2.0 + SLACK


@pytest.mark.slow
def test_a_slow_retry_is_cut_at_the_deadline(mock: tuple[MockApp, str]) -> None:
    app, base = mock
    client = runtime.connect(base + GRADES, token=DEMO_TOKEN, retry=RetryPolicy(max_total=1.5, rng=lambda: 0.0))
    app.faults.add(Fault(status=503, retry_after="0", count=1, path=GRADES + "/exchanges"))  # fast
    app.faults.add(Fault(delay=2.5, count=1, path=GRADES + "/exchanges"))  # then far too slow
    started = time.monotonic()
    with client, pytest.raises(httpx.TimeoutException):
        call(get_exchange, EXCHANGE_CREATED, client=client)
    assert time.monotonic() - started < 1.5 + SLACK


@pytest.mark.slow
def test_the_async_deadline_is_the_same(mock: tuple[MockApp, str]) -> None:
    app, base = mock
    events: list[runtime.RetryEvent] = []

    async def scenario() -> tuple[float, float]:
        client = runtime.connect(
            base + GRADES, token=DEMO_TOKEN, retry=RetryPolicy(max_total=2.0, rng=lambda: 0.0, on_retry=events.append)
        )
        async with client:
            _slow_503s(app, 1.5)
            started = time.monotonic()
            with pytest.raises(ApiError):
                await acall(get_exchange, EXCHANGE_CREATED, client=client)
            first = time.monotonic() - started
            app.faults.clear()
            app.faults.add(Fault(status=503, retry_after="0", count=1, path=GRADES + "/exchanges"))
            app.faults.add(Fault(delay=2.5, count=1, path=GRADES + "/exchanges"))
            started = time.monotonic()
            with pytest.raises(httpx.TimeoutException):
                await acall(get_exchange, EXCHANGE_CREATED, client=client)
            return first, time.monotonic() - started

    slow, cut = asyncio.run(scenario())
    assert slow < 2.0 + SLACK
    assert cut < 2.0 + SLACK
    assert [e.status for e in events] == [503]  # only the fast 503 of the second call was retried


def test_retry_policy_counts_the_attempts_own_time() -> None:
    policy = RetryPolicy(max_total=2.0, rng=lambda: 0.0)
    assert policy.delay(1, None, 0.5, 1.0) == 0.0  # 0.5 s spent, an attempt takes 1 s: fits
    assert policy.delay(1, None, 1.5, 1.0) is None  # it would end at 2.5 s
    with pytest.raises(ValueError, match="max_total"):
        RetryPolicy(max_total=0)  # every attempt's timeouts would be cut to nothing


# -- 10: with_* copies keep everything connect() configured ---------------------------------------------------
VARIANTS: dict[str, Callable[[Client], Client]] = {
    "with_headers": lambda c: c.with_headers({"X-Trace": "t-1"}),
    "with_timeout": lambda c: c.with_timeout(httpx.Timeout(7.0)),
    "with_cookies": lambda c: c.with_cookies({"session": "s-1"}),
}


@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_with_copies_call_and_acall_with_auth_and_retries(variant: str, mock: tuple[MockApp, str]) -> None:
    app, base = mock
    events: list[runtime.RetryEvent] = []
    original = runtime.connect(
        base + GRADES, token=DEMO_TOKEN, retry=RetryPolicy(rng=lambda: 0.0, on_retry=events.append)
    )
    copy = VARIANTS[variant](original)

    app.faults.add(Fault(status=503, retry_after="0", count=1, path=GRADES + "/exchanges"))
    with copy:
        assert call(get_exchange, EXCHANGE_CREATED, client=copy).data.state == "created"

    async def scenario() -> Any:
        app.faults.add(Fault(status=503, retry_after="0", count=1, path=GRADES + "/exchanges"))
        async with copy:
            return await acall(get_exchange, EXCHANGE_CREATED, client=copy)

    assert asyncio.run(scenario()).data.state == "created"
    assert [e.status for e in events] == [503, 503]  # the copy retried, sync and async (auth: the mock's 401s)
    http = copy.get_async_httpx_client()
    if variant == "with_timeout":
        assert http.timeout == httpx.Timeout(7.0)
    elif variant == "with_headers":
        assert http.headers["X-Trace"] == "t-1"


# -- 11: a 2xx body the models cannot read --------------------------------------------------------------------
EXCHANGE = {"id": EXCHANGE_CREATED, "state": "created", "max_data_content_length": 1000, "error_count": 0}


def _answering(body: Any, status: int = 200) -> Client:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(status, json=body)

    transport = httpx.MockTransport(handler)
    return runtime.connect("https://api.test/v2/grades", token="t", transport=transport, async_transport=transport)


@pytest.mark.parametrize(
    ("body", "path", "value"),
    [
        pytest.param({"data": {**EXCHANGE, "id": 123}}, "$.data.id", 123, id="number-for-uuid"),
        pytest.param({"data": {**EXCHANGE, "error_count": "many"}}, "$.data.error_count", "many", id="string-for-int"),
        pytest.param({"error": None}, "$.data", runtime.MISSING, id="missing-required"),
        pytest.param([EXCHANGE], "$", [EXCHANGE], id="list-for-object"),
        pytest.param({"data": "x" * 5000}, "$.data", "x" * 5000, id="long-value"),
    ],
)
def test_a_2xx_body_the_models_cannot_read_is_a_typed_error_naming_the_field(body: Any, path: str, value: Any) -> None:
    client = _answering(body)
    with client, pytest.raises(runtime.ResponseParseError) as caught:
        call(get_exchange, EXCHANGE_CREATED, client=client)
    error = caught.value
    assert (error.status, error.path, error.value) == (200, path, value)
    assert f"at {path}" in str(error)
    assert len(str(error)) < 400  # long values are cut short in the message

    async def scenario() -> runtime.ResponseParseError:
        async with client:
            with pytest.raises(runtime.ResponseParseError) as caught:
                await acall(get_exchange, EXCHANGE_CREATED, client=client)
            return caught.value

    assert asyncio.run(scenario()).path == path


def test_list_items_and_primitives_are_checked_too() -> None:
    page = {"data": [EXCHANGE, {**EXCHANGE, "id": "not-a-uuid"}], "paging": {"next": None}}
    client = _answering(page)
    with client, pytest.raises(runtime.ResponseParseError) as caught:
        list(runtime.paginate(list_exchanges, client))
    assert (caught.value.path, caught.value.value) == ("$.data[1].id", "not-a-uuid")
    counted = _answering("seven")
    with counted, pytest.raises(runtime.ResponseParseError) as caught:
        call(count_exchanges, client=counted)
    assert (caught.value.path, caught.value.value) == ("$", "seven")
    fine = _answering({"data": {**EXCHANGE, "course_app_id": None, "unknown_field": [1]}})
    with fine:  # null for an optional field reads as absent; unknown fields are kept, not refused
        assert str(call(get_exchange, EXCHANGE_CREATED, client=fine).data.id) == EXCHANGE_CREATED
    seven = _answering(7)
    with seven:
        assert call(count_exchanges, client=seven) == 7


def test_an_error_status_with_an_unreadable_body_is_still_the_api_error() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(404, text="<html>not here</html>")  # a documented status, an HTML body

    client = runtime.connect("https://api.test/v2/grades", token="t", transport=httpx.MockTransport(handler))
    with client, pytest.raises(ApiError) as caught:
        call(get_exchange, EXCHANGE_CREATED, client=client)
    assert caught.value.status == 404
    assert not isinstance(caught.value, runtime.ResponseParseError)
