"""The mock behaves like the service: auth, routing, validation, paging, lifecycles, faults, persistence.

In-process through httpx.ASGITransport, a fresh app per test, a fake clock where time matters.
"""

from __future__ import annotations

import asyncio
import gzip
import json
import logging
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest
from starlette.types import Message

from datasync_openapi.contract import API, APIS, operations
from datasync_openapi.mock import (
    DEMO_API_KEY,
    DEMO_API_SECRET,
    DEMO_CLIENT_ID,
    DEMO_CLIENT_SECRET,
    DEMO_TOKEN,
    AuthConfig,
    MockApp,
    MockConfig,
    create_app,
    make_lti_jwt,
)
from datasync_openapi.mock import handlers as mock_handlers
from datasync_openapi.mock.seed import (
    BATCH_CREATED,
    EXCHANGE_COMPLETED,
    EXCHANGE_CREATED,
    EXCHANGE_FAILED,
    EXCHANGE_NO_LOGS,
    SCHEDULE_DISABLED,
    SCHEDULE_ENABLED,
    SCHOOL,
    TENANT,
)

BEARER = {"Authorization": f"Bearer {DEMO_TOKEN}"}
G = "/v2/grades"
I = "/v2/interop"  # noqa: E741 - reads like the path it is
IDS = {
    "/exchanges/{id}": EXCHANGE_CREATED,
    "/batch/{id}": BATCH_CREATED,
    "/schedules/{id}": SCHEDULE_ENABLED,
    "/sections/{id}": "section-101",
    "/tenants/{id}": TENANT,
    "/schools/{id}": SCHOOL,
    "/courses/{id}": "c0000000-0000-4000-8000-000000000001",
}


class Clock:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


class Mock:
    """A fresh mock and a synchronous way to call it in-process."""

    def __init__(self, config: MockConfig | None = None) -> None:
        self.app: MockApp = create_app(config)

    def request(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        async def go() -> httpx.Response:
            transport = httpx.ASGITransport(app=self.app)
            async with httpx.AsyncClient(transport=transport, base_url="http://mock") as client:
                return await client.request(method, url, **kwargs)

        return asyncio.run(go())

    def get(self, url: str, **kwargs: Any) -> httpx.Response:
        kwargs.setdefault("headers", BEARER)
        return self.request("GET", url, **kwargs)

    def send(self, method: str, url: str, body: Any = None, **kwargs: Any) -> httpx.Response:
        kwargs.setdefault("headers", BEARER)
        if body is not None:
            kwargs["json"] = body
        return self.request(method, url, **kwargs)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def mock(clock: Clock) -> Mock:
    return Mock(MockConfig(clock=clock))


def envelope_error(response: httpx.Response, status: int) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/json"
    error = response.json()["error"]
    assert set(error) == {"status", "code", "message", "ext_message", "details"}
    assert error["status"] == status
    return dict(error)


def concrete(path: str) -> str:
    for template, value in IDS.items():
        if template in path:
            return path.replace(template, template.replace("{id}", value))
    return path


# -- auth -----------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("api", "method", "path"), [(op.api, op.method, op.path) for a in APIS for op in operations(a)]
)
@pytest.mark.parametrize("authorization", [None, "Bearer nope", "Basic bm9wZTpub3Bl"])
def test_every_operation_rejects_missing_or_unknown_credentials(
    mock: Mock, api: API, method: str, path: str, authorization: str | None
) -> None:
    headers = {"Authorization": authorization} if authorization else {}
    response = mock.request(method.upper(), f"/v2/{api}{concrete(path)}", headers=headers, json={})
    error = envelope_error(response, 401)
    assert error["code"] == "unauthorized"
    assert "WWW-Authenticate" in response.headers


def test_oauth_token_endpoint_and_expiry(mock: Mock, clock: Clock) -> None:
    form = {"grant_type": "client_credentials", "client_id": DEMO_CLIENT_ID, "client_secret": DEMO_CLIENT_SECRET}
    token = mock.request("POST", "/oauth/token", data=form).json()
    assert token["token_type"] == "Bearer"
    assert token["expires_in"] == 3600
    headers = {"Authorization": f"Bearer {token['access_token']}"}
    assert mock.get(G + "/consumer", headers=headers).status_code == 200
    clock.now += 3601
    envelope_error(mock.get(G + "/consumer", headers=headers), 401)
    wrong = mock.request("POST", "/oauth/token", data={**form, "client_secret": "wrong"})
    assert (wrong.status_code, wrong.json()["error"]) == (401, "invalid_client")
    grant = mock.request("POST", "/oauth/token", data={**form, "grant_type": "password"})
    assert (grant.status_code, grant.json()["error"]) == (400, "unsupported_grant_type")
    basic = mock.request(
        "POST", "/oauth/token", data={"grant_type": "client_credentials"}, auth=(DEMO_CLIENT_ID, DEMO_CLIENT_SECRET)
    )
    assert basic.status_code == 200


