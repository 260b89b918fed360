"""The client runtime (clients/runtime/ copied into the generated packages) against the mock, using its faults."""

from __future__ import annotations

import asyncio
import gzip
import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from datasync_grades import runtime, workflows
from datasync_grades.api.exchanges import create_exchange, get_exchange, list_exchanges
from datasync_grades.api.schedules import list_schedules
from datasync_grades.models import ExchangeCreate
from datasync_grades.runtime import (
    ApiError,
    ArtifactNotAvailable,
    AsyncRetryTransport,
    ClientCredentialsAuth,
    RetryPolicy,
    RetryTransport,
    acall,
    apaginate,
    call,
    paginate,
    retry_after_seconds,
)
from datasync_interop import runtime as interop_runtime
from datasync_interop.api.scoping_schools import list_scoping_schools
from datasync_interop.api.tenants import list_tenants
from hypothesis import given, settings
from hypothesis import strategies as st

from datasync_openapi.mock import (
    DEMO_API_KEY,
    DEMO_API_SECRET,
    DEMO_CLIENT_ID,
    DEMO_CLIENT_SECRET,
    DEMO_TOKEN,
    MockApp,
    create_app,
)
from datasync_openapi.mock.seed import EXCHANGE_COMPLETED, EXCHANGE_CREATED, EXCHANGE_NO_LOGS, EXCHANGE_PROCESSING

GRADES = "/v2/grades"


