"""The realistic test server behaves as documented in its module: auth, routing, paging, quirks, rate limit, defects.

Served over real HTTP (``running``), one server for the module, reset before every test.
"""

from __future__ import annotations

import gzip
import json
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import jsonschema
import pytest

from datasync_openapi.contract import API, APIS, load_spec, operations, resolve
from datasync_openapi.server import running
from tests.apps.realistic_server import DEFECTS, QUIRKS, RealisticServer

ROOT = Path(__file__).resolve().parents[2]
G = "/v2/grades"
I = "/v2/interop"  # noqa: E741 - reads like the path it is
TOKEN = "live-token"
BASIC = ("live-key", "live-secret")
BEARER = {"Authorization": f"Bearer {TOKEN}"}
QUERY = {"type": "assignment_scores", "conditions": [{"scope": "course", "scope_by": "id"}]}


@pytest.fixture(scope="module")
def served() -> Iterator[tuple[RealisticServer, str]]:
    server = RealisticServer()
    with running(server) as base:
        yield server, base


@pytest.fixture
def server(served: tuple[RealisticServer, str]) -> RealisticServer:
    served[0].set_defects(())
    served[0].reset()
    return served[0]


@pytest.fixture(scope="module")
def clients(served: tuple[RealisticServer, str]) -> Iterator[tuple[httpx.Client, httpx.Client]]:
    """Keep-alive clients (one with the bearer token, one without credentials): a new client costs ~30 ms."""
    with (
        httpx.Client(base_url=served[1], headers=BEARER, timeout=10) as bearer,
        httpx.Client(base_url=served[1], timeout=10) as anonymous,
    ):
        yield bearer, anonymous


@pytest.fixture
def client(clients: tuple[httpx.Client, httpx.Client], server: RealisticServer) -> httpx.Client:
    return clients[0]


@pytest.fixture
def anon(clients: tuple[httpx.Client, httpx.Client], server: RealisticServer) -> httpx.Client:
    return clients[1]


def _all_pages(client: httpx.Client, path: str, page_size: int) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    url: str | None = f"{path}?page_size={page_size}"
    while url is not None:
        response = client.get(url)
        assert response.status_code == 200, response.text
        body = response.json()
        items.extend(body["data"])
        url = body["paging"]["next"]
        assert len(items) < 1000
    return items


def _create_exchange(client: httpx.Client) -> str:
    response = client.post(f"{G}/exchanges", json={"query": QUERY, "metadata": {"run": "test"}})
    assert response.status_code in (200, 201), response.text
    ex_id = response.json()["data"]["id"]
    assert isinstance(ex_id, str)
    return ex_id


# -- auth -----------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer wrong-token"}, {"Authorization": "Basic bGl2ZQ=="}])
@pytest.mark.parametrize("path", [f"{G}/exchanges", f"{G}/consumer", f"{I}/tenant/scoping/schools"])
def test_bearer_operations_answer_401_with_the_error_envelope(
    anon: httpx.Client, path: str, headers: dict[str, str]
) -> None:
    response = anon.get(path, headers=headers)
    assert response.status_code == 401
    assert response.headers["content-type"].startswith("application/json")
    assert response.headers["www-authenticate"].startswith("Bearer")
    error = response.json()["error"]
    assert error["code"] == "unauthorized"
    assert error["status"] == 401
    assert isinstance(error["message"], str)
    assert error["message"]


def test_tenants_take_basic_only(server: RealisticServer, client: httpx.Client, anon: httpx.Client) -> None:
    assert anon.get(f"{I}/tenants", auth=BASIC).status_code == 200
    assert anon.get(f"{I}/tenants", auth=("live-key", "wrong")).status_code == 401
    assert anon.get(f"{I}/tenants", headers={"Authorization": "Basic !!notbase64"}).status_code == 401
    assert anon.get(f"{I}/tenants").status_code == 401
    bearer = client.get(f"{I}/tenants")
    assert bearer.status_code == 401
    assert bearer.headers["www-authenticate"].startswith("Basic")
    # every other operation takes the bearer token, not Basic
    assert anon.get(f"{I}/tenants/{server.ids['tenant']}", auth=BASIC).status_code == 401
    assert client.get(f"{I}/tenants/{server.ids['tenant']}").status_code == 200