def test_issued_tokens_can_be_expired_on_demand(mock: Mock) -> None:
    form = {"grant_type": "client_credentials", "client_id": DEMO_CLIENT_ID, "client_secret": DEMO_CLIENT_SECRET}
    headers = {"Authorization": "Bearer " + mock.request("POST", "/oauth/token", data=form).json()["access_token"]}
    assert mock.get(G + "/consumer", headers=headers).status_code == 200
    assert mock.request("POST", "/_mock/tokens/expire").json() == {"expired": 1}
    envelope_error(mock.get(G + "/consumer", headers=headers), 401)


def test_lti_jwt_is_accepted_on_grades_only(mock: Mock, clock: Clock) -> None:
    jwt = {"Authorization": f"Bearer {make_lti_jwt(now=clock.now)}"}
    assert mock.get(G + "/consumer", headers=jwt).status_code == 200
    envelope_error(mock.get(I + "/tenant/scoping/schools", headers=jwt), 401)
    forged = {"Authorization": f"Bearer {make_lti_jwt('another-secret', now=clock.now)}"}
    envelope_error(mock.get(G + "/consumer", headers=forged), 401)
    expired = {"Authorization": f"Bearer {make_lti_jwt(ttl=60, now=clock.now - 120)}"}
    envelope_error(mock.get(G + "/consumer", headers=expired), 401)


def test_tenants_take_basic_only(mock: Mock) -> None:
    assert mock.get(I + "/tenants", headers={}, auth=(DEMO_API_KEY, DEMO_API_SECRET)).status_code == 200
    envelope_error(mock.get(I + "/tenants"), 401)
    envelope_error(mock.get(I + "/tenants", headers={}, auth=(DEMO_API_KEY, "wrong")), 401)
    assert mock.get(f"{I}/tenants/{TENANT}").status_code == 200  # by id: bearer


def test_auth_config_repr_hides_secrets() -> None:
    text = repr(AuthConfig())
    assert DEMO_CLIENT_SECRET not in text
    assert DEMO_API_SECRET not in text
    assert DEMO_TOKEN not in text


# -- routing and validation -----------------------------------------------------------------------------------
def test_unknown_paths_and_methods(mock: Mock) -> None:
    envelope_error(mock.get("/v2/grades/nothing-here"), 404)
    envelope_error(mock.get("/elsewhere"), 404)
    response = mock.send("PUT", G + "/exchanges")
    envelope_error(response, 405)
    assert response.headers["Allow"] == "GET, POST"
    response = mock.send("POST", f"{I}/tenant/scoping/schools/{SCHOOL}")
    assert response.headers["Allow"] == "DELETE, GET, PUT"
    assert mock.get(G + "/exchanges/count").json() == 5  # a literal segment, not an id


