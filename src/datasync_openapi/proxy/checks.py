"""What the proxy checks on one exchange (request and response) and how it keeps what it found.

The checks are the conformance suite's, applied to real traffic, with the same check names, classes
(``findings.model.CHECK_CLASSES``), stable keys and hints (``findings.hints``), so one baseline serves both:

    request   the contract's request validation (``contract.Route.validate``): a request the spec forbids
              that the server answered 2xx is ``negative_data_rejection`` (accepts-invalid), keyed by the part
              that was invalid (``query.page_size``, ``body/data/*/school_id``); one the spec allows that the
              server answered 400/422 is ``positive_data_acceptance`` (rejects-valid); a request without
              credentials answered 2xx by a secured operation is ``ignored_auth`` (auth).
    response  5xx: ``not_a_server_error`` (server-error; a 5xx's status, content type and body are not
              checked further, as in the suite); 429 is backpressure, never a finding; an undocumented status
              is ``status_code_conformance``, an undocumented media type ``content_type_conformance``, and a
              JSON body its schema does not allow ``response_schema_conformance`` with one finding per
              offending value (``findings.hints.contract_errors``), all response-contract.

Bodies are checked only when the proxy holds them: JSON bodies up to the size cap. Larger bodies and non-JSON
bodies (the gzip artifacts, the CSV report) stream through; their status and media type are still checked,
and each body that was too large to check is counted in the report's notes.
"""

from __future__ import annotations

import json
import threading
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import orjson

from datasync_openapi.contract import APIS, InvalidRequest, Operation, Route, explain, is_json_media, operations
from datasync_openapi.findings import Finding, FindingClass, OperationCoverage, Result, classify, hints
from datasync_openapi.findings import baseline as baselines
from datasync_openapi.findings.model import normalise_pointer, pointer

MAX_FINDINGS = 1000  # distinct findings kept per API (keys are stable, so this bounds a hostile client only)
MAX_NOTES = 200  # distinct note lines kept
_OPERATIONS: dict[tuple[str, str], Operation] = {
    (op.api, op.operation_id): op for api in APIS for op in operations(api)
}


UNPARSED: Any = object()  # Observed.parsed_body when nobody has parsed the response body yet


@dataclass
class Observed:
    """One exchange as the checks see it. ``*_body`` is ``None`` when the proxy did not hold the body (larger
    than the cap, an unknown content coding, or a HEAD request). ``parsed_body``: the response body as
    ``loads_json`` gave it, when the caller has already parsed it (the proxy does, for paging links), so that it is
    not parsed twice; it must not have been changed since."""

    route: Route
    method: str
    status: int
    content_type: str | None
    response_body: bytes | None
    request_problem: InvalidRequest | None
    request_checked: bool  # False: the request body was too large to validate (parameters were checked)
    has_credentials: bool
    reproduce: str = ""
    parsed_body: Any = UNPARSED


def _finding(route: Route, check: str, title: str, location: str, **extra: Any) -> Finding:
    return Finding(
        api=route.api,
        operation=route.label,
        check=check,
        cls=classify(check),
        title=title,
        location=location,
        **extra,
    )


def loads_json(raw: bytes) -> Any:
    """``json.loads``, faster: orjson first (several times quicker on the proxy's hot path); whatever orjson refuses
    (NaN, integers past 64 bits, UTF-16/32, nesting past its limit, broken JSON) goes through ``json.loads``, so the
    values and the error messages are the standard library's."""
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError:
        return json.loads(raw)


def check(seen: Observed) -> list[Finding]:
    """Every finding of one exchange (empty: it conforms, as far as the proxy could see), one per key: five
    list items with the same drift are one finding of this exchange."""
    unique: dict[str, Finding] = {}
    for finding in _check(seen):
        unique.setdefault(finding.key, finding)
    return list(unique.values())


