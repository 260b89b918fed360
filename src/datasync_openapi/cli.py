"""The ``datasync`` command: run the mock, list and show Grades Exchanges (``exchanges``), download their
artifacts (``artifacts``), run the conformance suite.

    datasync mock [--host 127.0.0.1] [--port 8000] [--state FILE] [--seed-from traffic.har] [--seed FILE]
    datasync proxy --upstream https://api.us2.kimonocloud.com [--port 8080] [--strict] [--baseline FILE]
                   [--record traffic.har] [--reports reports]
    datasync conformance                                   # both APIs against the embedded mock
    datasync conformance --api grades --base-url https://host/v2/grades --token TOKEN
    datasync conformance --api grades --base-url URL --client-id ID --client-secret S --token-url URL
    datasync conformance --api interop --base-url URL --token T --basic KEY:SECRET [--writes]
    datasync report merge reports/conformance-grades.shard-*.json --reports reports

    datasync --version                                     # also: python -m datasync_openapi ...

    datasync exchanges list [--state created] [--max 100]
    datasync exchanges get EXCHANGE_ID
    datasync artifacts details EXCHANGE_ID -o details.json      (or: artifacts consumerlogs ...)

Options also come from the environment: DATASYNC_TOKEN, DATASYNC_CLIENT_ID, DATASYNC_CLIENT_SECRET,
DATASYNC_TOKEN_URL, DATASYNC_BASIC (so secrets need not appear in a process list). The exchanges and
artifacts commands talk to DATASYNC_URL (default https://api.us2.kimonocloud.com; the mock:
http://127.0.0.1:8000) with DATASYNC_TOKEN, or DATASYNC_CLIENT_ID + DATASYNC_CLIENT_SECRET (token URL:
DATASYNC_TOKEN_URL, default $DATASYNC_URL/oauth/token).
"""

from __future__ import annotations

import argparse
import importlib.metadata
import json
import os
import sqlite3
import sys
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from datasync_openapi.conformance import command as conformance_command
from datasync_openapi.conformance import report_command
from datasync_openapi.conformance.options import ConformanceError
from datasync_openapi.proxy import command as proxy_command
from datasync_openapi.server_options import add_connection_options, cannot_listen

DEFAULT_URL = "https://api.us2.kimonocloud.com"
API_ENVIRONMENT = f"""environment:
  DATASYNC_URL           the server (default: {DEFAULT_URL}; the mock: http://127.0.0.1:8000)
  DATASYNC_TOKEN         a ready bearer token, or:
  DATASYNC_CLIENT_ID     OAuth2 client credentials ...
  DATASYNC_CLIENT_SECRET ... (never printed)
  DATASYNC_TOKEN_URL     their token endpoint (default: $DATASYNC_URL/oauth/token)

exit status: 0 done, 1 the API answered with an error, 2 bad configuration or the server cannot be reached"""