def test_oauth_token_endpoint(anon: httpx.Client) -> None:
    form = {"grant_type": "client_credentials", "client_id": "live-client", "client_secret": "live-secret"}
    response = anon.post("/oauth/token", data=form)
    assert response.status_code == 200
    assert response.json() == {"access_token": TOKEN, "token_type": "bearer", "expires_in": 3600}
    assert anon.post("/oauth/token", data={**form, "client_secret": "nope"}).status_code == 401
    assert anon.post("/oauth/token", data={**form, "grant_type": "password"}).status_code == 400
    basic = anon.post("/oauth/token", data={"grant_type": "client_credentials"}, auth=("live-client", "live-secret"))
    assert basic.json()["access_token"] == TOKEN
    assert anon.get("/oauth/token").status_code == 405


def test_custom_credentials() -> None:
    server = RealisticServer(token="other", basic=("k", "s"))
    with running(server) as base:
        assert httpx.get(f"{base}{G}/consumer", headers=BEARER).status_code == 401
        assert httpx.get(f"{base}{G}/consumer", headers={"Authorization": "Bearer other"}).status_code == 200
        assert httpx.get(f"{base}{I}/tenants", auth=("k", "s")).status_code == 200
        assert httpx.get(f"{base}{I}/tenants", auth=BASIC).status_code == 401


