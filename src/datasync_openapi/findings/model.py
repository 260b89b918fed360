"""What a disagreement between a server and the specs is: its class, its stable key, and a run's results.

Shared by the conformance suite (and, later, the validating proxy): both turn what they observe into
``Finding`` objects, group them by ``FindingClass``, compare them with a baseline by ``Finding.key`` and
write the same reports.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class FindingClass(StrEnum):
    """What kind of disagreement a finding is; the user chooses which classes fail a run (``--fail-on``)."""

    RESPONSE_CONTRACT = "response-contract"  # a response the spec does not allow: what clients break on
    SERVER_ERROR = "server-error"  # a 5xx
    ACCEPTS_INVALID = "accepts-invalid"  # input the spec forbids was accepted (lenient validation)
    REJECTS_VALID = "rejects-valid"  # input the spec allows was refused: the spec may be wrong
    LIFECYCLE = "lifecycle"  # stateful: created-not-found, use-after-free, ...
    AUTH = "auth"  # ignored or wrong auth
    TRANSPORT = "transport"  # no usable answer: connection failures, timeouts, unreadable responses


CLASS_DESCRIPTIONS: dict[FindingClass, str] = {
    FindingClass.RESPONSE_CONTRACT: "responses the spec does not allow (what clients break on)",
    FindingClass.SERVER_ERROR: "5xx responses",
    FindingClass.ACCEPTS_INVALID: "input the spec forbids was accepted (lenient validation)",
    FindingClass.REJECTS_VALID: "input the spec allows was refused (the spec may be wrong)",
    FindingClass.LIFECYCLE: "stateful behaviour: created objects not found, deleted objects still served",
    FindingClass.AUTH: "authentication ignored or wrong",
    FindingClass.TRANSPORT: "no usable answer: connection failures, timeouts",
}
ALL_CLASSES: frozenset[FindingClass] = frozenset(FindingClass)
# Against a server that is not ours, lenient validation is reported but does not fail the run: a user
# cannot fix the vendor's parser, and the vendor accepting more than the docs say breaks no client.
FOREIGN_DEFAULT_FAIL_ON: frozenset[FindingClass] = ALL_CLASSES - {FindingClass.ACCEPTS_INVALID}

CHECK_CLASSES: dict[str, FindingClass] = {
    "not_a_server_error": FindingClass.SERVER_ERROR,
    "status_code_conformance": FindingClass.RESPONSE_CONTRACT,
    "content_type_conformance": FindingClass.RESPONSE_CONTRACT,
    "response_headers_conformance": FindingClass.RESPONSE_CONTRACT,
    "response_schema_conformance": FindingClass.RESPONSE_CONTRACT,
    "allow_header_conformance": FindingClass.RESPONSE_CONTRACT,
    "negative_data_rejection": FindingClass.ACCEPTS_INVALID,
    "missing_required_header": FindingClass.ACCEPTS_INVALID,
    "unsupported_method": FindingClass.RESPONSE_CONTRACT,  # the answer to an undeclared method (405, Allow)
    "positive_data_acceptance": FindingClass.REJECTS_VALID,
    "use_after_free": FindingClass.LIFECYCLE,
    "ensure_resource_availability": FindingClass.LIFECYCLE,
    "ignored_auth": FindingClass.AUTH,
    "object_level_authorization": FindingClass.AUTH,
    "transport": FindingClass.TRANSPORT,
}


def classify(check: str) -> FindingClass:
    """The class of a failed check (an unknown check is a response-contract finding)."""
    return CHECK_CLASSES.get(check, FindingClass.RESPONSE_CONTRACT)


def parse_classes(text: str) -> frozenset[FindingClass]:
    """``"all"``, or a comma-separated list of class names, e.g. ``response-contract,server-error``."""
    names = [part.strip() for part in text.split(",") if part.strip()]
    if names == ["all"]:
        return ALL_CLASSES
    known = {c.value: c for c in FindingClass}
    unknown = [name for name in names if name not in known]
    if unknown:
        raise ValueError(f"unknown finding class {', '.join(unknown)} (known: all, {', '.join(known)})")
    return frozenset(known[name] for name in names)


_INDEX = re.compile(r"/\d+(?=/|$)")
# Names schemathesis makes up for generated data (``x-schemathesis-additional``, ``x-schemathesis-unknown-property``,
# ...): a server that echoes them shows them in a pointer, but they are the suite's own, not the spec's.
_GENERATED = re.compile(r"/x-schemathesis-[^/]*(?=/|$)")


def normalise_pointer(pointer: str) -> str:
    """A JSON pointer in the spec's terms: array indices and schemathesis' generated names replaced by ``*``
    (``/data/3/error_count`` -> ``/data/*/error_count``).

    Which item of a list broke depends on the data, not on the defect, so keys never contain indices.
    """
    return _GENERATED.sub("/*", _INDEX.sub("/*", pointer))


def pointer(parts: Any) -> str:
    """A JSON pointer (RFC 6901) from path segments."""
    return "".join("/" + str(part).replace("~", "~0").replace("/", "~1") for part in parts)


@dataclass
class Finding:
    """One distinct disagreement. ``location`` is what makes it distinct within its operation and check:
    a JSON pointer and keyword, a status code, a parameter; never a random payload."""

    api: str
    operation: str  # "GET /exchanges"
    check: str  # the schemathesis check (or "transport")
    cls: FindingClass
    title: str
    location: str
    message: str = ""
    hint: str | None = None
    reproduce: str = ""  # a curl command, secrets replaced by environment variables
    status: int | None = None
    occurrences: int = 1

    @property
    def key(self) -> str:
        """Stable across seeds and runs: the baseline's identity of this finding."""
        return f"{self.api} {self.operation} {self.check} {self.location}"

    def summary_line(self) -> str:
        text = f"[{self.cls}] {self.api} {self.operation}: {self.title}"
        if self.location:
            text += f" ({self.location})"
        return text

    def to_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "api": self.api,
            "class": str(self.cls),
            "operation": self.operation,
            "check": self.check,
            "title": self.title,
            "location": self.location,
            "status": self.status,
            "occurrences": self.occurrences,
            "hint": self.hint,
            "message": self.message,
            "reproduce": self.reproduce,
        }


@dataclass
class OperationCoverage:
    """What one operation was sent and answered: the truth behind "tested"."""

    operation: str
    documented: tuple[str, ...] = ()  # documented response statuses ("200", "4XX", "default")
    cases: int = 0
    statuses: Counter[int] = field(default_factory=Counter)
    transport_errors: int = 0

    @property
    def reached_2xx(self) -> bool:
        return any(200 <= status < 300 for status in self.statuses)

    def observed_documented(self) -> list[str]:
        """The documented response statuses that some response matched."""
        seen: list[str] = []
        for documented in self.documented:
            if documented == "default":
                continue
            if documented.upper().endswith("XX"):
                hit = any(str(status)[0] == documented[0] for status in self.statuses)
            else:
                hit = int(documented) in self.statuses
            if hit:
                seen.append(documented)
        return seen

    def status_text(self) -> str:
        return ", ".join(f"{status} x{count}" for status, count in sorted(self.statuses.items())) or "none"

    def not_exercised_reason(self) -> str:
        """Why no 2xx was reached, in a few words (``""`` if one was)."""
        if self.reached_2xx:
            return ""
        if not self.statuses:
            return "no responses" + (f" ({self.transport_errors} transport errors)" if self.transport_errors else "")
        if len(self.statuses) == 1:
            (status,) = self.statuses
            return f"all {status}"
        return f"no 2xx: {self.status_text()}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "operation": self.operation,
            "cases": self.cases,
            "statuses": {str(k): v for k, v in sorted(self.statuses.items())},
            "reached_2xx": self.reached_2xx,
            "documented": list(self.documented),
            "observed_documented": self.observed_documented(),
            "transport_errors": self.transport_errors,
            "not_exercised": self.not_exercised_reason() or None,
        }


@dataclass
class Result:
    """One API's run against one target: coverage per operation, findings, and how they weigh."""

    api: str
    target: str
    parameters: dict[str, str] = field(default_factory=dict)  # shown at the top of every report; no secrets
    operations: dict[str, OperationCoverage] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)  # problems that stopped part of the run (not findings)
    notes: list[str] = field(default_factory=list)  # backpressure waited out, objects created and cleaned up, ...
    left_behind: list[str] = field(default_factory=list)  # objects the run created and could not delete
    elapsed: float = 0.0
    stop_reason: str = ""
    stateful_cases: int = 0
    fail_on: frozenset[FindingClass] = ALL_CLASSES
    allow_not_exercised: bool = False
    baseline_used: bool = False
    known: frozenset[str] = frozenset()  # keys of findings that the baseline lists
    fixed: list[dict[str, Any]] = field(default_factory=list)  # baseline entries this run tested and did not see

    @property
    def cases(self) -> int:
        return sum(op.cases for op in self.operations.values())

    def is_new(self, finding: Finding) -> bool:
        return finding.key not in self.known

    def failing(self) -> list[Finding]:
        """Findings that fail the run: of a class in ``fail_on`` and not known to the baseline."""
        return [f for f in self.findings if f.cls in self.fail_on and self.is_new(f)]

    def not_exercised(self) -> dict[str, str]:
        """Operations that ran but never reached a 2xx, with the reason."""
        return {label: op.not_exercised_reason() for label, op in sorted(self.operations.items()) if not op.reached_2xx}

    def reached(self) -> int:
        return sum(1 for op in self.operations.values() if op.reached_2xx)

    @property
    def ok(self) -> bool:
        if self.failing() or self.errors:
            return False
        return self.allow_not_exercised or not self.not_exercised()

    def by_class(self) -> dict[FindingClass, list[Finding]]:
        grouped: dict[FindingClass, list[Finding]] = {}
        for finding in sorted(self.findings, key=lambda f: (list(FindingClass).index(f.cls), f.key)):
            grouped.setdefault(finding.cls, []).append(finding)
        return grouped

    def failed_checks(self) -> set[str]:
        return {f.check for f in self.findings}

    def verdict(self) -> str:
        return "PASS" if self.ok else "FAIL"

    def to_dict(self) -> dict[str, Any]:
        failing = {f.key for f in self.failing()}
        return {
            "api": self.api,
            "target": self.target,
            "verdict": self.verdict(),
            "parameters": self.parameters,
            "elapsed_seconds": round(self.elapsed, 3),
            "stop_reason": self.stop_reason,
            "cases": self.cases,
            "stateful_cases": self.stateful_cases,
            "coverage": {
                "operations": len(self.operations),
                "reached_2xx": self.reached(),
                "not_exercised": self.not_exercised(),
                "per_operation": [op.to_dict() for _, op in sorted(self.operations.items())],
            },
            "fail_on": sorted(str(c) for c in self.fail_on),
            "allow_not_exercised": self.allow_not_exercised,
            "findings": [{**f.to_dict(), "new": self.is_new(f), "fails_run": f.key in failing} for f in self.findings],
            "baseline": {"used": self.baseline_used, "known": sorted(self.known), "fixed": self.fixed},
            "skipped": self.skipped,
            "errors": self.errors,
            "notes": self.notes,
            "left_behind": self.left_behind,
        }


# -- reading a result back (``Result.to_dict`` -> ``result_from_dict``; the JSON report) -----------------------
def finding_from_dict(data: dict[str, Any]) -> Finding:
    """A finding from its ``to_dict`` form; ``ValueError`` when it is not one."""
    status = data.get("status")
    return Finding(
        api=str(data["api"]),
        operation=str(data["operation"]),
        check=str(data["check"]),
        cls=FindingClass(data["class"]),
        title=str(data["title"]),
        location=str(data.get("location") or ""),
        message=str(data.get("message") or ""),
        hint=None if data.get("hint") is None else str(data["hint"]),
        reproduce=str(data.get("reproduce") or ""),
        status=status if isinstance(status, int) else None,
        occurrences=int(data.get("occurrences") or 1),
    )


def coverage_from_dict(data: dict[str, Any]) -> OperationCoverage:
    """An operation's coverage from its ``to_dict`` form; ``ValueError`` when it is not one."""
    statuses = data.get("statuses") or {}
    return OperationCoverage(
        operation=str(data["operation"]),
        documented=tuple(str(d) for d in data.get("documented") or ()),
        cases=int(data.get("cases") or 0),
        statuses=Counter({int(status): int(count) for status, count in dict(statuses).items()}),
        transport_errors=int(data.get("transport_errors") or 0),
    )


def _strings(value: Any) -> list[str]:
    if not isinstance(value, list):
        raise ValueError("expected a list of strings")
    return [str(item) for item in value]


def result_from_dict(data: dict[str, Any]) -> Result:
    """A result from its ``to_dict`` form (what the JSON report holds): its verdict is the same.
    ``ValueError`` (or ``KeyError`` / ``TypeError``) when it is not one."""
    coverage = data["coverage"]
    baseline = data.get("baseline") or {}
    operations = [coverage_from_dict(op) for op in coverage["per_operation"]]
    fail_on = frozenset(FindingClass(c) for c in data["fail_on"])
    allow = data.get("allow_not_exercised")
    if not isinstance(allow, bool):  # written before the field was: the verdict says it
        allow = data.get("verdict") == "PASS" and bool(coverage.get("not_exercised"))
    return Result(
        api=str(data["api"]),
        target=str(data["target"]),
        parameters={str(k): str(v) for k, v in dict(data.get("parameters") or {}).items()},
        operations={op.operation: op for op in operations},
        findings=[finding_from_dict(f) for f in data["findings"]],
        skipped=_strings(data.get("skipped", [])),
        errors=_strings(data.get("errors", [])),
        notes=_strings(data.get("notes", [])),
        left_behind=_strings(data.get("left_behind", [])),
        elapsed=float(data.get("elapsed_seconds") or 0.0),
        stop_reason=str(data.get("stop_reason") or ""),
        stateful_cases=int(data.get("stateful_cases") or 0),
        fail_on=fail_on,
        allow_not_exercised=allow,
        baseline_used=bool(baseline.get("used")),
        known=frozenset(_strings(baseline.get("known", []))),
        fixed=[dict(e) for e in baseline.get("fixed", [])],
    )


__all__ = [
    "ALL_CLASSES",
    "CLASS_DESCRIPTIONS",
    "FOREIGN_DEFAULT_FAIL_ON",
    "Finding",
    "FindingClass",
    "OperationCoverage",
    "Result",
    "classify",
    "normalise_pointer",
    "parse_classes",
    "pointer",
    "result_from_dict",
]
