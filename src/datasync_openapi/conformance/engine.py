"""Run schemathesis over one API and collect coverage and triaged findings (``findings.Result``).

One runner serves both modes:

* in-process: ``run(api, app=mock)`` drives an ASGI app directly (the dev loop; the store is reset before
  every non-stateful case so cases do not depend on each other);
* over HTTP: ``run(api, base_url=..., credentials=...)`` against the embedded mock started as a real server
  or any other server. Against a server that is not the embedded mock only GET operations run unless
  ``writes=True``, requests are rate-limited (``Manners``) and 429 is backpressure.

Without ``writes`` only safe methods are sent: write operations are not generated, the coverage phase probes
undeclared methods only with safe ones (its ``unexpected-methods``), and the manners refuse anything else.
Every request is bounded by the manners (deadline per exchange, response-size cap, ``MAX_TIME``); what
passes a bound is a ``transport`` finding naming it.

All schemathesis checks run in the phases examples, coverage, fuzzing and stateful (following the specs'
``links``), with a fixed seed and a bounded number of examples per operation, and testing of an operation
continues after its first failure (``continue-on-failure``), so one defect never hides another.
"""

from __future__ import annotations

import hashlib
import importlib.metadata
import json
import threading
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import httpx
import requests
import schemathesis
from schemathesis.config import SchemathesisConfig
from schemathesis.engine import events, from_schema
from schemathesis.schemas import BaseSchema

from datasync_openapi.contract import API, load_spec, operations, spec_path
from datasync_openapi.findings import ALL_CLASSES, FindingClass, Result
from datasync_openapi.findings.report import first_line

from . import lifecycle
from .manners import DEADLINE_BOUND, MAX_TIME_BOUND, REFUSED, SAFE_METHODS, SIZE_BOUND, Manners, active
from .options import DEFAULT_MAX_EXAMPLES, DEFAULT_REQUEST_TIMEOUT, DEFAULT_SEED, PHASES, ConformanceError
from .preflight import Credentials, PreflightBound, PreflightError, id_of, patient_request, with_discovered_ids
from .progress import Started, Step, Update
from .triage import Triage

BEARER_SCHEMES = ("oauth2ClientCredentials", "bearerAuth", "ltiJwt")
MARK_KEY = "datasync_conformance"  # exchange metadata key marking what a run created
# Operations that create something the run should clean up: operationId -> (kind, list path, delete template).
CREATES: dict[str, tuple[str, str, str | None]] = {
    "createExchange": ("exchange", "/exchanges", None),  # the API has no DELETE for exchanges
    "createScopingSchools": ("scoping school", "/tenant/scoping/schools", "/tenant/scoping/schools/{id}"),
    "createScopingCourses": ("scoping course", "/tenant/scoping/courses", "/tenant/scoping/courses/{id}"),
}
MAX_SNAPSHOT_PAGES = 100
# Bytes of a response body schemathesis keeps in its recordings (a truncated copy beyond); triage reads larger
# bodies whole when they arrive (``Triage.remember_body``).
RECORDED_BODY = 1024 * 1024
# What the coverage phase may probe a path with beyond its declared methods, in a read-only run (schemathesis'
# default adds put, post, delete and patch). HEAD is left out as schemathesis does: servers answer it for GET.
READ_ONLY_UNEXPECTED_METHODS = sorted(m.lower() for m in SAFE_METHODS - {"HEAD"})


@dataclass
class Budget:
    phases: Sequence[str] = PHASES
    max_examples: int = DEFAULT_MAX_EXAMPLES
    seed: int = DEFAULT_SEED
    max_steps: int = 10
    checks: Sequence[str] | None = None  # None: all checks
    exclude_checks: Sequence[str] = ()  # schemathesis check names not run (the lifecycle probes included)
    max_time: float | None = None  # seconds for this API's whole run; stops the engine, never extends it
    request_timeout: float = DEFAULT_REQUEST_TIMEOUT  # seconds for one whole exchange (connect, headers, body)