@pytest.mark.parametrize(
    ("method", "url", "kwargs", "named"),
    [
        ("GET", G + "/exchanges/not-a-uuid", {}, "path parameter 'id'"),
        ("GET", G + "/exchanges?page=-1", {}, "query parameter 'page'"),
        ("GET", G + "/exchanges?page=2147483648", {}, "at most 2147483647"),
        ("GET", G + "/exchanges?page_size=0", {}, "query parameter 'page_size'"),
        ("GET", G + "/exchanges?page=abc", {}, "must be an integer"),
        ("GET", G + "/exchanges?page=1&page=2", {}, "given 2 times"),
        (
            "POST",
            G + "/exchanges",
            {"content": b"{nope", "headers": {**BEARER, "Content-Type": "application/json"}},
            "not valid JSON",
        ),
        (
            "POST",
            G + "/exchanges",
            {"content": b"{}", "headers": {**BEARER, "Content-Type": "text/plain"}},
            "must be application/json",
        ),
        ("POST", G + "/exchanges", {"content": b"", "headers": BEARER}, "body is required"),
        (
            "PATCH",
            f"{G}/schedules/{SCHEDULE_ENABLED}",
            {"json": {"enabled": "yes"}, "headers": BEARER},
            "body field 'enabled'",
        ),
        ("POST", I + "/tenant/scoping/schools", {"json": {}, "headers": BEARER}, "body field 'data' is required"),
        (
            "POST",
            I + "/tenant/scoping/schools",
            {"json": {"data": [{"school_id": "x"}]}, "headers": BEARER},
            "body field 'data[0].school_id'",
        ),
        ("GET", I + "/tenants?accounts=nope", {"auth": (DEMO_API_KEY, DEMO_API_SECRET)}, "query parameter 'accounts'"),
    ],
)
def test_bad_input_is_a_400_naming_the_field(
    mock: Mock, method: str, url: str, kwargs: dict[str, Any], named: str
) -> None:
    kwargs.setdefault("headers", BEARER)
    error = envelope_error(mock.request(method, url, **kwargs), 400)
    assert named in error["details"]


# -- paging and counts ----------------------------------------------------------------------------------------
LISTS = [
    (G + "/exchanges", BEARER),
    (f"{G}/exchanges/e1000000-0000-4000-8000-000000000004/errors", BEARER),
    (G + "/batch", BEARER),
    (G + "/schedules", BEARER),
    (I + "/tenants", {"Authorization": httpx.BasicAuth(DEMO_API_KEY, DEMO_API_SECRET)._auth_header}),
    (I + "/tenant/scoping/schools", BEARER),
    (I + "/tenant/scoping/courses", BEARER),
]


@pytest.mark.parametrize(("url", "headers"), LISTS)
def test_paging_next_walks_every_item_once(mock: Mock, url: str, headers: dict[str, str]) -> None:
    everything = mock.get(url, headers=headers).json()
    assert everything["paging"]["next"] is None
    walked: list[Any] = []
    next_url: str | None = url + "?page_size=1"
    while next_url:
        page = mock.get(next_url, headers=headers).json()
        assert len(page["data"]) <= 1
        walked += page["data"]
        link = page["paging"]["next"]
        next_url = None if link is None else urlsplit(link).path + "?" + urlsplit(link).query
    assert walked == everything["data"]
    assert len(walked) >= 2
    beyond = mock.get(url + "?page=99&page_size=10", headers=headers).json()
    assert beyond == {"data": [], "paging": {"next": None}}


@pytest.mark.parametrize(
    "query",
    [
        "",
        "state=completed",
        "course_app_id=course-app-202",
        "posted_by=lms",
        "state=completed&posted_by=sis",
        "state=no-such-state",
    ],
)
def test_counts_equal_the_filtered_lists(mock: Mock, query: str) -> None:
    listed = mock.get(f"{G}/exchanges?{query}").json()["data"]
    assert mock.get(f"{G}/exchanges/count?{query}").json() == len(listed)
    assert mock.get(G + "/batch/count").json() == len(mock.get(G + "/batch").json()["data"])


# -- lifecycles -----------------------------------------------------------------------------------------------
def test_exchange_lifecycle(mock: Mock) -> None:
    created = mock.send("POST", G + "/exchanges", {"metadata": {"term": "fall"}}).json()["data"]
    assert (created["state"], created["error_count"], created["metadata"]) == ("created", 0, {"term": "fall"})
    key = created["id"]
    assert mock.get(f"{G}/exchanges/{key}").json()["data"] == created
    error = mock.send("POST", f"{G}/exchanges/{key}/errors", {"code": "query_type_not_supported"}).json()["data"]
    assert error["code"] == "query_type_not_supported"
    assert error["message"]
    assert mock.get(f"{G}/exchanges/{key}").json()["data"]["error_count"] == 1
    assert [e["id"] for e in mock.get(f"{G}/exchanges/{key}/errors").json()["data"]] == [error["id"]]
    envelope_error(mock.get(f"{G}/exchanges/{key}/artifacts/details"), 404)
    chunk = mock.send("POST", f"{G}/exchanges/{key}/data", {"assignments": [{"name": "Essay"}]}).json()["data"]
    assert chunk["state"] == "processing"
    done = mock.send("POST", f"{G}/exchanges/{key}/data", {"summaries": [{"score": 1.5}], "final": True})
    assert done.json()["data"]["state"] == "completed"
    details = mock.get(f"{G}/exchanges/{key}/artifacts/details")
    assert details.headers["content-type"] == "application/octet-stream"
    assert json.loads(gzip.decompress(details.content))["assignments"] == 1
    logs = json.loads(gzip.decompress(mock.get(f"{G}/exchanges/{key}/artifacts/consumerlogs").content))
    assert "1 assignments and 1 summaries" in logs[0]["message"]
    envelope_error(mock.send("POST", f"{G}/exchanges/{key}/data", {"final": True}), 409)


