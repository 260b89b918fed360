"""The pytest plugin (entry point ``datasync_openapi``): the ``datasync_mock`` fixture, run inside pytester.

Each test writes a small test module a user could have written, runs it with pytest (with ``filterwarnings =
error`` and strict markers, as here) and checks its outcomes: the inner tests hold the assertions about the
mock, the outer test that every one of them ran and passed.

The inner runs are subprocesses: an in-process run rolls ``sys.modules`` back afterwards, so a module first
imported inside it (httpcore, imported lazily by httpx) is imported a second time later, and httpx, imported
before, goes on mapping the first copy's exceptions: a refused connection then raises ``httpcore.ConnectError``
instead of ``httpx.ConnectError`` in every later test of this process.
"""

from __future__ import annotations

import httpx
import pytest

from datasync_openapi.testing import DatasyncMock, MockServer

pytest_plugins = ["pytester"]

# The other plugins installed here (hypothesis, schemathesis, anyio) are off in the inner runs: they cost seconds
# of start-up per run, and these tests are about ours.
STRICT_INI = """
[pytest]
addopts = --strict-markers --strict-config -p no:cacheprovider -p no:hypothesispytest -p no:schemathesis -p no:anyio
filterwarnings =
    error
"""


@pytest.fixture
def strict(pytester: pytest.Pytester) -> pytest.Pytester:
    pytester.makeini(STRICT_INI)
    return pytester


def run(pytester: pytest.Pytester, source: str, passed: int) -> pytest.RunResult:
    pytester.makepyfile(test_user=source)
    result = pytester.runpytest_subprocess("-v")
    result.assert_outcomes(passed=passed)
    return result


@pytest.mark.slow
def test_each_test_gets_a_fresh_mock_on_one_lazily_started_server(strict: pytest.Pytester) -> None:
    run(
        strict,
        """
import asyncio

import pytest
from datasync_grades.api.exchanges import count_exchanges, create_exchange, get_exchange
from datasync_grades.models import ExchangeCreate
from datasync_grades.runtime import ApiError, acall, call

SEEN = {}
NEW = ExchangeCreate.from_dict({"query": {"type": "assignment_scores"}})


def test_1_creates_an_exchange_over_the_socket(datasync_mock):
    client = datasync_mock.grades_client()
    made = call(create_exchange, client=client, body=NEW)
    assert call(count_exchanges, client=client) == 6
    assert call(get_exchange, made.data.id, client=client).data.state == "created"
    SEEN.update(id=made.data.id, url=datasync_mock.url, client=client.get_httpx_client())


def test_2_does_not_see_it(datasync_mock):
    assert SEEN["client"].is_closed  # the fixture closed test 1's client
    assert datasync_mock.url == SEEN["url"]  # the same server, another mock behind it
    client = datasync_mock.grades_client()
    assert call(count_exchanges, client=client) == 5
    with pytest.raises(ApiError) as error:
        call(get_exchange, SEEN["id"], client=client)
    assert error.value.status == 404


def test_3_in_process_create(datasync_mock):
    client = datasync_mock.grades_client(in_process=True)

    async def main():
        async with client:
            made = await acall(create_exchange, client=client, body=NEW)
            return made.data.id, await acall(count_exchanges, client=client)

    SEEN["in_process"], total = asyncio.run(main())
    assert total == 6


def test_4_in_process_does_not_see_it(datasync_mock):
    client = datasync_mock.grades_client(in_process=True)

    async def main():
        async with client:
            with pytest.raises(ApiError) as error:
                await acall(get_exchange, SEEN["in_process"], client=client)
            return error.value.status, await acall(count_exchanges, client=client)

    assert asyncio.run(main()) == (404, 5)


def test_5_reset_within_a_test(datasync_mock):
    http = datasync_mock.http_client(headers={"Authorization": f"Bearer {datasync_mock.credentials.token}"})
    assert http.post("/v2/grades/exchanges", json={"query": {"type": "roster"}}).status_code == 200
    assert http.get("/v2/grades/exchanges/count").json() == 6
    datasync_mock.reset()
    assert http.get("/v2/grades/exchanges/count").json() == 5
""",
        passed=5,
    )


