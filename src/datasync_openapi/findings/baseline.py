"""A baseline: the findings a user has accepted (a JSON file they commit), so CI fails only on new drift.

Entries are identified by ``Finding.key`` (API, operation, check, and the JSON pointer / status / parameter
that makes it distinct; never a random payload), which is the same across seeds and runs.
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


def load(path: Path) -> dict[str, dict[str, Any]]:
    """Baseline entries by key."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BaselineError(f"baseline {path} does not exist: create it with UPDATE_BASELINE=1") from None
    except (OSError, ValueError) as exc:
        raise BaselineError(f"baseline {path} is not readable JSON: {exc}") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT or not isinstance(data.get("findings"), list):
        raise BaselineError(f"{path} is not a {FORMAT} file (write one with UPDATE_BASELINE=1)")
    entries: dict[str, dict[str, Any]] = {}
    for entry in data["findings"]:
        if isinstance(entry, dict) and isinstance(entry.get("key"), str):
            entries[entry["key"]] = entry
    return entries


def entry(finding: Finding) -> dict[str, Any]:
    """What the baseline keeps of a finding: its key and enough to read the file without a report."""
    return {
        "key": finding.key,
        "api": finding.api,
        "class": str(finding.cls),
        "operation": finding.operation,
        "check": finding.check,
        "title": finding.title,
        "location": finding.location,
        "hint": finding.hint,
    }


def write(path: Path, findings: Iterable[Finding], keep: Iterable[dict[str, Any]] = ()) -> int:
    """Write a baseline of these findings (plus ``keep``: entries of APIs this run did not test); returns
    the number of entries. Sorted by key, so the file diffs cleanly in review."""
    entries = {e["key"]: e for e in keep}
    entries.update({f.key: entry(f) for f in findings})
    document = {"format": FORMAT, "version": VERSION, "findings": [entries[k] for k in sorted(entries)]}
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return len(entries)


def apply(result: Result, entries: dict[str, dict[str, Any]]) -> None:
    """Mark the result's findings known or new, and list the baseline entries it tested and did not see."""
    result.baseline_used = True
    seen = {f.key for f in result.findings}
    result.known = frozenset(key for key in seen if key in entries)
    tested = {label for label, op in result.operations.items() if op.cases}
    result.fixed = [
        e
        for key, e in sorted(entries.items())
        if e.get("api") == result.api and key not in seen and e.get("operation") in tested
    ]


def untouched(entries: dict[str, dict[str, Any]], results: Sequence[Result]) -> list[dict[str, Any]]:
    """Entries of APIs none of these results ran (kept when the baseline is updated from a one-API run)."""
    apis = {r.api for r in results}
    return [e for e in entries.values() if e.get("api") not in apis]


__all__ = ["BaselineError", "apply", "entry", "load", "untouched", "write"]
