"""Lifecycle probes: what the specs' links promise about a created object, checked on their own.

A stateful scenario ends at its first new failure, so a created-then-not-found or a deleted-then-still-there
answer stays hidden whenever another check (a null field, ignored auth) fails earlier on the same chain, and
schemathesis' random walk reaches a create, a delete and a read of the same object only by luck. These probes
do it on purpose, once per create operation of a run with writes (over HTTP or in-process), following the
spec's own links:

* create (the request body of the spec's example, a fresh id where the link reads one), then read the
  created object through the create's link to a GET: a 404 is ``ensure_resource_availability``;
* delete it through the link to a DELETE; after a 2xx, read it again: a 2xx or 3xx is ``use_after_free``.

The findings carry schemathesis' check names, titles and keys (``<api> <GET operation> <check> status <n>``),
so a defect found both here and by the stateful phase is one finding, and ``EXCLUDE_CHECKS`` drops either.
Every request goes through the run's manners: bounded by size and time, 429 answers waited out.
"""

from __future__ import annotations

import copy
import json
import shlex
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import requests

from datasync_openapi.contract import API, Operation, operations

from .manners import Manners

LIFECYCLE_CHECKS = ("ensure_resource_availability", "use_after_free")


@dataclass
class Observation:
    """One lifecycle finding: the GET operation it was seen on and how to reproduce it."""

    operation: str  # "GET /exchanges/{id}"
    check: str  # one of LIFECYCLE_CHECKS
    title: str
    status: int
    message: str
    reproduce: str


@dataclass
class Outcome:
    findings: list[Observation] = field(default_factory=list)
    created: list[tuple[str, str]] = field(default_factory=list)  # (operationId, id) still there afterwards
    notes: list[str] = field(default_factory=list)


@dataclass
class _Answer:
    status: int
    body: Any  # parsed JSON, or None


def _pointer(document: Any, expression: str) -> Any:
    """The value a link's ``$response.body#/a/0/b`` names (``None`` if absent)."""
    prefix = "$response.body#"
    if not expression.startswith(prefix):
        return None
    value = document
    for raw in expression[len(prefix) :].split("/")[1:]:
        part = raw.replace("~1", "/").replace("~0", "~")
        if isinstance(value, dict):
            value = value.get(part)
        elif isinstance(value, list) and part.isdigit() and int(part) < len(value):
            value = value[int(part)]
        else:
            return None
    return value


def _example_body(operation: Operation) -> Any:
    content = operation.definition.get("requestBody", {}).get("content", {})
    media = content.get("application/json", {})
    if "example" in media:
        return copy.deepcopy(media["example"])
    for example in media.get("examples", {}).values():
        if isinstance(example, dict) and "value" in example:
            return copy.deepcopy(example["value"])
    return None


def _fresh_id(body: Any, field_name: str, value: str) -> None:
    """Give the object(s) of a create body a new id where the link reads it, so no existing object is hit."""
    data = body.get("data") if isinstance(body, dict) else None
    items: list[Any] = data if isinstance(data, list) else [body]
    for item in items:
        if isinstance(item, dict) and field_name in item:
            item[field_name] = value


def _curl(method: str, url: str, body: Any = None) -> str:
    parts = ["curl", "-X", method, shlex.quote(url), "-H", '"Authorization: Bearer $TOKEN"']
    if body is not None:
        parts += ["-H", "'Content-Type: application/json'", "-d", shlex.quote(json.dumps(body, ensure_ascii=False))]
    return " ".join(parts)


class _Client:
    """The probes' requests go through the run's manners, as every other request of the run: the rate limit,
    429 backpressure, the method gate, the response-size cap, the deadline of each exchange and ``MAX_TIME``.
    In-process (``app``) they go to the ASGI app through schemathesis' own ASGI session, as its cases do."""

    def __init__(self, base_url: str, headers: dict[str, str], manners: Manners, app: Any = None) -> None:
        self.base_url = base_url
        if app is None:
            self.http = manners.session()
        else:
            from schemathesis.python import asgi

            self.http = asgi.get_client(app)
        self.http.headers.update(headers)

    def send(self, method: str, path: str, *, params: dict[str, str] | None = None, body: Any = None) -> _Answer:
        response = self.http.request(method, self.base_url + path, params=params, json=body, allow_redirects=False)
        try:
            parsed = response.json() if response.content else None
        except ValueError:
            parsed = None
        return _Answer(response.status_code, parsed)

    def close(self) -> None:
        self.http.close()


def _links(api_ops: dict[str, Operation], create: Operation) -> list[tuple[Operation, dict[str, str]]]:
    found = []
    for status, response in create.definition.get("responses", {}).items():
        if not str(status).startswith("2") or not isinstance(response, dict):
            continue
        for link in response.get("links", {}).values():
            target = api_ops.get(str(link.get("operationId")))
            if target is not None:
                found.append((target, dict(link.get("parameters", {}))))
    return found