# -- routing --------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "path", ["/", "/exchanges", "/tenants", "/v2/exchanges", "/v3/grades/exchanges", "/v2/gradesx"]
)
def test_paths_outside_the_apis_answer_404(client: httpx.Client, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/plain")


def test_unknown_paths_and_methods_inside_the_apis(client: httpx.Client) -> None:
    response = client.get(f"{G}/nothing-here")
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
    wrong_method = client.delete(f"{G}/exchanges")
    assert wrong_method.status_code == 405
    assert wrong_method.headers["allow"] == "GET, POST"
    # a malformed id is looked up like any other: 404 (lenient)
    assert client.get(f"{G}/exchanges/not-a-uuid").status_code == 404


def test_requests_are_recorded_in_order(server: RealisticServer, client: httpx.Client, anon: httpx.Client) -> None:
    before = time.monotonic()
    client.get(f"{G}/exchanges")
    client.get("/nowhere")
    client.post(f"{G}/exchanges", json={})
    anon.get(f"{G}/consumer")
    assert [(m, p, s) for _, m, p, s in server.requests] == [
        ("GET", f"{G}/exchanges", 200),
        ("GET", "/nowhere", 404),
        ("POST", f"{G}/exchanges", 400),
        ("GET", f"{G}/consumer", 401),
    ]
    stamps = [t for t, *_ in server.requests]
    assert stamps == sorted(stamps)
    assert stamps[0] >= before
    server.reset()
    assert server.requests == []
    # concurrent requests: every one recorded, in order of arrival, with its status
    with ThreadPoolExecutor(max_workers=4) as pool:
        statuses = list(pool.map(lambda n: client.get(f"{G}/exchanges", params={"page": n}).status_code, range(12)))
    assert statuses == [200] * 12
    assert len(server.requests) == 12
    assert [t for t, *_ in server.requests] == sorted(t for t, *_ in server.requests)
    assert {s for *_, s in server.requests} == {200}


# -- data and operations --------------------------------------------------------------------------------------
def test_ids_are_its_own_and_discoverable_from_lists(server: RealisticServer, client: httpx.Client) -> None:
    assert set(server.ids) == {"exchange", "batch", "schedule", "tenant", "school", "course", "section"}
    foreign = "".join(
        path.read_text(encoding="utf-8")
        for path in [
            ROOT / "openapi/grades.yaml",
            ROOT / "openapi/interop.yaml",
            ROOT / "src/datasync_openapi/mock/seed.py",
        ]
    )
    for value in server.ids.values():
        assert value not in foreign
    listed = {
        "exchange": [e["id"] for e in _all_pages(client, f"{G}/exchanges", 2)],
        "batch": [b["id"] for b in _all_pages(client, f"{G}/batch", 1)],
        "schedule": [s["id"] for s in _all_pages(client, f"{G}/schedules", 1)],
        "school": [s["school_id"] for s in _all_pages(client, f"{I}/tenant/scoping/schools", 2)],
        "course": [c["course_id"] for c in _all_pages(client, f"{I}/tenant/scoping/courses", 2)],
    }
    for kind, ids in listed.items():
        assert server.ids[kind] in ids, kind
    tenants = client.get(f"{I}/tenants", auth=BASIC).json()["data"]
    assert server.ids["tenant"] in [t["id"] for t in tenants]
    assert client.get(f"{G}/exchanges/{server.ids['exchange']}").json()["data"]["id"] == server.ids["exchange"]
    assert client.get(f"{I}/tenants/{server.ids['tenant']}").json()["data"]["id"] == server.ids["tenant"]
    assert client.get(f"{G}/sections/{server.ids['section']}/resolve").json()["consumerSourceId"].startswith("SIS-")
    assert client.get(f"{G}/sections/unknown/resolve").status_code == 404


QUIRK_NULLS = {"batch_exchange_id", "details", "last_executed_at"}


def _without_quirk_nulls(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _without_quirk_nulls(v) for k, v in value.items() if not (k in QUIRK_NULLS and v is None)}
    if isinstance(value, list):
        return [_without_quirk_nulls(v) for v in value]
    return value


def _example_request(api: API, path: str, ids: dict[str, str]) -> str:
    kinds = {"/exchanges/": "exchange", "/batch/": "batch", "/schedules/": "schedule", "/tenants/": "tenant"}
    kinds |= {"/schools/": "school", "/courses/": "course", "/sections/": "section"}
    for marker, kind in kinds.items():
        if marker + "{id}" in path:
            path = path.replace("{id}", ids[kind])
    return f"/v2/{api}{path}"


@pytest.mark.parametrize("api", APIS)
def test_every_operation_is_served_and_its_success_follows_the_spec(
    server: RealisticServer, client: httpx.Client, anon: httpx.Client, api: API
) -> None:
    """Each documented operation answers a documented 2xx; JSON bodies validate except for the quirks' nulls."""
    spec = load_spec(api)
    bodies: dict[str, Any] = {
        "createExchange": {"query": QUERY},
        "createExchangeError": {"code": "query_type_not_supported", "details": "no such type"},
        "createExchangeData": {"assignments": [], "final": False},
        "createBatchExchangeError": {"code": "integration_error"},
        "createBatchExchangeContextData": {"course_ids": ["BIO-101"]},
        "updateSchedule": {"enabled": True},
        "runSchedule": {},
        "createScopingSchools": {"data": [{"name": "New school"}]},
        "createScopingCourses": {"data": [{"name": "New course"}]},
        "updateScopingSchool": {"name": "Renamed"},
        "updateScopingCourse": {"name": "Renamed"},
    }
    exchange_id = _create_exchange(client)  # artifacts need a completed exchange, data an open one
    ids = {**server.ids}
    # deletes last, the one-object deletes before the delete-everything ones
    ops = sorted(operations(api), key=lambda op: (op.method == "delete", "{id}" not in op.path))
    seen = set()
    for op in ops:
        ids["exchange"] = exchange_id if op.operation_id == "createExchangeData" else server.ids["exchange"]
        url = _example_request(api, op.path, ids)
        auth = BASIC if op.operation_id == "listTenants" else None
        headers = {} if auth else BEARER
        params = {"replace": "false"} if op.operation_id.startswith("createScoping") else None
        response = anon.request(
            op.method.upper(),
            url,
            json=bodies.get(op.operation_id),
            params=params,
            auth=auth,
            headers=headers,
        )
        seen.add(op.operation_id)
        documented = {str(code) for code in op.definition["responses"]}
        assert str(response.status_code) in documented, (op.key, response.status_code, response.text)
        assert response.status_code < 300, (op.key, response.text)
        answer = resolve(spec, op.definition["responses"][str(response.status_code)])
        content = answer.get("content", {})
        if not content:
            assert response.content == b""
            continue
        media = response.headers["content-type"].split(";")[0]
        assert media in content, (op.key, media)
        if media == "application/json":
            # the only disagreements allowed are the documented nulls (QUIRKS): without them, the body validates
            schema = {**content[media]["schema"], "components": spec["components"]}
            jsonschema.validate(_without_quirk_nulls(response.json()), schema, jsonschema.Draft202012Validator)
    assert seen == {op.operation_id for op in operations(api)}


def test_exchange_lifecycle_and_artifacts(client: httpx.Client) -> None:
    ex_id = _create_exchange(client)
    created = client.get(f"{G}/exchanges/{ex_id}").json()["data"]
    assert created["state"] == "created"
    assert created["error_count"] == 0
    assert created["query"] == QUERY
    assert created["metadata"] == {"run": "test"}
    assert client.get(f"{G}/exchanges/{ex_id}/artifacts/details").status_code == 404
    chunk = client.post(f"{G}/exchanges/{ex_id}/data", json={"assignments": [{"name": "Quiz 1"}]})
    assert chunk.json()["data"]["state"] == "processing"
    final = client.post(f"{G}/exchanges/{ex_id}/data", json={"summaries": [{"score": 9.5}], "final": True})
    assert final.json()["data"]["state"] == "completed"
    closed = client.post(f"{G}/exchanges/{ex_id}/data", json={"final": True})
    assert closed.status_code == 409
    assert closed.json()["error"]["code"] == "exchange_closed"
    for name in ("details", "consumerlogs"):
        artifact = client.get(f"{G}/exchanges/{ex_id}/artifacts/{name}")
        assert artifact.status_code == 200
        assert artifact.headers["content-type"] == "application/octet-stream"
        assert json.loads(gzip.decompress(artifact.content))["exchange_id"] == ex_id
    assert client.get(f"{G}/exchanges/{ex_id}/data").status_code == 405
    assert client.post(f"{G}/exchanges/{ex_id}/data", json={"final": "yes"}).status_code == 400
    # errors: one posted, counted, listed; the exchange fails
    other = _create_exchange(client)
    posted = client.post(f"{G}/exchanges/{other}/errors", json={"code": "query_type_not_supported"})
    assert posted.json()["data"]["message"]
    failed = client.get(f"{G}/exchanges/{other}").json()["data"]
    assert (failed["error_count"], failed["state"]) == (1, "failed")
    assert [e["code"] for e in client.get(f"{G}/exchanges/{other}/errors").json()["data"]] == [
        "query_type_not_supported"
    ]
    assert client.get(f"{G}/exchanges/{other}/artifacts/details").status_code == 404
    assert client.post(f"{G}/exchanges/{other}/errors", json={"details": 5}).status_code == 400
    assert client.post(f"{G}/exchanges/00000000-0000-4000-8000-000000000000/errors", json={}).status_code == 404


def test_filters_and_counts(client: httpx.Client) -> None:
    everything = _all_pages(client, f"{G}/exchanges", 100)
    assert client.get(f"{G}/exchanges/count").json() == len(everything) == 5
    completed = client.get(f"{G}/exchanges", params={"state": "completed"}).json()["data"]
    assert {e["state"] for e in completed} == {"completed"}
    assert client.get(f"{G}/exchanges/count", params={"state": "completed"}).json() == len(completed) == 2
    app = everything[0]["course_app_id"]
    by_app = client.get(f"{G}/exchanges", params={"course_app_id": app}).json()["data"]
    assert by_app
    assert all(e["course_app_id"] == app for e in by_app)
    assert client.get(f"{G}/exchanges/count", params={"posted_by": "nobody"}).json() == 0
    assert client.get(f"{G}/batch/count").json() == len(client.get(f"{G}/batch").json()["data"]) == 2


def test_batch_and_schedules(server: RealisticServer, client: httpx.Client) -> None:
    batch = server.ids["batch"]
    csv = client.get(f"{G}/batch/{batch}/courses")
    assert csv.headers["content-type"].startswith("text/csv")
    assert csv.text.splitlines()[0] == "course_id,batch_exchange_id"
    assert client.post(f"{G}/batch/{batch}/data", json={"course_ids": ["X-1", "X-2"]}).json()["data"] == {
        "course_ids": ["X-1", "X-2"]
    }
    assert [line.split(",")[0] for line in client.get(f"{G}/batch/{batch}/courses").text.splitlines()[1:]] == [
        "X-1",
        "X-2",
    ]
    assert client.post(f"{G}/batch/{batch}/data", json={"course_ids": "X-1"}).status_code == 400
    assert client.post(f"{G}/batch/{batch}/error", json={"code": "integration_error"}).status_code == 200
    listed = {b["id"]: b for b in client.get(f"{G}/batch").json()["data"]}
    assert listed[batch]["state"] == "failed"
    assert listed[batch]["error_code"] == "integration_error"

    schedule = server.ids["schedule"]
    assert client.patch(f"{G}/schedules/{schedule}", json={"enabled": "no"}).status_code == 400
    assert client.patch(f"{G}/schedules/{schedule}", json={"enabled": True}).status_code == 204
    assert client.post(f"{G}/schedules/{schedule}/run").status_code == 204
    assert client.post(f"{G}/schedules/{schedule}/run", json={}).status_code == 409  # a run is pending
    assert client.post(f"{G}/schedules/{schedule}/run", content=b"[1]").status_code == 400
    assert client.patch(f"{G}/schedules/{schedule}", json={"enabled": False}).status_code == 204
    states = {s["id"]: s["enabled"] for s in client.get(f"{G}/schedules").json()["data"]}
    assert states[schedule] is False
    assert client.post(f"{G}/schedules/00000000-0000-4000-8000-000000000000/run").status_code == 404


# -- quirks ---------------------------------------------------------------------------------------------------
def test_null_for_absent_optional_fields(server: RealisticServer, client: httpx.Client) -> None:
    exchanges = client.get(f"{G}/exchanges").json()["data"]
    assert any("batch_exchange_id" in e and e["batch_exchange_id"] is None for e in exchanges)
    assert any(isinstance(e["batch_exchange_id"], str) for e in exchanges)
    ex_id = _create_exchange(client)
    assert client.get(f"{G}/exchanges/{ex_id}").json()["data"]["batch_exchange_id"] is None
    error = client.post(f"{G}/exchanges/{ex_id}/errors", json={"code": "query_type_not_supported"}).json()["data"]
    assert "details" in error
    assert error["details"] is None
    assert client.get(f"{G}/exchanges/{ex_id}/errors").json()["data"][0]["details"] is None
    schedules = client.get(f"{G}/schedules").json()["data"]
    assert [s["last_executed_at"] is None for s in schedules].count(True) == 1
    assert {"null_batch_exchange_id", "null_error_details", "null_last_executed_at"} <= set(QUIRKS)


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"page": -5}, 5),
        ({"page": -1, "page_size": 2}, 2),
        ({"page_size": 0}, 1),
        ({"page_size": -5}, 1),
        ({"page_size": 10000}, 5),
        ({"unknown": "x", "page_size": 3}, 3),
    ],
)
def test_out_of_range_paging_is_clamped(client: httpx.Client, params: dict[str, Any], expected: int) -> None:
    for path in (f"{G}/exchanges", f"{I}/tenant/scoping/schools", f"{G}/batch"):
        total = len(client.get(path).json()["data"])
        response = client.get(path, params=params)
        assert response.status_code == 200, (path, response.text)
        assert len(response.json()["data"]) == min(expected, total)
    first = client.get(f"{G}/exchanges", params={"page_size": 2}).json()["data"]
    assert client.get(f"{G}/exchanges", params={"page": -3, "page_size": 2}).json()["data"] == first


