"""``datasync mock``: what ``make mock`` runs, the stateful mock of both APIs served until Ctrl-C.

Exit status: 0 stopped by Ctrl-C (SIGINT) after a clean shutdown, 2 it cannot start (address, state file, HAR
or seed file).
"""

from __future__ import annotations

import argparse
import os
import signal
import sqlite3
import tempfile
from pathlib import Path
from typing import Any

from datasync_openapi.numbers import integer_option
from datasync_openapi.server_options import add_connection_options, cannot_listen

from ._command import Parser, add_command, fail, port


def _workers(text: str) -> int:
    return integer_option(
        text, 1, 64, not_a_number="not a number of workers", out_of_range="workers is between 1 and 64, not {}"
    )


def add_parser(sub: Any) -> None:
    mock = add_command(
        sub,
        "mock",
        run,
        help="run the stateful mock of both APIs",
        description="Serve the stateful mock of the Grades Exchange and Interop APIs until Ctrl-C.\n\n"
        "Exit status: 0 stopped by Ctrl-C (SIGINT) after a clean shutdown, 2 it cannot start (address, state\n"
        "file, HAR file).",
    )
    add_options(mock)


def add_options(mock: Parser) -> None:
    """Every option of ``datasync mock``, in the order ``--help`` shows them."""
    mock.add_argument("--host", default="127.0.0.1", help="address to listen on")
    mock.add_argument("--port", type=port, default=8000, help="port to listen on")
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


def run(args: argparse.Namespace) -> int:
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
        return fail(problem)
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
        return fail(str(exc))
    config.seeder = seeding.seeder(not args.no_demo_data, recorded, seeds)
    try:
        app = create_app(config)
    except seeding.SeedError as exc:
        return fail(str(exc))
    except (sqlite3.Error, OSError) as exc:
        return fail(f"cannot use the state file {state}: {exc}")
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
    # uvicorn stops cleanly on Ctrl-C, then raises SIGINT again for the handler it found: this one, so that a
    # normal Ctrl-C ends with status 0 (not 130, which make reports as "Error 130").
    previous = signal.signal(signal.SIGINT, _stopped)
    try:
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
        serve(f"{worker.__name__}:app", args.host, args.port, log_level=args.log_level, workers=args.workers, **bounds)
    finally:
        signal.signal(signal.SIGINT, previous)
        if scratch is not None:
            scratch.cleanup()
    return 0


def _stopped(signum: int, frame: Any) -> None:
    """The SIGINT that stopped the mock, raised again by uvicorn once it stopped: already handled."""


__all__ = ["add_options", "add_parser", "run"]
