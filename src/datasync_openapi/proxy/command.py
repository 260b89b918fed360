"""``datasync proxy``: what ``make proxy`` runs.

Forwards both APIs (/v2/grades, /v2/interop) and the token endpoint (/oauth/token) to --upstream and checks
every request and response against the specs. Findings have the conformance suite's classes, stable keys and
spec-fix hints; GET /_proxy/report answers them so far (JSON). When the proxy stops (Ctrl-C, SIGTERM) it
writes proxy.html, proxy.md, proxy-<api>.json and proxy-<api>.xml (JUnit) into --reports and completes the
HAR file of --record. Credentials never reach a report, the HAR file or the log.

Exit status: 2 when it cannot start (options, baseline file, port); otherwise the signal that stopped it.
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path
from typing import Any

from datasync_openapi.findings import FOREIGN_DEFAULT_FAIL_ON, BaselineError, Result, parse_classes, report
from datasync_openapi.server_options import add_connection_options

from .options import DEFAULT_TIMEOUT, MAX_BODY

DEFAULT_PORT = 8080


def add_parser(sub: Any, formatter: type[argparse.HelpFormatter], port: Any) -> None:
    proxy = sub.add_parser(
        "proxy",
        help="a validating proxy in front of a server: every exchange checked against the specs",
        description=__doc__,
        formatter_class=formatter,
    )
    proxy.add_argument(
        "--upstream",
        required=True,
        help="the server to forward to, e.g. https://api.us2.kimonocloud.com (UPSTREAM=; required)",
    )
    proxy.add_argument("--host", default="127.0.0.1", help="address to listen on")
    proxy.add_argument("--port", type=port, default=DEFAULT_PORT, help="port to listen on (PORT=)")
    proxy.add_argument(
        "--strict",
        action="store_true",
        help="answer a response that breaks the contract (a new response-contract finding) with a 502 JSON error "
        "instead of passing it on (default: pass every answer on; STRICT=1)",
    )
    proxy.add_argument(
        "--baseline",
        type=Path,
        help="JSON file of accepted findings (the conformance format): known, not new (default: none; BASELINE=)",
    )
    proxy.add_argument(
        "--update-baseline",
        action="store_true",
        help="when the proxy stops, write the findings seen to --baseline (default: off; UPDATE_BASELINE=1)",
    )
    proxy.add_argument(
        "--record",
        type=Path,
        metavar="FILE.har",
        help="write the exchanges as a HAR 1.2 file, credentials redacted (default: no recording; RECORD=); "
        "datasync mock --seed-from FILE.har serves them",
    )
    proxy.add_argument("--reports", type=Path, default=Path("reports"), help="directory for the reports (REPORTS=)")
    proxy.add_argument(
        "--timeout", type=float, default=DEFAULT_TIMEOUT, help="seconds to wait for the upstream (then 504) (TIMEOUT=)"
    )
    proxy.add_argument(
        "--max-body",
        type=int,
        default=MAX_BODY,
        metavar="BYTES",
        help="bodies up to this size are held, checked and recorded; larger ones stream through unchecked",
    )
    proxy.add_argument(
        "--fail-on",
        help="finding classes that make the report FAIL, comma-separated or 'all' "
        "(default: all but accepts-invalid; FAIL_ON=)",
    )
    proxy.add_argument(
        "--log-level",
        default="info",
        choices=["critical", "error", "warning", "info", "debug"],
        help="log level (info: one line per new finding, upstream failures)",
    )
    add_connection_options(proxy)
    proxy.set_defaults(func=main)


def _fail(message: str) -> int:
    print(f"datasync: {message}", file=sys.stderr)
    return 2


def _summary(directory: Path, recording: Path | None) -> Any:
    from .app import REPORT_NAME

    def finish(results: list[Result]) -> None:
        for result in results:
            if result.cases:
                print(report.summary(result))
        findings = sum(len(r.findings) for r in results)
        new = sum(1 for r in results for f in r.findings if r.is_new(f))
        cases = sum(r.cases for r in results)
        verdict = "PASS" if all(r.ok for r in results) else "FAIL"
        print(
            f"{verdict}: {cases} exchanges checked, {findings} distinct findings ({new} new); reports in {directory}/ "
            f"({REPORT_NAME}.html, {REPORT_NAME}.md, {REPORT_NAME}-<api>.json, {REPORT_NAME}-<api>.xml)"
            + (f"; recorded {recording}" if recording else ""),
            flush=True,
        )

    return finish


def main(args: argparse.Namespace) -> int:
    from datasync_openapi.cli import _cannot_listen as cannot_listen
    from datasync_openapi.server import serve

    from .app import ProxyApp, ProxyConfig, parse_upstream

    try:
        upstream = parse_upstream(args.upstream)
        fail_on = parse_classes(args.fail_on) if args.fail_on else FOREIGN_DEFAULT_FAIL_ON
    except ValueError as exc:
        return _fail(str(exc))
    if args.update_baseline and args.baseline is None:
        return _fail("--update-baseline needs --baseline FILE (the file to write)")
    if args.timeout <= 0 or args.max_body < 0:
        return _fail("--timeout must be positive and --max-body at least 0")
    problem = cannot_listen(args.host, args.port)
    if problem:
        return _fail(problem)
    if args.record is not None:
        try:
            args.record.parent.mkdir(parents=True, exist_ok=True)
            args.record.open("w", encoding="utf-8").close()
        except OSError as exc:
            return _fail(f"cannot record to {args.record}: {exc.strerror or exc}")
    config = ProxyConfig(
        upstream=upstream,
        strict=args.strict,
        timeout=args.timeout,
        max_body=args.max_body,
        baseline=args.baseline,
        update_baseline=args.update_baseline,
        record=args.record,
        reports=args.reports,
        fail_on=fail_on,
        on_finish=_summary(args.reports, args.record),
    )
    try:
        app = ProxyApp(config)
    except BaselineError as exc:
        return _fail(str(exc))
    logger = logging.getLogger("datasync_openapi.proxy")
    if not logger.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("datasync proxy: %(message)s"))
        logger.addHandler(handler)
    logger.setLevel(args.log_level.upper())
    base = f"http://{args.host}:{args.port}"
    mode = "strict: a contract-breaking answer becomes a 502" if args.strict else "pass-through"
    print(
        f"datasync proxy on {base} -> {upstream}\n"
        f"  Grades Exchange API  {base}/v2/grades\n"
        f"  Interop API          {base}/v2/interop\n"
        f"  OAuth2 token URL     {base}/oauth/token\n"
        f"  findings so far      GET {base}/_proxy/report\n"
        f"  mode                 {mode}"
        f"{f', baseline {args.baseline}' if args.baseline else ''}\n"
        f"  recording            {args.record or 'no (--record FILE.har)'}\n"
        f"  on exit (Ctrl-C)     reports in {args.reports}/",
        flush=True,
    )
    serve(
        app,
        args.host,
        args.port,
        log_level=args.log_level,
        lifespan=True,
        own_headers=False,
        header_timeout=args.header_timeout,
        max_connections=args.max_connections,
    )
    return 0


__all__ = ["DEFAULT_PORT", "add_parser", "main"]
