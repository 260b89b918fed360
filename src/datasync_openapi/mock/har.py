"""Seed the mock from recorded traffic: ``datasync mock --seed-from traffic.har``.

A HAR file (``datasync proxy --record``, or any HAR 1.2 file, e.g. a browser's) becomes the mock's data, so a
user's staging traffic turns into an offline sandbox that then behaves statefully (create, update, delete,
paging, counts) like the mock always does. The recorded objects are put **after the demo data**, so the demo
ids and credentials keep working and a recorded object with the same id as a demo object wins; ``POST
/_mock/reset`` restores both. With ``--state FILE`` the recorded objects seed a new state file only (a state
file that holds data is used as it is).

Which exchanges are used, in the order recorded (a later answer about an object replaces an earlier one):

- only 2xx answers of operations of the specs (matched with the contract's router on the URL path, so the
  upstream's host and any path prefix before ``/v2/`` do not matter); others are counted and ignored;
- the objects of list answers (``data[]``), of GET-by-id answers and of the POST/PUT answers that return an
  object (``data``), into the collection of ``store.COLLECTIONS`` the operation serves: exchanges (also
  ``POST /exchanges/{id}/data``), their errors (listed or created under ``/exchanges/{id}/errors``), batch
  exchanges, schedules, tenants, scoping schools and courses; ``GET /consumer``; ``GET /sections/{id}/resolve``
  (under the section id of the URL); the details and consumer-logs artifacts (gzip JSON, decoded);
- ``DELETE`` of a scoping school or course removes it, ``DELETE`` of all of them empties the collection, and
  a scoping ``POST`` without ``replace=false`` empties it first (as the server did; only the object its answer
  shows is known afterwards).

Each object is checked against its schema in the spec: ``null`` where the schema does not allow it (the most
common drift of real servers) is dropped, as the spec says the field is then absent; an object that still
does not match, or has no id, is skipped and named in the summary. Exchanges get ``error_count`` 0 and state
``created`` when the recording has none (the mock's handlers need both). Fields starting with ``_`` are the
mock's own and are not taken from recordings. Credentials are never held or served: the values of secret
fields (``findings.redact``'s policy, e.g. a tenant's ``auth.client_secret``) become ``[redacted]`` as read.
"""

from __future__ import annotations

import csv
import io
import json
import zlib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import jsonschema_rs

from datasync_openapi.contract import (
    API,
    MAX_HAR_BODY,
    HarError,
    Route,
    Router,
    compile_schema,
    explain,
    har_body,
    read_entries,
)
from datasync_openapi.contract import router as compiled_router
from datasync_openapi.findings.redact import redacted

from .store import JSONObject, Store

MAX_BODY = MAX_HAR_BODY  # bytes of one decoded body (an artifact, a list answer)
MAX_REPAIRS = 50  # rounds of dropping disallowed nulls from one object
MAX_SKIPPED_SHOWN = 20

Step = Callable[[Store], None]


@dataclass(frozen=True)
class Kind:
    """A collection of the store and what its objects are in the spec."""

    collection: str
    api: API
    schema: str  # component name
    id_field: str | None  # None: a single object under a fixed key, or a key taken from the URL