@pytest.mark.slow
def test_faults_are_queued_matched_counted_and_cleared(strict: pytest.Pytester) -> None:
    run(
        strict,
        """
import asyncio

import pytest
from datasync_grades.api.exchanges import list_exchanges
from datasync_grades.runtime import RetryPolicy, acall, call


@pytest.fixture
def http(datasync_mock):
    return datasync_mock.http_client(headers={"Authorization": f"Bearer {datasync_mock.credentials.token}"})


def test_the_client_retries_through_two_503s(datasync_mock):
    datasync_mock.faults.add(status=503, count=2, path="/v2/grades/exchanges", method="get")
    [pending] = datasync_mock.faults.pending()
    assert (pending["status"], pending["count"], pending["method"]) == (503, 2, "GET")
    events = []
    client = datasync_mock.grades_client(retry=RetryPolicy(backoff=0.0, on_retry=events.append))
    assert len(call(list_exchanges, client=client).data) == 5
    assert [(event.status, event.attempt) for event in events] == [(503, 2), (503, 3)]
    assert datasync_mock.faults.pending() == []


def test_without_retries_each_faulted_request_fails_once(datasync_mock, http):
    datasync_mock.faults.add(status=503, count=2)
    assert [http.get("/v2/grades/exchanges").status_code for _ in range(3)] == [503, 503, 200]


def test_a_fault_hits_only_its_method_and_path(datasync_mock, http):
    datasync_mock.faults.add(status=500, method="POST", path="/v2/interop/tenant/scoping/schools")
    assert http.get("/v2/interop/tenant/scoping/schools").status_code == 200
    assert http.get("/v2/grades/exchanges").status_code == 200
    answer = http.post("/v2/interop/tenant/scoping/schools", json=[])
    assert answer.status_code == 500
    assert answer.json()["error"]["code"] == "internal_error"


def test_429_carries_retry_after(datasync_mock, http):
    datasync_mock.faults.add(status=429, retry_after=7)
    answer = http.get("/v2/grades/exchanges")
    assert (answer.status_code, answer.headers["Retry-After"]) == (429, "7")
    assert http.get("/v2/grades/exchanges").status_code == 200


def test_a_delay_alone_answers_normally(datasync_mock, http):
    datasync_mock.faults.add(delay=0.01, path="/v2/grades/exchanges")
    assert http.get("/v2/grades/exchanges").status_code == 200
    assert datasync_mock.faults.pending() == []


def test_clear(datasync_mock, http):
    datasync_mock.faults.add(status=502, count=5)
    datasync_mock.faults.clear()
    assert datasync_mock.faults.pending() == []
    assert http.get("/v2/grades/exchanges").status_code == 200


def test_what_the_mock_refuses_is_a_value_error(datasync_mock):
    with pytest.raises(ValueError, match="fault field .status. must be one of"):
        datasync_mock.faults.add(status=404)
    with pytest.raises(ValueError, match="a fault needs a status or a delay"):
        datasync_mock.faults.add()
    with pytest.raises(ValueError, match="prefix of the full request path"):
        datasync_mock.faults.add(status=503, path="/exchanges")
    assert datasync_mock.faults.pending() == []


def test_faults_reach_in_process_clients(datasync_mock):
    datasync_mock.faults.add(status=503, path="/v2/grades/exchanges")
    events = []
    client = datasync_mock.grades_client(in_process=True, retry=RetryPolicy(backoff=0.0, on_retry=events.append))

    async def main():
        async with client:
            return await acall(list_exchanges, client=client)

    assert len(asyncio.run(main()).data) == 5
    assert [event.status for event in events] == [503]
""",
        passed=8,
    )