def test_artifacts_exist_only_when_produced(mock: Mock) -> None:
    assert mock.get(f"{G}/exchanges/{EXCHANGE_NO_LOGS}/artifacts/details").status_code == 200
    error = envelope_error(mock.get(f"{G}/exchanges/{EXCHANGE_NO_LOGS}/artifacts/consumerlogs"), 404)
    assert error["message"] == "Artifact not available"
    envelope_error(mock.get(f"{G}/exchanges/{EXCHANGE_FAILED}/artifacts/details"), 404)
    final_only = mock.send("POST", f"{G}/exchanges/{EXCHANGE_CREATED}/data", {"final": True})
    assert final_only.status_code == 200
    envelope_error(mock.get(f"{G}/exchanges/{EXCHANGE_CREATED}/artifacts/consumerlogs"), 404)  # nothing sent


def test_data_over_the_exchange_limit_is_rejected(mock: Mock) -> None:
    mock.app.store.update("exchanges", EXCHANGE_CREATED, max_data_content_length=40)
    body = json.dumps({"assignments": [{"name": "x" * 40}]}).encode()
    response = mock.send(
        "POST",
        f"{G}/exchanges/{EXCHANGE_CREATED}/data",
        content=body,
        headers={**BEARER, "Content-Type": "application/json"},
    )
    assert "exceeds the exchange's max_data_content_length of 40" in envelope_error(response, 400)["details"]


def test_course_app_id_scopes_lookups(mock: Mock) -> None:
    assert mock.get(f"{G}/exchanges/{EXCHANGE_COMPLETED}?course_app_id=course-app-101").status_code == 200
    envelope_error(mock.get(f"{G}/exchanges/{EXCHANGE_COMPLETED}?course_app_id=course-app-999"), 404)


def test_schedules_patch_and_run(mock: Mock, clock: Clock) -> None:
    before = mock.get(G + "/schedules").json()["data"][1]
    assert before["id"] == SCHEDULE_DISABLED
    patched = mock.send("PATCH", f"{G}/schedules/{SCHEDULE_DISABLED}", {"enabled": True, "hour": 5})
    assert (patched.status_code, patched.content) == (204, b"")
    after = mock.get(G + "/schedules").json()["data"][1]
    assert after["enabled"] is True
    assert {k: v for k, v in after.items() if k not in ("enabled", "metadata")} == {
        k: v for k, v in before.items() if k not in ("enabled", "metadata")
    }
    run = f"{G}/schedules/{SCHEDULE_ENABLED}/run"
    assert mock.send("POST", run).status_code == 204
    envelope_error(mock.send("POST", run), 409)
    clock.now += 3
    assert mock.send("POST", run).status_code == 204
    for _ in range(3):
        clock.now += 3
        assert mock.send("POST", run).status_code == 204
    clock.now += 3
    limited = mock.send("POST", run)
    envelope_error(limited, 429)
    assert re.fullmatch(r"[1-9]\d*", limited.headers["Retry-After"])


def test_scoping_replace_append_update_delete(mock: Mock) -> None:
    url = I + "/tenant/scoping/schools"
    appended = mock.send("POST", url + "?replace=false", {"data": [{"name": "New"}]}).json()["data"]
    assert len(mock.get(url).json()["data"]) == 4
    renamed = {"school_id": SCHOOL, "name": "Renamed"}
    mock.send("POST", url + "?replace=false", {"data": [renamed]})
    names = [s["name"] for s in mock.get(url).json()["data"]]
    assert len(names) == 4
    assert "Renamed" in names
    mock.send("POST", url, {"data": [{"name": "Only"}]})  # replace=true by default
    assert [s["name"] for s in mock.get(url).json()["data"]] == ["Only"]
    envelope_error(mock.get(f"{url}/{appended['school_id']}"), 404)
    only = mock.get(url).json()["data"][0]
    updated = mock.send("PUT", f"{url}/{only['school_id']}", {"selected": False, "school_id": SCHOOL}).json()["data"]
    assert updated == {**only, "selected": False}
    assert mock.send("DELETE", f"{url}/{only['school_id']}").status_code == 204
    envelope_error(mock.get(f"{url}/{only['school_id']}"), 404)
    envelope_error(mock.send("DELETE", f"{url}/{only['school_id']}"), 404)
    mock.send("POST", url, {"data": [{"name": "A"}, {"name": "B"}]})
    assert mock.send("DELETE", url).status_code == 204
    assert mock.get(url).json()["data"] == []


