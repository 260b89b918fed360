"""The client benchmarks' ratios, side by side at the end of the run.

On a shared machine the speed of the host moves from one second to the next, so a ratio is only fair when its two
sides take turns: ``compared(name, run, bases)`` benchmarks ``run`` with pytest-benchmark (its row in the table)
and, before each of its rounds, runs and times each base side once (untimed by pytest-benchmark, with the garbage
collector paused as in the timed rounds). Each round thus pairs a base run with the run right after it; a ratio is
judged on the median of the rounds' own ratios (what drift between rounds moves least), and the line also shows the
ratio of the best times and the range of the rounds' ratios. ``RATIOS`` names them and their targets. Run with
``--benchmark-disable`` (each side once, untimed) the summary says so instead.
"""

from __future__ import annotations

import gc
import statistics
import time
from collections.abc import Callable, Mapping
from typing import Any

import pytest

ROUNDS = 15
"""Rounds of each compared benchmark (pytest-benchmark's ``pedantic``)."""

ROUNDS_OF: dict[tuple[str, str], list[tuple[float, float]]] = {}
"""(side, base) -> each round's (base time, side time) in seconds, the base run right before the side's."""

# (what is measured, its side, the side it is divided by, the target for the ratio or None for none)
RATIOS: list[tuple[str, str, str, float | None]] = [
    ("call(list_exchanges) / json.loads + ExchangeList.from_dict", "call", "loads+from_dict", 1.15),
    ("paginate(list_exchanges) per item / json.loads + from_dict", "paginate", "paged loads+from_dict", 1.15),
    ("post_exchange_data into 1 MB bodies / json.dumps", "post_exchange_data", "dumps", 2.5),
    ("chunk_exchange_data + json.dumps / json.dumps", "chunk+dumps", "dumps", 2.5),
    ("call(list_exchanges) / json.loads", "call", "loads", None),
    ("json.loads + ExchangeList.from_dict / json.loads", "loads+from_dict", "loads", 2.5),
    ("ExchangeData.to_dict + json.dumps / json.dumps", "to_dict+dumps", "dumps", 2.0),
]

Compared = Callable[[str, Callable[[], object], Mapping[str, Callable[[], object]]], None]


def _time(run: Callable[[], object]) -> tuple[float, object]:
    """One run's time and what it returned, taken as pytest-benchmark takes them: the caller keeps the result
    until the next run of the same side has finished, so neither side's time includes freeing the last one's."""
    gc.collect()
    gc.disable()
    try:
        start = time.perf_counter()
        result = run()
        return time.perf_counter() - start, result
    finally:
        gc.enable()


@pytest.fixture
def compared(benchmark: Any) -> Compared:
    """``compared(name, run, {base: run_base, ...})``: benchmark ``run``, each base taking turns with it."""

    def run_and_compare(name: str, run: Callable[[], object], bases: Mapping[str, Callable[[], object]]) -> None:
        times: dict[str, list[float]] = {base: [] for base in bases}
        kept: dict[str, object] = {}

        def bases_first() -> None:
            for base, run_base in bases.items():
                elapsed, kept[base] = _time(run_base)
                times[base].append(elapsed)

        benchmark.group = "client"
        benchmark.name = name
        benchmark.pedantic(run, setup=bases_first, rounds=ROUNDS, warmup_rounds=1)
        stats = getattr(benchmark, "stats", None)
        if stats is not None:
            for base, measured in times.items():  # the first base run went with the warm-up round
                ROUNDS_OF[name, base] = list(zip(measured[-len(stats.stats.data) :], stats.stats.data, strict=True))

    return run_and_compare


def ratio_lines() -> list[str]:
    """One line per ratio of ``RATIOS`` whose two sides were timed together."""
    lines = []
    for what, side, base, target in RATIOS:
        if (side, base) not in ROUNDS_OF:
            continue
        rounds = ROUNDS_OF[side, base]
        each = sorted(measured / before for before, measured in rounds)
        ratio = statistics.median(each)
        best = min(measured for _, measured in rounds) / min(before for before, _ in rounds)
        verdict = "" if target is None else f" ({'met' if ratio <= target else 'NOT met'}: target <= {target}x)"
        lines.append(
            f"  {what}: {ratio:.2f}x{verdict}; best times {best:.2f}x, {len(each)} rounds {each[0]:.2f}-{each[-1]:.2f}x"
        )
    return lines


@pytest.hookimpl(trylast=True)
def pytest_terminal_summary(terminalreporter: Any) -> None:
    terminalreporter.section("client ratios (median of paired rounds, the two sides taking turns)")
    lines = ratio_lines()
    if not lines:
        terminalreporter.write_line("  none timed (run without --benchmark-disable to time them)")
    for line in lines:
        terminalreporter.write_line(line)
