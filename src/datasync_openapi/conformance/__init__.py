"""The conformance suite: fuzz a server against the specs and say exactly where they disagree.

    preflight   the target is reachable, serves the API, accepts the credentials; real ids discovered
    engine      schemathesis over one API (in-process or over HTTP), continue-on-failure, manners
    manners     rate limit and 429 backpressure toward a live server
    triage      schemathesis recordings -> coverage per operation and classified findings with hints
    options     the run's defaults and ConformanceError (light: what the command line needs)
    suite       the run from the command's options: selection, servers, baseline, reports (the command,
                ``datasync conformance``, is ``datasync_openapi.cli.conformance``)

Findings, their classes and keys, baselines and reports live in ``datasync_openapi.findings``, shared with
the validating proxy.

The names of the engine, manners and preflight are imported on first use (PEP 562): importing this package, or
``.suite`` for the ``datasync`` parser, does not import schemathesis and requests (about 1 s).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from datasync_openapi.findings import Finding, FindingClass, Result
from datasync_openapi.findings.report import summary, write_html, write_json, write_junit, write_markdown
from datasync_openapi.lazy import lazy_names

from .options import DEFAULT_MAX_EXAMPLES, DEFAULT_RATE, DEFAULT_SEED, PHASES, ConformanceError

if TYPE_CHECKING:
    from .engine import Budget, run, write_plan
    from .manners import Manners
    from .preflight import Credentials, Preflight, PreflightError, run_preflight

__getattr__ = lazy_names(
    __name__,
    {
        "Budget": ".engine",
        "run": ".engine",
        "write_plan": ".engine",
        "Manners": ".manners",
        "Credentials": ".preflight",
        "Preflight": ".preflight",
        "PreflightError": ".preflight",
        "run_preflight": ".preflight",
    },
)


__all__ = [
    "DEFAULT_MAX_EXAMPLES",
    "DEFAULT_RATE",
    "DEFAULT_SEED",
    "PHASES",
    "Budget",
    "ConformanceError",
    "Credentials",
    "Finding",
    "FindingClass",
    "Manners",
    "Preflight",
    "PreflightError",
    "Result",
    "run",
    "run_preflight",
    "summary",
    "write_html",
    "write_json",
    "write_junit",
    "write_markdown",
    "write_plan",
]
