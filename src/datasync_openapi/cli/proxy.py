"""``datasync proxy``: what ``make proxy`` runs.

Forwards both APIs (/v2/grades, /v2/interop) and the token endpoint (/oauth/token) to --upstream and checks
every request and response against the specs. Findings have the conformance suite's classes, stable keys and
spec-fix hints; GET /_proxy/report answers them so far (JSON). When the proxy stops (Ctrl-C, SIGTERM) it
writes proxy.html, proxy.md, proxy-<api>.json and proxy-<api>.xml (JUnit) into --reports and completes the
HAR file of --record. Credentials never reach a report, the HAR file or the log. An existing --record file is
replaced only with --overwrite-record (--append-record adds to it); when recording fails (a full disk) the
proxy says so once, records no more and keeps forwarding.

Exit status, once stopped (Ctrl-C, SIGTERM): 0 when no finding that fails the run was seen, 1 when one was;
2 when it cannot start (options, paths, baseline file, port).
"""

from __future__ import annotations

import argparse
import logging
import os
import signal
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from datasync_openapi.findings import FOREIGN_DEFAULT_FAIL_ON, BaselineError, Result, parse_classes, report
from datasync_openapi.numbers import positive_finite
from datasync_openapi.proxy.options import DEFAULT_TIMEOUT, MAX_BODY
from datasync_openapi.server_options import add_connection_options, cannot_listen

from ._command import add_command, fail, port

if TYPE_CHECKING:
    from datasync_openapi.contract import Mode

DEFAULT_PORT = 8080


def add_parser(sub: Any) -> None:
    proxy = add_command(
        sub,
        "proxy",
        run,
        help="a validating proxy in front of a server: every exchange checked against the specs",
        description=__doc__,
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
        "datasync mock --seed-from FILE.har serves them; an existing file is refused unless one of the next two",
    )
    proxy.add_argument(
        "--overwrite-record",
        action="store_true",
        help="replace an existing --record file (default: refuse it; OVERWRITE_RECORD=1)",
    )
    proxy.add_argument(
        "--append-record",
        action="store_true",
        help="add to an existing --record file the proxy completed (default: refuse it; APPEND_RECORD=1)",
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


def _summary(directory: Path, recording: Path | None, outcome: list[bool]) -> Any:
    """What the proxy prints when it stops (``report.summary`` neutralises what the upstream sent for the
    terminal); appends to ``outcome`` whether the run passed."""
    from datasync_openapi.proxy.app import REPORT_NAME

    def finish(results: list[Result]) -> None:
        for result in results:
            if result.cases:
                print(report.summary(result))
        findings = sum(len(r.findings) for r in results)
        new = sum(1 for r in results for f in r.findings if r.is_new(f))
        cases = sum(r.cases for r in results)
        passed = all(r.ok for r in results)
        outcome.append(passed)
        verdict = "PASS" if passed else "FAIL"
        print(
            f"{verdict}: {cases} exchanges checked, {findings} distinct findings ({new} new); reports in {directory}/ "
            f"({REPORT_NAME}.html, {REPORT_NAME}.md, {REPORT_NAME}-<api>.json, {REPORT_NAME}-<api>.xml)"
            + (f"; recorded {recording}" if recording else ""),
            flush=True,
        )

    return finish


def run(args: argparse.Namespace) -> int:
    from datasync_openapi.proxy.app import ProxyApp, ProxyConfig, parse_upstream
    from datasync_openapi.server import serve

    try:
        upstream = parse_upstream(args.upstream)
        fail_on = parse_classes(args.fail_on) if args.fail_on else FOREIGN_DEFAULT_FAIL_ON
    except ValueError as exc:
        return fail(str(exc))
    if args.update_baseline and args.baseline is None:
        return fail("--update-baseline needs --baseline FILE (the file to write)")
    if positive_finite(args.timeout) is None:
        return fail(f"--timeout must be a positive number of seconds, got {args.timeout}")
    if args.max_body < 0:
        return fail("--max-body must be at least 0")
    problem = _directory_problem(args.reports)
    if problem:
        return fail(f"--reports: {problem}")
    record_mode: Mode = "new"
    if args.record is not None:
        problem, record_mode = _record_problem(args.record, args.overwrite_record, args.append_record)
        if problem:
            return fail(problem)
    elif args.overwrite_record or args.append_record:
        return fail("--overwrite-record and --append-record need --record FILE.har")
    listen = cannot_listen(args.host, args.port)
    if listen:
        return fail(listen)
    outcome: list[bool] = []
    config = ProxyConfig(
        upstream=upstream,
        strict=args.strict,
        timeout=args.timeout,
        max_body=args.max_body,
        baseline=args.baseline,
        update_baseline=args.update_baseline,
        record=args.record,
        record_mode=record_mode,
        reports=args.reports,
        fail_on=fail_on,
        on_finish=_summary(args.reports, args.record, outcome),
    )
    try:
        app = ProxyApp(config)
    except BaselineError as exc:
        return fail(str(exc))
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
    # uvicorn handles Ctrl-C and SIGTERM (a graceful stop: the reports are written), then raises the signal
    # again for the handlers it found: these, so that the exit status is the verdict rather than the signal's
    previous = {sig: signal.signal(sig, _stopped) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
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
    finally:
        for sig, before in previous.items():
            signal.signal(sig, before)
    if not outcome:  # it never got to stop properly (the startup failed): it could not run
        return 2
    return 0 if outcome[0] else 1


def _stopped(signum: int, frame: Any) -> None:
    """The signal that stopped the proxy, raised again by uvicorn once it stopped: already handled."""


def _directory_problem(directory: Path) -> str:
    """Why files cannot be written into ``directory`` (created now if missing), or ``""``."""
    if directory.exists() and not directory.is_dir():
        return f"{directory} is not a directory"
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        return f"cannot create {directory}: {exc.strerror or exc}"
    if not os.access(directory, os.W_OK | os.X_OK):
        return f"cannot write into {directory}"
    return ""


def _record_problem(path: Path, overwrite: bool, append: bool) -> tuple[str, Mode]:
    """Why ``path`` cannot be recorded to (or ``""``), and how to open it."""
    from datasync_openapi.contract import appendable

    if overwrite and append:
        return "--overwrite-record and --append-record exclude each other", "new"
    if path.is_dir():
        return f"--record {path} is a directory", "new"
    problem = _directory_problem(path.parent)
    if problem:
        return f"--record {path}: {problem}", "new"
    if not path.exists():
        return "", "new"
    if append:
        try:
            appendable(path)
        except ValueError as exc:
            return str(exc), "new"
        return ("" if os.access(path, os.W_OK) else f"--append-record: cannot write to {path}"), "append"
    if overwrite:
        return ("" if os.access(path, os.W_OK) else f"--overwrite-record: cannot write to {path}"), "overwrite"
    size = path.stat().st_size
    return (
        f"refusing to replace the recording {path} ({size} bytes): --overwrite-record replaces it, "
        "--append-record adds to it (OVERWRITE_RECORD=1, APPEND_RECORD=1)",
        "new",
    )


__all__ = ["DEFAULT_PORT", "add_parser", "run"]