def _request_for(target: Operation, parameters: dict[str, str], body: Any) -> tuple[str, dict[str, str]] | None:
    """The path and query of the linked request, or None if a path parameter has no value."""
    path = target.path
    query: dict[str, str] = {}
    where = {p["name"]: p.get("in") for p in target.parameters}
    for name, expression in parameters.items():
        value = _pointer(body, expression)
        if where.get(name) == "path":
            if not isinstance(value, str | int) or value == "":
                return None
            path = path.replace("{" + name + "}", str(value))
        elif where.get(name) == "query" and isinstance(value, str | int | float | bool):
            query[name] = str(value).lower() if isinstance(value, bool) else str(value)
    return None if "{" in path else (path, query)


def probe(
    api: API,
    base_url: str,
    *,
    headers: dict[str, str],
    creates: Sequence[str],
    checks: Sequence[str],
    manners: Manners,
    mark: Callable[[str, Any], None] | None = None,
    app: Any = None,
) -> Outcome:
    """Create, read, delete and read again each of ``creates`` (operationIds) through the spec's links; over HTTP
    to ``base_url``, or in-process to ``app`` (an ASGI app; ``base_url`` then only names it)."""
    outcome = Outcome()
    wanted = [c for c in LIFECYCLE_CHECKS if c in checks]
    if not wanted:
        return outcome
    api_ops = {op.operation_id: op for op in operations(api)}
    client = _Client(base_url, headers, manners, app)
    try:
        for operation_id in creates:
            create = api_ops.get(operation_id)
            if create is None:
                continue
            try:
                _probe_one(api_ops, create, client, wanted, outcome, mark)
            except requests.RequestException as exc:
                outcome.notes.append(f"lifecycle probe of {create.key} stopped: {type(exc).__name__}")
    finally:
        client.close()
    return outcome


def _probe_one(
    api_ops: dict[str, Operation],
    create: Operation,
    client: _Client,
    checks: list[str],
    outcome: Outcome,
    mark: Callable[[str, Any], None] | None,
) -> None:
    links = _links(api_ops, create)
    reads = [(t, p) for t, p in links if t.method == "get" and t.path.startswith(create.path + "/")]
    deletes = [(t, p) for t, p in links if t.method == "delete"]
    body = _example_body(create)
    if not reads or body is None:
        return
    fresh = str(uuid.uuid4())
    for _, parameters in reads:
        for expression in parameters.values():
            _fresh_id(body, expression.rsplit("/", 1)[-1], fresh)
    if mark is not None:
        mark(create.operation_id, body)
    params = {"replace": "false"} if any(p["name"] == "replace" for p in create.parameters) else None
    made = client.send("POST", create.path, params=params, body=body)
    steps = [_curl("POST", client.base_url + create.path + ("?replace=false" if params else ""), body)]
    if not 200 <= made.status < 300:
        outcome.notes.append(f"lifecycle probe: {create.key} answered {made.status}; nothing to follow")
        return
    read_target, read_parameters = reads[0]
    request = _request_for(read_target, read_parameters, made.body)
    if request is None:
        outcome.notes.append(f"lifecycle probe: {create.key}'s answer has no id for {read_target.key}")
        return
    path, query = request
    object_id = path.rsplit("/", 1)[-1]
    outcome.created.append((create.operation_id, object_id))
    read_url = client.base_url + path + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")
    read = client.send("GET", path, params=query or None)
    if read.status == 404 and "ensure_resource_availability" in checks:
        outcome.findings.append(
            Observation(
                read_target.key,
                "ensure_resource_availability",
                "Created resource not found",
                404,
                f"{create.key} answered {made.status} and created {object_id}; {read_target.key} answered 404 "
                "for it right afterwards",
                "\n".join([*steps, _curl("GET", read_url)]),
            )
        )
    if not deletes or "use_after_free" not in checks:
        return
    delete_target, delete_parameters = deletes[0]
    delete_request = _request_for(delete_target, delete_parameters, made.body)
    if delete_request is None:
        return
    deleted = client.send("DELETE", delete_request[0])
    steps += [_curl("GET", read_url), _curl("DELETE", client.base_url + delete_request[0])]
    if not 200 <= deleted.status < 300:
        outcome.notes.append(f"lifecycle probe: {delete_target.key} answered {deleted.status}")
        return
    outcome.created.remove((create.operation_id, object_id))
    again = client.send("GET", path, params=query or None)
    if 200 <= again.status < 400:
        outcome.created.append((create.operation_id, object_id))  # the server still has it: clean it up
        outcome.findings.append(
            Observation(
                read_target.key,
                "use_after_free",
                "Deleted resource still available",
                again.status,
                f"{delete_target.key} answered {deleted.status} for {object_id}; {read_target.key} answered "
                f"{again.status} for it afterwards, not 404",
                "\n".join([*steps, _curl("GET", read_url)]),
            )
        )


__all__ = ["LIFECYCLE_CHECKS", "Observation", "Outcome", "probe"]