def _mock(args: argparse.Namespace) -> int:
    from datasync_openapi.mock import (
        DEMO_API_KEY,
        DEMO_API_SECRET,
        DEMO_CLIENT_ID,
        DEMO_CLIENT_SECRET,
        DEMO_TOKEN,
        AuthConfig,
        MockConfig,
        create_app,
    )
    from datasync_openapi.server import serve

    problem = cannot_listen(args.host, args.port)
    if problem:
        return _fail(problem)
    auth = AuthConfig(static_token=args.token or DEMO_TOKEN)
    state = args.state
    scratch = None
    if args.workers > 1 and state is None:  # workers share state through a SQLite file: a temporary one
        scratch = tempfile.TemporaryDirectory(prefix="datasync-mock-")
        state = os.path.join(scratch.name, "state.sqlite")
    config = MockConfig(auth=auth, state_file=state, shared=args.workers > 1)
    from datasync_openapi.mock import har, journal, seeding

    recorded = None
    try:
        recorded = har.load(args.seed_from) if args.seed_from is not None else None
        seeds = [seeding.read(args.seed)] if args.seed is not None else []
    except (har.HarError, seeding.SeedError) as exc:
        return _fail(str(exc))
    config.seeder = seeding.seeder(not args.no_demo_data, recorded, seeds)
    try:
        app = create_app(config)
    except seeding.SeedError as exc:
        return _fail(str(exc))
    except (sqlite3.Error, OSError) as exc:
        return _fail(f"cannot use the state file {state}: {exc}")
    base = f"http://{args.host}:{args.port}"
    where = args.state or f"{'a temporary SQLite file' if scratch else 'in memory'} (lost on exit)"
    print(
        f"datasync mock on {base}\n"
        f"  Grades Exchange API  {base}/v2/grades\n"
        f"  Interop API          {base}/v2/interop\n"
        f"  OAuth2 token URL     {base}/oauth/token  (client_id={DEMO_CLIENT_ID} client_secret={DEMO_CLIENT_SECRET})\n"
        f"  static bearer token  {auth.static_token}\n"
        f"  Basic (GET /tenants) {DEMO_API_KEY}:{DEMO_API_SECRET}\n"
        f"  controls             POST {base}/_mock/reset, POST|GET|DELETE {base}/_mock/faults, "
        f"POST {base}/_mock/tokens/expire, GET|DELETE {base}/_mock/requests, POST {base}/_mock/exchanges\n"
        f"  state                {where}\n"
        f"  worker processes     {args.workers}"
        + (f"\n  {recorded.summary()}" if recorded is not None else "")
        + "".join(f"\n  {one.summary()}" for one in seeds)
        + ("\n  no demo data" if args.no_demo_data else ""),
        flush=True,
    )
    bounds = {"header_timeout": args.header_timeout, "max_connections": args.max_connections}
    if args.workers == 1:
        with journal.request_log(args.quiet, args.log_level):
            serve(app, args.host, args.port, log_level=args.log_level, **bounds)
        return 0
    from datasync_openapi.mock import worker

    app.close()  # seeded; each worker opens the file itself
    scratch = scratch or tempfile.TemporaryDirectory(prefix="datasync-mock-")  # the shared journal lives there
    os.environ[worker.ENV] = worker.settings(
        state,
        auth.static_token or "",
        args.seed_from,
        seed=args.seed,
        demo_data=not args.no_demo_data,
        journal=os.path.join(scratch.name, "requests.sqlite"),
        quiet=args.quiet,
        log_level=args.log_level,
    )
    try:
        serve(f"{worker.__name__}:app", args.host, args.port, log_level=args.log_level, workers=args.workers, **bounds)
    finally:
        if scratch is not None:
            scratch.cleanup()
    return 0


# -- errors: one line on stderr, never a traceback ------------------------------------------------------------
class _ConfigError(Exception):
    """Bad configuration (environment, options): one line on stderr, exit status 2."""


def _fail(message: str, status: int = 2) -> int:
    print(f"datasync: {message}", file=sys.stderr)
    return status


def _transport_problem(exc: Exception) -> str:
    """One line for an httpx transport error: what was asked of whom, and what went wrong."""
    import httpx

    try:
        request: httpx.Request | None = exc.request if isinstance(exc, httpx.RequestError) else None
    except RuntimeError:  # an httpx error raised without a request
        request = None
    target = ""
    if request is not None:
        target = f" {request.method} {request.url.copy_with(query=None, fragment=None, userinfo=b'')}"
    reason = str(exc) or type(exc).__name__
    if isinstance(exc, httpx.TimeoutException):
        what = f"timed out ({type(exc).__name__}) on{target}"
    elif isinstance(exc, httpx.ConnectError):
        what = f"cannot connect for{target}: {reason}"
    elif isinstance(exc, httpx.UnsupportedProtocol):
        what = f"cannot send{target}: {reason}"
    else:
        what = f"request failed{target}: {type(exc).__name__}: {reason}"
    return f"{what} (check DATASYNC_URL and that the server is running)"


