"""The conformance suite's run, from the options of ``datasync conformance`` (``cli/conformance.py``): the
options checked before it, the operations it selects (``--include``, ``--shard``), the server it runs against
(a live one, or the embedded mock), the baseline, and the reports it writes (``write_reports``: the verdict,
0 conforms or 1 not). An option it refuses raises ``ConformanceError`` (the command: one line, exit status 2).
"""

from __future__ import annotations

import argparse
import math
import os
import re
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from datasync_openapi.contract import API, operations
from datasync_openapi.findings import BaselineError, Result, report
from datasync_openapi.findings import baseline as baselines
from datasync_openapi.numbers import positive_finite

from .options import (
    ConformanceError,
)

if TYPE_CHECKING:
    from .engine import Budget
    from .preflight import Credentials
    from .progress import Progress, Update

REPORT_FILES = ("conformance-*.xml", "conformance-*.json", "conformance.md", "conformance.html")
REPORT_FILES_SHARDED = ("conformance.shard-*.md", "conformance.shard-*.html")


# -- options checked before the run -----------------------------------------------------------------------------
# Settings that only mean something against a live server, as (Make variable, option attribute, environment).
LIVE_ONLY = (
    ("TOKEN", "token", "DATASYNC_TOKEN"),
    ("CLIENT_ID", "client_id", "DATASYNC_CLIENT_ID"),
    ("CLIENT_SECRET", "client_secret", "DATASYNC_CLIENT_SECRET"),
    ("TOKEN_URL", "token_url", "DATASYNC_TOKEN_URL"),
    ("BASIC", "basic", "DATASYNC_BASIC"),
    ("RATE", "rate", None),
    ("WRITES", "writes", None),
)


def _given(value: object) -> bool:
    """Set and not blank: the Makefile passes every credential variable, empty when not given."""
    return bool(value.strip()) if isinstance(value, str) else bool(value)


def base_url(args: argparse.Namespace) -> str | None:
    """The live server's base URL, or ``None`` (the embedded mock): a blank ``--base-url`` counts as not given."""
    text = getattr(args, "base_url", None)
    return text.strip().rstrip("/") if isinstance(text, str) and text.strip() else None


def live_only_settings(args: argparse.Namespace) -> list[str]:
    """The Make variables of the live-only settings this run was given (options or environment)."""
    names = [
        name
        for name, attribute, environment in LIVE_ONLY
        if _given(getattr(args, attribute, None)) or (environment is not None and _given(os.environ.get(environment)))
    ]
    path = getattr(args, "baseline", None)
    if path is not None and path.exists():
        try:
            if baselines.is_live(path):
                names.append("BASELINE (a live server's)")
        except BaselineError:
            pass  # reported when it is loaded
    return names


def require_base_url(args: argparse.Namespace) -> None:
    """No silent fallback to the embedded mock: a live-only setting without a base URL is an error (a misspelt
    or empty ``BASE_URL`` would otherwise test the mock and pass)."""
    if base_url(args) is not None:
        return
    names = live_only_settings(args)
    if names:
        raise ConformanceError(
            f"{', '.join(names)} given but BASE_URL is not set (or empty): without BASE_URL the run tests the "
            "embedded mock; set BASE_URL=https://host/v2/<api> (and API=), or drop them"
        )


def parse_rate(text: str | None, default: float | None) -> float | None:
    """``--rate``: a positive finite number of requests per second, or ``unlimited`` (``None``)."""
    if text is None:
        return default
    if text.strip().lower() == "unlimited":
        return None
    rate = positive_finite(text)
    if rate is None:
        raise ConformanceError(f"RATE takes a positive number of requests per second or 'unlimited', not {text!r}")
    return rate


def check_reports(directory: Path) -> None:
    """``--reports`` is a directory this run can write (created if missing), checked before the run."""
    if directory.exists() and not directory.is_dir():
        raise ConformanceError(f"REPORTS={directory} is not a directory")
    try:
        directory.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=directory, prefix=".datasync-"):
            pass
    except OSError as exc:
        raise ConformanceError(f"REPORTS={directory} is not a writable directory: {exc.strerror or exc}") from None


# -- shards: a stable split of the operations -------------------------------------------------------------------
_SHARD = re.compile(r"\s*(\d+)\s*/\s*(\d+)\s*")


@dataclass(frozen=True)
class Shard:
    index: int  # 1-based
    count: int

    def __str__(self) -> str:
        return f"{self.index}/{self.count}"

    @property
    def suffix(self) -> str:
        """What the shard's report names carry: ``conformance-grades.shard-1-of-3.json``."""
        return f".shard-{self.index}-of-{self.count}"

    def select(self, operation_ids: Sequence[str]) -> list[str]:
        """This shard's share of one API's operationIds: sorted, then dealt round-robin. The same on every machine
        and run (it depends only on the names), every operation in exactly one shard of N, and the shares differ
        in size by at most one."""
        return sorted(set(operation_ids))[self.index - 1 :: self.count]