@pytest.mark.parametrize("params", [{"page": "abc"}, {"page_size": "1.5"}, {"page": ""}, {"page_size": "ten"}])
def test_wrong_typed_integers_answer_400(client: httpx.Client, params: dict[str, str]) -> None:
    for path in (f"{G}/exchanges", f"{G}/schedules", f"{I}/tenant/scoping/courses"):
        response = client.get(path, params=params)
        assert response.status_code == 400
        error = response.json()["error"]
        assert error["details"] == next(iter(params))
        assert error["code"] == "invalid_parameter"


def test_paging_next_is_absolute_and_ends_with_null(client: httpx.Client, served: tuple[RealisticServer, str]) -> None:
    first = client.get(f"{G}/exchanges", params={"page_size": 2, "state": "completed", "extra": "1"}).json()
    assert len(first["data"]) == 2
    assert first["paging"]["next"] is None  # exactly 2 completed exchanges
    page = client.get(f"{G}/exchanges", params={"page_size": 2}).json()
    next_url = page["paging"]["next"]
    assert next_url.startswith(f"{served[1]}{G}/exchanges?")
    assert "page=1" in next_url
    assert "page_size=2" in next_url
    ids = [e["id"] for e in _all_pages(client, f"{G}/exchanges", 2)]
    assert len(ids) == len(set(ids)) == 5
    beyond = client.get(f"{G}/exchanges", params={"page": 7, "page_size": 2}).json()
    assert beyond == {"data": [], "paging": {"next": None}}