def _config(base_url: str, budget: Budget, auth: dict[str, Any], writes: bool = True) -> SchemathesisConfig:
    phases: dict[str, Any] = {name: {"enabled": name in budget.phases} for name in PHASES}
    phases["stateful"]["max-steps"] = budget.max_steps
    if not writes:
        phases["coverage"]["unexpected-methods"] = READ_ONLY_UNEXPECTED_METHODS
    data: dict[str, Any] = {
        "seed": budget.seed,
        "base-url": base_url,
        "request-timeout": budget.request_timeout,
        "generation": {"max-examples": budget.max_examples, "database": "none", "deterministic": True},
        "phases": phases,
        "auth": {"openapi": auth},
        "warnings": False,
        # Keep testing an operation after its first failure: a second, worse defect must not hide.
        "continue-on-failure": True,
        "output": {"truncation": {"max-recorded-payload-size": RECORDED_BODY}},
    }
    if budget.checks is not None:
        data["checks"] = {"enabled": False, **{name: {"enabled": True} for name in budget.checks}}
    if budget.exclude_checks:
        data.setdefault("checks", {}).update({name: {"enabled": False} for name in budget.exclude_checks})
    # POST /tenant/scoping/<kind> replaces the whole set unless replace=false: the suite always appends.
    # Replacing would make objects created earlier in a stateful scenario vanish legitimately (the
    # ensure_resource_availability check cannot know that), and against a real server it would wipe the
    # account's scoping. Only the scoping POSTs have a `replace` query parameter.
    data["parameters"] = {"query.replace": "false"}
    return SchemathesisConfig.from_dict(data)


def _spec_digest(api: API) -> str:
    return hashlib.sha256(spec_path(api).read_bytes()).hexdigest()[:12]


def _version(package: str) -> str:
    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