@pytest.mark.slow
def test_expired_tokens_are_refreshed_by_connect_and_refused_to_a_fixed_token(strict: pytest.Pytester) -> None:
    run(
        strict,
        """
import asyncio

from datasync_grades.api.exchanges import list_exchanges
from datasync_grades.runtime import acall, call
from datasync_interop.api.scoping_schools import list_scoping_schools


def test_connect_fetches_a_new_token_after_expiry(datasync_mock):
    client = datasync_mock.grades_client()
    call(list_exchanges, client=client)
    auth = client.get_httpx_client().auth
    assert auth.fetches == 1
    assert datasync_mock.expire_tokens() == 1
    assert len(call(list_exchanges, client=client).data) == 5  # a 401, a new token, the call again
    assert auth.fetches == 2


def test_in_process_async_refresh(datasync_mock):
    client = datasync_mock.interop_client(in_process=True)

    async def main():
        async with client:
            await acall(list_scoping_schools, client=client)
            expired = datasync_mock.expire_tokens()
            page = await acall(list_scoping_schools, client=client)
            return expired, len(page.data)

    assert asyncio.run(main()) == (1, 3)
    assert client.get_async_httpx_client().auth.fetches == 2


def test_a_fixed_token_gets_401(datasync_mock):
    http = datasync_mock.http_client()
    c = datasync_mock.credentials
    form = {"grant_type": "client_credentials", "client_id": c.client_id, "client_secret": c.client_secret}
    token = http.post("/oauth/token", data=form).json()["access_token"]
    headers = {"Authorization": f"Bearer {token}"}
    assert http.get("/v2/grades/exchanges", headers=headers).status_code == 200
    assert datasync_mock.expire_tokens() == 1
    answer = http.get("/v2/grades/exchanges", headers=headers)
    assert (answer.status_code, answer.json()["error"]["code"]) == (401, "unauthorized")
    static = {"Authorization": f"Bearer {c.token}"}  # the static demo token is not an issued token
    assert http.get("/v2/grades/exchanges", headers=static).status_code == 200
""",
        passed=3,
    )


@pytest.mark.slow
def test_ids_credentials_and_both_clients(strict: pytest.Pytester) -> None:
    run(
        strict,
        """
from datasync_grades.api.artifacts import get_exchange_consumer_logs
from datasync_grades.api.batch_exchanges import list_batch_exchanges
from datasync_grades.api.exchanges import get_exchange
from datasync_grades.runtime import ArtifactNotAvailable, call
from datasync_interop.api.scoping_courses import get_scoping_course
from datasync_interop.api.scoping_schools import get_scoping_school
from datasync_interop.api.tenants import list_tenants
import pytest


def test_the_ids_name_seeded_objects(datasync_mock):
    ids = datasync_mock.ids
    grades = datasync_mock.grades_client()
    states = {key: call(get_exchange, key, client=grades).data.state for key in (
        ids.exchange_created, ids.exchange_processing, ids.exchange_completed, ids.exchange_no_logs,
        ids.exchange_failed)}
    assert list(states.values()) == ["created", "processing", "completed", "completed", "failed"]
    assert call(get_exchange, ids.exchange_created, client=grades).data.course_app_id == ids.course_app_id
    with pytest.raises(ArtifactNotAvailable):
        call(get_exchange_consumer_logs, ids.exchange_no_logs, client=grades)
    batches = call(list_batch_exchanges, client=grades).data
    assert {str(b.id) for b in batches} == {ids.batch_created, ids.batch_completed, ids.batch_failed}
    interop = datasync_mock.interop_client()
    assert call(get_scoping_school, ids.school, client=interop).data.name == "School 1"
    assert call(get_scoping_course, ids.course, client=interop).data.name == "Course 1"
    tenants = call(list_tenants, client=datasync_mock.interop_client(auth="api_key")).data
    assert {str(t.id) for t in tenants} == {ids.tenant, ids.tenant_2}


def test_urls_and_credentials(datasync_mock):
    assert datasync_mock.grades_url == datasync_mock.url + "/v2/grades"
    assert datasync_mock.interop_url == datasync_mock.url + "/v2/interop"
    c = datasync_mock.credentials
    assert (c.client_id, c.token, c.api_key) == ("demo-client", "demo-token", "demo-api-key")
    assert "demo-secret" not in repr(c) and "demo-token" not in repr(c)
    grades = datasync_mock.grades_client(auth="token")
    assert call(get_exchange, datasync_mock.ids.exchange_completed, client=grades).data.state == "completed"
    http = datasync_mock.http_client()
    lti = {"Authorization": f"Bearer {c.lti_jwt()}"}
    assert http.get("/v2/grades/exchanges", headers=lti).status_code == 200
    assert http.get("/v2/grades/exchanges", headers={"Authorization": "Bearer wrong"}).status_code == 401
    with pytest.raises(ValueError, match="auth must be"):
        datasync_mock.grades_client(auth="password")
""",
        passed=2,
    )