def test_exchange_query_is_required_although_the_docs_do_not_say_so(client: httpx.Client) -> None:
    missing = client.post(f"{G}/exchanges", json={"metadata": {}})
    assert missing.status_code == 400
    assert missing.json()["error"]["details"] == "query"
    assert client.post(f"{G}/exchanges", json={}).status_code == 400
    assert client.post(f"{G}/exchanges", json={"query": {}}).status_code == 200
    assert client.post(f"{G}/exchanges", json={"query": "x"}).status_code == 400
    assert client.post(f"{G}/exchanges", content=b"{not json").status_code == 400
    assert client.post(f"{G}/exchanges", json=[1]).status_code == 400
    assert "exchange_query_required" in QUIRKS


@pytest.mark.slow
def test_requests_over_the_rate_limit_answer_429_with_retry_after() -> None:
    server = RealisticServer(rate_limit=1, burst=3)
    with running(server) as base, httpx.Client(base_url=base, headers=BEARER) as http:
        statuses = [http.get(path).status_code for path in [f"{G}/exchanges"] * 6 + ["/nowhere"]]
        assert statuses[:3] == [200, 200, 200]
        assert statuses[-1] == 429  # every route, unknown ones too
        assert statuses.count(429) >= 3
        limited = http.get(f"{G}/consumer")
        assert limited.status_code == 429
        assert limited.headers["retry-after"] == "1"
        assert limited.json()["error"]["code"] == "rate_limited"
        time.sleep(1.1)
        assert http.get(f"{G}/consumer").status_code == 200  # the bucket refilled
    assert [s for *_, s in server.requests].count(429) == statuses.count(429) + 1