KINDS = {
    "exchanges": Kind("exchanges", "grades", "Exchange", "id"),
    "exchange_errors": Kind("exchange_errors", "grades", "ExchangeError", "id"),
    "batch_exchanges": Kind("batch_exchanges", "grades", "BatchExchange", "id"),
    "schedules": Kind("schedules", "grades", "Schedule", "id"),
    "consumer": Kind("consumer", "grades", "Consumer", None),
    "sections": Kind("sections", "grades", "ResolvedId", None),
    "tenants": Kind("tenants", "interop", "TenantInfo", "id"),
    "scoping_schools": Kind("scoping_schools", "interop", "ScopingSchool", "school_id"),
    "scoping_courses": Kind("scoping_courses", "interop", "ScopingCourse", "course_id"),
}
# operationId -> (collection, the answer's shape): "list" data[], "envelope" data, "plain" the body itself
OBJECTS: dict[str, tuple[str, str]] = {
    "listExchanges": ("exchanges", "list"),
    "getExchange": ("exchanges", "envelope"),
    "createExchange": ("exchanges", "envelope"),
    "createExchangeData": ("exchanges", "envelope"),
    "listExchangeErrors": ("exchange_errors", "list"),
    "createExchangeError": ("exchange_errors", "envelope"),
    "listBatchExchanges": ("batch_exchanges", "list"),
    "listSchedules": ("schedules", "list"),
    "getConsumer": ("consumer", "plain"),
    "resolveSection": ("sections", "plain"),
    "listTenants": ("tenants", "list"),
    "getTenant": ("tenants", "envelope"),
    "listScopingSchools": ("scoping_schools", "list"),
    "getScopingSchool": ("scoping_schools", "envelope"),
    "createScopingSchools": ("scoping_schools", "envelope"),
    "updateScopingSchool": ("scoping_schools", "envelope"),
    "listScopingCourses": ("scoping_courses", "list"),
    "getScopingCourse": ("scoping_courses", "envelope"),
    "createScopingCourses": ("scoping_courses", "envelope"),
    "updateScopingCourse": ("scoping_courses", "envelope"),
}
ARTIFACTS = {"getExchangeDetails": "details", "getExchangeConsumerLogs": "consumerlogs"}
DELETES = {
    "deleteScopingSchool": ("scoping_schools", False),
    "deleteScopingSchools": ("scoping_schools", True),
    "deleteScopingCourse": ("scoping_courses", False),
    "deleteScopingCourses": ("scoping_courses", True),
}
REPLACING = {"createScopingSchools", "createScopingCourses"}


@dataclass
class Recorded:
    """What a HAR file puts into the store, as steps in recorded order; ``apply`` runs them."""

    source: Path
    entries: int = 0
    steps: list[Step] = field(default_factory=list)
    keys: dict[str, set[str]] = field(default_factory=dict)  # ids of the objects put, per collection
    deletes: int = 0
    ignored: Counter[str] = field(default_factory=Counter)  # entries not used, by reason
    skipped: list[str] = field(default_factory=list)  # objects not used, with the reason

    @property
    def objects(self) -> dict[str, int]:
        """Distinct objects put, per collection (an object recorded twice counts once)."""
        return {collection: len(keys) for collection, keys in sorted(self.keys.items())}

    def apply(self, store: Store) -> None:
        for step in self.steps:
            step(store)

    def summary(self) -> str:
        put = ", ".join(f"{name} {count}" for name, count in self.objects.items()) or "none"
        lines = [
            f"seeded from {self.source}: {self.entries} entries; objects put: {put}"
            + (f"; {self.deletes} deletes replayed" if self.deletes else "")
        ]
        if self.ignored:
            lines.append("  entries not used: " + ", ".join(f"{r} {n}" for r, n in sorted(self.ignored.items())))
        for reason in self.skipped[:MAX_SKIPPED_SHOWN]:
            lines.append(f"  skipped {reason}")
        if len(self.skipped) > MAX_SKIPPED_SHOWN:
            lines.append(f"  ... and {len(self.skipped) - MAX_SKIPPED_SHOWN} more skipped objects")
        return "\n".join(lines)


def with_demo_data(recorded: Recorded) -> Step:
    """A seeder for ``MockConfig(seeder=...)``: the demo data, then the recorded objects (they win)."""

    from .seeding import seeder  # keeps the invariants (error_count = errors listed) a recording may break

    return seeder(True, recorded)


