"""Turn what schemathesis recorded into coverage per operation and classified, deduplicated findings.

Each failed check becomes a ``Finding`` with a class (``findings.model.classify``) and a stable location:
response-contract failures are re-explained against the spec (``findings.hints``) so every offending value
is its own finding with a JSON pointer and a spec-fix hint; accepted-invalid input names the parameter that
was invalid; statuses name the status. Failures that are consequences of a 5xx in the same case (its status
is undocumented, its body is not the envelope) fold into the server-error finding. 429 answers are
backpressure, never findings.
"""

from __future__ import annotations

import hashlib
import json
import shlex
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from datasync_openapi.contract import API, Operation, operations
from datasync_openapi.findings import Finding, FindingClass, OperationCoverage, classify, hints
from datasync_openapi.findings.hints import ContractError, contract_errors
from datasync_openapi.findings.model import normalise_pointer, pointer

from .lifecycle import Observation

_CONSEQUENCES_OF_5XX = {"status_code_conformance", "content_type_conformance", "response_schema_conformance"}


def redact(text: str, secrets: Iterable[str]) -> str:
    """Replace every secret (tokens, client secrets, Basic passwords) with ``***``."""
    for secret in secrets:
        if secret and len(secret) >= 3:
            text = text.replace(secret, "***")
    return text