@pytest.mark.slow
def test_requests_under_the_rate_limit_are_served() -> None:
    server = RealisticServer(rate_limit=20, burst=2)
    with running(server) as base, httpx.Client(base_url=base, headers=BEARER) as http:
        statuses = []
        for _ in range(8):
            statuses.append(http.get(f"{G}/exchanges/count").status_code)
            time.sleep(0.1)  # 10 requests/s, half the limit
    assert statuses == [200] * 8
    stamps = [t for t, *_ in server.requests]
    assert (len(stamps) - 1) / (stamps[-1] - stamps[0]) < 20


def test_no_rate_limit_by_default(client: httpx.Client) -> None:
    assert {client.get(f"{G}/exchanges/count").status_code for _ in range(30)} == {200}


# -- created / deleted ----------------------------------------------------------------------------------------
def test_created_and_deleted_track_objects(server: RealisticServer, client: httpx.Client) -> None:
    assert server.created() == {"exchanges": [], "scoping_schools": [], "scoping_courses": []}
    ex_id = _create_exchange(client)
    schools = client.post(
        f"{I}/tenant/scoping/schools",
        params={"replace": "false"},
        json={"data": [{"name": "A"}, {"name": "B", "school_id": "11111111-2222-4333-8444-555555555555"}]},
    )
    assert schools.status_code == 200
    first = schools.json()["data"]
    assert first["name"] == "A"
    assert first["tenant_id"] == server.ids["tenant"]
    listed = [s["school_id"] for s in client.get(f"{I}/tenant/scoping/schools").json()["data"]]
    assert len(listed) == 5  # appended to the 3 seeded schools
    new_schools = [first["school_id"], "11111111-2222-4333-8444-555555555555"]
    assert server.created() == {"exchanges": [ex_id], "scoping_schools": new_schools, "scoping_courses": []}
    # update keeps the id and merges fields
    other_id = "99999999-8888-4777-8666-555555555555"
    put = client.put(
        f"{I}/tenant/scoping/schools/{first['school_id']}", json={"selected": False, "school_id": other_id}
    )
    assert put.status_code == 200
    updated = put.json()["data"]
    assert (updated["selected"], updated["name"], updated["school_id"]) == (False, "A", first["school_id"])
    assert client.put(f"{I}/tenant/scoping/schools/{first['school_id']}", json={"selected": "no"}).status_code == 400
    assert client.delete(f"{I}/tenant/scoping/schools/{first['school_id']}").status_code == 204
    assert client.get(f"{I}/tenant/scoping/schools/{first['school_id']}").status_code == 404
    assert client.delete(f"{I}/tenant/scoping/schools/{first['school_id']}").status_code == 404
    assert server.created()["scoping_schools"] == ["11111111-2222-4333-8444-555555555555"]
    assert server.deleted() == {"exchanges": [], "scoping_schools": [first["school_id"]], "scoping_courses": []}
    # replace=true (the default) replaces every scoping course: the seeded ones are deleted
    seeded = [c["course_id"] for c in client.get(f"{I}/tenant/scoping/courses").json()["data"]]
    replaced = client.post(f"{I}/tenant/scoping/courses", json={"data": [{"name": "Only"}]}).json()["data"]
    assert [c["course_id"] for c in client.get(f"{I}/tenant/scoping/courses").json()["data"]] == [replaced["course_id"]]
    assert server.deleted()["scoping_courses"] == seeded
    assert server.created()["scoping_courses"] == [replaced["course_id"]]
    assert client.delete(f"{I}/tenant/scoping/courses").status_code == 204
    assert client.get(f"{I}/tenant/scoping/courses").json()["data"] == []
    assert server.created()["scoping_courses"] == []
    assert server.deleted()["scoping_courses"] == [*seeded, replaced["course_id"]]
    # exchanges have no DELETE: created ones stay listed
    assert server.created()["exchanges"] == [ex_id]
    server.reset()
    assert server.created() == server.deleted() == {"exchanges": [], "scoping_schools": [], "scoping_courses": []}
    assert len(client.get(f"{I}/tenant/scoping/courses").json()["data"]) == 3


