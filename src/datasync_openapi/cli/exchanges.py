"""``datasync exchanges list [--state S] [--max N]`` and ``datasync exchanges get EXCHANGE_ID``: the Grades
Exchanges of DATASYNC_URL as a table, or one as JSON."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from datasync_openapi.findings import neutral

from ._api import add_api_command, api_command, grades_client
from ._command import subcommands


def add_parser(sub: Any) -> None:
    exchanges = add_api_command(
        sub,
        "exchanges",
        None,
        "list or show Grades Exchanges (DATASYNC_URL, credentials)",
        "List the Grades Exchanges as a table, or show one as JSON.",
    )
    actions = subcommands(exchanges, "action")
    listing = add_api_command(actions, "list", run, "every exchange, as a table", "Every exchange, as a table.")
    listing.add_argument("--state", help="only exchanges in this state, e.g. created (default: every state)")
    listing.add_argument("--max", type=int, metavar="N", help="stop after N exchanges (default: no limit)")
    show = add_api_command(actions, "get", run, "one exchange, as JSON", "One exchange, as JSON.")
    show.add_argument("id", metavar="EXCHANGE_ID", help="the exchange's id (a UUID)")


def _table(rows: list[list[str]], header: list[str]) -> str:
    widths = [max(len(str(cell)) for cell in column) for column in zip(header, *rows, strict=False)]
    lines = [
        "  ".join(str(cell).ljust(width) for cell, width in zip(row, widths, strict=False)).rstrip()
        for row in [header, ["-" * w for w in widths], *rows]
    ]
    return "\n".join(lines)


@api_command
def run(args: argparse.Namespace) -> int:
    from datasync_grades.api.exchanges import count_exchanges, get_exchange, list_exchanges
    from datasync_grades.runtime import call, paginate

    with grades_client() as client:
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
            cells = (exchange.id, exchange.state, exchange.error_count, exchange.course_app_id, exchange.created_at)
            rows.append([neutral.terminal("" if cell is None else cell) for cell in cells])  # the server's text
            if progress:
                done = int(30 * len(rows) / max(limit, 1))
                print(f"\r[{'#' * done}{'.' * (30 - done)}] {len(rows)}/{limit}", end="", file=sys.stderr)
        if progress:
            print(file=sys.stderr)
        print(_table(rows, ["id", "state", "errors", "course_app_id", "created_at"]))
        print(f"{len(rows)} of {total} exchanges")
        return 0


__all__ = ["add_parser", "run"]
