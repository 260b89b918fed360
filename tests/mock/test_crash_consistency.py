"""``datasync mock --state FILE`` killed with SIGKILL in the middle of a write load comes back consistent.

The mock runs as a subprocess (as a user runs it). Threads send mixed writes (create exchanges, post errors to
them, append scoping schools, delete some of them) and remember every write the mock acknowledged with a 2xx.
The mock is killed mid-load, restarted on the same state file, and checked: every acknowledged write is there,
every acknowledged delete is gone, each exchange's ``error_count`` equals the length of its error list, and
the exchange count equals the length of the exchange list. Bounded: 3 rounds, each stopped after a fixed
number of acknowledged writes or 10 s, whichever comes first; every wait has a timeout.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from datasync_openapi.mock import DEMO_TOKEN
from datasync_openapi.process import running_process

G = "/v2/grades"
SCHOOLS = "/v2/interop/tenant/scoping/schools"
BEARER = {"Authorization": f"Bearer {DEMO_TOKEN}"}
ROUNDS = 3
WORKERS = 4
MAX_OPS_PER_WORKER = 2_000
LOAD_SECONDS = 10.0
START_SECONDS = 30.0


@dataclass
class Acknowledged:
    """What the mock answered with a 2xx (and what was attempted), across threads and rounds."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    exchanges: set[str] = field(default_factory=set)
    errors: dict[str, str] = field(default_factory=dict)  # error id -> exchange id
    schools: set[str] = field(default_factory=set)
    delete_attempted: set[str] = field(default_factory=set)
    deleted: set[str] = field(default_factory=set)

    def count(self) -> int:
        with self.lock:
            return len(self.exchanges) + len(self.errors) + len(self.schools) + len(self.deleted)


@contextmanager
def mock_process(state: Path, log: Path) -> Iterator[tuple[subprocess.Popen[bytes], str]]:
    """``datasync mock --state`` on a free port, ready (health answered 200); killed and reaped on exit."""
    with running_process(
        lambda port: [sys.executable, "-m", "datasync_openapi.cli", "mock", "--port", port, "--state", state],
        "/_mock/health",
        name="the mock",
        ready=lambda response: response.status_code == 200,
        timeout=START_SECONDS,
        attempts=3,
        log=log,
        stop_grace=None,
    ) as mock:
        yield mock.process, mock.url


def worker(base: str, index: int, acked: Acknowledged, stop: threading.Event) -> None:
    """Mixed writes until stopped or the mock is gone: mostly errors (two writes each), some of each other kind."""
    mine: list[str] = []
    my_schools: list[str] = []
    with httpx.Client(base_url=base, headers=BEARER, timeout=10) as client:
        for n in range(MAX_OPS_PER_WORKER):
            if stop.is_set():
                return
            kind = n % 8
            try:
                if not mine or kind == 0:
                    response = client.post(G + "/exchanges", json={"metadata": {"worker": index, "n": n}})
                    if response.status_code == 200:
                        key = response.json()["data"]["id"]
                        mine.append(key)
                        with acked.lock:
                            acked.exchanges.add(key)
                elif kind == 5:
                    response = client.post(SCHOOLS, params={"replace": "false"}, json={"data": [{"name": f"w{index}"}]})
                    if response.status_code == 200:
                        school = response.json()["data"]["school_id"]
                        my_schools.append(school)
                        with acked.lock:
                            acked.schools.add(school)
                elif kind == 6 and my_schools:
                    school = my_schools.pop(0)
                    with acked.lock:
                        acked.delete_attempted.add(school)
                    if client.delete(f"{SCHOOLS}/{school}").status_code == 204:
                        with acked.lock:
                            acked.deleted.add(school)
                else:
                    key = mine[n % len(mine)]
                    response = client.post(f"{G}/exchanges/{key}/errors", json={"code": "c", "details": f"{index}-{n}"})
                    if response.status_code == 200:
                        with acked.lock:
                            acked.errors[response.json()["data"]["id"]] = key
            except httpx.TransportError:
                return  # the mock was killed: this write was not acknowledged


def walk(client: httpx.Client, url: str, limit: int = 1_000) -> list[dict[str, Any]]:
    """Every item of a list, following ``paging.next`` (at most ``limit`` pages)."""
    items: list[dict[str, Any]] = []
    next_url: str | None = url + ("&" if "?" in url else "?") + "page_size=100"
    for _ in range(limit):
        if next_url is None:
            return items
        page = client.get(next_url)
        assert page.status_code == 200, page.text[:500]
        items += page.json()["data"]
        next_url = page.json()["paging"]["next"]
    raise AssertionError(f"{url} has more than {limit} pages")


def check(base: str, acked: Acknowledged) -> None:
    with httpx.Client(base_url=base, headers=BEARER, timeout=30) as client:
        exchanges = walk(client, G + "/exchanges")
        assert client.get(G + "/exchanges/count").json() == len(exchanges)
        by_id = {e["id"]: e for e in exchanges}
        assert acked.exchanges <= set(by_id), "an acknowledged exchange is missing"
        listed_errors: dict[str, str] = {}
        for exchange in exchanges:
            errors = walk(client, f"{G}/exchanges/{exchange['id']}/errors")
            assert exchange["error_count"] == len(errors), (
                f"exchange {exchange['id']}: error_count {exchange['error_count']}, {len(errors)} errors listed"
            )
            listed_errors.update((e["id"], exchange["id"]) for e in errors)
        missing = {e: x for e, x in acked.errors.items() if listed_errors.get(e) != x}
        assert missing == {}, "acknowledged errors are missing"
        schools = {s["school_id"] for s in walk(client, SCHOOLS)}
        assert acked.deleted.isdisjoint(schools), "a deleted school came back"
        assert acked.schools - acked.delete_attempted <= schools, "an acknowledged school is missing"
        assert client.get(G + "/batch/count").json() == len(walk(client, G + "/batch"))


@pytest.mark.slow
@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_a_mock_killed_mid_load_restarts_consistent(tmp_path: Path) -> None:
    state, log = tmp_path / "state.sqlite", tmp_path / "mock.log"
    acked = Acknowledged()
    for round_ in range(ROUNDS):
        with mock_process(state, log) as (proc, base):
            check(base, acked)  # what the previous round's kill left behind
            stop = threading.Event()
            threads = [
                threading.Thread(target=worker, args=(base, i, acked, stop), daemon=True) for i in range(WORKERS)
            ]
            for thread in threads:
                thread.start()
            before = acked.count()
            target = before + 150 + 70 * round_  # kill at a different point of each round's load
            deadline = time.monotonic() + LOAD_SECONDS
            while acked.count() < target and time.monotonic() < deadline and any(t.is_alive() for t in threads):
                time.sleep(0.005)
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)
            stop.set()
            for thread in threads:
                thread.join(timeout=30)
            assert not any(thread.is_alive() for thread in threads)
            assert acked.count() > before, "the load did not get going"
    with mock_process(state, log) as (_, base):
        check(base, acked)
    assert acked.errors
    assert acked.deleted