def run(
    api: API,
    *,
    base_url: str | None = None,
    app: Any = None,
    credentials: Credentials | None = None,
    bearer: str | None = None,
    budget: Budget | None = None,
    writes: bool = False,
    reset: Callable[[], None] | None = None,
    only: Sequence[str] | None = None,
    manners: Manners | None = None,
    ids: dict[str, str] | None = None,
    fail_on: frozenset[FindingClass] = ALL_CLASSES,
    allow_not_exercised: bool = False,
    embedded: bool = False,
    on_progress: Callable[[Update], None] | None = None,
    values: dict[str, dict[str, Any]] | None = None,
) -> Result:
    """Fuzz one API. Give ``app`` (ASGI, in-process) or ``base_url`` (HTTP, e.g. https://host/v2/grades).

    ``bearer`` is a token already fetched (the preflight's); otherwise one is fetched with ``credentials``.
    ``reset`` is called before every non-stateful case (in-process, the mock's ``reset``); ``only`` limits
    the run to these operationIds; ``ids`` are real ids per collection path, added as examples, and ``values``
    (operationId -> parameter name -> value, the config file's) too, first.
    ``on_progress`` (``progress.Progress``) hears when the engine starts (and how to stop it) and every event.
    """
    if (app is None) == (base_url is None):
        raise ConformanceError("give exactly one of app= and base_url=")
    budget = budget or Budget()
    credentials = credentials or Credentials()
    manners = manners or Manners()
    manners.writes = writes
    manners.request_timeout = min(manners.request_timeout, budget.request_timeout)
    started = time.perf_counter()
    if manners.deadline is None and budget.max_time:
        manners.deadline = time.monotonic() + budget.max_time
    url = base_url or f"http://mock/v2/{api}"
    if bearer is None:
        bearer = _bearer(credentials, app)
    auth: dict[str, Any] = {name: {"bearer": bearer} for name in BEARER_SCHEMES if bearer}
    if credentials.basic:
        auth["basicAuth"] = {"username": credentials.basic[0], "password": credentials.basic[1]}
    run_id = uuid.uuid4().hex[:12]
    result = Result(api=api, target=url, fail_on=fail_on, allow_not_exercised=allow_not_exercised)
    result.parameters = {
        "seed": str(budget.seed),
        "phases": ",".join(budget.phases),
        "checks": (",".join(budget.checks) if budget.checks else "all")
        + (f" except {','.join(budget.exclude_checks)}" if budget.exclude_checks else ""),
        "max examples per operation": str(budget.max_examples),
        "stateful max steps": str(budget.max_steps),
        "max time": f"{budget.max_time:g} s" if budget.max_time else "none",
        "rate": f"{manners.rate:g} requests/s" if manners.rate else "unlimited",
        "writes": "yes" if writes else "no (read-only)",
        "fail on": ",".join(sorted(str(c) for c in fail_on)),
        "auth": _auth_text(credentials, bearer),
        "spec": f"openapi/{api}.yaml sha256:{_spec_digest(api)}",
        "schemathesis": _version("schemathesis"),
        "datasync-openapi": _version("datasync-openapi"),
        "run id": run_id,
    }
    if ids:
        result.parameters["discovered ids"] = ", ".join(f"{k}={v}" for k, v in sorted(ids.items()))
    if values:
        given = (f"{op}.{name}={value}" for op, names in sorted(values.items()) for name, value in names.items())
        result.parameters["given values"] = ", ".join(given)
    disabled: set[str] = set()
    basic_ops: set[str] = set()
    for op in operations(api):
        schemes = {name for requirement in op.definition.get("security", [{}]) for name in requirement}
        if op.definition.get("security") is None:
            schemes = set(BEARER_SCHEMES)
        if schemes == {"basicAuth"}:
            basic_ops.add(op.key)
        if only is not None and op.operation_id not in only:
            disabled.add(op.operation_id)
        elif not schemes & set(auth):
            disabled.add(op.operation_id)
            result.skipped.append(f"{op.key}: no credentials for {' or '.join(sorted(schemes))}")
        elif not writes and op.method != "get":
            disabled.add(op.operation_id)
            result.skipped.append(f"{op.key}: a write (read-only run; WRITES=1 includes it)")
    triage = Triage(
        api, secrets=credentials.secrets() + ((bearer,) if bearer else ()), basic_operations=frozenset(basic_ops)
    )
    included = [op for op in operations(api) if op.operation_id not in disabled]
    triage.include(op.key for op in included)
    raw = with_discovered_ids(api, ids or {}, values) if ids or values else load_spec(api)
    schema: BaseSchema = schemathesis.openapi.from_dict(raw, config=_config(url, budget, auth, writes))
    if app is not None:
        schema.app = app
    if disabled:
        schema = schema.exclude(operation_id=sorted(disabled))
    foreign = app is None and not embedded
    created: list[tuple[str, str]] = []  # (operationId, id)
    # What exists before the run, per create operation in it: afterwards, what is new was made by the run
    # (a scoping POST answers only the first object it created, so responses alone miss some).
    creates = sorted(op.operation_id for op in included if op.operation_id in CREATES)
    before = (
        {op_id: _snapshot(url, bearer, CREATES[op_id][1], manners) for op_id in creates} if foreign and writes else {}
    )
    created_lock = threading.Lock()

    # before_call / after_call are global schemathesis hooks: they act only on this run's schema and are
    # removed afterwards.
    def before_call(context: Any, case: Any, kwargs: Any) -> None:
        if case.operation.schema is not schema:
            return
        if reset is not None:
            phase = getattr(getattr(case, "meta", None), "phase", None)
            if phase is None or str(phase.name) != "stateful":
                reset()
        creates_exchange = case.operation.definition.raw.get("operationId") == "createExchange"
        if foreign and writes and creates_exchange and isinstance(case.body, dict):
            metadata = case.body.get("metadata")
            if isinstance(metadata, dict):
                metadata[MARK_KEY] = run_id
            elif metadata is None:
                case.body["metadata"] = {MARK_KEY: run_id}

    def after_call(context: Any, case: Any, response: Any) -> None:
        if case.operation.schema is not schema:
            return
        if len(response.content or b"") > RECORDED_BODY:  # schemathesis records a truncated copy of it
            triage.remember_body(case, response)
        if not writes:
            return
        operation_id = case.operation.definition.raw.get("operationId")
        if operation_id not in CREATES or not 200 <= int(response.status_code) < 300:
            return
        try:
            data = json.loads(response.content).get("data")
        except (ValueError, AttributeError):
            return
        items = data if isinstance(data, list) else [data]
        list_path = CREATES[operation_id][1]
        with created_lock:
            created.extend(
                (str(operation_id), found)
                for item in items
                if isinstance(item, dict) and (found := id_of(item, list_path))
            )

    hooks = [schemathesis.hook(before_call), schemathesis.hook(after_call)]
    scope = active(schema, manners)
    timer: threading.Timer | None = None
    try:
        scope.__enter__()
        stream = from_schema(schema).execute()
        left = manners.remaining()
        if left is not None:
            # MAX_TIME: the engine stops starting cases; the manners cut what is in flight and send nothing more
            timer = threading.Timer(max(0.0, left), stream.stop)
            timer.daemon = True
            timer.start()
        if on_progress is not None:
            on_progress(Started(api, [op.key for op in included], stream.stop, budget, manners))
        for event in stream:
            if isinstance(event, events.ScenarioFinished):
                triage.scenario(event.recorder)
            elif isinstance(event, events.NonFatalError):
                message = str(event.info.message) if hasattr(event.info, "message") else str(event.info)
                if "excluded by filters" in message:  # a filtered run without the linked operations
                    result.skipped.append(f"{event.label}: the operations its links need are not in this run")
                elif str(event.info.title) == "Network Error":
                    if not message.startswith((MAX_TIME_BOUND, REFUSED)):  # counted by the manners, noted below
                        triage.transport_error(str(event.label), _network_title(message), message)
                else:
                    result.errors.append(f"{event.label}: {event.info.title}: {first_line(message)}")
            elif isinstance(event, events.FatalError):
                result.errors.append(f"fatal: {event.exception}")
            elif isinstance(event, events.EngineFinished):
                result.stop_reason = str(event.stop_reason)
            if on_progress is not None:
                on_progress(Step(event, len(triage.findings)))
    finally:
        scope.__exit__()
        if timer is not None:
            timer.cancel()
        for hook in hooks:
            schemathesis.hooks.unregister(hook)
    if writes and creates:
        # A stateful scenario ends at its first failure: probe what the links promise on its own.
        def mark(operation_id: str, body: Any) -> None:
            if foreign and operation_id == "createExchange" and isinstance(body, dict):
                metadata = body.get("metadata")
                body["metadata"] = {**(metadata if isinstance(metadata, dict) else {}), MARK_KEY: run_id}

        probed = lifecycle.probe(
            api,
            url,
            headers={"Authorization": f"Bearer {bearer}"} if bearer else {},
            creates=creates,
            checks=[c for c in (budget.checks or lifecycle.LIFECYCLE_CHECKS) if c not in budget.exclude_checks],
            manners=manners,
            mark=mark,
            app=app,
        )
        for observation in probed.findings:
            triage.lifecycle(observation)
        result.notes += probed.notes
        created += probed.created
    left = manners.remaining()
    if left is not None and left <= 0:
        result.notes.append(f"stopped by MAX_TIME after {budget.max_time:g} s" if budget.max_time else MAX_TIME_BOUND)
        manners.deadline = None  # the snapshot and the cleanup of what a write run created still happen
    result.elapsed = time.perf_counter() - started
    result.operations = triage.coverage
    result.findings = list(triage.findings.values())
    result.stateful_cases = triage.stateful_cases
    if app is None:
        result.notes.append(manners.note())
        result.notes.extend(manners.bound_notes())
    if triage.refused_forbidden:
        result.notes.append(
            f"{triage.refused_forbidden} refusals of cases whose values the spec's own types forbid (schemathesis "
            "fed one resource's value into another's parameter) are correct answers, not findings"
        )
    if triage.rate_limited:
        result.notes.append(f"{triage.rate_limited} answers were still 429 after waiting (not counted as findings)")
    if before:
        for op_id, existing in before.items():
            if existing is None:
                continue
            after = _snapshot(url, bearer, CREATES[op_id][1], manners) or set()
            created += [(op_id, object_id) for object_id in sorted(after - existing)]
    if foreign and created:
        _clean_up(result, url, bearer, created, manners)
    return result