def parse_shard(text: str) -> Shard:
    match = _SHARD.fullmatch(text)
    if match is None or not 1 <= int(match[1]) <= int(match[2]):
        raise ConformanceError(f"SHARD takes I/N with 1 <= I <= N, e.g. SHARD=1/3; got {text!r}")
    return Shard(int(match[1]), int(match[2]))


def _include(args: argparse.Namespace, apis: Sequence[API]) -> list[str] | None:
    only = [o.strip() for o in args.include.split(",") if o.strip()] if args.include else None
    if only is not None:
        known = {op.operation_id for api in apis for op in operations(api)}
        unknown_ops = sorted(set(only) - known)
        if unknown_ops:
            raise ConformanceError(f"INCLUDE: unknown operationId {', '.join(unknown_ops)}")
    return only


def select(
    args: argparse.Namespace, apis: Sequence[API], writes: bool
) -> tuple[list[API], list[str] | None, Shard | None]:
    """The APIs and operationIds to run (``None``: all), after ``--include`` and ``--shard``. A shard splits the
    operations the run would send (only the reads in a read-only run), so the shares are even."""
    only = _include(args, apis)
    if not args.shard:
        return list(apis), only, None
    shard = parse_shard(args.shard)
    mine: list[str] = []
    sharded: list[API] = []
    for api in apis:  # each API split on its own: every shard runs some operations of each
        candidates = [
            op.operation_id
            for op in operations(api)
            if (only is None or op.operation_id in only) and (writes or op.method == "get")
        ]
        if not candidates and only is not None:
            continue  # INCLUDE names none of this API's operations
        sharded.append(api)
        if len(candidates) < shard.count:
            raise ConformanceError(
                f"SHARD={shard}: {api} has {len(candidates)} operations to split in this run, fewer than "
                f"{shard.count} shards (use at most {len(candidates)} shards)"
            )
        mine += shard.select(candidates)
    return sharded, mine, shard


def _credentials(args: argparse.Namespace) -> Credentials:
    from .preflight import Credentials

    basic = args.basic or os.environ.get("DATASYNC_BASIC")
    pair = None
    if basic:
        user, sep, password = basic.partition(":")
        if not sep:
            raise ConformanceError("BASIC takes KEY:SECRET (the API key, a colon, its secret)")
        pair = (user, password)
    return Credentials(
        token=args.token or os.environ.get("DATASYNC_TOKEN") or None,
        client_id=args.client_id or os.environ.get("DATASYNC_CLIENT_ID") or None,
        client_secret=args.client_secret or os.environ.get("DATASYNC_CLIENT_SECRET") or None,
        token_url=args.token_url or os.environ.get("DATASYNC_TOKEN_URL") or None,
        basic=pair,
    )


def _clear_reports(directory: Path, suffix: str = "") -> None:
    """``reports/`` holds only the current run's files: remove the previous run's (only ours). A shard removes
    only its own, so shards can share a directory."""
    if not directory.is_dir():
        return
    patterns = (
        (
            f"conformance-*{suffix}.xml",
            f"conformance-*{suffix}.json",
            f"conformance{suffix}.md",
            f"conformance{suffix}.html",
        )
        if suffix
        else REPORT_FILES + REPORT_FILES_SHARDED
    )
    for pattern in patterns:
        for old in directory.glob(pattern):
            old.unlink()


def load_baseline(args: argparse.Namespace) -> dict[str, dict[str, Any]]:
    """The baseline's entries, read before the run: a missing file is an error unless the run writes it; an
    unreadable one is always an error (an update must not replace what it cannot read)."""
    if args.update_baseline and args.baseline is None:
        raise ConformanceError("UPDATE_BASELINE=1 needs BASELINE=file.json (the file to write)")
    if args.baseline is None or (args.update_baseline and not args.baseline.exists()):
        return {}
    try:
        return baselines.load(args.baseline)
    except BaselineError as exc:
        raise ConformanceError(str(exc)) from None


def update_baseline(
    args: argparse.Namespace,
    results: list[Result],
    entries: dict[str, dict[str, Any]],
    *,
    writes: bool,
    live: bool,
    narrowed: bool,
) -> dict[str, dict[str, Any]]:
    """Replace the entries of what this run covered with its findings, keep the rest; the entries written."""
    findings = [f for r in results for f in r.findings]
    seen = {f.key for f in findings}
    kept = [e for e in baselines.untouched(entries, results, writes=writes, narrowed=narrowed) if e["key"] not in seen]
    try:
        count = baselines.write(args.baseline, findings, kept, writes=writes, live=live)
    except OSError as exc:
        raise ConformanceError(f"cannot write the baseline {args.baseline}: {exc.strerror or exc}") from None
    print(
        f"wrote baseline {args.baseline} ({count} findings: {len(findings)} from this run, {len(kept)} kept); "
        f"commit it and run with BASELINE={args.baseline}"
    )
    return baselines.load(args.baseline)


