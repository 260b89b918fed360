"""A baseline: the findings a user has accepted (a JSON file they commit), so CI fails only on new drift.

Entries are identified by ``Finding.key`` (API, operation, check, and the JSON pointer / status / parameter
that makes it distinct; never a random payload), which is the same across seeds and runs.

Updating a baseline replaces only what the run covered: the entries of the operations it tested (of its APIs;
an entry recorded by a run with writes is replaced only by a run with writes, since a read-only run cannot see
what needs writes), and keeps every other entry. A run narrowed by ``INCLUDE`` or split by ``SHARD`` removes
nothing: a finding on one operation can need another in the same run (schemathesis feeds one's answers to the
other: a drifting field of ``GET /exchanges/{id}`` is seen only with an id from ``GET /exchanges``), so what a
narrowed run did not see it cannot call fixed. It adds and refreshes its findings; a whole run prunes. So
narrowed and sharded runs can update one baseline in turn without losing each other's entries.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from .model import Finding, Result

FORMAT = "datasync-conformance-baseline"
VERSION = 1


class BaselineError(ValueError):
    """The baseline file is missing or unreadable."""


def _document(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BaselineError(f"baseline {path} does not exist: create it with UPDATE_BASELINE=1") from None
    except (OSError, ValueError) as exc:
        raise BaselineError(f"baseline {path} is not readable JSON: {exc}") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT or not isinstance(data.get("findings"), list):
        raise BaselineError(f"{path} is not a {FORMAT} file (write one with UPDATE_BASELINE=1)")
    return data


def load(path: Path) -> dict[str, dict[str, Any]]:
    """Baseline entries by key."""
    data = _document(path)
    entries: dict[str, dict[str, Any]] = {}
    for entry in data["findings"]:
        if isinstance(entry, dict) and isinstance(entry.get("key"), str):
            entries[entry["key"]] = entry
    return entries


def is_live(path: Path) -> bool:
    """Whether the baseline was written from a run against a live server (not the embedded mock). A file
    written before this was recorded counts as live: the embedded mock has no findings to accept."""
    return _document(path).get("live") is not False


def entry(finding: Finding, writes: bool = False) -> dict[str, Any]:
    """What the baseline keeps of a finding: its key, enough to read the file without a report, and whether the
    run that saw it sent writes."""
    return {
        "key": finding.key,
        "api": finding.api,
        "class": str(finding.cls),
        "operation": finding.operation,
        "check": finding.check,
        "title": finding.title,
        "location": finding.location,
        "hint": finding.hint,
        "writes": writes,
    }


def write(
    path: Path,
    findings: Iterable[Finding],
    keep: Iterable[dict[str, Any]] = (),
    *,
    writes: bool = False,
    live: bool = True,
) -> int:
    """Write a baseline of these findings (plus ``keep``: entries the run did not cover, see ``untouched``);
    returns the number of entries. Sorted by key, so the file diffs cleanly in review. ``writes``: the run sent
    writes; ``live``: it ran against a live server, not the embedded mock."""
    entries = {e["key"]: e for e in keep}
    entries.update({f.key: entry(f, writes) for f in findings})
    document = {
        "format": FORMAT,
        "version": VERSION,
        "live": live,
        "findings": [entries[k] for k in sorted(entries)],
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return len(entries)


def apply(result: Result, entries: dict[str, dict[str, Any]], *, writes: bool = True, narrowed: bool = False) -> None:
    """Mark the result's findings known or new, and list the baseline entries it covered and did not see (what
    an update would drop; see ``untouched``)."""
    result.baseline_used = True
    seen = {f.key for f in result.findings}
    result.known = frozenset(key for key in seen if key in entries)
    kept = {id(e) for e in untouched(entries, [result], writes=writes, narrowed=narrowed)}
    result.fixed = [
        e for key, e in sorted(entries.items()) if e.get("api") == result.api and key not in seen and id(e) not in kept
    ]


def covered(results: Sequence[Result]) -> set[tuple[str, str]]:
    """(API, operation) of every operation these results tested (sent at least one case)."""
    return {(r.api, label) for r in results for label, op in r.operations.items() if op.cases}


def untouched(
    entries: dict[str, dict[str, Any]], results: Sequence[Result], *, writes: bool = True, narrowed: bool = False
) -> list[dict[str, Any]]:
    """The entries these results did not cover, which an update keeps: of other APIs, of operations the run did
    not test (not included, another shard, writes in a read-only run, not reached before MAX_TIME), and, when the
    run sent no writes, those recorded by a run with writes. A ``narrowed`` run (``INCLUDE``, ``SHARD``) keeps
    every entry: it cannot tell fixed from out of its reach."""
    if narrowed:
        return list(entries.values())
    tested = covered(results)
    return [
        e
        for e in entries.values()
        if (e.get("api"), e.get("operation")) not in tested or (e.get("writes") is True and not writes)
    ]


__all__ = ["BaselineError", "apply", "covered", "entry", "is_live", "load", "untouched", "write"]