def _api_command(run: Callable[[argparse.Namespace], int]) -> Callable[[argparse.Namespace], int]:
    """An API command: an API error is one line and exit status 1; a transport error (nothing listening, DNS,
    timeout) or bad configuration is one line and exit status 2. Never a traceback."""

    def command(args: argparse.Namespace) -> int:
        import httpx
        from datasync_grades.runtime import ApiError

        try:
            return run(args)
        except _ConfigError as exc:
            return _fail(str(exc))
        except ApiError as exc:
            return _fail(str(exc), 1)
        except httpx.TransportError as exc:
            return _fail(_transport_problem(exc))

    return command


def _say_retry(event: Any) -> None:
    print(f"datasync: {event}", file=sys.stderr, flush=True)


def _grades_client() -> Any:
    """A Grades client from the environment: DATASYNC_URL, DATASYNC_TOKEN or DATASYNC_CLIENT_ID and
    DATASYNC_CLIENT_SECRET (DATASYNC_TOKEN_URL, default: $DATASYNC_URL/oauth/token)."""
    import httpx
    from datasync_grades.runtime import RetryPolicy, connect, token_url_for

    url = os.environ.get("DATASYNC_URL", DEFAULT_URL).rstrip("/")
    base_url = f"{url}/v2/grades"
    try:
        token_url_for(base_url)  # an absolute http(s) URL, or a clear error
    except ValueError:
        shown = url if "@" not in url else "(a URL with user info)"
        raise _ConfigError(f"DATASYNC_URL must be an http(s) URL such as {DEFAULT_URL}, got {shown!r}") from None
    # Retry what is worth retrying (429, 503, a dropped connection) and say so; fail fast when nothing listens.
    retry = RetryPolicy(errors=(httpx.RemoteProtocolError,), on_retry=_say_retry)
    token = os.environ.get("DATASYNC_TOKEN")
    if token:
        return connect(base_url, token=token, retry=retry)
    client_id, secret = os.environ.get("DATASYNC_CLIENT_ID"), os.environ.get("DATASYNC_CLIENT_SECRET")
    if not (client_id and secret):
        missing = "DATASYNC_CLIENT_SECRET" if client_id else "DATASYNC_CLIENT_ID" if secret else None
        hint = f" ({missing} is not set)" if missing else ""
        raise _ConfigError(f"set DATASYNC_TOKEN, or DATASYNC_CLIENT_ID and DATASYNC_CLIENT_SECRET{hint}")
    token_url = os.environ.get("DATASYNC_TOKEN_URL") or f"{url}/oauth/token"
    return connect(base_url, client_id=client_id, client_secret=secret, token_url=token_url, retry=retry)


def _table(rows: list[list[str]], header: list[str]) -> str:
    widths = [max(len(str(cell)) for cell in column) for column in zip(header, *rows, strict=False)]
    lines = [
        "  ".join(str(cell).ljust(width) for cell, width in zip(row, widths, strict=False)).rstrip()
        for row in [header, ["-" * w for w in widths], *rows]
    ]
    return "\n".join(lines)


@_api_command
def _exchanges(args: argparse.Namespace) -> int:
    from datasync_grades.api.exchanges import count_exchanges, get_exchange, list_exchanges
    from datasync_grades.runtime import call, paginate

    with _grades_client() as client:
        if args.action == "get":
            exchange = call(get_exchange, args.id, client=client).data
            print(json.dumps(exchange.to_dict(), indent=2, default=str))
            return 0
        filters = {"state": args.state} if args.state else {}
        total = call(count_exchanges, client=client, **filters)
        limit = min(total, args.max) if args.max is not None else total
        progress = sys.stderr.isatty()
        rows: list[list[str]] = []
        for exchange in paginate(list_exchanges, client, max_items=args.max, page_size=100, **filters):
            rows.append(
                [
                    str(exchange.id),
                    str(exchange.state),
                    str(exchange.error_count),
                    str(exchange.course_app_id or ""),
                    str(exchange.created_at or ""),
                ]
            )
            if progress:
                done = int(30 * len(rows) / max(limit, 1))
                print(f"\r[{'#' * done}{'.' * (30 - done)}] {len(rows)}/{limit}", end="", file=sys.stderr)
        if progress:
            print(file=sys.stderr)
        print(_table(rows, ["id", "state", "errors", "course_app_id", "created_at"]))
        print(f"{len(rows)} of {total} exchanges")
        return 0


