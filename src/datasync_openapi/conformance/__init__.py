"""The conformance suite: fuzz a server against the specs and say exactly where they disagree.

    preflight   the target is reachable, serves the API, accepts the credentials; real ids discovered
    engine      schemathesis over one API (in-process or over HTTP), continue-on-failure, manners
    manners     rate limit and 429 backpressure toward a live server
    triage      schemathesis recordings -> coverage per operation and classified findings with hints
    command     ``datasync conformance`` (what ``make conformance`` runs)

Findings, their classes and keys, baselines and reports live in ``datasync_openapi.findings``, shared with
the validating proxy.
"""

from datasync_openapi.findings import Finding, FindingClass, Result
from datasync_openapi.findings.report import summary, write_html, write_json, write_junit, write_markdown

from .engine import DEFAULT_MAX_EXAMPLES, DEFAULT_SEED, PHASES, Budget, run, write_plan
from .manners import DEFAULT_RATE, Manners
from .preflight import ConformanceError, Credentials, Preflight, PreflightError, run_preflight

Report = Result  # the name earlier versions used

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
    "Report",
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
