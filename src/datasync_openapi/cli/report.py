"""``datasync report merge``: the JSON reports of a sharded run (``--shard I/N``, one CI job each) merged into one
set of reports (HTML, Markdown, JUnit, JSON) and one verdict.

Exit status: 0 the merged run conforms, 1 findings or operations not exercised, 2 the reports cannot be merged
(unreadable, a shard missing or given twice, one operation in two reports).
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from datasync_openapi.conformance.options import ConformanceError
from datasync_openapi.conformance.suite import check_reports, write_reports
from datasync_openapi.findings.merge import MergeError, merge
from datasync_openapi.findings.report import ReportError, read_json

from ._command import add_command, subcommands


def add_parser(sub: Any) -> None:
    top = add_command(
        sub,
        "report",
        None,
        help="work with conformance reports: merge shards' JSON reports into one",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    actions = subcommands(top, "action")
    merging = add_command(
        actions,
        "merge",
        run,
        help="merge shards' JSON reports into one set of reports and one verdict",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    merging.add_argument(
        "inputs",
        nargs="+",
        type=Path,
        metavar="REPORT.json",
        help="the shards' JSON reports, e.g. reports/conformance-grades.shard-*.json",
    )
    merging.add_argument(
        "--reports",
        type=Path,
        default=Path("reports"),
        help="directory for the merged reports: conformance.html, conformance.md, conformance-<api>.json and .xml "
        "(default: reports)",
    )


def run(args: argparse.Namespace) -> int:
    try:
        results = merge([(path, read_json(path)) for path in args.inputs])
    except (ReportError, MergeError) as exc:
        raise ConformanceError(str(exc)) from None
    check_reports(args.reports)
    # The inputs may sit in the same directory: the merged reports are written beside them, nothing is removed.
    return write_reports(args.reports, results, clear=False)


__all__ = ["add_parser", "run"]
