"""The mock at scale: ``datasync mock --workers 2`` over a state of many exchanges.

    .venv/bin/python benches/mock_scale.py [--sizes 1000 100000] [--requests 200] [--writes 20] [--src DIR ...]

For each store size (exchanges in the state file, written directly into a fresh SQLite file in the mock's format
before it starts), over a real socket with keep-alive connections pinned to the two workers (told apart by
``/_mock/health``'s pid):

- **list p50**: ``GET /v2/grades/exchanges?page=K&page_size=100`` for distinct pages (no answer remembered);
- **get p50**: ``GET /v2/grades/exchanges/{id}`` for distinct ids;
- **write seen by the other worker**: worker A fetches an OAuth token (a write to the shared state: tokens live
  there), then worker B answers a get-by-id; its p50 minus B's p50 without a write before it is what one write
  costs every other worker.

``--src`` runs the mock from other source trees side by side (e.g. the base commit, ``git archive BASE src
openapi | tar -x -C /tmp/base`` then ``--src /tmp/base/src --src src``): each is put first on ``PYTHONPATH`` of the
mock's process (this checkout's ``src`` by default). Targets: list and get p50 under 5 ms at 100 000 exchanges;
the write's cost to the other worker independent of the store's size.
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from datasync_openapi.process import running_process

ROOT = Path(__file__).resolve().parents[1]
G = "/v2/grades"
AUTH = {"Authorization": "Bearer demo-token"}
TOKEN_FORM = {"grant_type": "client_credentials", "client_id": "demo-client", "client_secret": "demo-secret"}


def exchange_id(n: int) -> str:
    return f"e9000000-0000-4000-8000-{n:012d}"


def write_state(path: Path, size: int) -> None:
    """A state file of ``size`` exchanges (and nothing else) in the mock's table."""
    db = sqlite3.connect(path)
    db.execute(
        "CREATE TABLE objects (collection TEXT NOT NULL, id TEXT NOT NULL, "
        "seq INTEGER NOT NULL, body TEXT NOT NULL, PRIMARY KEY (collection, id))"
    )
    rows = []
    for n in range(size):
        key = exchange_id(n)
        obj = {
            "id": key,
            "created_at": "2026-01-05T08:00:00Z",
            "updated_at": "2026-01-05T09:30:00Z",
            "query": {
                "type": "assignment_scores",
                "conditions": [{"scope": "course", "scope_by": "id", "scope_id": {"name": f"course-{n % 500}"}}],
            },
            "metadata": {"source": "bench"},
            "state": ("created", "processing", "completed")[n % 3],
            "max_data_content_length": 1_000_000,
            "error_count": 0,
            "course_app_id": f"course-app-{n % 500}",
            "_posted_by": "lms",
        }
        rows.append(("exchanges", key, n + 1, json.dumps(obj, separators=(",", ":"))))
    db.executemany("INSERT INTO objects VALUES (?, ?, ?, ?)", rows)
    db.commit()
    db.close()


def pinned(base: str) -> tuple[httpx.Client, httpx.Client]:
    """Two clients whose single keep-alive connections were accepted by different workers."""
    by_pid: dict[int, httpx.Client] = {}
    for _ in range(200):
        client = httpx.Client(base_url=base, headers=AUTH, timeout=60, limits=httpx.Limits(max_connections=1))
        pid = client.get("/_mock/health").json()["pid"]
        if pid in by_pid:
            client.close()
        else:
            by_pid[pid] = client
        if len(by_pid) == 2:
            first, second = by_pid.values()
            return first, second
    raise RuntimeError("connections never reached both workers")


def worker(client: httpx.Client) -> int:
    return int(client.get("/_mock/health").json()["pid"])


def timed(client: httpx.Client, method: str, url: str, **kwargs: object) -> float:
    started = time.perf_counter()
    response = client.request(method, url, **kwargs)  # type: ignore[arg-type]
    elapsed = (time.perf_counter() - started) * 1000
    if response.status_code != 200:
        raise RuntimeError(f"{method} {url}: {response.status_code} {response.text[:200]}")
    return elapsed


def measure(src: Path, size: int, requests: int, writes: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory(prefix="mock-scale-") as scratch:
        state = Path(scratch) / "state.sqlite"
        write_state(state, size)
        help_text = subprocess.run(
            [sys.executable, "-m", "datasync_openapi.cli", "mock", "--help"],
            env={**os.environ, "PYTHONPATH": str(src)},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        quiet = ["--quiet"] if "--quiet" in help_text else []
        os.environ["PYTHONPATH"] = str(src)
        pids: set[int] = set()

        def both(health: httpx.Response) -> bool:
            pids.add(health.json()["pid"])
            return len(pids) == 2

        command = [sys.executable, "-m", "datasync_openapi.cli", "mock", "--workers", "2", "--state", str(state)]
        command += ["--header-timeout", "600"]  # an idle pinned connection must not be closed (and reopened elsewhere)
        with running_process(
            lambda port: [*command, "--port", port, *quiet],
            "/_mock/health",
            name="datasync mock --workers 2",
            ready=both,
            timeout=300,
            log=Path(scratch) / "mock.log",
            stop_grace=20,
        ) as mock:
            a, b = pinned(mock.url)
            pids_before = (worker(a), worker(b))
            pages = max(1, size // 100)
            for client in (a, b):  # warm: both workers loaded, the encoder's caches as after use
                timed(client, "GET", f"{G}/exchanges/{exchange_id(0)}")
            lists = [timed(a, "GET", f"{G}/exchanges?page={k % pages}&page_size=100") for k in range(requests)]
            gets = [timed(a, "GET", f"{G}/exchanges/{exchange_id((k * 7919) % size)}") for k in range(requests)]
            quiet_b = [timed(b, "GET", f"{G}/exchanges/{exchange_id((k * 104729) % size)}") for k in range(requests)]
            after_write = []
            for k in range(writes):
                timed(a, "POST", "/oauth/token", data=TOKEN_FORM)
                after_write.append(timed(b, "GET", f"{G}/exchanges/{exchange_id((k * 31) % size)}"))
            pids_after = (worker(a), worker(b))
            a.close()
            b.close()
            if pids_after != pids_before:  # a connection was closed and opened again, perhaps to the other worker
                raise RuntimeError(f"the clients changed workers during the run: {pids_before} -> {pids_after}")
    return {
        "list_p50_ms": statistics.median(lists),
        "get_p50_ms": statistics.median(gets),
        "other_get_p50_ms": statistics.median(quiet_b),
        "other_get_after_write_p50_ms": statistics.median(after_write),
        "write_cost_to_other_ms": statistics.median(after_write) - statistics.median(quiet_b),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 100_000])
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--writes", type=int, default=20)
    parser.add_argument("--src", type=Path, action="append", help="source tree(s) to run the mock from")
    args = parser.parse_args()
    sources = args.src or [ROOT / "src"]
    print(
        f"{'source':<40} {'exchanges':>9} {'list p50':>9} {'get p50':>8} {'B get':>8} {'B after A write':>16}"
        f" {'write cost to B':>16}"
    )
    for src in sources:
        for size in args.sizes:
            row = measure(src.resolve(), size, args.requests, args.writes)
            print(
                f"{str(src)[-40:]:<40} {size:>9} {row['list_p50_ms']:>7.2f}ms {row['get_p50_ms']:>6.2f}ms"
                f" {row['other_get_p50_ms']:>6.2f}ms {row['other_get_after_write_p50_ms']:>14.2f}ms"
                f" {row['write_cost_to_other_ms']:>14.2f}ms",
                flush=True,
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