@pytest.mark.slow
def test_in_process_use_starts_no_server_and_sync_calls_explain(strict: pytest.Pytester) -> None:
    run(
        strict,
        """
import asyncio

import pytest
from datasync_grades.api.exchanges import list_exchanges
from datasync_grades.runtime import acall, call
from datasync_openapi.testing import InProcessClientIsAsync


def test_in_process_only(datasync_mock):
    async def main():
        headers = {"Authorization": f"Bearer {datasync_mock.credentials.token}"}
        async with datasync_mock.async_http_client(headers=headers) as http:
            listed = (await http.get("/v2/grades/exchanges")).json()
        client = datasync_mock.grades_client(in_process=True)
        async with client:
            page = await acall(list_exchanges, client=client)
        return len(listed["data"]), len(page.data), client

    plain, generated, client = asyncio.run(main())
    assert (plain, generated) == (5, 5)
    with pytest.raises(InProcessClientIsAsync, match=r"async only.*grades_client\\(\\) for sync calls"):
        call(list_exchanges, client=client)
    assert not datasync_mock.serving
    assert datasync_mock.url.startswith("http://127.0.0.1:")
    assert datasync_mock.serving
""",
        passed=1,
    )


@pytest.mark.slow
def test_a_missing_generated_package_is_a_clear_error(strict: pytest.Pytester) -> None:
    run(
        strict,
        """
import sys

import pytest
from datasync_openapi.testing import ClientPackageMissing


def test_grades_missing(datasync_mock, monkeypatch):
    monkeypatch.setitem(sys.modules, "datasync_grades.runtime", None)
    with pytest.raises(ClientPackageMissing, match=r"grades_client\\(\\) needs the generated package datasync_grades"):
        datasync_mock.grades_client()
    assert datasync_mock.interop_client() is not None  # the other package still works


def test_interop_missing(datasync_mock, monkeypatch):
    monkeypatch.setitem(sys.modules, "datasync_interop.runtime", None)
    with pytest.raises(ClientPackageMissing, match="make dist"):
        datasync_mock.interop_client()
""",
        passed=2,
    )


@pytest.mark.slow
def test_loading_the_plugin_imports_nothing_heavy(strict: pytest.Pytester) -> None:
    strict.makepyfile(
        test_user="""
import sys


def test_plugin_loaded_but_idle(request):
    assert request.config.pluginmanager.has_plugin("datasync_openapi")
    heavy = ("datasync_openapi.testing", "datasync_openapi.mock", "datasync_openapi.server", "starlette",
             "uvicorn", "httpx")
    assert [name for name in heavy if name in sys.modules] == []
"""
    )
    result = strict.runpytest_subprocess()
    result.assert_outcomes(passed=1)


def test_the_plugin_can_be_turned_off(strict: pytest.Pytester) -> None:
    strict.makepyfile(test_user="def test_wants_the_mock(datasync_mock):\n    pass\n")
    result = strict.runpytest_subprocess("-p", "no:datasync_openapi")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*fixture 'datasync_mock' not found*"])