@pytest.fixture(autouse=True)
def close_clients(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Close every client the test made (runtime.connect() opens connection pools)."""
    import datasync_grades.runtime as grades_runtime
    import datasync_interop.runtime as interop_runtime

    made: list[Any] = []
    for module in (grades_runtime, interop_runtime):
        original = module.connect

        def tracking(*args: Any, _original: Any = original, **kwargs: Any) -> Any:
            client = _original(*args, **kwargs)
            made.append(client)
            return client

        monkeypatch.setattr(module, "connect", tracking)
    yield
    for client in made:
        client.get_httpx_client().close()


def fault(base: str, **spec: Any) -> None:
    assert httpx.post(f"{base}/_mock/faults", json=spec).status_code == 200


# -- sync, over a real socket ---------------------------------------------------------------------------------
def test_client_credentials_pagination_and_producer_in_a_few_lines(server: tuple[MockApp, str]) -> None:
    _, base = server
    client = runtime.connect(
        base + GRADES, client_id=DEMO_CLIENT_ID, client_secret=DEMO_CLIENT_SECRET, token_url=f"{base}/oauth/token"
    )
    exchanges = list(paginate(list_exchanges, client, page_size=2))
    assert [str(e.id) for e in exchanges][:2] == [EXCHANGE_COMPLETED, EXCHANGE_CREATED]
    assert len(exchanges) == 5
    posted = workflows.produce(client, EXCHANGE_CREATED, assignments=[{"grade": "A"}], summaries=[{"score": 1.0}])
    assert posted == 1
    assert call(get_exchange, EXCHANGE_CREATED, client=client).data.state == "completed"


def test_429_with_retry_after_is_waited_out(server: tuple[MockApp, str]) -> None:
    _, base = server
    sleeps: list[float] = []
    client = runtime.connect(base + GRADES, token=DEMO_TOKEN)
    transport = client.get_httpx_client()._transport
    assert isinstance(transport, RetryTransport)
    transport.sleep = sleeps.append
    fault(base, status=429, retry_after="2", count=1, path=GRADES + "/schedules")
    schedules = call(list_schedules, client=client)
    assert len(schedules.data) == 2
    assert sleeps == [2.0]


def test_503_is_retried_then_gives_up_with_a_typed_error(server: tuple[MockApp, str]) -> None:
    _, base = server
    sleeps: list[float] = []
    client = runtime.connect(base + GRADES, token=DEMO_TOKEN, retry=RetryPolicy(max_attempts=3, rng=lambda: 1.0))
    transport = client.get_httpx_client()._transport
    assert isinstance(transport, RetryTransport)
    transport.sleep = sleeps.append
    fault(base, status=503, count=2, path=GRADES + "/exchanges")
    assert call(get_exchange, EXCHANGE_CREATED, client=client).data.state == "created"
    assert sleeps == [0.5, 1.0]  # exponential backoff (jitter pinned to its maximum)
    fault(base, status=503, count=5, path=GRADES + "/exchanges")
    with pytest.raises(ApiError) as caught:
        call(get_exchange, EXCHANGE_CREATED, client=client)
    assert caught.value.status == 503
    assert caught.value.message == "Service unavailable (injected)"
    assert caught.value.details == "fault injected by the mock"


def test_post_is_not_retried_unless_allowed(server: tuple[MockApp, str]) -> None:
    _, base = server
    client = runtime.connect(base + GRADES, token=DEMO_TOKEN)
    fault(base, status=503, count=1, method="POST", path=GRADES + "/exchanges")
    with pytest.raises(ApiError) as caught:
        call(create_exchange, client=client, body=ExchangeCreate())
    assert caught.value.status == 503
    allowed = runtime.connect(
        base + GRADES, token=DEMO_TOKEN, retry=RetryPolicy(methods={"GET", "POST"}, rng=lambda: 0.0)
    )
    fault(base, status=503, count=1, method="POST", path=GRADES + "/exchanges")
    assert call(create_exchange, client=allowed, body=ExchangeCreate()).data.state == "created"


def test_token_expiring_mid_run_is_refreshed_once(server: tuple[MockApp, str]) -> None:
    _, base = server
    auth = ClientCredentialsAuth(DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, f"{base}/oauth/token")
    with httpx.Client(base_url=base + GRADES, auth=auth) as http:
        assert http.get("/consumer").status_code == 200
        assert http.get("/consumer").status_code == 200
        assert auth.fetches == 1  # cached
        assert httpx.post(f"{base}/_mock/tokens/expire").json()["expired"] >= 1
        assert http.get("/consumer").status_code == 200
        assert auth.fetches == 2  # refreshed once on the 401
    bad = ClientCredentialsAuth(DEMO_CLIENT_ID, "wrong", f"{base}/oauth/token")
    with httpx.Client(base_url=base + GRADES, auth=bad) as http, pytest.raises(ApiError) as caught:
        http.get("/consumer")
    assert caught.value.status == 401
    assert "wrong" not in str(caught.value)
    assert "wrong" not in repr(bad)


def test_paginate_json_follows_paging_next(server: tuple[MockApp, str]) -> None:
    _, base = server
    client = runtime.connect(base + GRADES, token=DEMO_TOKEN)
    items = list(runtime.paginate_json(client, "/exchanges", page_size=2))
    assert [i["id"] for i in items] == [str(e.id) for e in paginate(list_exchanges, client)]
    assert len(items) == 5
    assert [i["id"] for i in runtime.paginate_json(client, "/exchanges", state="completed", page_size=1)] == [
        EXCHANGE_COMPLETED,
        EXCHANGE_NO_LOGS,
    ]
    assert len(list(runtime.paginate_json(client, "/exchanges", page_size=2, max_items=3))) == 3
    with pytest.raises(ApiError) as caught:
        list(runtime.paginate_json(client, "/exchanges", page=-1))
    assert caught.value.status == 400


def test_threads_share_one_token(server: tuple[MockApp, str]) -> None:
    from concurrent.futures import ThreadPoolExecutor

    _, base = server
    auth = ClientCredentialsAuth(DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, f"{base}/oauth/token")
    with httpx.Client(base_url=base + GRADES, auth=auth) as http, ThreadPoolExecutor(8) as pool:
        statuses = list(pool.map(lambda _: http.get("/consumer").status_code, range(32)))
    assert statuses == [200] * 32
    assert auth.fetches == 1


def test_errors_carry_the_envelope(server: tuple[MockApp, str]) -> None:
    _, base = server
    client = runtime.connect(base + GRADES, token=DEMO_TOKEN)
    with pytest.raises(ApiError) as caught:
        call(get_exchange, "e1000000-0000-4000-8000-00000000ffff", client=client)
    error = caught.value
    assert (error.status, error.code, error.message) == (404, "not_found", "Exchange not found")
    assert error.response.status_code == 404
    with pytest.raises(ApiError, match="page_size"):
        list(paginate(list_exchanges, runtime.connect(base + GRADES, token=DEMO_TOKEN), page_size=0))


def test_artifacts_and_csv_report(server: tuple[MockApp, str]) -> None:
    _, base = server
    client = runtime.connect(base + GRADES, token=DEMO_TOKEN)
    details = workflows.decode_artifact(workflows.download_details(client, EXCHANGE_COMPLETED))
    assert details["exchange_id"] == EXCHANGE_COMPLETED
    logs = workflows.decode_artifact(workflows.download_consumer_logs(client, EXCHANGE_COMPLETED))
    assert logs[0]["level"] == "info"
    with pytest.raises(ArtifactNotAvailable) as caught:
        workflows.download_consumer_logs(client, EXCHANGE_NO_LOGS)
    assert caught.value.status == 404
    rows = workflows.course_ids_report(client, "b1000000-0000-4000-8000-000000000001")
    assert rows == [{"course_id": "course-101"}, {"course_id": "course-102"}]
    with pytest.raises(ValueError, match="gzip"):
        workflows.decode_artifact(b"not gzip")


def test_producer_posts_an_error_when_the_query_cannot_be_answered(server: tuple[MockApp, str]) -> None:
    _app, base = server
    client = runtime.connect(base + GRADES, token=DEMO_TOKEN)

    def answer(exchange: dict[str, Any]) -> tuple[list[Any], list[Any]]:
        assert exchange["id"] == EXCHANGE_PROCESSING
        raise workflows.QueryNotAnswerable("query_type_not_supported", "no such query in our SIS")

    before = call(get_exchange, EXCHANGE_PROCESSING, client=client).data.error_count
    assert workflows.produce(client, EXCHANGE_PROCESSING, answer) == 0
    assert call(get_exchange, EXCHANGE_PROCESSING, client=client).data.error_count == before + 1


def test_producer_chunks_under_the_exchange_limit(server: tuple[MockApp, str]) -> None:
    app, base = server
    app.store.update("exchanges", EXCHANGE_CREATED, max_data_content_length=300)
    client = runtime.connect(base + GRADES, token=DEMO_TOKEN)
    sizes: list[int] = []
    scores = [{"grade": f"{n}", "score": float(n)} for n in range(40)]
    chunks = workflows.post_exchange_data(client, EXCHANGE_CREATED, scores, on_chunk=lambda n, size: sizes.append(size))
    assert chunks == len(sizes) > 1
    assert max(sizes) <= 300
    stored = app.store.get("exchanges", EXCHANGE_CREATED)
    assert stored is not None
    assert (stored["state"], stored["_assignments"], stored["_chunks"]) == ("completed", 40, chunks)


def test_api_key_auth_for_tenants(server: tuple[MockApp, str]) -> None:
    _, base = server
    client = interop_runtime.connect(base + "/v2/interop", api_key=(DEMO_API_KEY, DEMO_API_SECRET))
    assert len(interop_runtime.call(list_tenants, client=client).data) == 2
    assert DEMO_API_SECRET not in repr(client.get_httpx_client().auth)


# -- async, in-process through httpx.ASGITransport ------------------------------------------------------------
def test_async_pagination_retry_and_refresh_through_asgi() -> None:
    app = create_app()
    sleeps: list[float] = []

    async def fake_sleep(seconds: float) -> None:
        sleeps.append(seconds)

    async def scenario() -> tuple[list[str], int, Any]:
        client = runtime.connect(
            "http://mock" + GRADES,
            client_id=DEMO_CLIENT_ID,
            client_secret=DEMO_CLIENT_SECRET,
            token_url="http://mock/oauth/token",
            async_transport=httpx.ASGITransport(app=app),
        )
        http = client.get_async_httpx_client()
        assert isinstance(http._transport, RetryTransport)  # one transport serves the sync and the async client
        http._transport.async_sleep = fake_sleep
        from datasync_openapi.mock.faults import Fault

        app.faults.add(Fault(status=429, retry_after="3", count=1, path=GRADES + "/exchanges"))
        ids = [str(e.id) async for e in apaginate(list_exchanges, client, page_size=2, max_items=3)]
        app.auth.expire_tokens()
        exchange = await acall(get_exchange, EXCHANGE_CREATED, client=client)
        auth = http.auth
        assert isinstance(auth, ClientCredentialsAuth)
        await http.aclose()
        return ids, auth.fetches, exchange.data.state

    ids, fetches, state = asyncio.run(scenario())
    assert ids == [EXCHANGE_COMPLETED, EXCHANGE_CREATED, "e1000000-0000-4000-8000-000000000003"]
    assert sleeps == [3.0]
    assert fetches == 2
    assert state == "created"


def test_concurrent_async_requests_fetch_one_token() -> None:
    app = create_app()

    async def scenario() -> int:
        auth = ClientCredentialsAuth(DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, "http://mock/oauth/token")
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://mock" + GRADES, auth=auth
        ) as http:
            responses = await asyncio.gather(*(http.get("/consumer") for _ in range(20)))
        assert {r.status_code for r in responses} == {200}
        return auth.fetches

    assert asyncio.run(scenario()) == 1


def test_a_body_of_the_wrong_shape_is_a_typed_error() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json=["an", "array", "where", "an", "envelope", "belongs"])

    client = runtime.connect("https://api.test/v2/grades", token="t", transport=httpx.MockTransport(handler))
    with client, pytest.raises(runtime.ResponseParseError) as caught:
        call(get_exchange, EXCHANGE_CREATED, client=client)
    assert caught.value.status == 200
    assert "does not match the spec" in str(caught.value)
    assert f"GET https://api.test/v2/grades/exchanges/{EXCHANGE_CREATED}" in str(caught.value)


# -- pure functions -------------------------------------------------------------------------------------------
def test_retry_after_parsing() -> None:
    assert retry_after_seconds("7") == 7.0
    assert retry_after_seconds("Wed, 21 Oct 2015 07:28:00 GMT", now=1445412470.0) == 10.0
    assert retry_after_seconds("soon") is None
    assert retry_after_seconds(None) is None


def test_retry_policy_bounds() -> None:
    policy = RetryPolicy(max_attempts=3, max_total=5.0, rng=lambda: 1.0)
    response = httpx.Response(429, headers={"Retry-After": "10"})
    assert policy.delay(1, response, 0.0) is None  # waiting 10 s would exceed the 5 s budget
    assert policy.delay(1, None, 0.0) == 0.5
    assert policy.delay(3, None, 0.0) is None  # attempts exhausted


items = st.lists(
    st.fixed_dictionaries({"grade": st.text(max_size=30), "score": st.floats(allow_nan=False, allow_infinity=False)}),
    max_size=30,
)


@pytest.mark.slow
@settings(max_examples=60, deadline=None)
@given(assignments=items, summaries=items, limit=st.integers(min_value=250, max_value=2000))
def test_chunks_stay_under_the_limit_and_lose_nothing(
    assignments: list[dict[str, Any]], summaries: list[dict[str, Any]], limit: int
) -> None:
    chunks = list(workflows.chunk_exchange_data(assignments, summaries, limit))
    sizes = [len(json.dumps(c, separators=(",", ":"), ensure_ascii=False).encode()) for c in chunks]
    assert max(sizes) <= limit
    assert [c["final"] for c in chunks] == [False] * (len(chunks) - 1) + [True]
    assert [a for c in chunks for a in c["assignments"]] == assignments
    assert [s for c in chunks for s in c["summaries"]] == summaries


def test_an_item_larger_than_the_limit_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="no body of 100 bytes fits it"):
        list(workflows.chunk_exchange_data([{"grade": "x" * 200}], [], 100))


def test_gzip_helper_roundtrip() -> None:
    assert workflows.decode_artifact(gzip.compress(b'{"a": [1]}')) == {"a": [1]}


# -- the token URL follows the base URL -----------------------------------------------------------------------
def test_token_url_is_the_base_urls_origin() -> None:
    assert runtime.token_url_for("https://api.us2.kimonocloud.com/v2/grades") == (
        "https://api.us2.kimonocloud.com/oauth/token"
    )
    assert runtime.token_url_for("http://127.0.0.1:8000/v2/grades/") == "http://127.0.0.1:8000/oauth/token"
    assert runtime.token_url_for("http://[::1]:9000/proxy/v2/interop?x=1") == "http://[::1]:9000/oauth/token"
    assert runtime.token_url_for("https://user:pw@host.test/v2/grades") == "https://host.test/oauth/token"
    for bad in ("127.0.0.1:8000/v2/grades", "/v2/grades", "ftp://host/v2/grades", ""):
        with pytest.raises(ValueError, match="absolute http"):
            runtime.token_url_for(bad)
    with pytest.raises(ValueError, match="absolute http") as caught:
        runtime.token_url_for("user:s3cret@host/v2")
    assert "s3cret" not in str(caught.value)


def test_connect_fetches_tokens_from_the_server_it_talks_to(server: tuple[MockApp, str]) -> None:
    _, base = server
    client = runtime.connect(base + GRADES, client_id=DEMO_CLIENT_ID, client_secret=DEMO_CLIENT_SECRET)
    auth = client.get_httpx_client().auth
    assert isinstance(auth, ClientCredentialsAuth)
    assert auth.token_url == f"{base}/oauth/token"
    assert call(get_exchange, EXCHANGE_CREATED, client=client).data.state == "created"
    assert auth.fetches == 1
    assert DEMO_CLIENT_SECRET not in repr(auth)
    elsewhere = runtime.connect(
        base + GRADES, client_id=DEMO_CLIENT_ID, client_secret=DEMO_CLIENT_SECRET, token_url="https://idp.test/token"
    )
    explicit = elsewhere.get_httpx_client().auth
    assert isinstance(explicit, ClientCredentialsAuth)
    assert explicit.token_url == "https://idp.test/token"
    interop = interop_runtime.connect(base + "/v2/interop", client_id=DEMO_CLIENT_ID, client_secret=DEMO_CLIENT_SECRET)
    assert interop_runtime.call(list_scoping_schools, client=interop).data


# -- retries say what they wait for ---------------------------------------------------------------------------
def test_on_retry_hears_every_wait(server: tuple[MockApp, str]) -> None:
    _, base = server
    events: list[runtime.RetryEvent] = []
    sleeps: list[float] = []
    policy = RetryPolicy(max_attempts=3, rng=lambda: 1.0, on_retry=events.append)
    client = runtime.connect(base + GRADES, token=DEMO_TOKEN, retry=policy)
    transport = client.get_httpx_client()._transport
    assert isinstance(transport, RetryTransport)
    transport.sleep = sleeps.append
    fault(base, status=503, count=1, path=GRADES + "/exchanges")
    fault(base, status=429, count=1, retry_after="2", path=GRADES + "/exchanges")
    assert call(get_exchange, EXCHANGE_CREATED, client=client).data.state == "created"
    url = f"{base}{GRADES}/exchanges/{EXCHANGE_CREATED}"
    assert [str(e) for e in events] == [
        f"503 from GET {url}, retrying in 0.5 s (attempt 2 of 3)",
        f"429 from GET {url}, retrying in 2.0 s (attempt 3 of 3)",
    ]
    assert [e.wait for e in events] == sleeps == [0.5, 2.0]
    assert events[0].status == 503
    assert events[0].error is None
    events.clear()
    list(paginate(list_exchanges, client, page_size=2, max_items=1))  # the query string stays out
    assert events == []
    fault(base, status=503, count=1, path=GRADES + "/exchanges")
    list(paginate(list_exchanges, client, page_size=2, max_items=1))
    assert [e.url for e in events] == [f"{base}{GRADES}/exchanges"]


def test_connection_errors_are_retried_aloud_or_not_at_all() -> None:
    from datasync_openapi.server import free_port

    nowhere = f"http://127.0.0.1:{free_port()}{GRADES}"
    events: list[runtime.RetryEvent] = []
    client = runtime.connect(nowhere, token=DEMO_TOKEN, retry=RetryPolicy(rng=lambda: 0.0, on_retry=events.append))
    transport = client.get_httpx_client()._transport
    assert isinstance(transport, RetryTransport)
    transport.sleep = lambda seconds: None
    with pytest.raises(httpx.ConnectError):
        call(get_exchange, EXCHANGE_CREATED, client=client)
    assert [e.attempt for e in events] == [2, 3, 4]
    assert events[0].status is None
    assert events[0].error is not None
    assert events[0].error.startswith("ConnectError")
    assert str(events[0]).startswith("ConnectError")
    assert f"from GET {nowhere}/exchanges/{EXCHANGE_CREATED}, retrying in 0.0 s (attempt 2 of 4)" in str(events[0])
    events.clear()
    fail_fast = runtime.connect(nowhere, token=DEMO_TOKEN, retry=RetryPolicy(errors=(), on_retry=events.append))
    with pytest.raises(httpx.ConnectError):
        call(get_exchange, EXCHANGE_CREATED, client=fail_fast)
    assert events == []


def test_async_retries_are_heard_too() -> None:
    from datasync_openapi.mock.faults import Fault

    app = create_app()
    events: list[runtime.RetryEvent] = []

    async def no_sleep(seconds: float) -> None:
        return None

    async def scenario() -> str:
        client = runtime.connect(
            "http://mock" + GRADES,
            token=DEMO_TOKEN,
            retry=RetryPolicy(rng=lambda: 1.0, on_retry=events.append),
            async_transport=httpx.ASGITransport(app=app),
        )
        http = client.get_async_httpx_client()
        assert isinstance(http._transport, RetryTransport)
        http._transport.async_sleep = no_sleep
        app.faults.add(Fault(status=503, count=1, path=GRADES + "/exchanges"))
        exchange = await acall(get_exchange, EXCHANGE_CREATED, client=client)
        await http.aclose()
        return str(exchange.data.state)

    assert asyncio.run(scenario()) == "created"
    assert [str(e) for e in events] == [
        f"503 from GET http://mock{GRADES}/exchanges/{EXCHANGE_CREATED}, retrying in 0.5 s (attempt 2 of 4)"
    ]


def test_async_retry_transport_on_its_own() -> None:
    answers = iter([httpx.Response(503, headers={"Retry-After": "0"}), httpx.Response(200, json={"ok": True})])

    async def handler(request: httpx.Request) -> httpx.Response:
        return next(answers)

    async def scenario() -> Any:
        transport = AsyncRetryTransport(httpx.MockTransport(handler), RetryPolicy(rng=lambda: 0.0))
        async with httpx.AsyncClient(transport=transport, base_url="https://api.test") as http:
            return (await http.get("/x")).json()

    assert asyncio.run(scenario()) == {"ok": True}