@pytest.mark.parametrize(
    ("body", "replace"),
    [
        ({"data": "x"}, "false"),
        ({}, "false"),
        ({"data": [{"school_id": "not-a-uuid"}]}, "false"),
        ({"data": [{"selected": "yes"}]}, "false"),
        ({"data": []}, "maybe"),
    ],
)
def test_scoping_create_rejects_wrong_types(client: httpx.Client, body: dict[str, Any], replace: str) -> None:
    response = client.post(f"{I}/tenant/scoping/schools", params={"replace": replace}, json=body)
    assert response.status_code == 400
    assert response.json()["error"]["status"] == 400


# -- defects --------------------------------------------------------------------------------------------------
def _error_count_string(server: RealisticServer, client: httpx.Client, anon: httpx.Client) -> bool:
    listed = client.get(f"{G}/exchanges").json()["data"]
    one = client.get(f"{G}/exchanges/{server.ids['exchange']}").json()["data"]
    kinds = {type(e["error_count"]) for e in listed} | {type(one["error_count"])}
    assert kinds in ({int}, {str})
    return kinds == {str}


def _negative_page_500(server: RealisticServer, client: httpx.Client, anon: httpx.Client) -> bool:
    status = client.get(f"{G}/exchanges", params={"page": -1}).status_code
    assert client.get(f"{G}/exchanges", params={"page": 0}).status_code == 200
    assert client.get(f"{G}/batch", params={"page": -1}).status_code == 200  # only listExchanges
    return status == 500


def _schedule_enabled_string(server: RealisticServer, client: httpx.Client, anon: httpx.Client) -> bool:
    return {type(s["enabled"]) for s in client.get(f"{G}/schedules").json()["data"]} == {str}


