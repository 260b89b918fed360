"""Time the user path of two generated trees side by side: for a change to clients/templates/.

    python benches/compare_generated.py BEFORE_DIR AFTER_DIR [--rounds N]

Each DIR holds a datasync-grades folder, as generated/ does (`python clients/generate.py --output-dir DIR`).
Each round runs one fresh interpreter per tree, the two in turn (so a slow spell of a shared machine falls on
both alike), and each interpreter times, best of 7 runs with the collector paused as timeit does, in CPU time
of the process (time.process_time: on a shared machine, the wall clock also counts the time others had the CPU):

- call: ``call(list_exchanges)`` on a 10 000-exchange page served by an in-memory httpx transport;
- decode: ``json.loads`` + ``ExchangeList.from_dict`` of that page;
- encode: ``ExchangeData.to_dict`` + ``json.dumps`` of a 5 MB exchange-data payload (the producer's);
- loads and dumps alone, the yardsticks of the ratios.

It prints the median over the rounds of each tree's best times, and the ratios to json.loads / json.dumps.
"""

from __future__ import annotations

import argparse
import gc
import json
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SIDES = ("loads", "decode", "call", "dumps", "encode")


def _page(exchanges: int) -> bytes:
    from datasync_openapi.mock.seed import exchange

    items = [
        exchange(f"e1000000-0000-4000-8000-{n:012d}", "completed", "course-app-101", "sis") for n in range(exchanges)
    ]
    for item in items:
        item.pop("_posted_by")
    return json.dumps({"data": items, "paging": {"next": None}}).encode()


def _best(func: Callable[[], object], runs: int = 7) -> float:
    best = float("inf")
    func()  # warm
    for _ in range(runs):
        gc.collect()
        gc.disable()
        try:
            start = time.process_time()
            func()
            best = min(best, time.process_time() - start)
        finally:
            gc.enable()
    return best


def measure(tree: Path, page_file: Path) -> dict[str, float]:
    """The best times of each side with datasync_grades imported from tree (run in a fresh interpreter)."""
    sys.path.insert(0, str(tree / "datasync-grades"))
    sys.path.insert(1, str(ROOT))  # after the tree: benches.payloads imports its datasync_grades
    import datasync_grades
    import httpx
    from datasync_grades.api.exchanges import list_exchanges
    from datasync_grades.models import ExchangeData, ExchangeList
    from datasync_grades.runtime import call, connect

    assert Path(datasync_grades.__file__).is_relative_to(tree), datasync_grades.__file__
    body = page_file.read_bytes()
    from benches.payloads import exchange_data_payload

    payload = exchange_data_payload()
    model = ExchangeData.from_dict(payload)
    headers = {"content-type": "application/json"}
    transport = httpx.MockTransport(lambda request: httpx.Response(200, content=body, headers=headers))
    client = connect("http://bench.invalid/v2/grades", token="t", transport=transport)  # noqa: S106 - in memory
    sides: dict[str, Callable[[], Any]] = {
        "loads": lambda: json.loads(body),
        "decode": lambda: ExchangeList.from_dict(json.loads(body)),
        "call": lambda: call(list_exchanges, client=client),
        "dumps": lambda: json.dumps(payload),
        "encode": lambda: json.dumps(model.to_dict()),
    }
    assert len(sides["call"]().data) == 10_000
    return {name: _best(func) for name, func in sides.items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("trees", nargs="*", type=Path)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--measure", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--page", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.measure:
        print(json.dumps(measure(args.measure.resolve(), args.page)))
        return 0
    if len(args.trees) != 2:
        parser.error("give two trees: BEFORE_DIR AFTER_DIR")
    trees = [tree.resolve() for tree in args.trees]
    results: list[dict[str, list[float]]] = [{side: [] for side in SIDES} for _ in trees]
    with tempfile.TemporaryDirectory() as tmp:
        page = Path(tmp) / "page.json"
        page.write_bytes(_page(10_000))
        for _ in range(args.rounds):
            for tree, result in zip(trees, results, strict=True):
                command = [sys.executable, __file__, "--measure", str(tree), "--page", str(page)]
                run = subprocess.run(command, check=True, capture_output=True, text=True, timeout=600)
                for side, seconds in json.loads(run.stdout).items():
                    result[side].append(seconds)
    print(f"median over {args.rounds} interleaved rounds of each process's best of 7 (CPU ms; ratio to loads/dumps)")
    for tree, result in zip(trees, results, strict=True):
        ms = {side: statistics.median(times) * 1000 for side, times in result.items()}
        print(
            f"{tree}: loads {ms['loads']:.0f}, decode {ms['decode']:.0f} ({ms['decode'] / ms['loads']:.2f}x), "
            f"call {ms['call']:.0f} ({ms['call'] / ms['loads']:.2f}x); dumps {ms['dumps']:.0f}, "
            f"encode {ms['encode']:.0f} ({ms['encode'] / ms['dumps']:.2f}x)"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