def _check(seen: Observed) -> list[Finding]:
    route, status = seen.route, seen.status
    common: dict[str, Any] = {"status": status, "reproduce": seen.reproduce}
    out: list[Finding] = []
    if 200 <= status < 300:
        problem = seen.request_problem
        if problem is not None:
            where = problem.location + (normalise_pointer(pointer(problem.path)) if problem.path else "")
            out.append(
                _finding(
                    route,
                    "negative_data_rejection",
                    "Accepted a request the spec forbids",
                    where,
                    message=problem.details or "",
                    hint=hints.accepted_invalid(status),
                    **common,
                )
            )
        if route.security and all(route.security) and not seen.has_credentials:  # [{}] = auth optional
            title = "API accepts requests without authentication"
            out.append(_finding(route, "ignored_auth", title, title.lower(), hint=hints.IGNORED_AUTH, **common))
    elif status in (400, 422) and seen.request_problem is None and seen.request_checked:
        location, hint = hints.refused_valid(route.api, status)
        out.append(
            _finding(
                route, "positive_data_acceptance", "Rejected a request the spec allows", location, hint=hint, **common
            )
        )
    if status >= 500:
        out.append(_finding(route, "not_a_server_error", f"Server error {status}", f"status {status}", **common))
        return out
    if status == 429:
        return out
    documented = route.response(status)
    if documented.key is None:
        location, hint = hints.undeclared_status(route.api, route.label, status)
        out.append(
            _finding(route, "status_code_conformance", "Undocumented HTTP status code", location, hint=hint, **common)
        )
        return out
    media = (seen.content_type or "").split(";", 1)[0].strip().lower()
    if documented.media and media not in {m.lower() for m in documented.media}:
        location, hint = hints.undeclared_content_type(route.api, route.label, status, media or "none")
        out.append(
            _finding(route, "content_type_conformance", "Undocumented Content-Type", location, hint=hint, **common)
        )
        return out
    if documented.validator is None or seen.response_body is None or seen.method == "HEAD" or not is_json_media(media):
        return out
    try:
        body = loads_json(seen.response_body) if seen.parsed_body is UNPARSED else seen.parsed_body
    except (ValueError, RecursionError) as exc:
        out.append(
            _finding(
                route,
                "response_schema_conformance",
                "JSON deserialization error",
                "body not-json",
                message=f"the {status} response declares {media} but its body is not JSON: {exc}",
                hint=f"`{route.label}` answered {status} with a body that is not JSON: the server is wrong",
                **common,
            )
        )
        return out
    try:
        valid = documented.validator.is_valid(body)
    except ValueError:  # a number jsonschema-rs cannot represent
        valid = False
    if valid:
        return out
    errors = hints.contract_errors(_OPERATIONS[(route.api, route.operation_id)], status, body)
    for error in errors:
        out.append(
            _finding(
                route,
                "response_schema_conformance",
                f"Response violates schema: {error.message}",
                error.location,
                message=error.message,
                hint=error.hint,
                **common,
            )
        )
    if not errors:  # the walk found nothing the validator did: report the validator's first error
        first = next(iter(documented.validator.iter_errors(body)), None)
        if first is not None:
            keyword = str(list(first.schema_path)[-1]) if list(first.schema_path) else ""
            out.append(
                _finding(
                    route,
                    "response_schema_conformance",
                    f"Response violates schema: {explain(first, 'the response body')}",
                    f"{normalise_pointer(pointer(first.instance_path))} {keyword}".strip(),
                    **common,
                )
            )
    return out


@dataclass
class Collector:
    """Coverage and findings per API across every exchange the proxy sees; thread-safe.

    ``baseline`` entries (``findings.baseline.load``) make findings known; ``results()`` is a snapshot with the
    baseline applied (known / new / fixed), the same ``Result`` the conformance reports take.
    """

    target: str
    parameters: dict[str, str] = field(default_factory=dict)
    fail_on: frozenset[FindingClass] = frozenset(FindingClass)
    baseline: dict[str, dict[str, Any]] | None = None
    started: float = field(default_factory=time.monotonic)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _coverage: dict[str, dict[str, OperationCoverage]] = field(default_factory=lambda: {api: {} for api in APIS})
    _findings: dict[str, dict[str, Finding]] = field(default_factory=lambda: {api: {} for api in APIS})
    _notes: Counter[str] = field(default_factory=Counter)
    _dropped: int = 0

    def is_known(self, finding: Finding) -> bool:
        return self.baseline is not None and finding.key in self.baseline

    def exchange(self, route: Route, status: int | None, found: Sequence[Finding]) -> list[Finding]:
        """Count one exchange of ``route`` (``status`` ``None``: no answer) and keep its findings; returns the
        findings whose key was not seen before (what the proxy logs)."""
        fresh: list[Finding] = []
        with self._lock:
            coverage = self._coverage[route.api].get(route.label)
            if coverage is None:
                documented = tuple(str(key) for key in route.responses)
                coverage = self._coverage[route.api][route.label] = OperationCoverage(route.label, documented)
            coverage.cases += 1
            if status is None:
                coverage.transport_errors += 1
            else:
                coverage.statuses[status] += 1
            kept = self._findings[route.api]
            for finding in found:
                existing = kept.get(finding.key)
                if existing is not None:
                    existing.occurrences += 1
                elif len(kept) >= MAX_FINDINGS:
                    self._dropped += 1
                else:
                    kept[finding.key] = finding
                    fresh.append(finding)
        return fresh

    def note(self, text: str) -> None:
        """A counted note ("... x3" in the report), e.g. a body passed through unchecked."""
        with self._lock:
            if text in self._notes or len(self._notes) < MAX_NOTES:
                self._notes[text] += 1

    def results(self) -> list[Result]:
        """One ``Result`` per API: a snapshot (copies), with the baseline applied when there is one."""
        with self._lock:
            elapsed = time.monotonic() - self.started
            notes = [f"{text} (x{count})" if count > 1 else text for text, count in sorted(self._notes.items())]
            if self._dropped:
                notes.append(f"{self._dropped} findings not kept: more than {MAX_FINDINGS} distinct per API")
            out = []
            for api in APIS:
                result = Result(
                    api=api,
                    target=f"{self.target}/v2/{api}",
                    parameters=dict(self.parameters),
                    operations={label: _copy(cov) for label, cov in sorted(self._coverage[api].items())},
                    findings=[replace(f) for f in self._findings[api].values()],
                    notes=list(notes),
                    elapsed=elapsed,
                    stop_reason="proxy",
                    fail_on=self.fail_on,
                    allow_not_exercised=True,  # the traffic decides what is exercised, not the proxy
                )
                if self.baseline is not None:
                    baselines.apply(result, self.baseline)
                out.append(result)
            return out

    def findings(self) -> Iterable[Finding]:
        with self._lock:
            return [replace(f) for per_api in self._findings.values() for f in per_api.values()]


def _copy(coverage: OperationCoverage) -> OperationCoverage:
    return replace(coverage, statuses=Counter(coverage.statuses))


__all__ = ["UNPARSED", "Collector", "Observed", "check", "loads_json"]