# -- reading -------------------------------------------------------------------------------------------------
def load(path: Path, router: Router | None = None) -> Recorded:
    """Read a HAR file (``contract.read_entries``: its bounds) and turn its entries into store steps; ``HarError``
    if it cannot be used."""
    entries = read_entries(path)
    router = router or compiled_router()
    recorded = Recorded(source=path)
    for entry in entries:
        recorded.entries += 1
        _entry(recorded, router, entry)
    return recorded


def _entry(recorded: Recorded, router: Router, entry: Any) -> None:
    request = entry.get("request") if isinstance(entry, dict) else None
    response = entry.get("response") if isinstance(entry, dict) else None
    if not isinstance(request, dict) or not isinstance(response, dict):
        recorded.ignored["malformed"] += 1
        return
    status = response.get("status")
    if not isinstance(status, int) or not 200 <= status < 300:
        recorded.ignored["not 2xx"] += 1
        return
    parts = urlsplit(str(request.get("url", "")))
    start = parts.path.find("/v2/")
    match = router.match(parts.path[start:]) if start >= 0 else None
    method = str(request.get("method", "")).lower()
    chosen = next(((r, v) for r, v in (match[1] if match else []) if r.method == method), None)
    if chosen is None:
        recorded.ignored["not an operation of the specs"] += 1
        return
    route, path_values = chosen
    operation = route.operation_id
    if operation in DELETES:
        collection, everything = DELETES[operation]
        key = path_values.get("id", "")
        recorded.steps.append(_clear(collection) if everything else _delete(collection, key))
        recorded.deletes += 1
        return
    if operation not in OBJECTS and operation not in ARTIFACTS and operation != "getBatchExchangeCourseIds":
        recorded.ignored["operations that carry no object"] += 1
        return
    body = har_body(response.get("content"))
    if body is None:
        recorded.ignored["answers without a recorded body"] += 1
        return
    if operation in ARTIFACTS:
        _artifact(recorded, route, path_values["id"], ARTIFACTS[operation], body)
    elif operation == "getBatchExchangeCourseIds":
        _batch_courses(recorded, path_values["id"], body)
    else:
        query = dict(parse_qsl(parts.query, keep_blank_values=True))
        if operation in REPLACING and query.get("replace", "true") != "false":
            recorded.steps.append(_clear(OBJECTS[operation][0]))
        _objects(recorded, route, path_values, body)


def _objects(recorded: Recorded, route: Route, path_values: dict[str, str], body: bytes) -> None:
    collection, shape = OBJECTS[route.operation_id]
    kind = KINDS[collection]
    try:
        data = json.loads(body)
    except (ValueError, RecursionError):
        recorded.skipped.append(f"{route.label}: the answer is not JSON")
        return
    if shape != "plain":
        data = data.get("data") if isinstance(data, dict) else None
    items = data if shape == "list" and isinstance(data, list) else [data]
    for item in items:
        if item is None and shape == "envelope":
            continue  # {"data": null}: nothing to keep
        obj, problem = _accept(kind, item)
        if obj is None:
            recorded.skipped.append(f"{kind.collection} from {route.label}: {problem}")
            continue
        if kind.collection == "consumer":
            key = "consumer"
        elif kind.collection == "sections":
            key = path_values["id"]
        else:
            key = str(obj[kind.id_field or "id"])
        if kind.collection == "exchange_errors":
            obj["_exchange_id"] = path_values["id"]
        recorded.steps.append(_put(kind.collection, key, obj))
        recorded.keys.setdefault(kind.collection, set()).add(key)


def _artifact(recorded: Recorded, route: Route, exchange_id: str, name: str, body: bytes) -> None:
    try:
        decoder = zlib.decompressobj(47)  # gzip (or zlib)
        raw = decoder.decompress(body, MAX_BODY + 1)
        if len(raw) > MAX_BODY or decoder.unconsumed_tail:
            raise ValueError(f"larger than {MAX_BODY} bytes decoded")
        content = json.loads(raw)
    except (zlib.error, ValueError, RecursionError) as exc:
        recorded.skipped.append(f"artifact {name} of exchange {exchange_id} from {route.label}: not gzip JSON ({exc})")
        return
    recorded.steps.append(_put("artifacts", f"{exchange_id}/{name}", {"content": redacted(content)}))
    recorded.keys.setdefault("artifacts", set()).add(f"{exchange_id}/{name}")