def _size_cap(args: argparse.Namespace) -> dict[str, int]:
    """``max_size=`` for the runtime when ``--max-size`` was given (else the runtime's own default)."""
    return {} if args.max_size is None else {"max_size": args.max_size << 20}


def _stream_artifact(args: argparse.Namespace, target: Path) -> tuple[int, int]:
    """Stream the artifact's decoded JSON to a temporary file beside ``target`` (made before anything is
    downloaded), renamed over ``target`` once all of it is written: a refused or failed download leaves
    ``target`` as it was. Returns (bytes downloaded, bytes written)."""
    from datasync_grades.workflows import save_artifact

    handle, part = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".part")
    try:
        with os.fdopen(handle, "wb") as out, _grades_client() as client:
            sizes = save_artifact(client, args.id, args.kind, out, **_size_cap(args))
        os.replace(part, target)
        return sizes
    finally:
        Path(part).unlink(missing_ok=True)


@_api_command
def _artifacts(args: argparse.Namespace) -> int:
    from datasync_grades.runtime import LimitExceeded
    from datasync_grades.workflows import decode_artifact, download_consumer_logs, download_details

    what = f"the {args.kind} artifact of {args.id}"
    try:
        if args.output in (None, "-"):
            download = download_details if args.kind == "details" else download_consumer_logs
            with _grades_client() as client:
                data = download(client, args.id)
            print(json.dumps(decode_artifact(data, **_size_cap(args)), indent=2))
            return 0
        try:
            downloaded, written = _stream_artifact(args, Path(args.output))
        except OSError as exc:
            return _fail(f"cannot write {args.output}: {exc.strerror or exc}")
    except LimitExceeded as exc:
        return _fail(f"{what} is refused: {exc}", 1)
    except ValueError as exc:
        return _fail(f"{what} is not what the API documents: {exc}", 1)
    print(f"wrote {args.output} ({downloaded} bytes compressed, {written} decoded)")
    return 0


class _HelpFormatter(argparse.RawDescriptionHelpFormatter):
    """Descriptions as written; every option's help ends with its default (unless it already says it)."""

    def _get_help_string(self, action: argparse.Action) -> str:
        text = action.help or ""
        if "(default" in text or not action.option_strings or action.default in (None, False, argparse.SUPPRESS):
            return text
        return f"{text} (default: %(default)s)"


def _workers(text: str) -> int:
    try:
        workers = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of workers: {text!r}") from None
    if not 1 <= workers <= 64:
        raise argparse.ArgumentTypeError(f"workers is between 1 and 64, not {workers}")
    return workers


def _mebibytes(text: str) -> int:
    try:
        mib = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of MiB: {text!r}") from None
    if not 1 <= mib <= 1 << 20:
        raise argparse.ArgumentTypeError(f"a size is between 1 and {1 << 20} MiB, not {mib}")
    return mib


def _port(text: str) -> int:
    try:
        port = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a port number: {text!r}") from None
    if not 1 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"a port is between 1 and 65535, not {port}")
    return port


def _add_api_parser(sub: Any, name: str, help_text: str, description: str) -> argparse.ArgumentParser:
    parser: argparse.ArgumentParser = sub.add_parser(
        name, help=help_text, description=description, epilog=API_ENVIRONMENT, formatter_class=_HelpFormatter
    )
    return parser


