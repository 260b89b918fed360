"""``datasync conformance``: what ``make conformance`` runs.

Exit status: 0 the server conforms (or every finding is known to the baseline or of a class not failing the
run), 1 findings or operations not exercised, 2 the run could not run (preflight, options, baseline file),
130 / 143 stopped by SIGINT / SIGTERM (the reports hold what was found so far, marked incomplete).
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from datasync_openapi.conformance import config, suite
from datasync_openapi.conformance.options import (
    CHECK_NAMES,
    DEFAULT_MAX_EXAMPLES,
    DEFAULT_MAX_RESPONSE_SIZE,
    DEFAULT_RATE,
    DEFAULT_REQUEST_TIMEOUT,
    DEFAULT_SEED,
    PHASES,
    ConformanceError,
)
from datasync_openapi.conformance.suite import (
    base_url,
    check_reports,
    parse_rate,
    require_base_url,
    select,
    write_reports,
)
from datasync_openapi.contract import API, APIS
from datasync_openapi.findings import ALL_CLASSES, FOREIGN_DEFAULT_FAIL_ON, parse_classes
from datasync_openapi.findings import baseline as baselines
from datasync_openapi.findings.merge import EMBEDDED

from ._command import add_command

if TYPE_CHECKING:
    from datasync_openapi.conformance.engine import Budget
    from datasync_openapi.conformance.progress import Update
    from datasync_openapi.findings import Result


def add_parser(sub: Any) -> None:
    conf = add_command(
        sub,
        "conformance",
        run,
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
    conf.add_argument(
        "--max-time",
        metavar="SECONDS",
        help="a hard bound on each API's run, preflight and requests in flight included (MAX_TIME=)",
    )
    conf.add_argument(
        "--max-response-size",
        metavar="BYTES",
        default=str(DEFAULT_MAX_RESPONSE_SIZE),
        help="the largest response body read; a larger one is a transport finding; suffixes KiB, MiB, GiB "
        "(MAX_RESPONSE_SIZE=)",
    )
    conf.add_argument(
        "--request-timeout",
        metavar="SECONDS",
        default=f"{DEFAULT_REQUEST_TIMEOUT:g}",
        help="a deadline for each whole exchange: connect, headers and body (REQUEST_TIMEOUT=)",
    )
    conf.add_argument(
        "--rate",
        metavar="N|unlimited",
        help=f"requests per second at most, a positive number or 'unlimited', for --base-url (RATE=; default "
        f"{DEFAULT_RATE:g}; the embedded mock is never limited)",
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
    conf.add_argument(
        "--shard",
        metavar="I/N",
        help="only the I-th of N shares of the operations (a stable split), e.g. 1/3, for CI jobs sharing a "
        "tenant; reports are named conformance-<api>.shard-I-of-N.json etc. (SHARD=; default: all)",
    )
    conf.add_argument(
        "--exclude-checks",
        metavar="CHECK,...",
        help="schemathesis checks not to run, e.g. ignored_auth (EXCLUDE_CHECKS=; default: none; the lifecycle "
        "probes are use_after_free and ensure_resource_availability)",
    )
    conf.add_argument("--reports", type=Path, default=Path("reports"), help="directory for the reports (REPORTS=)")
    # -- the config file (config.py): keep these last, so that every option above can be set in it
    config.add_arguments(conf)
    config.track_given(conf)
    conf.set_defaults(config_parser=conf)


MISSING_EXTRA = "datasync conformance needs the conformance extra: pip install 'datasync-openapi[conformance]'"


def run(args: argparse.Namespace) -> int:
    if importlib.util.find_spec("schemathesis") is None:  # the mock, proxy and fixture do not need it
        raise ConformanceError(MISSING_EXTRA)
    # The config file (datasync.toml, [tool.datasync], --config) fills what the command line did not give.
    args.parameter_values = config.apply(args, args.config_parser).parameters
    require_base_url(args)
    foreign = base_url(args) is not None
    writes = bool(args.writes) or not foreign  # the embedded mock is always written to
    apis: list[API] = list(APIS) if args.api == "both" else [args.api]
    phases = tuple(p.strip() for p in args.phases.split(",") if p.strip())
    unknown = [p for p in phases if p not in PHASES]
    if unknown or not phases:
        raise ConformanceError(f"PHASES takes a comma-separated list of {', '.join(PHASES)}; got {args.phases!r}")
    if args.max_examples < 1:
        raise ConformanceError("MAX_EXAMPLES must be at least 1")
    rate = parse_rate(args.rate, DEFAULT_RATE)
    if foreign and len(apis) != 1:
        raise ConformanceError("BASE_URL needs API=grades or API=interop (one API per base URL)")
    apis, only, shard = select(args, apis, writes)
    narrowed = bool(args.include) or shard is not None  # a baseline update from it removes no entry
    excluded = tuple(c.strip() for c in (args.exclude_checks or "").split(",") if c.strip())
    unknown_checks = sorted(set(excluded) - set(CHECK_NAMES))
    if unknown_checks:
        raise ConformanceError(
            f"EXCLUDE_CHECKS: unknown check {', '.join(unknown_checks)} (known: {', '.join(CHECK_NAMES)})"
        )
    args.max_time = suite.seconds("MAX_TIME", args.max_time)
    args.max_response_size = suite.size(args.max_response_size)
    request_timeout = suite.seconds("REQUEST_TIMEOUT", args.request_timeout) or DEFAULT_REQUEST_TIMEOUT
    try:
        fail_on = parse_classes(args.fail_on) if args.fail_on else (FOREIGN_DEFAULT_FAIL_ON if foreign else ALL_CLASSES)
    except ValueError as exc:
        raise ConformanceError(f"FAIL_ON: {exc}") from None
    entries = suite.load_baseline(args)
    check_reports(args.reports)
    # The engine (schemathesis, requests: about 1 s to import) is imported once the options are known to be good,
    # not when the `datasync` parser is built nor to refuse an option.
    from datasync_openapi.conformance.engine import Budget

    budget = Budget(
        phases=phases,
        max_examples=args.max_examples,
        seed=args.seed,
        max_time=args.max_time,
        request_timeout=request_timeout,
        exclude_checks=excluded,
    )
    from datasync_openapi.conformance.progress import Interrupt, Interrupted, Progress, both, mark_incomplete

    try:
        with Interrupt() as interrupt:
            with Progress() as progress:
                on_progress = both(progress, interrupt)
                if foreign:
                    results = suite.run_foreign(args, apis, budget, fail_on, only, rate, progress, on_progress)
                else:
                    results = _run_embedded(args, apis, budget, fail_on, only, on_progress)
            for result in results:
                if not foreign:
                    result.parameters["server"] = EMBEDDED
                if shard is not None:
                    result.parameters["shard"] = str(shard)
                if interrupt.signum is not None:
                    mark_incomplete(result, f"stopped by {interrupt.name}")
            if args.update_baseline and interrupt.signum is not None:
                print(f"{interrupt.name}: baseline {args.baseline} not updated (the run is incomplete)")
            elif args.update_baseline:
                entries = suite.update_baseline(args, results, entries, writes=writes, live=foreign, narrowed=narrowed)
            if args.baseline is not None:
                for result in results:
                    baselines.apply(result, entries, writes=writes, narrowed=narrowed)
                    result.parameters["baseline"] = str(args.baseline)
            status = write_reports(args.reports, results, shard.suffix if shard else "")
            return interrupt.status if interrupt.signum is not None else status
    except Interrupted as exc:
        print(f"conformance: stopped by {exc} before the run could write its reports", file=sys.stderr)
        return exc.status


def _run_embedded(
    args: argparse.Namespace,
    apis: list[API],
    budget: Budget,
    fail_on: frozenset[Any],
    only: list[str] | None,
    on_progress: Callable[[Update], None],
) -> list[Result]:
    from datasync_openapi.conformance.engine import run
    from datasync_openapi.conformance.manners import Manners
    from datasync_openapi.conformance.preflight import Credentials
    from datasync_openapi.mock import DEMO_API_KEY, DEMO_API_SECRET, DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, create_app
    from datasync_openapi.server import running

    # the cli composes the mock and the suite (conformance and mock are peers: neither imports the other)
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
                    manners=Manners(
                        max_response_size=args.max_response_size,
                        request_timeout=budget.request_timeout,
                    ),
                    fail_on=fail_on,
                    allow_not_exercised=args.allow_not_exercised,
                    embedded=True,
                    on_progress=on_progress,
                    values=args.parameter_values,
                )
            )
    return results


__all__ = ["add_parser", "run"]