def _snapshot(base_url: str, bearer: str | None, path: str, manners: Manners) -> set[str] | None:
    """The ids a list operation pages through (``None`` if it cannot be listed)."""
    headers = {"Authorization": f"Bearer {bearer}"} if bearer else {}
    ids: set[str] = set()
    with manners.session() as http:
        http.headers.update(headers)
        for page in range(MAX_SNAPSHOT_PAGES):
            try:
                response = patient_request(http, "GET", base_url + path, params={"page": page, "page_size": 100})
                body = response.json() if response.status_code == 200 else None
            except (requests.RequestException, PreflightError, ValueError):
                return None
            items = body.get("data") if isinstance(body, dict) else None
            if not isinstance(items, list):
                return None
            ids.update(found for item in items if isinstance(item, dict) and (found := id_of(item, path)))
            paging = body.get("paging") if isinstance(body, dict) else None
            if not items or not isinstance(paging, dict) or not paging.get("next"):
                return ids
    return ids


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
        raise ConformanceError(f"the mock's token endpoint answered {response.status_code}")
    return str(response.json()["access_token"])


def _auth_text(credentials: Credentials, bearer: str | None) -> str:
    parts = []
    if credentials.token:
        parts.append("bearer token (TOKEN)")
    elif bearer:
        parts.append(
            f"OAuth2 client credentials (client_id {credentials.client_id}, token URL {credentials.token_url})"
        )
    if credentials.basic:
        parts.append(f"Basic (API key {credentials.basic[0]})")
    return "; ".join(parts) or "none"