@dataclass
class Triage:
    """Accumulates one API's observations across scenarios."""

    api: API
    secrets: tuple[str, ...] = ()
    basic_operations: frozenset[str] = frozenset()
    coverage: dict[str, OperationCoverage] = field(default_factory=dict)
    findings: dict[str, Finding] = field(default_factory=dict)
    stateful_cases: int = 0
    rate_limited: int = 0  # 429 answers that reached the engine (after the manners' own retries)
    # refusals of "valid" input whose values the spec's own types forbid (schemathesis fed a value from one
    # resource into another's parameter, e.g. a plain-string field into a UUID path): correct answers
    refused_forbidden: int = 0
    _ops: dict[str, Operation] = field(default_factory=dict)
    # case id -> the contract errors of a body too large for schemathesis to record whole (it keeps a
    # truncated copy): read from the full body when it arrived (``remember_body``), so triage never parses
    # the truncated copy.
    _full_body_errors: dict[str, list[ContractError]] = field(default_factory=dict)
    _errors_by_body: dict[tuple[str, int, str], list[ContractError]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._ops = {op.key: op for op in operations(self.api)}

    def include(self, labels: Iterable[str]) -> None:
        """Operations of this run: listed in the coverage even if no case reaches them."""
        for label in labels:
            self._coverage(label)

    def _coverage(self, label: str) -> OperationCoverage:
        cov = self.coverage.get(label)
        if cov is None:
            op = self._ops.get(label)
            documented = tuple(str(k) for k in op.definition.get("responses", {})) if op else ()
            cov = self.coverage[label] = OperationCoverage(label, documented)
        return cov

    def remember_body(self, case: Any, response: Any) -> None:
        """Called with the whole response of a case whose body is larger than what schemathesis records."""
        op = self._ops.get(str(case.operation.label))
        if op is None:
            return
        status = int(response.status_code)
        digest = (op.key, status, hashlib.sha256(response.content).hexdigest())
        errors = self._errors_by_body.get(digest)
        if errors is None:  # the same large answer again (a list page, case after case): checked once
            found = contract_errors(op, status, _json(response))
            # one per location: a large list repeating one drift must not hold a copy of it per item
            errors = self._errors_by_body[digest] = list({error.location: error for error in found}.values())
        self._full_body_errors[str(case.id)] = errors

    def _contract_errors(self, op: Operation, status: int, case: Any, response: Any) -> list[ContractError]:
        """The contract errors of the body the check saw: the full body's when the recorded copy is truncated."""
        remembered = self._full_body_errors.get(str(getattr(case, "id", "")))
        if remembered is not None:
            return remembered
        if getattr(response, "is_truncated", False):
            return []  # not the body that was checked: the check's own message stands
        return contract_errors(op, status, _json(response))

    # -- scenarios -----------------------------------------------------------------------------------------
    def scenario(self, recorder: Any) -> None:
        stateful = str(recorder.label) == "Stateful tests"
        for case_id, node in recorder.cases.items():
            case = node.value
            label = str(case.operation.label)
            cov = self._coverage(label)
            cov.cases += 1
            if stateful:
                self.stateful_cases += 1
            interaction = recorder.interactions.get(case_id)
            response = getattr(interaction, "response", None)
            if response is None:
                cov.transport_errors += 1
            else:
                cov.statuses[int(response.status_code)] += 1
        for case_id, checks in recorder.checks.items():
            failed = [c for c in checks if c.failure_info is not None and str(c.status) == "failure"]
            names = {c.name for c in failed}
            for check in failed:
                if check.name in _CONSEQUENCES_OF_5XX and "not_a_server_error" in names:
                    continue
                failure = check.failure_info.failure
                target_id = getattr(failure, "case_id", None) or case_id
                node = recorder.cases.get(target_id) or recorder.cases.get(case_id)
                interaction = recorder.interactions.get(target_id) or recorder.interactions.get(case_id)
                response = getattr(interaction, "response", None)
                if response is not None and int(response.status_code) == 429:
                    self.rate_limited += 1
                    continue
                case = node.value if node is not None else None
                label = str(case.operation.label) if case is not None else str(failure.operation)
                self._failure(label, check.name, failure, case, response, str(check.failure_info.code_sample))

    def transport_error(self, label: str, title: str, message: str) -> None:
        """A request that got no usable answer (connection failed, timed out, unreadable)."""
        self._add(
            Finding(
                api=self.api,
                operation=label,
                check="transport",
                cls=FindingClass.TRANSPORT,
                title=title,
                location=title.lower(),
                message=redact(message, self.secrets),
            )
        )

    def lifecycle(self, observation: Observation) -> None:
        """A lifecycle probe's finding (``conformance.lifecycle``), keyed like the stateful check's."""
        self._add(
            Finding(
                api=self.api,
                operation=observation.operation,
                check=observation.check,
                cls=classify(observation.check),
                title=observation.title,
                location=f"status {observation.status}",
                message=redact(observation.message, self.secrets),
                reproduce=redact(observation.reproduce, self.secrets),
                status=observation.status,
            )
        )

    # -- one failed check ----------------------------------------------------------------------------------
    def _failure(self, label: str, check: str, failure: Any, case: Any, response: Any, code: str) -> None:
        status = int(response.status_code) if response is not None else None
        op = self._ops.get(label)
        if check == "positive_data_acceptance" and op is not None and case is not None:
            sent = {
                "path": getattr(case, "path_parameters", None) or {},
                "query": getattr(case, "query", None) or {},
                "header": getattr(case, "headers", None) or {},
            }
            if hints.forbidden_inputs(op, sent):
                self.refused_forbidden += 1
                return
        reproduce = self._curl(label, code, case if check == "ignored_auth" else None)
        message = redact(str(getattr(failure, "message", "") or ""), self.secrets)
        title = str(getattr(failure, "title", check))
        cls = classify(check)

        def make(title: str, location: str, hint: str | None = None) -> Finding:
            return Finding(
                api=self.api,
                operation=label,
                check=check,
                cls=cls,
                title=title,
                location=location,
                message=message,
                hint=hint,
                reproduce=reproduce,
                status=status,
            )

        if check == "unsupported_method":
            method = str(getattr(failure, "method", "") or "?")
            explained = hints.unsupported_method(
                self.api, label, method, status, str(getattr(failure, "failure_reason", ""))
            )
            self._add(make(*explained))
            return
        if check == "response_schema_conformance" and op is not None and response is not None:
            errors = self._contract_errors(op, status or 0, case, response)
            if errors:
                for error in errors:
                    self._add(make(f"Response violates schema: {error.message}", error.location, error.hint))
                return
            path = [str(p) for p in getattr(failure, "schema_path", [])]
            location = f"{normalise_pointer(pointer(getattr(failure, 'instance_path', [])))} {path[-1] if path else ''}"
            self._add(make(title, location.strip()))
            return
        location, hint = self._locate(label, check, failure, case, status)
        if check == "not_a_server_error":
            title = f"Server error {status}" if status else title
        self._add(make(title, location, hint))

    def _locate(self, label: str, check: str, failure: Any, case: Any, status: int | None) -> tuple[str, str | None]:
        if check == "status_code_conformance":
            return hints.undeclared_status(self.api, label, status)
        if check == "content_type_conformance":
            media = str(getattr(failure, "content_type", "") or "none").split(";")[0].strip()
            return hints.undeclared_content_type(self.api, label, status, media)
        if check in ("negative_data_rejection", "missing_required_header"):
            return self._invalid_input(case), hints.accepted_invalid(status)
        if check == "positive_data_acceptance":
            return hints.refused_valid(self.api, status)
        if check == "ignored_auth":
            return str(getattr(failure, "title", "auth ignored")).lower(), hints.IGNORED_AUTH
        return (f"status {status}" if status is not None else check), None

    @staticmethod
    def _invalid_input(case: Any) -> str:
        """Which part of the request was invalid: ``query.page_size``, ``body``, ``path.id``, ``method``..."""
        meta = getattr(case, "meta", None)
        data = getattr(getattr(meta, "phase", None), "data", None)
        parameter = getattr(data, "parameter", None)
        where = getattr(data, "parameter_location", None)
        if parameter and where is not None:
            place = str(getattr(where, "value", where))
            # the body is one input whatever its media type (the coverage phase names it, fuzzing does not)
            return "body" if place == "body" else f"{place}.{normalise_pointer('/' + str(parameter))[1:]}"
        components = getattr(meta, "components", {}) or {}
        negative = sorted(
            str(getattr(location, "value", location))
            for location, info in components.items()
            if str(getattr(getattr(info, "mode", None), "value", "")) == "negative"
        )
        return ",".join(negative) or "request"

    def _curl(self, label: str, code: str, sent: Any = None) -> str:
        """The curl line of a finding: the run's credentials as ``$TOKEN`` / ``$BASIC``; for an auth finding
        (``sent`` is its case) the credential the check itself sent, which is what reproduces it."""
        headers = getattr(sent, "headers", None) or {}
        bad = next((str(v) for k, v in headers.items() if str(k).lower() == "authorization"), None)
        if bad is not None:
            code = code.replace("'Authorization: [Filtered]'", shlex.quote(f"Authorization: {bad}"))
        elif label in self.basic_operations:
            code = code.replace("-H 'Authorization: [Filtered]'", '-u "$BASIC"')
        else:
            code = code.replace("'Authorization: [Filtered]'", '"Authorization: Bearer $TOKEN"')
        return redact(code, self.secrets)

    def _add(self, finding: Finding) -> None:
        existing = self.findings.get(finding.key)
        if existing is None:
            self.findings[finding.key] = finding
        else:
            existing.occurrences += 1


def _json(response: Any) -> Any:
    try:
        return json.loads(response.content)
    except (ValueError, TypeError):
        return None


__all__ = ["Triage", "redact"]