def version() -> str:
    """``datasync-openapi <version>``, the installed distribution's version (``datasync --version``)."""
    try:
        number = importlib.metadata.version("datasync-openapi")
    except importlib.metadata.PackageNotFoundError:  # imported from a source tree that was never installed
        number = "(not installed)"
    return f"datasync-openapi {number}"


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(
        prog="datasync", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    top.add_argument("--version", action="version", version=version(), help="print the version and exit")
    sub = top.add_subparsers(dest="command", required=True)

    mock = sub.add_parser(
        "mock",
        help="run the stateful mock of both APIs",
        description="Serve the stateful mock of the Grades Exchange and Interop APIs until Ctrl-C.",
        formatter_class=_HelpFormatter,
    )
    mock.add_argument("--host", default="127.0.0.1", help="address to listen on")
    mock.add_argument("--port", type=_port, default=8000, help="port to listen on")
    mock.add_argument(
        "--state",
        metavar="FILE",
        help="keep the mock's data in this SQLite file, so it survives restarts (default: in memory)",
    )
    mock.add_argument(
        "--seed-from",
        type=Path,
        metavar="FILE.har",
        help="also serve the objects of recorded traffic (a HAR file, e.g. from datasync proxy --record); "
        "they are added to the demo data and win on equal ids (default: the demo data only; SEED_FROM=)",
    )
    mock.add_argument("--token", help="the static bearer token the mock accepts (default: demo-token)")
    mock.add_argument(
        "--workers",
        type=_workers,
        default=1,
        help="worker processes sharing one state (the --state file, or a temporary one)",
    )
    mock.add_argument(
        "--log-level",
        default="info",
        choices=["critical", "error", "warning", "info", "debug"],
        help="uvicorn's log level",
    )
    mock.add_argument("--seed", type=Path, metavar="FILE", help="also serve these objects (JSON/YAML) (default: none)")
    mock.add_argument("--no-demo-data", action="store_true", help="start without the demo data (default: with it)")
    mock.add_argument("--quiet", action="store_true", help="no log line per request (default: one line each)")
    add_connection_options(mock)
    mock.set_defaults(func=_mock)

    conformance_command.add_parser(sub)
    report_command.add_parser(sub)
    proxy_command.add_parser(sub, _HelpFormatter, _port)

    exchanges = _add_api_parser(
        sub,
        "exchanges",
        "list or show Grades Exchanges (DATASYNC_URL, credentials)",
        "List the Grades Exchanges as a table, or show one as JSON.",
    )
    actions = exchanges.add_subparsers(dest="action", required=True)
    listing = _add_api_parser(actions, "list", "every exchange, as a table", "Every exchange, as a table.")
    listing.add_argument("--state", help="only exchanges in this state, e.g. created (default: every state)")
    listing.add_argument("--max", type=int, metavar="N", help="stop after N exchanges (default: no limit)")
    show = _add_api_parser(actions, "get", "one exchange, as JSON", "One exchange, as JSON.")
    show.add_argument("id", metavar="EXCHANGE_ID", help="the exchange's id (a UUID)")
    exchanges.set_defaults(func=_exchanges)

    artifacts = _add_api_parser(
        sub,
        "artifacts",
        "download and decode an exchange's artifact",
        "Download an exchange's details or consumer-logs artifact (gzip JSON) and decode it.\n\n"
        "An artifact over the caps (--max-size decoded; compressed: the runtime's DEFAULT_MAX_DOWNLOAD), a\n"
        "gzip bomb among them, is refused: one line, exit status 1, and FILE is left as it was.",
    )
    artifacts.add_argument("kind", choices=["details", "consumerlogs"], help="which artifact")
    artifacts.add_argument("id", metavar="EXCHANGE_ID", help="the exchange's id (a UUID)")
    artifacts.add_argument(
        "-o",
        "--output",
        metavar="FILE",
        help="stream the decoded JSON, as the artifact holds it, to FILE (default: standard output, indented)",
    )
    artifacts.add_argument(
        "--max-size",
        type=_mebibytes,
        metavar="MIB",
        help="refuse an artifact that decodes to more than MIB mebibytes, a gzip bomb among them "
        "(default: the runtime's DEFAULT_MAX_DECOMPRESSED)",
    )
    artifacts.set_defaults(func=_artifacts)
    return top


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return int(args.func(args))
    except ConformanceError as exc:
        print(f"datasync: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    raise SystemExit(main())


__all__ = ["main", "parser"]
