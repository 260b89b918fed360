"""Merge the results of shards (``datasync conformance --shard I/N``, read back from their JSON reports) into one
result per API, so the reports and the verdict cover the whole run.

A merge refuses (``MergeError``, one line) what would give a wrong verdict: a shard missing or given twice, shards
of different splits, one operation in two reports, reports of one API from different targets or with different
finding classes failing the run.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from .model import Finding, OperationCoverage, Result

_SHARD = re.compile(r"(\d+)/(\d+)")
EMBEDDED = "the embedded mock"  # Result.parameters["server"] of a run against it


class MergeError(ValueError):
    """The reports cannot be merged into one truthful result."""


def _shard(path: Path, result: Result) -> tuple[int, int] | None:
    text = result.parameters.get("shard")
    if text is None:
        return None
    match = _SHARD.fullmatch(text)
    if match is None:
        raise MergeError(f"{path}: shard {text!r} is not I/N")
    return int(match[1]), int(match[2])


def _check_shards(api: str, reports: Sequence[tuple[Path, Result]]) -> str | None:
    """Every shard of one split given once (or no shards at all); the shards' text for the merged parameters."""
    shards = [(path, _shard(path, result)) for path, result in reports]
    given = [(path, shard) for path, shard in shards if shard is not None]
    if not given:
        return None
    if len(given) != len(shards):
        raise MergeError(f"{api}: a report of the whole run ({next(p for p, s in shards if s is None)}) and shards")
    counts = {count for _, (_, count) in given}
    if len(counts) != 1:
        raise MergeError(f"{api}: shards of different splits (of {', '.join(str(c) for c in sorted(counts))})")
    (count,) = counts
    seen: dict[int, Path] = {}
    for path, (index, _) in given:
        if index in seen:
            raise MergeError(f"{api}: shard {index}/{count} given twice ({seen[index]} and {path})")
        seen[index] = path
    missing = [f"{i}/{count}" for i in range(1, count + 1) if i not in seen]
    if missing:
        raise MergeError(f"{api}: shard {', '.join(missing)} missing (give the JSON report of every shard)")
    return f"{', '.join(f'{i}/{count}' for i in sorted(seen))} (merged)"


def _same(api: str, what: str, values: Sequence[object]) -> None:
    if len(set(map(repr, values))) > 1:
        raise MergeError(f"{api}: the reports differ in {what}; merge only shards of one run's settings")


def _parameters(results: Sequence[Result]) -> dict[str, str]:
    """Parameters all shards share as they are; the others with each shard's value (e.g. the run ids)."""
    names = dict.fromkeys(name for r in results for name in r.parameters)
    merged: dict[str, str] = {}
    for name in names:
        values = list(dict.fromkeys(r.parameters.get(name, "-") for r in results))
        merged[name] = values[0] if len(values) == 1 else "; ".join(values)
    return merged


def _findings(results: Sequence[Result]) -> list[Finding]:
    """One finding per key (a stateful scenario can see one in two shards): occurrences add up."""
    by_key: dict[str, Finding] = {}
    for result in results:
        for finding in result.findings:
            if finding.key in by_key:
                by_key[finding.key].occurrences += finding.occurrences
            else:
                by_key[finding.key] = replace(finding)
    return list(by_key.values())


def _operations(api: str, reports: Sequence[tuple[Path, Result]]) -> dict[str, OperationCoverage]:
    operations: dict[str, OperationCoverage] = {}
    where: dict[str, Path] = {}
    for path, result in reports:
        for label, coverage in result.operations.items():
            if label in operations:
                raise MergeError(f"{api}: {label} is in two reports ({where[label]} and {path})")
            operations[label], where[label] = coverage, path
    return operations


def merge_api(api: str, reports: Sequence[tuple[Path, Result]]) -> Result:
    """One API's shards as one result."""
    results = [result for _, result in reports]
    shards = _check_shards(api, reports)
    if not all(r.parameters.get("server") == EMBEDDED for r in results):  # the mock: a new port every run
        _same(api, "target", [r.target for r in results])
    _same(api, "the finding classes failing the run (FAIL_ON)", [sorted(r.fail_on) for r in results])
    _same(api, "ALLOW_NOT_EXERCISED", [r.allow_not_exercised for r in results])
    merged = Result(
        api=api,
        target=results[0].target,
        parameters=_parameters(results),
        operations=_operations(api, reports),
        findings=_findings(results),
        fail_on=results[0].fail_on,
        allow_not_exercised=results[0].allow_not_exercised,
        baseline_used=any(r.baseline_used for r in results),
        known=frozenset().union(*(r.known for r in results)),
        elapsed=sum(r.elapsed for r in results),
        stateful_cases=sum(r.stateful_cases for r in results),
    )
    if shards is not None:
        merged.parameters["shard"] = shards
    stops = list(dict.fromkeys(r.stop_reason for r in results if r.stop_reason))
    merged.stop_reason = ", ".join(stops)
    for result in results:
        merged.fixed += result.fixed
        merged.skipped += [s for s in result.skipped if s not in merged.skipped]
        merged.errors += result.errors
        merged.notes += [n for n in result.notes if n not in merged.notes]
        merged.left_behind += result.left_behind
    return merged


def merge(reports: Sequence[tuple[Path, Result]]) -> list[Result]:
    """The reports' results merged per API (sorted by API)."""
    if not reports:
        raise MergeError("no reports to merge")
    by_api: dict[str, list[tuple[Path, Result]]] = {}
    for path, result in reports:
        by_api.setdefault(result.api, []).append((path, result))
    return [merge_api(api, by_api[api]) for api in sorted(by_api)]


__all__ = ["EMBEDDED", "MergeError", "merge", "merge_api"]