def test_batch_context_data_drives_the_csv_report(mock: Mock) -> None:
    response = mock.send("POST", f"{G}/batch/{BATCH_CREATED}/data", {"course_ids": ["c-1", "c-2", "c-3"]})
    assert response.json()["data"] == {"course_ids": ["c-1", "c-2", "c-3"]}
    report = mock.get(f"{G}/batch/{BATCH_CREATED}/courses")
    assert report.headers["content-type"].startswith("text/csv")
    assert report.text == "course_id\nc-1\nc-2\nc-3\n"
    mock.send("POST", f"{G}/batch/{BATCH_CREATED}/error", {"code": "integration_error"})
    batch = next(b for b in mock.get(G + "/batch").json()["data"] if b["id"] == BATCH_CREATED)
    assert (batch["error_code"], batch["state"]) == ("integration_error", "failed")


def test_sections_and_tenant_filters(mock: Mock) -> None:
    assert mock.get(G + "/sections/section-101/resolve").json() == {"consumerSourceId": "SIS-SECTION-101"}
    envelope_error(mock.get(G + "/sections/unknown/resolve"), 404)
    basic = {"Authorization": httpx.BasicAuth(DEMO_API_KEY, DEMO_API_SECRET)._auth_header}
    assert (
        len(mock.get(I + "/tenants?integrations=1a000000-0000-4000-8000-000000000001", headers=basic).json()["data"])
        == 2
    )
    assert mock.get(I + "/tenants?accounts=00000000-0000-4000-8000-000000000000", headers=basic).json()["data"] == []


