"""Fuzz a server against the specs with schemathesis and say exactly where they disagree.

One runner serves both modes:

* in-process: ``run(api, app=mock)`` drives an ASGI app directly (the dev loop; the store is reset before
  every non-stateful case so cases do not depend on each other);
* over HTTP: ``run(api, base_url=..., credentials=...)`` against the embedded mock started as a real server
  or any other server. Against a server that is not the embedded mock only GET operations run unless
  ``writes=True`` (people point this at production).

All schemathesis checks run, in the phases examples, coverage, fuzzing and stateful (following the specs'
``links``), with a fixed seed and a bounded number of examples per operation. The result is a ``Report``
per API: per operation the number of cases and the failing checks, each failure with its message and a
curl command that reproduces it. ``write_junit`` and ``write_markdown`` write them to ``reports/``.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

import httpx
import schemathesis
from schemathesis.config import SchemathesisConfig
from schemathesis.engine import events, from_schema
from schemathesis.schemas import BaseSchema

from datasync_openapi.specs import API, APIS, operations, spec_path

PHASES = ("examples", "coverage", "fuzzing", "stateful")
DEFAULT_SEED = 20261122
DEFAULT_MAX_EXAMPLES = 10
BEARER_SCHEMES = ("oauth2ClientCredentials", "bearerAuth", "ltiJwt")
SCOPING_CREATE = ("createScopingSchools", "createScopingCourses")


class ConformanceError(RuntimeError):
    """The run could not be set up (bad options, unreachable token URL, ...)."""


@dataclass
class Credentials:
    """How to authenticate: a ready bearer token, or client credentials to fetch one, and/or Basic."""

    token: str | None = None
    client_id: str | None = None
    client_secret: str | None = None
    token_url: str | None = None
    basic: tuple[str, str] | None = None

    def __repr__(self) -> str:  # never print secrets
        return (
            f"Credentials(token={'***' if self.token else None}, client_id={self.client_id!r}, "
            f"token_url={self.token_url!r}, basic={'***' if self.basic else None})"
        )

    def bearer(self) -> str | None:
        if self.token:
            return self.token
        if not (self.client_id and self.client_secret and self.token_url):
            return None
        data = {"grant_type": "client_credentials", "client_id": self.client_id, "client_secret": self.client_secret}
        try:
            with httpx.Client(timeout=30) as client:
                response = client.post(self.token_url, data=data)
        except httpx.HTTPError as exc:
            raise ConformanceError(f"cannot fetch a token from {self.token_url}: {exc}") from None
        if response.status_code != 200:
            raise ConformanceError(f"token request to {self.token_url} answered {response.status_code}")
        token = response.json().get("access_token")
        if not isinstance(token, str):
            raise ConformanceError(f"token response from {self.token_url} has no access_token")
        return token


@dataclass
class Budget:
    phases: Sequence[str] = PHASES
    max_examples: int = DEFAULT_MAX_EXAMPLES
    seed: int = DEFAULT_SEED
    max_steps: int = 10
    checks: Sequence[str] | None = None  # None: all checks
    max_time: int | None = None
    request_timeout: float = 10.0


@dataclass
class Finding:
    operation: str
    check: str
    title: str
    message: str
    reproduce: str

    def key(self) -> tuple[str, str, str]:
        return self.operation, self.check, self.title


@dataclass
class OperationResult:
    label: str
    cases: int = 0
    failures: Counter[str] = field(default_factory=Counter)  # check name -> failing cases


@dataclass
class Report:
    api: str
    target: str
    operations: dict[str, OperationResult] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    elapsed: float = 0.0
    stop_reason: str = ""

    @property
    def cases(self) -> int:
        return sum(op.cases for op in self.operations.values())

    @property
    def ok(self) -> bool:
        return not self.findings and not self.errors

    def failed_checks(self) -> set[str]:
        return {f.check for f in self.findings}


def _config(base_url: str, budget: Budget, auth: dict[str, Any]) -> SchemathesisConfig:
    phases: dict[str, Any] = {name: {"enabled": name in budget.phases} for name in PHASES}
    phases["stateful"]["max-steps"] = budget.max_steps
    data: dict[str, Any] = {
        "seed": budget.seed,
        "base-url": base_url,
        "request-timeout": budget.request_timeout,
        "generation": {"max-examples": budget.max_examples, "database": "none", "deterministic": True},
        "phases": phases,
        "auth": {"openapi": auth},
        "warnings": False,
    }
    if budget.checks is not None:
        data["checks"] = {"enabled": False, **{name: {"enabled": True} for name in budget.checks}}
    if budget.max_time is not None:
        data["max-time"] = budget.max_time
    # POST /tenant/scoping/<kind> replaces the whole set unless replace=false: the suite always appends.
    # Replacing would make objects created earlier in a stateful scenario vanish legitimately (the
    # ensure_resource_availability check cannot know that), and against a real server it would wipe the
    # account's scoping. Replace semantics are covered by the mock's own tests.
    # Only the scoping POSTs have a `replace` query parameter. (No [[operations]] entries: they act as
    # include filters and would override the run's own operation filter.)
    data["parameters"] = {"query.replace": "false"}
    return SchemathesisConfig.from_dict(data)


def run(
    api: API,
    *,
    base_url: str | None = None,
    app: Any = None,
    credentials: Credentials | None = None,
    budget: Budget | None = None,
    writes: bool = False,
    reset: Callable[[], None] | None = None,
    only: Sequence[str] | None = None,
    on_progress: Callable[[str], None] | None = None,
) -> Report:
    """Fuzz one API. Give ``app`` (ASGI, in-process) or ``base_url`` (HTTP, e.g. https://host/v2/grades).

    ``reset`` is called before every non-stateful case (in-process, the mock's ``reset``); ``only`` limits
    the run to these operationIds.
    """
    if (app is None) == (base_url is None):
        raise ConformanceError("give exactly one of app= and base_url=")
    budget = budget or Budget()
    credentials = credentials or Credentials()
    url = base_url or f"http://mock/v2/{api}"
    bearer = _bearer(credentials, app)
    auth: dict[str, Any] = {name: {"bearer": bearer} for name in BEARER_SCHEMES if bearer}
    if credentials.basic:
        auth["basicAuth"] = {"username": credentials.basic[0], "password": credentials.basic[1]}
    report = Report(api=api, target=url)
    # Operations we hold no credentials for are skipped, and so are writes unless allowed.
    disabled: set[str] = set()
    for op in operations(api):
        schemes = {name for requirement in op.definition.get("security", [{}]) for name in requirement}
        if op.definition.get("security") is None:
            schemes = set(BEARER_SCHEMES)
        if only is not None and op.operation_id not in only:
            disabled.add(op.operation_id)
        elif not schemes & set(auth):
            disabled.add(op.operation_id)
            report.skipped.append(f"{op.key}: no credentials for {' or '.join(sorted(schemes))}")
        elif not writes and op.method != "get":
            disabled.add(op.operation_id)
            report.skipped.append(f"{op.key}: a write (read-only run; allow writes to include it)")
    schema: BaseSchema = schemathesis.openapi.from_path(spec_path(api), config=_config(url, budget, auth))
    if app is not None:
        schema.app = app
    if disabled:
        schema = schema.exclude(operation_id=sorted(disabled))
    hook = None
    if reset is not None:
        # before_call is a global schemathesis hook: it only acts on this run's schema, and is removed after.
        def before_call(context: Any, case: Any, kwargs: Any) -> None:
            if case.operation.schema is not schema:
                return
            phase = getattr(getattr(case, "meta", None), "phase", None)
            if phase is None or str(phase.name) != "stateful":
                reset()

        hook = schemathesis.hook(before_call)
    started = time.perf_counter()
    seen: set[tuple[str, str, str]] = set()
    try:
        for event in from_schema(schema).execute():
            if isinstance(event, events.ScenarioFinished):
                _record(report, event.recorder, seen)
                if on_progress is not None:
                    on_progress(f"{event.recorder.label}: {len(event.recorder.cases)} cases")
            elif isinstance(event, events.NonFatalError):
                if "excluded by filters" in event.info.message:  # a filtered run without the linked operations
                    report.skipped.append(f"{event.label}: the operations its links need are not in this run")
                else:
                    report.errors.append(f"{event.label}: {event.info.message}")
            elif isinstance(event, events.FatalError):
                report.errors.append(f"fatal: {event.exception}")
            elif isinstance(event, events.EngineFinished):
                report.stop_reason = str(event.stop_reason)
    finally:
        if hook is not None:
            schemathesis.hooks.unregister(hook)
    report.elapsed = time.perf_counter() - started
    return report


def _bearer(credentials: Credentials, app: Any) -> str | None:
    if app is None or credentials.token or not (credentials.client_id and credentials.token_url):
        return credentials.bearer()
    # In-process: fetch the token through the app itself (the token URL is a path on the mock).
    import asyncio

    async def fetch() -> httpx.Response:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://mock") as client:
            data = {
                "grant_type": "client_credentials",
                "client_id": credentials.client_id or "",
                "client_secret": credentials.client_secret or "",
            }
            return await client.post(str(credentials.token_url), data=data)

    response = asyncio.run(fetch())
    if response.status_code != 200:
        raise ConformanceError(f"the mock's token endpoint answered {response.status_code}: {response.text}")
    return str(response.json()["access_token"])


def _record(report: Report, recorder: Any, seen: set[tuple[str, str, str]]) -> None:
    label = str(recorder.label)
    result = report.operations.setdefault(label, OperationResult(label))
    result.cases += len(recorder.cases)
    for checks in recorder.checks.values():
        for check in checks:
            if check.failure_info is None or str(check.status) != "failure":
                continue
            failure = check.failure_info.failure
            result.failures[check.name] += 1
            finding = Finding(
                operation=str(failure.operation or label),
                check=check.name,
                title=str(failure.title),
                message=str(failure.message),
                reproduce=str(check.failure_info.code_sample),
            )
            if finding.key() not in seen:
                seen.add(finding.key())
                report.findings.append(finding)


# -- output ------------------------------------------------------------------------------------------------
def summary(report: Report) -> str:
    """A plain-text summary: per operation, cases and failing checks; then each distinct finding."""
    lines = [
        f"{report.api}: {report.target}: {report.cases} cases in {report.elapsed:.1f} s, "
        f"{len(report.findings)} distinct findings, {len(report.errors)} errors"
    ]
    width = max((len(label) for label in report.operations), default=10)
    for label, op in sorted(report.operations.items()):
        status = ", ".join(f"{name} x{count}" for name, count in sorted(op.failures.items())) or "ok"
        lines.append(f"  {label:<{width}}  {op.cases:>5} cases  {status}")
    for skipped in report.skipped:
        lines.append(f"  skipped {skipped}")
    for finding in report.findings:
        first = finding.message.strip().splitlines()[0] if finding.message.strip() else ""
        lines.append(f"  FAIL {finding.operation} [{finding.check}] {finding.title}: {first}")
    lines.extend(f"  ERROR {error}" for error in report.errors)
    return "\n".join(lines)


def write_junit(report: Report, path: Path) -> None:
    """JUnit XML: one test case per operation, a <failure> per distinct finding."""
    suite = ET.Element(
        "testsuite",
        name=f"conformance-{report.api}",
        tests=str(len(report.operations)),
        failures=str(len(report.findings)),
        errors=str(len(report.errors)),
        time=f"{report.elapsed:.3f}",
    )
    by_operation: dict[str, list[Finding]] = {}
    for finding in report.findings:
        by_operation.setdefault(finding.operation, []).append(finding)
    for label, op in sorted(report.operations.items()):
        case = ET.SubElement(suite, "testcase", classname=report.api, name=label)
        ET.SubElement(case, "system-out").text = f"{op.cases} cases"
        for finding in by_operation.get(label, []):
            failure = ET.SubElement(case, "failure", type=finding.check, message=finding.title)
            failure.text = f"{finding.message}\n\nReproduce with:\n{finding.reproduce}"
    for error in report.errors:
        case = ET.SubElement(suite, "testcase", classname=report.api, name="errors")
        ET.SubElement(case, "error", message=error[:200]).text = error
    for skipped in report.skipped:
        case = ET.SubElement(suite, "testcase", classname=report.api, name=skipped.split(":")[0])
        ET.SubElement(case, "skipped", message=skipped)
    path.parent.mkdir(parents=True, exist_ok=True)
    tree = ET.ElementTree(suite)
    ET.indent(tree)
    tree.write(path, encoding="utf-8", xml_declaration=True)


def write_markdown(reports: Sequence[Report], path: Path) -> None:
    out = ["# Conformance report", ""]
    for report in reports:
        verdict = "PASS" if report.ok else "FAIL"
        out += [
            f"## {report.api}: {verdict}",
            "",
            f"Target `{report.target}`: {report.cases} cases in {report.elapsed:.1f} s, "
            f"{len(report.findings)} distinct findings.",
            "",
            "| Operation | Cases | Failing checks |",
            "|---|---:|---|",
        ]
        for label, op in sorted(report.operations.items()):
            failing = ", ".join(f"`{n}` x{c}" for n, c in sorted(op.failures.items())) or "none"
            out.append(f"| `{label}` | {op.cases} | {failing} |")
        out.append("")
        if report.skipped:
            out += ["Skipped:", ""] + [f"- {s}" for s in report.skipped] + [""]
        for finding in report.findings:
            out += [
                f"### {finding.operation}: {finding.title} (`{finding.check}`)",
                "",
                "```",
                finding.message.strip(),
                "```",
                "",
                "Reproduce:",
                "",
                "```",
                finding.reproduce.strip(),
                "```",
                "",
            ]
        for error in report.errors:
            out += [f"- error: {error}"]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(out) + "\n", encoding="utf-8")


__all__ = [
    "APIS",
    "Budget",
    "ConformanceError",
    "Credentials",
    "Finding",
    "Report",
    "run",
    "summary",
    "write_junit",
    "write_markdown",
]