def test_after_a_mock_ends_its_url_answers_503() -> None:
    server = MockServer()
    try:
        with DatasyncMock(server=server) as mock:
            url = mock.url
            assert httpx.get(f"{url}/_mock/health").json()["status"] == "ok"
        answer = httpx.get(f"{url}/v2/grades/exchanges")
        assert answer.status_code == 503
        assert answer.json()["error"]["message"] == "No mock is active"
    finally:
        server.close()
    assert not server.started


def test_outside_pytest_a_mock_runs_and_stops_its_own_server() -> None:
    with DatasyncMock() as mock:
        answer = httpx.get(f"{mock.grades_url}/exchanges/count", headers={"Authorization": "Bearer demo-token"})
        assert answer.json() == 5
        url = mock.url
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"{url}/_mock/health")


@pytest.mark.slow
def test_the_journal_and_seeding_from_a_users_tests(strict: pytest.Pytester) -> None:
    """``requests()`` with filters, ``load()``, and the registered ``datasync_mock`` marker (a file beside the test,
    a dict, no demo data), each test starting again from its own seed."""
    strict.makefile(
        ".yaml",
        mine="exchanges:\n  - id: a1000000-0000-4000-8000-000000000001\n    state: created\n",
    )
    run(
        strict,
        """
import pytest

MINE = "a1000000-0000-4000-8000-000000000001"


def test_requests_are_journaled_with_filters(datasync_mock):
    http = datasync_mock.http_client(headers={"Authorization": f"Bearer {datasync_mock.credentials.token}"})
    http.get("/v2/grades/exchanges?state=created")
    http.post("/v2/grades/exchanges", json={"metadata": {"n": 1}})
    assert [r["operation"] for r in datasync_mock.requests()] == ["listExchanges", "createExchange"]
    (created,) = datasync_mock.requests("createExchange", method="POST", path="/v2/grades/")
    assert (created["body"], created["status"]) == ({"metadata": {"n": 1}}, 200)
    assert datasync_mock.requests(method="DELETE") == []
    datasync_mock.clear_requests()
    assert datasync_mock.requests() == []


@pytest.mark.datasync_mock(seed="mine.yaml", demo_data=False)
def test_the_marker_seeds_from_a_file(datasync_mock):
    http = datasync_mock.http_client(headers={"Authorization": f"Bearer {datasync_mock.credentials.token}"})
    assert [e["id"] for e in http.get("/v2/grades/exchanges").json()["data"]] == [MINE]


@pytest.mark.datasync_mock(seed={"exchanges": [{"id": MINE, "state": "failed"}]})
def test_the_marker_seeds_from_a_dict_beside_the_demo_data(datasync_mock):
    http = datasync_mock.http_client(headers={"Authorization": f"Bearer {datasync_mock.credentials.token}"})
    assert http.get(f"/v2/grades/exchanges/{MINE}").json()["data"]["state"] == "failed"
    assert http.get("/v2/grades/exchanges/count").json() == 6


def test_load_replaces_and_reset_restores_it(datasync_mock):
    from datasync_openapi.mock.seeding import SeedError

    http = datasync_mock.http_client(headers={"Authorization": f"Bearer {datasync_mock.credentials.token}"})
    assert http.get(f"/v2/grades/exchanges/{MINE}").status_code == 404
    datasync_mock.load({"exchanges": [{"id": MINE}]}, demo_data=False)
    http.post("/v2/grades/exchanges", json={})
    datasync_mock.reset()
    assert [e["id"] for e in http.get("/v2/grades/exchanges").json()["data"]] == [MINE]
    with pytest.raises(SeedError, match="exchanges.0. .id a1000000-[0-9-]+.: the object field 'state'"):
        datasync_mock.load({"exchanges": [{"id": MINE, "state": 3}]})


def test_create_pending(datasync_mock):
    ids = datasync_mock.create_pending("course-app-7")
    http = datasync_mock.http_client(headers={"Authorization": f"Bearer {datasync_mock.credentials.token}"})
    assert http.get(f"/v2/grades/exchanges/{ids[0]}").json()["data"]["course_app_id"] == "course-app-7"
""",
        passed=5,
    )