# -- remembered GET answers -----------------------------------------------------------------------------------
@pytest.fixture
def handler_calls(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The operations whose handler ran (every handler wrapped to note its call)."""
    calls: list[str] = []

    def counted(name: str, func: Callable[[Any], Any]) -> Callable[[Any], Any]:
        def run(context: Any) -> Any:
            calls.append(name)
            return func(context)

        return run

    monkeypatch.setattr(
        mock_handlers, "HANDLERS", {name: counted(name, func) for name, func in mock_handlers.HANDLERS.items()}
    )
    return calls


def test_a_get_is_answered_from_memory_only_while_the_store_is_unchanged(mock: Mock, handler_calls: list[str]) -> None:
    url = I + "/tenant/scoping/schools"
    first = mock.get(url)
    assert mock.get(url).content == first.content
    assert handler_calls == ["listscopingschools"]  # the second answer was remembered, not computed again
    created = mock.send("POST", url + "?replace=false", {"data": [{"name": "New"}]}).json()["data"]
    assert created["school_id"] in [s["school_id"] for s in mock.get(url).json()["data"]]
    one = f"{url}/{created['school_id']}"
    assert mock.get(one).json()["data"]["name"] == "New"
    assert mock.get(one).json()["data"]["name"] == "New"
    assert mock.send("DELETE", one).status_code == 204
    envelope_error(mock.get(one), 404)  # a remembered 200 is never served after the delete
    assert created["school_id"] not in [s["school_id"] for s in mock.get(url).json()["data"]]
    # a change made straight in the store (as the pytest plugin's users may) is seen too
    mock.app.store.update("exchanges", EXCHANGE_CREATED, metadata={"changed": True})
    assert mock.get(f"{G}/exchanges/{EXCHANGE_CREATED}").json()["data"]["metadata"] == {"changed": True}
    mock.get(f"{G}/exchanges/{EXCHANGE_CREATED}")
    mock.request("POST", "/_mock/reset")
    assert mock.get(f"{G}/exchanges/{EXCHANGE_CREATED}").json()["data"]["metadata"] != {"changed": True}


def test_large_answers_are_not_remembered_and_the_memory_is_bounded(mock: Mock, handler_calls: list[str]) -> None:
    from datasync_openapi.mock.app import ANSWER_CACHE, ANSWER_CACHE_BODY

    store = mock.app.store
    template = store.get("exchanges", EXCHANGE_CREATED)
    assert template is not None
    for n in range(150):
        key = f"e2000000-0000-4000-8000-{n:012d}"
        store.put("exchanges", key, {**template, "id": key, "metadata": {"note": "x" * 1000}})
    big = G + "/exchanges?page_size=100"
    assert len(mock.get(big).content) > ANSWER_CACHE_BODY
    mock.get(big)
    assert handler_calls == ["listexchanges", "listexchanges"]  # over the size: computed each time
    hosts = [{**BEARER, "Host": f"h{n}.example"} for n in range(ANSWER_CACHE + 1)]  # as many keys
    for headers in hosts:
        assert mock.get(G + "/exchanges?page_size=1", headers=headers).json()["data"]
    assert 0 < len(mock.app._answers) <= ANSWER_CACHE
    assert (
        mock.get(G + "/exchanges?page_size=1", headers=hosts[-1])
        .json()["paging"]["next"]
        .startswith("http://h256.example/")
    )


def test_a_remembered_answer_is_per_path_query_and_host(mock: Mock) -> None:
    url = G + "/exchanges?page_size=2"
    here = mock.get(url).json()
    there = mock.get(url, headers={**BEARER, "Host": "other.example:8443"}).json()
    assert urlsplit(here["paging"]["next"]).netloc == "mock"
    assert urlsplit(there["paging"]["next"]).netloc == "other.example:8443"
    assert here["data"] == there["data"]
    second = mock.get(G + "/exchanges?page_size=2&page=1").json()
    assert [e["id"] for e in second["data"]] != [e["id"] for e in here["data"]]
    envelope_error(mock.get(G + "/exchanges?page_size=0"), 400)
    assert mock.get(url).json() == here


def test_a_remembered_answer_still_checks_credentials_and_faults(mock: Mock, clock: Clock) -> None:
    form = {"grant_type": "client_credentials", "client_id": DEMO_CLIENT_ID, "client_secret": DEMO_CLIENT_SECRET}
    headers = {"Authorization": "Bearer " + mock.request("POST", "/oauth/token", data=form).json()["access_token"]}
    url = G + "/consumer"
    assert mock.get(url, headers=headers).status_code == 200
    assert mock.get(url, headers=headers).status_code == 200
    envelope_error(mock.get(url, headers={"Authorization": "Bearer nope"}), 401)
    envelope_error(mock.get(url, headers={}), 401)
    envelope_error(mock.get(url, headers={**BEARER, "X-Mock-Fault": "503"}), 503)
    mock.request("POST", "/_mock/faults", json={"status": 500, "count": 1, "path": url})
    envelope_error(mock.get(url), 500)
    assert mock.get(url).status_code == 200
    clock.now += 3601  # the issued token expires without any write to the store
    envelope_error(mock.get(url, headers=headers), 401)
    head = mock.request("HEAD", url, headers=BEARER)
    assert (head.status_code, head.content) == (200, b"")
    assert mock.get(url).content  # HEAD's empty body is not what a later GET gets


# -- faults ---------------------------------------------------------------------------------------------------
def test_fault_header(clock: Clock) -> None:
    delays: list[float] = []

    async def fake_sleep(seconds: float) -> None:
        delays.append(seconds)

    mock = Mock(MockConfig(clock=clock, sleep=fake_sleep))
    envelope_error(mock.get(G + "/consumer", headers={**BEARER, "X-Mock-Fault": "503"}), 503)
    limited = mock.get(G + "/consumer", headers={**BEARER, "X-Mock-Fault": "429; retry-after=3"})
    envelope_error(limited, 429)
    assert limited.headers["Retry-After"] == "3"
    assert mock.get(G + "/consumer", headers={**BEARER, "X-Mock-Fault": "delay=0.25"}).status_code == 200
    assert delays == [0.25]
    envelope_error(mock.get(G + "/consumer", headers={**BEARER, "X-Mock-Fault": "418"}), 400)


def test_fault_queue(mock: Mock) -> None:
    queued = mock.request("POST", "/_mock/faults", json={"status": 503, "count": 2, "path": G + "/exchanges"})
    assert queued.json()["data"][0]["count"] == 2
    assert mock.get(G + "/consumer").status_code == 200  # another path: untouched
    assert [mock.get(G + "/exchanges").status_code for _ in range(3)] == [503, 503, 200]
    mock.request("POST", "/_mock/faults", json={"status": 500})
    assert mock.request("DELETE", "/_mock/faults").status_code == 204
    assert mock.get(G + "/consumer").status_code == 200
    envelope_error(mock.request("POST", "/_mock/faults", json={"status": 200}), 400)
    envelope_error(mock.request("POST", "/_mock/faults", json={"status": 503, "count": 0}), 400)
    mock.request("POST", "/_mock/faults", json={"status": 503})
    assert mock.request("POST", "/_mock/reset").status_code == 204
    assert mock.get(G + "/consumer").status_code == 200


# -- persistence and robustness -------------------------------------------------------------------------------
def test_state_file_survives_a_restart(tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite"
    first = Mock(MockConfig(state_file=path))
    created = first.send("POST", G + "/exchanges", {"metadata": {"n": 1}}).json()["data"]
    assert first.send("DELETE", f"{I}/tenant/scoping/schools/{SCHOOL}").status_code == 204
    first.app.close()
    second = Mock(MockConfig(state_file=path))
    assert second.get(f"{G}/exchanges/{created['id']}").json()["data"] == created
    envelope_error(second.get(f"{I}/tenant/scoping/schools/{SCHOOL}"), 404)
    second.app.reset()
    envelope_error(second.get(f"{G}/exchanges/{created['id']}"), 404)
    assert second.get(f"{I}/tenant/scoping/schools/{SCHOOL}").status_code == 200
    second.app.close()


def test_a_handler_crash_is_a_json_500_and_logged(
    mock: Mock, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def boom(context: Any) -> Any:
        raise RuntimeError("kaboom")

    handlers: dict[str, Callable[..., Any]] = dict(mock_handlers.HANDLERS)
    handlers["getconsumer"] = boom
    monkeypatch.setattr(mock_handlers, "HANDLERS", handlers)
    with caplog.at_level(logging.ERROR, logger="datasync_openapi.mock"):
        error = envelope_error(mock.get(G + "/consumer"), 500)
    assert "kaboom" not in json.dumps(error)
    assert "kaboom" in caplog.text


def test_a_non_finite_number_in_the_state_is_never_served_as_non_json(mock: Mock) -> None:
    # requests cannot put NaN in the state (a 400); if a bug did, the mock must still answer JSON (RFC 8259)
    mock.app.store.update("exchanges", EXCHANGE_CREATED, metadata={"x": float("nan"), "y": float("inf")})
    response = mock.get(f"{G}/exchanges/{EXCHANGE_CREATED}")
    assert b"NaN" not in response.content
    assert b"Infinity" not in response.content
    strict = json.loads(response.content, parse_constant=lambda name: pytest.fail(f"{name} served"))
    assert strict["data"]["metadata"] == {"x": None, "y": None}


def test_a_body_over_the_cap_is_not_read_past_it(mock: Mock) -> None:
    """A chunked 64 MiB body (no Content-Length) is refused once past 16 MiB: the rest is never read."""
    mib = 1024 * 1024
    pulled = 0

    async def receive() -> Message:
        nonlocal pulled
        pulled += 1
        return {"type": "http.request", "body": b"x" * mib, "more_body": pulled < 64}

    sent: list[Message] = []

    async def send(message: Message) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": G + "/exchanges",
        "raw_path": (G + "/exchanges").encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [
            (b"host", b"mock"),
            (b"authorization", f"Bearer {DEMO_TOKEN}".encode()),
            (b"content-type", b"application/json"),
            (b"transfer-encoding", b"chunked"),
        ],
        "server": ("mock", 80),
        "client": ("127.0.0.1", 1234),
    }
    asyncio.run(mock.app(scope, receive, send))
    assert sent[0]["status"] == 413
    assert json.loads(sent[1]["body"])["error"]["code"] == "payload_too_large"
    assert pulled == 17  # 16 MiB fit; the 17th chunk passes the cap; chunks 18..64 are never pulled
    assert mock.get(G + "/exchanges/count").json() == 5