def _batch_courses(recorded: Recorded, batch_id: str, body: bytes) -> None:
    """The CSV report's ``course_id`` column becomes the batch's course ids (if the batch is known by then)."""
    try:
        rows = list(csv.DictReader(io.StringIO(body.decode("utf-8"))))
    except (UnicodeDecodeError, csv.Error):
        recorded.skipped.append(f"course ids of batch {batch_id}: not a CSV report")
        return
    course_ids = [row["course_id"] for row in rows if row.get("course_id")]

    def step(store: Store) -> None:
        if store.get("batch_exchanges", batch_id) is not None:
            store.update("batch_exchanges", batch_id, course_ids=course_ids)

    recorded.steps.append(step)


# -- one object ----------------------------------------------------------------------------------------------
_VALIDATORS: dict[str, jsonschema_rs.Validator] = {}


def object_validator(kind: Kind) -> jsonschema_rs.Validator:
    """The compiled schema of a collection's objects (compiled once; the HAR and file seeders share it)."""
    found = _VALIDATORS.get(kind.collection)
    if found is None:
        found = _VALIDATORS[kind.collection] = compile_schema({"$ref": f"#/components/schemas/{kind.schema}"}, kind.api)
    return found


def _accept(kind: Kind, item: Any) -> tuple[JSONObject | None, str]:
    """The object as the store keeps it, or ``None`` and why not."""
    if not isinstance(item, dict):
        return None, "not a JSON object"
    obj: JSONObject = redacted({k: v for k, v in item.items() if not str(k).startswith("_")})
    if kind.id_field is not None and not (isinstance(obj.get(kind.id_field), str) and obj[kind.id_field]):
        return None, f"no {kind.id_field}"
    validator = object_validator(kind)
    for _round in range(MAX_REPAIRS):
        try:
            errors = list(validator.iter_errors(obj))
        except ValueError as exc:
            return None, f"cannot be checked: {exc}"
        if not errors:
            break
        nulls = [list(e.instance_path) for e in errors if e.instance is None and e.instance_path]
        if not any([_drop(obj, path) for path in nulls]):
            where = f"{kind.schema} {obj.get(kind.id_field or '', '')}".strip()
            return None, f"{where}: {explain(errors[0], 'the object')}"
    else:
        return None, f"{kind.schema}: too many disallowed nulls"
    if kind.collection == "exchanges":
        obj.setdefault("error_count", 0)
        obj.setdefault("state", "created")
    return obj, ""


def _drop(obj: Any, path: list[str | int]) -> bool:
    """Remove the property at ``path``; ``False`` if there is none (a null array item cannot be absent)."""
    *parents, last = path
    for part in parents:
        try:
            obj = obj[part]
        except (KeyError, IndexError, TypeError):
            return False
    if isinstance(obj, dict) and isinstance(last, str) and last in obj:
        del obj[last]
        return True
    return False


# -- steps ---------------------------------------------------------------------------------------------------
def _put(collection: str, key: str, obj: JSONObject) -> Step:
    def step(store: Store) -> None:
        store.put(collection, key, json.loads(json.dumps(obj)))  # a copy per reset: handlers may change it

    return step


def _delete(collection: str, key: str) -> Step:
    def step(store: Store) -> None:
        store.delete(collection, key)

    return step


def _clear(collection: str) -> Step:
    def step(store: Store) -> None:
        store.clear(collection)

    return step


__all__ = ["KINDS", "HarError", "Kind", "Recorded", "load", "object_validator", "with_demo_data"]
