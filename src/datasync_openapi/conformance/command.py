"""``datasync conformance``: what ``make conformance`` runs.

Exit status: 0 the server conforms (or every finding is known to the baseline or of a class not failing the
run), 1 findings or operations not exercised, 2 the run could not run (preflight, options, baseline file),
130 / 143 stopped by SIGINT / SIGTERM (the reports hold what was found so far, marked incomplete).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from datasync_openapi.findings import ALL_CLASSES, FOREIGN_DEFAULT_FAIL_ON, BaselineError, Result, parse_classes, report
from datasync_openapi.findings import baseline as baselines
from datasync_openapi.specs import API, APIS, operations

from .options import DEFAULT_MAX_EXAMPLES, DEFAULT_RATE, DEFAULT_SEED, PHASES, ConformanceError

if TYPE_CHECKING:
    from .engine import Budget
    from .preflight import Credentials
    from .progress import Progress, Update

REPORT_FILES = ("conformance-*.xml", "conformance-*.json", "conformance.md", "conformance.html")


def add_parser(sub: Any) -> None:
    conf = sub.add_parser(
        "conformance",
        help="fuzz a server (default: the embedded mock) against the specs",
        description=__doc__,
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    conf.add_argument("--api", default="both", choices=["both", *APIS], help="which API (API=)")
    conf.add_argument(
        "--base-url", help="the API's base URL, e.g. https://host/v2/grades (BASE_URL=; default: the embedded mock)"
    )
    conf.add_argument("--token", help="a ready bearer token, OAuth2 access token or LTI JWT (TOKEN=, DATASYNC_TOKEN)")
    conf.add_argument("--client-id", help="OAuth2 client id (CLIENT_ID=, DATASYNC_CLIENT_ID)")
    conf.add_argument("--client-secret", help="OAuth2 client secret (CLIENT_SECRET=, DATASYNC_CLIENT_SECRET)")
    conf.add_argument("--token-url", help="OAuth2 token URL for the client credentials (TOKEN_URL=)")
    conf.add_argument("--basic", metavar="KEY:SECRET", help="API key and secret for GET /tenants (BASIC=)")
    conf.add_argument(
        "--writes",
        action="store_true",
        help="also send POST/PUT/PATCH/DELETE to --base-url (WRITES=1; default read-only)",
    )
    conf.add_argument("--phases", default=",".join(PHASES), help="schemathesis phases, comma-separated (PHASES=)")
    conf.add_argument(
        "--max-examples", type=int, default=DEFAULT_MAX_EXAMPLES, help="generated cases per operation (MAX_EXAMPLES=)"
    )
    conf.add_argument("--seed", type=int, default=DEFAULT_SEED, help="random seed: same seed, same cases (SEED=)")
    conf.add_argument("--max-time", type=float, help="stop each API's run after this many seconds (MAX_TIME=)")
    conf.add_argument(
        "--rate",
        type=float,
        help=f"requests per second at most (RATE=; default {DEFAULT_RATE:g} for --base-url, unlimited for the mock)",
    )
    conf.add_argument(
        "--fail-on",
        help="finding classes that fail the run, comma-separated or 'all' (FAIL_ON=; default: all for the "
        "embedded mock, all but accepts-invalid for --base-url)",
    )
    conf.add_argument(
        "--baseline", type=Path, help="JSON file of accepted findings: they do not fail the run (BASELINE=)"
    )
    conf.add_argument(
        "--update-baseline", action="store_true", help="write this run's findings to --baseline (UPDATE_BASELINE=1)"
    )
    conf.add_argument(
        "--allow-not-exercised",
        action="store_true",
        help="do not fail when an operation never reached a 2xx (ALLOW_NOT_EXERCISED=1)",
    )
    conf.add_argument(
        "--include",
        metavar="OPERATION_ID,...",
        help="only these operations, by operationId, e.g. listExchanges,getExchange (INCLUDE=; default: all)",
    )
    conf.add_argument("--reports", type=Path, default=Path("reports"), help="directory for the reports (REPORTS=)")
    # -- the config file (config.py): keep these last, so that every option above can be set in it
    from . import config

    config.add_arguments(conf)
    config.track_given(conf)
    conf.set_defaults(func=main, config_parser=conf)


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


def _clear_reports(directory: Path) -> None:
    """``reports/`` holds only the current run's files: remove the previous run's (only ours)."""
    if directory.is_dir():
        for pattern in REPORT_FILES:
            for old in directory.glob(pattern):
                old.unlink()


def main(args: argparse.Namespace) -> int:
    # The engine (schemathesis, requests: about 1 s to import) is imported when the command runs, not when the
    # `datasync` parser is built.
    from .config import apply
    from .engine import Budget

    # The config file (datasync.toml, [tool.datasync], --config) fills what the command line did not give.
    args.parameter_values = apply(args, args.config_parser).parameters
    apis: list[API] = list(APIS) if args.api == "both" else [args.api]
    phases = tuple(p.strip() for p in args.phases.split(",") if p.strip())
    unknown = [p for p in phases if p not in PHASES]
    if unknown or not phases:
        raise ConformanceError(f"PHASES takes a comma-separated list of {', '.join(PHASES)}; got {args.phases!r}")
    if args.max_examples < 1:
        raise ConformanceError("MAX_EXAMPLES must be at least 1")
    if args.update_baseline and args.baseline is None:
        raise ConformanceError("UPDATE_BASELINE=1 needs BASELINE=file.json (the file to write)")
    only = [o.strip() for o in args.include.split(",") if o.strip()] if args.include else None
    if only is not None:
        known = {op.operation_id for api in apis for op in operations(api)}
        unknown_ops = sorted(set(only) - known)
        if unknown_ops:
            raise ConformanceError(f"INCLUDE: unknown operationId {', '.join(unknown_ops)}")
    budget = Budget(phases=phases, max_examples=args.max_examples, seed=args.seed, max_time=args.max_time)
    foreign = bool(args.base_url)
    try:
        fail_on = parse_classes(args.fail_on) if args.fail_on else (FOREIGN_DEFAULT_FAIL_ON if foreign else ALL_CLASSES)
    except ValueError as exc:
        raise ConformanceError(f"FAIL_ON: {exc}") from None
    entries: dict[str, dict[str, Any]] = {}
    if args.baseline is not None and not args.update_baseline:
        try:
            entries = baselines.load(args.baseline)
        except BaselineError as exc:
            raise ConformanceError(str(exc)) from None
    run_one = _run_foreign if foreign else _run_embedded
    from .progress import Interrupt, Interrupted, Progress, both, mark_incomplete

    try:
        with Interrupt() as interrupt:
            with Progress() as progress:
                results = run_one(args, apis, budget, fail_on, only, progress, both(progress, interrupt))
            if interrupt.signum is not None:
                for result in results:
                    mark_incomplete(result, f"stopped by {interrupt.name}")
                if args.update_baseline:
                    print(f"{interrupt.name}: baseline {args.baseline} not updated (the run is incomplete)")
                    args.update_baseline = False
                _finish(args, results, entries)
                return interrupt.status
            return _finish(args, results, entries)
    except Interrupted as exc:
        print(f"conformance: stopped by {exc} before the run could write its reports", file=sys.stderr)
        return exc.status


def _finish(args: argparse.Namespace, results: list[Result], entries: dict[str, dict[str, Any]]) -> int:
    if args.update_baseline:
        kept = []
        if args.baseline.exists():
            try:
                kept = baselines.untouched(baselines.load(args.baseline), results)
            except BaselineError:
                kept = []
        count = baselines.write(args.baseline, [f for r in results for f in r.findings], kept)
        entries = baselines.load(args.baseline)
        print(f"wrote baseline {args.baseline} ({count} findings); commit it and run with BASELINE={args.baseline}")
    if entries or args.baseline is not None:
        for result in results:
            baselines.apply(result, entries)
            result.parameters["baseline"] = str(args.baseline)
    return _report(args.reports, results)


def _run_foreign(
    args: argparse.Namespace,
    apis: list[API],
    budget: Budget,
    fail_on: frozenset[Any],
    only: list[str] | None,
    progress: Progress,
    on_progress: Callable[[Update], None],
) -> list[Result]:
    from .engine import run, write_plan
    from .manners import Manners
    from .preflight import run_preflight

    if len(apis) != 1:
        raise ConformanceError("BASE_URL needs API=grades or API=interop (one API per base URL)")
    api = apis[0]
    base_url = args.base_url.rstrip("/")
    credentials = _credentials(args)
    progress.status(f"preflight of {api} at {base_url}")
    preflight = run_preflight(api, base_url, credentials)
    rate = args.rate if args.rate is not None else DEFAULT_RATE
    print(
        f"conformance: {api} at {base_url} ({'writes allowed' if args.writes else 'read-only'}, "
        f"at most {rate:g} requests/s); preflight passed in {preflight.seconds:.1f} s, "
        f"{len(preflight.ids)} real ids discovered",
        flush=True,
    )
    if args.writes:
        print(write_plan(api, base_url), flush=True)
    result = run(
        api,
        base_url=base_url,
        credentials=credentials,
        bearer=preflight.bearer,
        budget=budget,
        writes=args.writes,
        manners=Manners(rate=rate if rate > 0 else None),
        ids=preflight.ids,
        only=only,
        fail_on=fail_on,
        allow_not_exercised=args.allow_not_exercised,
        on_progress=on_progress,
        values=args.parameter_values,
    )
    result.notes[:0] = preflight.notes
    return [result]


def _run_embedded(
    args: argparse.Namespace,
    apis: list[API],
    budget: Budget,
    fail_on: frozenset[Any],
    only: list[str] | None,
    progress: Progress,
    on_progress: Callable[[Update], None],
) -> list[Result]:
    from datasync_openapi.mock import DEMO_API_KEY, DEMO_API_SECRET, DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, create_app
    from datasync_openapi.server import running

    from .engine import run
    from .manners import Manners
    from .preflight import Credentials

    app = create_app()
    results: list[Result] = []
    with running(app) as base:
        print(f"conformance: embedded mock at {base}", flush=True)
        credentials = Credentials(
            client_id=DEMO_CLIENT_ID,
            client_secret=DEMO_CLIENT_SECRET,
            token_url=f"{base}/oauth/token",
            basic=(DEMO_API_KEY, DEMO_API_SECRET),
        )
        for api in apis:
            results.append(
                run(
                    api,
                    base_url=f"{base}/v2/{api}",
                    credentials=credentials,
                    budget=budget,
                    writes=True,
                    reset=app.reset,
                    only=only,
                    manners=Manners(rate=args.rate or None),
                    fail_on=fail_on,
                    allow_not_exercised=args.allow_not_exercised,
                    embedded=True,
                    on_progress=on_progress,
                    values=args.parameter_values,
                )
            )
    return results


def _report(directory: Path, results: list[Result]) -> int:
    _clear_reports(directory)
    for result in results:
        print(report.summary(result))
        report.write_junit(result, directory / f"conformance-{result.api}.xml")
        report.write_json(result, directory / f"conformance-{result.api}.json")
    report.write_markdown(results, directory / "conformance.md")
    report.write_html(results, directory / "conformance.html")
    cases = sum(r.cases for r in results)
    findings = sum(len(r.findings) for r in results)
    failing = sum(len(r.failing()) for r in results)
    reached = sum(r.reached() for r in results)
    total = sum(len(r.operations) for r in results)
    ok = all(r.ok for r in results)
    print(
        f"{'PASS' if ok else 'FAIL'}: {cases} cases, {findings} distinct findings ({failing} failing the run), "
        f"{reached} of {total} operations reached a 2xx; reports in {directory}/ "
        "(conformance.html, conformance.md, conformance-<api>.json, conformance-<api>.xml)"
    )
    sys.stdout.flush()
    return 0 if ok else 1
