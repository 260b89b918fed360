"""``datasync mock --workers 2``: two processes sharing one state behave as one mock.

Each httpx client below holds one keep-alive connection, and a connection stays with the worker that accepted
it, so ``a`` and ``b`` are pinned to different worker processes (told apart by ``/_mock/health``'s pid).
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from datasync_openapi.process import running_process

G = "/v2/grades"
BEARER = {"Authorization": "Bearer demo-token"}
START_SECONDS = 60
WRITES = 200  # by 8 writers, 25 each


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    pids: set[int] = set()

    def both_workers_answered(health: httpx.Response) -> bool:
        pids.add(health.json()["pid"])
        return len(pids) == 2

    with running_process(
        lambda port: [sys.executable, "-m", "datasync_openapi.cli", "mock", "--port", port, "--workers", 2],
        "/_mock/health",
        name="datasync mock --workers 2",
        ready=both_workers_answered,
        timeout=START_SECONDS,
        log=tmp_path_factory.mktemp("workers") / "mock.log",
        stop_grace=20,
    ) as mock:
        yield mock.url


def pinned(base: str, count: int) -> list[httpx.Client]:
    """``count`` clients whose connections were accepted by as many different workers as there are (2)."""
    by_pid: dict[int, list[httpx.Client]] = {}
    spare: list[httpx.Client] = []
    for _ in range(200):
        client = httpx.Client(base_url=base, headers=BEARER, timeout=30, limits=httpx.Limits(max_connections=1))
        pid = client.get("/_mock/health").json()["pid"]
        group = by_pid.setdefault(pid, [])
        if len(group) < (count + 1) // 2:
            group.append(client)
        else:
            spare.append(client)
        if len(by_pid) == 2 and sum(map(len, by_pid.values())) == count:
            break
    for client in spare:
        client.close()
    assert len(by_pid) == 2, "connections never reached both workers"
    first, second = by_pid.values()
    return [client for pair in zip(first, second, strict=False) for client in pair]


@pytest.fixture
def clients(base: str) -> Iterator[list[httpx.Client]]:
    found = pinned(base, 2)
    found[0].post("/_mock/reset").raise_for_status()
    yield found
    for client in found:
        client.close()


def pid(client: httpx.Client) -> int:
    return int(client.get("/_mock/health").json()["pid"])


@pytest.mark.slow
def test_the_clients_are_on_different_workers(clients: list[httpx.Client]) -> None:
    a, b = clients
    assert pid(a) != pid(b)
    assert pid(a) == pid(a)  # a connection stays with its worker


@pytest.mark.slow
def test_what_one_worker_creates_another_serves_lists_counts_and_deletes(clients: list[httpx.Client]) -> None:
    a, b = clients
    created = a.post(G + "/exchanges", json={"metadata": {"via": "a"}})
    assert created.status_code == 200
    key = created.json()["data"]["id"]
    assert b.get(f"{G}/exchanges/{key}").json()["data"]["metadata"] == {"via": "a"}
    for client in (a, b):
        listed = client.get(G + "/exchanges", params={"page_size": 100}).json()["data"]
        assert key in [item["id"] for item in listed]
        assert client.get(G + "/exchanges/count").json() == len(listed) == 6
    page = b.get(G + "/exchanges", params={"page_size": 4}).json()
    rest = a.get(page["paging"]["next"]).json()
    assert len(page["data"]) + len(rest["data"]) == 6
    assert rest["paging"]["next"] is None
    schools = "/v2/interop/tenant/scoping/schools"
    school = a.get(schools).json()["data"][0]["school_id"]
    assert b.delete(f"{schools}/{school}").status_code == 204
    assert a.get(f"{schools}/{school}").status_code == 404
    assert school not in [s["school_id"] for s in a.get(schools).json()["data"]]


@pytest.mark.slow
def test_an_answer_one_worker_remembers_follows_the_other_workers_writes(clients: list[httpx.Client]) -> None:
    a, b = clients
    key = a.post(G + "/exchanges", json={}).json()["data"]["id"]
    one, listed = f"{G}/exchanges/{key}", G + "/exchanges?page_size=100"
    for _ in range(2):  # asked twice: the second answer is b's remembered one
        assert b.get(one).json()["data"]["error_count"] == 0
        count = len(b.get(listed).json()["data"])
    assert a.post(f"{one}/errors", json={"code": "query_type_not_supported"}).status_code == 200
    assert a.post(G + "/exchanges", json={}).status_code == 200
    assert b.get(one).json()["data"]["error_count"] == 1
    assert len(b.get(listed).json()["data"]) == count + 1


@pytest.mark.slow
def test_concurrent_writes_through_both_workers_lose_nothing(clients: list[httpx.Client], base: str) -> None:
    a, _b = clients
    key = a.post(G + "/exchanges", json={}).json()["data"]["id"]
    writers = pinned(base, 8)
    try:
        # one thread per client, each posting its share in turn: two threads on one httpx.Client race in httpcore's
        # connection pool (encode/httpcore#1110, a socket closed under a waiting request: one fresh-clone run here
        # failed with "Bad file descriptor"), which is not what this test is about
        def post_share(client: httpx.Client) -> list[int]:
            return [
                client.post(f"{G}/exchanges/{key}/errors", json={"code": "query_type_not_supported"}).status_code
                for _ in range(WRITES // len(writers))
            ]

        with ThreadPoolExecutor(max_workers=len(writers)) as pool:
            statuses = [status for share in pool.map(post_share, writers) for status in share]
    finally:
        for client in writers:
            client.close()
    assert statuses == [200] * WRITES
    for client in clients:
        errors: list[dict[str, object]] = []
        url: str | None = f"{G}/exchanges/{key}/errors?page_size=100"
        while url:
            page = client.get(url).json()
            errors += page["data"]
            url = page["paging"]["next"]
        assert len({e["id"] for e in errors}) == WRITES
        assert client.get(f"{G}/exchanges/{key}").json()["data"]["error_count"] == WRITES


@pytest.mark.slow
def test_tokens_faults_and_reset_are_shared(clients: list[httpx.Client]) -> None:
    a, b = clients
    form = {"grant_type": "client_credentials", "client_id": "demo-client", "client_secret": "demo-secret"}
    token = a.post("/oauth/token", data=form).json()["access_token"]
    issued = {"Authorization": f"Bearer {token}"}
    assert b.get(G + "/exchanges/count", headers=issued).status_code == 200
    assert b.post("/_mock/tokens/expire").json() == {"expired": 1}
    assert a.get(G + "/exchanges/count", headers=issued).status_code == 401

    assert a.post("/_mock/faults", json={"status": 503, "count": 1, "path": G + "/consumer"}).status_code == 200
    assert b.get("/_mock/faults").json()["data"][0]["status"] == 503
    answers = [b.get(G + "/consumer").status_code, a.get(G + "/consumer").status_code]
    assert answers == [503, 200]  # one fault, taken once, by whichever worker came first

    a.post(G + "/exchanges", json={})
    assert b.get(G + "/exchanges/count").json() == 6
    assert b.post("/_mock/reset").status_code == 204
    assert a.get(G + "/exchanges/count").json() == 5


@pytest.mark.slow
def test_the_request_journal_is_shared_by_the_workers(clients: list[httpx.Client]) -> None:
    """One journal for all the workers: either answers with what both answered, in the order they answered."""
    a, b = clients
    assert pid(a) != pid(b)
    assert a.delete("/_mock/requests").status_code == 204
    a.get(G + "/exchanges/count")
    b.post(G + "/exchanges", json={"metadata": {"by": "b"}})
    a.get(G + "/consumer")
    for client in (a, b):
        entries = client.get("/_mock/requests").json()["data"]
        assert [(e["operation"], e["status"]) for e in entries] == [
            ("countExchanges", 200),
            ("createExchange", 200),
            ("getConsumer", 200),
        ]
        assert entries[1]["body"] == {"metadata": {"by": "b"}}
    assert [e["operation"] for e in b.get("/_mock/requests?method=POST").json()["data"]] == ["createExchange"]
    assert b.delete("/_mock/requests").status_code == 204
    assert a.get("/_mock/requests").json()["data"] == []


@pytest.mark.slow
def test_schedule_runs_are_limited_across_workers(clients: list[httpx.Client]) -> None:
    a, b = clients
    schedules = a.get(G + "/schedules").json()["data"]
    statuses = []
    for n in range(6):
        client = (a, b)[n % 2]
        key = schedules[n % len(schedules)]["id"]
        statuses.append(client.post(f"{G}/schedules/{key}/run").status_code)
    assert statuses.count(204) <= 5
    assert 429 in statuses or 409 in statuses


def test_worker_settings_are_checked() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "datasync_openapi.cli", "mock", "--workers", "0"], capture_output=True, text=True
    )
    assert done.returncode == 2
    assert "workers is between 1 and 64" in done.stderr


def test_a_state_file_is_shared_and_kept(tmp_path: Path) -> None:
    """The Store level: two stores on one file (as two workers), a stale read-modify-write is run again."""
    from datasync_openapi.mock.seed import seed
    from datasync_openapi.mock.store import Store

    path = tmp_path / "state.sqlite"
    one, two = Store(seed, path, shared=True), Store(seed, path, shared=True)
    try:
        key = next(iter(one.all("exchanges")))["id"]

        def bump(store: Store) -> None:
            current = store.get("exchanges", key)
            assert current is not None
            store.put("exchanges", key, {**current, "error_count": current["error_count"] + 1})

        before = one.get("exchanges", key)["error_count"]  # type: ignore[index]
        one.atomically(lambda: bump(one))
        two.atomically(lambda: bump(two))  # two read its copy before one's commit: it must reload, not overwrite
        one.refresh()
        assert one.get("exchanges", key)["error_count"] == before + 2  # type: ignore[index]
    finally:
        one.close()
        two.close()
