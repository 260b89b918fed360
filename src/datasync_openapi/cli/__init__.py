"""The ``datasync`` command: run the mock, list and show Grades Exchanges (``exchanges``), download their
artifacts (``artifacts``), run the conformance suite.

    datasync mock [--host 127.0.0.1] [--port 8000] [--state FILE] [--seed-from traffic.har]
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

An error is one line on standard error (a usage error: the command's usage, then one line); each command's
--help gives its exit statuses, 2 always meaning it could not run (options, configuration).
"""

from __future__ import annotations

import argparse
import importlib.metadata
from collections.abc import Sequence

from datasync_openapi.conformance.options import ConformanceError

from . import artifacts, conformance, exchanges, mock, proxy, report
from ._command import Parser, fail, subcommands

# One module per command, each built one way (._command): add_parser(sub) adds its parser, with the run(args) this
# calls. The top of the layers: cli imports conformance, proxy, mock, findings; nothing below imports cli.
# In the order --help lists them.
COMMANDS = (mock, conformance, report, proxy, exchanges, artifacts)


def version() -> str:
    """``datasync-openapi <version>``, the installed distribution's version (``datasync --version``)."""
    try:
        number = importlib.metadata.version("datasync-openapi")
    except importlib.metadata.PackageNotFoundError:  # imported from a source tree that was never installed
        number = "(not installed)"
    return f"datasync-openapi {number}"


def parser() -> argparse.ArgumentParser:
    top = Parser(prog="datasync", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    top.add_argument("--version", action="version", version=version(), help="print the version and exit")
    sub = subcommands(top, "command")
    for command in COMMANDS:
        command.add_parser(sub)
    return top


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return int(args.func(args))
    except ConformanceError as exc:
        return fail(f"error: {exc}")
    except KeyboardInterrupt:
        return 130


__all__ = ["COMMANDS", "main", "parser", "version"]