def _network_title(message: str) -> str:
    if message.startswith(SIZE_BOUND):
        return "Response over MAX_RESPONSE_SIZE"
    if message.startswith(DEADLINE_BOUND):
        return "Request deadline exceeded"
    if message.startswith(MAX_TIME_BOUND):
        return "Stopped by MAX_TIME"
    lower = message.lower()
    if "timed out" in lower or "timeout" in lower:
        return "Request timed out"
    if "connection" in lower:
        return "Connection failed"
    return "Network error"


def _clean_up(
    result: Result, base_url: str, bearer: str | None, created: list[tuple[str, str]], manners: Manners
) -> None:
    """Delete what the run created where the API allows it; list the rest, by id."""
    headers = {"Authorization": f"Bearer {bearer}"} if bearer else {}
    deleted = 0
    with manners.session() as http:
        http.headers.update(headers)
        for operation_id, object_id in sorted(set(created)):
            kind, _, template = CREATES[operation_id]
            if template is None:
                result.left_behind.append(
                    f"{kind} {object_id} (the API has no DELETE for it; marked metadata.{MARK_KEY})"
                )
                continue
            try:
                response = patient_request(http, "DELETE", base_url + template.replace("{id}", object_id))
            except (requests.RequestException, PreflightBound) as exc:
                result.left_behind.append(f"{kind} {object_id} (DELETE failed: {type(exc).__name__})")
                continue
            if response.status_code in (200, 202, 204, 404):
                deleted += 1
            else:
                result.left_behind.append(f"{kind} {object_id} (DELETE answered {response.status_code})")
    result.notes.append(f"created {len(set(created))} objects; deleted {deleted} afterwards")


def preflight_result(
    api: API,
    base_url: str,
    error: PreflightBound,
    *,
    manners: Manners,
    fail_on: frozenset[FindingClass] = ALL_CLASSES,
    allow_not_exercised: bool = False,
) -> Result:
    """The result of a run whose preflight passed a bound: that ``transport`` finding, nothing fuzzed."""
    result = Result(api=api, target=base_url, fail_on=fail_on, allow_not_exercised=allow_not_exercised)
    result.parameters = {
        "max response size": f"{manners.max_response_size} bytes",
        "request deadline": f"{manners.request_timeout:g} s",
        "writes": "yes" if manners.writes else "no (read-only)",
    }
    triage = Triage(api)
    triage.include(op.key for op in operations(api) if manners.writes or op.method == "get")
    triage.transport_error(error.operation, _network_title(error.detail), error.detail)
    result.findings = list(triage.findings.values())
    result.operations = triage.coverage
    result.notes.append(f"preflight did not pass: {error.detail}; nothing was fuzzed")
    result.notes.append(manners.note())
    result.notes.extend(manners.bound_notes())
    return result


def write_plan(api: API, base_url: str) -> str:
    """What a run with writes will do to the target, said before it starts."""
    lines = [f"WRITES=1: this run sends writes to {base_url}:"]
    for op in operations(api):
        if op.method == "get":
            continue
        effect = ""
        if op.operation_id in CREATES:
            kind, _, template = CREATES[op.operation_id]
            effect = f" creates {kind}s" + (
                f", marked metadata.{MARK_KEY}=<run id>; they cannot be deleted and are listed in the report"
                if template is None
                else ", deleted afterwards"
            )
        lines.append(f"  {op.method.upper()} {op.path}{effect}")
    return "\n".join(lines)


__all__ = ["Budget", "preflight_result", "run", "write_plan"]