def seconds(variable: str, text: str | None) -> float | None:
    if text is None:
        return None
    value = positive_finite(text)
    if value is None:
        raise ConformanceError(f"{variable} takes a positive finite number of seconds; got {text!r}")
    return value


_UNITS = {"": 1, "b": 1, "kib": 1 << 10, "mib": 1 << 20, "gib": 1 << 30}


def size(text: str) -> int:
    number = text.strip().lower().rstrip("abcdefghijklmnopqrstuvwxyz")
    unit = text.strip().lower()[len(number) :]
    try:
        value = float(number) * _UNITS[unit.strip()]
    except (ValueError, KeyError):
        value = math.nan
    if not math.isfinite(value) or value < 1:
        raise ConformanceError(
            f"MAX_RESPONSE_SIZE takes a positive number of bytes (or with KiB, MiB, GiB); got {text!r}"
        )
    return int(value)


def run_foreign(
    args: argparse.Namespace,
    apis: list[API],
    budget: Budget,
    fail_on: frozenset[Any],
    only: list[str] | None,
    rate: float | None,
    progress: Progress,
    on_progress: Callable[[Update], None],
) -> list[Result]:
    from .engine import preflight_result, run, write_plan
    from .manners import Manners
    from .preflight import PreflightBound, run_preflight

    api = apis[0]
    url = base_url(args) or ""
    credentials = _credentials(args)
    # One set of manners for the whole run, preflight included: the gate, the bounds and MAX_TIME's clock.
    manners = Manners(
        rate=rate,
        writes=args.writes,
        max_response_size=args.max_response_size,
        request_timeout=budget.request_timeout,
        deadline=time.monotonic() + args.max_time if args.max_time else None,
    )
    progress.status(f"preflight of {api} at {url}")
    try:
        preflight = run_preflight(api, url, credentials, manners=manners)
    except PreflightBound as exc:
        print(f"conformance: {api} at {url}: preflight did not pass: {exc.detail}", flush=True)
        return [preflight_result(api, url, exc, manners=manners, fail_on=fail_on)]
    print(
        f"conformance: {api} at {url} ({'writes allowed' if args.writes else 'read-only'}, "
        f"{f'at most {rate:g} requests/s' if rate else 'no rate limit'}); preflight passed in "
        f"{preflight.seconds:.1f} s, "
        f"{len(preflight.ids)} real ids discovered",
        flush=True,
    )
    if args.writes:
        print(write_plan(api, url), flush=True)
    result = run(
        api,
        base_url=url,
        credentials=credentials,
        bearer=preflight.bearer,
        budget=budget,
        writes=args.writes,
        manners=manners,
        ids=preflight.ids,
        only=only,
        fail_on=fail_on,
        allow_not_exercised=args.allow_not_exercised,
        on_progress=on_progress,
        values=args.parameter_values,
    )
    result.notes[:0] = preflight.notes
    return [result]


def report_names(suffix: str = "") -> dict[str, str]:
    """The report files of a run (``suffix``: a shard's, e.g. ``.shard-1-of-3``), ``<api>`` to be filled in."""
    return {
        "html": f"conformance{suffix}.html",
        "markdown": f"conformance{suffix}.md",
        "json": f"conformance-<api>{suffix}.json",
        "junit": f"conformance-<api>{suffix}.xml",
    }


def write_reports(directory: Path, results: Sequence[Result], suffix: str = "", *, clear: bool = True) -> int:
    """Print the summaries, write every report, print the verdict; the exit status (0 conforms, 1 not)."""
    names = report_names(suffix)
    try:
        if clear:
            _clear_reports(directory, suffix)
        for result in results:
            print(report.summary(result))
            report.write_junit(result, directory / names["junit"].replace("<api>", result.api))
            report.write_json(result, directory / names["json"].replace("<api>", result.api))
        report.write_markdown(results, directory / names["markdown"])
        report.write_html(results, directory / names["html"])
    except OSError as exc:
        raise ConformanceError(f"cannot write the reports in {directory}: {exc.strerror or exc}") from None
    cases = sum(r.cases for r in results)
    findings = sum(len(r.findings) for r in results)
    failing = sum(len(r.failing()) for r in results)
    reached = sum(r.reached() for r in results)
    total = sum(len(r.operations) for r in results)
    ok = all(r.ok for r in results)
    print(
        f"{'PASS' if ok else 'FAIL'}: {cases} cases, {findings} distinct findings ({failing} failing the run), "
        f"{reached} of {total} operations reached a 2xx; reports in {directory}/ ({', '.join(names.values())})"
    )
    sys.stdout.flush()
    return 0 if ok else 1


__all__ = [
    "LIVE_ONLY",
    "REPORT_FILES",
    "REPORT_FILES_SHARDED",
    "Shard",
    "base_url",
    "check_reports",
    "live_only_settings",
    "load_baseline",
    "parse_rate",
    "parse_shard",
    "report_names",
    "require_base_url",
    "run_foreign",
    "seconds",
    "select",
    "size",
    "update_baseline",
    "write_reports",
]