def _consumer_ignores_auth(server: RealisticServer, client: httpx.Client, anon: httpx.Client) -> bool:
    anonymous = anon.get(f"{G}/consumer").status_code
    wrong = client.get(f"{G}/consumer", headers={"Authorization": "Bearer nope"}).status_code
    assert anon.get(f"{G}/exchanges").status_code == 401  # only the consumer
    assert anonymous == wrong
    return anonymous == 200


def _created_exchange_not_found(server: RealisticServer, client: httpx.Client, anon: httpx.Client) -> bool:
    ex_id = _create_exchange(client)
    assert ex_id in [e["id"] for e in client.get(f"{G}/exchanges").json()["data"]]
    assert client.get(f"{G}/exchanges/{server.ids['exchange']}").status_code == 200
    return client.get(f"{G}/exchanges/{ex_id}").status_code == 404


def _count_wrong(server: RealisticServer, client: httpx.Client, anon: httpx.Client) -> bool:
    return bool(client.get(f"{G}/exchanges/count").json() != len(_all_pages(client, f"{G}/exchanges", 2)))


def _server_error_tenant(server: RealisticServer, client: httpx.Client, anon: httpx.Client) -> bool:
    response = client.get(f"{I}/tenants/{server.ids['tenant']}")
    if response.status_code == 500:
        assert response.headers["content-type"].startswith("text/html")
        assert "<html>" in response.text
        return True
    assert response.status_code == 200
    return False


def _deleted_school_still_served(server: RealisticServer, client: httpx.Client, anon: httpx.Client) -> bool:
    school = client.post(f"{I}/tenant/scoping/schools", params={"replace": "false"}, json={"data": [{}]})
    school_id = school.json()["data"]["school_id"]
    assert client.delete(f"{I}/tenant/scoping/schools/{school_id}").status_code == 204
    served = client.get(f"{I}/tenant/scoping/schools/{school_id}").status_code == 200
    assert (school_id in server.created()["scoping_schools"]) is served
    assert (school_id in server.deleted()["scoping_schools"]) is not served
    return served


def _create_exchange_201(server: RealisticServer, client: httpx.Client, anon: httpx.Client) -> bool:
    return client.post(f"{G}/exchanges", json={"query": QUERY}).status_code == 201


PROBES: dict[str, Callable[[RealisticServer, httpx.Client, httpx.Client], bool]] = {
    "error_count_string": _error_count_string,
    "negative_page_500": _negative_page_500,
    "schedule_enabled_string": _schedule_enabled_string,
    "consumer_ignores_auth": _consumer_ignores_auth,
    "created_exchange_not_found": _created_exchange_not_found,
    "count_wrong": _count_wrong,
    "server_error_tenant": _server_error_tenant,
    "deleted_school_still_served": _deleted_school_still_served,
    "create_exchange_201": _create_exchange_201,
}


def test_every_defect_has_a_probe_and_a_description() -> None:
    assert set(PROBES) == set(DEFECTS)
    assert all(len(text) > 30 for text in [*DEFECTS.values(), *QUIRKS.values()])


@pytest.mark.parametrize("defect", sorted(DEFECTS))
def test_each_defect_switches_on_and_off(
    server: RealisticServer, client: httpx.Client, anon: httpx.Client, defect: str
) -> None:
    probe = PROBES[defect]
    assert not probe(server, client, anon)
    server.set_defects({defect})
    assert probe(server, client, anon)
    # independent: no other defect is visible meanwhile
    for other, other_probe in PROBES.items():
        if other != defect:
            assert not other_probe(server, client, anon), other
    server.set_defects(())
    assert not probe(server, client, anon)


def test_defects_combine_and_unknown_names_are_refused(
    server: RealisticServer, client: httpx.Client, anon: httpx.Client
) -> None:
    server.set_defects(["error_count_string", "negative_page_500"])
    assert _error_count_string(server, client, anon)
    assert _negative_page_500(server, client, anon)
    assert RealisticServer(defects=["count_wrong"]).defects == {"count_wrong"}
    with pytest.raises(ValueError, match="unknown defects"):
        server.set_defects(["no_such_defect"])
    with pytest.raises(ValueError, match="unknown defects"):
        RealisticServer(defects=["no_such_defect"])
    assert server.defects == {"error_count_string", "negative_page_500"}
