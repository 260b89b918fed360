"""The ``datasync`` command: run the mock, run the conformance suite.

    datasync mock [--host 127.0.0.1] [--port 8000] [--state FILE]
    datasync conformance                                   # both APIs against the embedded mock
    datasync conformance --api grades --base-url https://host/v2/grades --token TOKEN
    datasync conformance --api grades --base-url URL --client-id ID --client-secret S --token-url URL
    datasync conformance --api interop --base-url URL --token T --basic KEY:SECRET [--writes]

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
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from datasync_openapi import conformance
from datasync_openapi.specs import API, APIS


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

    auth = AuthConfig(static_token=args.token or DEMO_TOKEN)
    app = create_app(MockConfig(auth=auth, state_file=args.state))
    base = f"http://{args.host}:{args.port}"
    print(
        f"datasync mock on {base}\n"
        f"  Grades Exchange API  {base}/v2/grades\n"
        f"  Interop API          {base}/v2/interop\n"
        f"  OAuth2 token URL     {base}/oauth/token  (client_id={DEMO_CLIENT_ID} client_secret={DEMO_CLIENT_SECRET})\n"
        f"  static bearer token  {auth.static_token}\n"
        f"  Basic (GET /tenants) {DEMO_API_KEY}:{DEMO_API_SECRET}\n"
        f"  controls             POST {base}/_mock/reset, POST|GET|DELETE {base}/_mock/faults, "
        f"POST {base}/_mock/tokens/expire\n"
        f"  state                {args.state or 'in memory (lost on exit)'}",
        flush=True,
    )
    serve(app, args.host, args.port, log_level=args.log_level)
    return 0


def _credentials(args: argparse.Namespace) -> conformance.Credentials:
    basic = args.basic or os.environ.get("DATASYNC_BASIC")
    pair = None
    if basic:
        user, sep, password = basic.partition(":")
        if not sep:
            raise conformance.ConformanceError("--basic takes KEY:SECRET")
        pair = (user, password)
    return conformance.Credentials(
        token=args.token or os.environ.get("DATASYNC_TOKEN") or None,
        client_id=args.client_id or os.environ.get("DATASYNC_CLIENT_ID") or None,
        client_secret=args.client_secret or os.environ.get("DATASYNC_CLIENT_SECRET") or None,
        token_url=args.token_url or os.environ.get("DATASYNC_TOKEN_URL") or None,
        basic=pair,
    )


def _conformance(args: argparse.Namespace) -> int:
    from datasync_openapi.mock import (
        DEMO_API_KEY,
        DEMO_API_SECRET,
        DEMO_CLIENT_ID,
        DEMO_CLIENT_SECRET,
        create_app,
    )
    from datasync_openapi.server import running

    apis: list[API] = list(APIS) if args.api == "both" else [args.api]
    budget = conformance.Budget(
        phases=tuple(args.phases.split(",")),
        max_examples=args.max_examples,
        seed=args.seed,
        max_time=args.max_time,
    )
    reports: list[conformance.Report] = []
    reports_dir = Path(args.reports)
    if args.base_url:
        if len(apis) != 1:
            raise conformance.ConformanceError("--base-url needs --api grades or --api interop")
        credentials = _credentials(args)
        if credentials.token is None and credentials.client_id is None and credentials.basic is None:
            raise conformance.ConformanceError(
                "give credentials: --token, --client-id/--client-secret/--token-url "
                "or --basic (or the DATASYNC_* environment variables)"
            )
        print(f"conformance: {apis[0]} at {args.base_url} ({'writes allowed' if args.writes else 'read-only'})")
        reports.append(
            conformance.run(
                apis[0], base_url=args.base_url.rstrip("/"), credentials=credentials, budget=budget, writes=args.writes
            )
        )
    else:
        app = create_app()
        with running(app) as base:
            print(f"conformance: embedded mock at {base}")
            credentials = conformance.Credentials(
                client_id=DEMO_CLIENT_ID,
                client_secret=DEMO_CLIENT_SECRET,
                token_url=f"{base}/oauth/token",
                basic=(DEMO_API_KEY, DEMO_API_SECRET),
            )
            for api in apis:
                reports.append(
                    conformance.run(
                        api,
                        base_url=f"{base}/v2/{api}",
                        credentials=credentials,
                        budget=budget,
                        writes=True,
                        reset=app.reset,
                    )
                )
    for report in reports:
        print(conformance.summary(report))
        conformance.write_junit(report, reports_dir / f"conformance-{report.api}.xml")
    conformance.write_markdown(reports, reports_dir / "conformance.md")
    total = sum(r.cases for r in reports)
    findings = sum(len(r.findings) + len(r.errors) for r in reports)
    print(f"{total} cases, {findings} findings; reports in {reports_dir}/ (conformance-<api>.xml, conformance.md)")
    return 0 if all(r.ok for r in reports) else 1


def _grades_client() -> Any:
    from datasync_grades.runtime import connect

    url = os.environ.get("DATASYNC_URL", "https://api.us2.kimonocloud.com").rstrip("/")
    token = os.environ.get("DATASYNC_TOKEN")
    if token:
        return connect(f"{url}/v2/grades", token=token)
    client_id, secret = os.environ.get("DATASYNC_CLIENT_ID"), os.environ.get("DATASYNC_CLIENT_SECRET")
    if not (client_id and secret):
        raise conformance.ConformanceError("set DATASYNC_TOKEN, or DATASYNC_CLIENT_ID and DATASYNC_CLIENT_SECRET")
    token_url = os.environ.get("DATASYNC_TOKEN_URL") or f"{url}/oauth/token"
    return connect(f"{url}/v2/grades", client_id=client_id, client_secret=secret, token_url=token_url)


def _table(rows: list[list[str]], header: list[str]) -> str:
    widths = [max(len(str(cell)) for cell in column) for column in zip(header, *rows, strict=False)]
    lines = [
        "  ".join(str(cell).ljust(width) for cell, width in zip(row, widths, strict=False)).rstrip()
        for row in [header, ["-" * w for w in widths], *rows]
    ]
    return "\n".join(lines)


def _exchanges(args: argparse.Namespace) -> int:
    from datasync_grades.api.exchanges import count_exchanges, get_exchange, list_exchanges
    from datasync_grades.runtime import ApiError, call, paginate

    with _grades_client() as client:
        try:
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
        except ApiError as error:
            print(f"datasync: {error}", file=sys.stderr)
            return 1


def _artifacts(args: argparse.Namespace) -> int:
    from datasync_grades.runtime import ApiError
    from datasync_grades.workflows import decode_artifact, download_consumer_logs, download_details

    download = download_details if args.kind == "details" else download_consumer_logs
    with _grades_client() as client:
        try:
            data = download(client, args.id)
        except ApiError as error:
            print(f"datasync: {error}", file=sys.stderr)
            return 1
    text = json.dumps(decode_artifact(data), indent=2)
    if args.output in (None, "-"):
        print(text)
    else:
        Path(args.output).write_text(text + "\n", encoding="utf-8")
        print(f"wrote {args.output} ({len(data)} bytes compressed, {len(text)} decoded)")
    return 0


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(
        prog="datasync", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    sub = top.add_subparsers(dest="command", required=True)

    mock = sub.add_parser("mock", help="run the stateful mock of both APIs")
    mock.add_argument("--host", default="127.0.0.1")
    mock.add_argument("--port", type=int, default=8000)
    mock.add_argument("--state", metavar="FILE", help="keep the mock's data in this SQLite file (survives restarts)")
    mock.add_argument("--token", help="the static bearer token the mock accepts (default: demo-token)")
    mock.add_argument("--log-level", default="info", choices=["critical", "error", "warning", "info", "debug"])
    mock.set_defaults(func=_mock)

    conf = sub.add_parser("conformance", help="fuzz a server (default: the embedded mock) against the specs")
    conf.add_argument("--api", default="both", choices=["both", *APIS])
    conf.add_argument("--base-url", help="the API's base URL, e.g. https://host/v2/grades (default: embedded mock)")
    conf.add_argument("--token", help="a ready bearer token (OAuth2 access token or LTI JWT)")
    conf.add_argument("--client-id")
    conf.add_argument("--client-secret")
    conf.add_argument("--token-url", help="OAuth2 token URL for --client-id/--client-secret")
    conf.add_argument("--basic", metavar="KEY:SECRET", help="API key and secret for Basic operations (GET /tenants)")
    conf.add_argument(
        "--writes",
        action="store_true",
        help="also run POST/PUT/PATCH/DELETE against --base-url (the default is read-only)",
    )
    conf.add_argument("--phases", default=",".join(conformance.PHASES))
    conf.add_argument("--max-examples", type=int, default=conformance.DEFAULT_MAX_EXAMPLES)
    conf.add_argument("--seed", type=int, default=conformance.DEFAULT_SEED)
    conf.add_argument("--max-time", type=int, help="stop each API's run after this many seconds")
    conf.add_argument("--reports", default="reports", help="directory for the JUnit XML and Markdown reports")
    conf.set_defaults(func=_conformance)

    exchanges = sub.add_parser("exchanges", help="list or show Grades Exchanges (DATASYNC_URL, credentials)")
    actions = exchanges.add_subparsers(dest="action", required=True)
    listing = actions.add_parser("list", help="every exchange, as a table")
    listing.add_argument("--state", help="only exchanges in this state")
    listing.add_argument("--max", type=int, help="stop after this many")
    show = actions.add_parser("get", help="one exchange, as JSON")
    show.add_argument("id")
    exchanges.set_defaults(func=_exchanges)

    artifacts = sub.add_parser("artifacts", help="download and decode an exchange's artifact")
    artifacts.add_argument("kind", choices=["details", "consumerlogs"])
    artifacts.add_argument("id")
    artifacts.add_argument("-o", "--output", help="write the decoded JSON here (default: standard output)")
    artifacts.set_defaults(func=_artifacts)
    return top


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return int(args.func(args))
    except conformance.ConformanceError as exc:
        print(f"datasync: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    raise SystemExit(main())
