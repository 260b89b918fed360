"""What the mock starts from: the demo data or nothing (``--no-demo-data``), a recording (``--seed-from``), your
own objects (``--seed FILE``, ``datasync_mock.load(...)``), and the invariants every seeded store keeps.

A seed file is JSON or YAML: an object whose keys are the mock's collections::

    exchanges:            [Exchange, ...]         (grades.yaml; "id" required)
    exchange_errors:      [ExchangeError, ...]    ("id" and "_exchange_id", the exchange it belongs to)
    batch_exchanges:      [BatchExchange, ...]
    schedules:            [Schedule, ...]         ("_course_app_ids": the course apps a run of it asks about)
    consumer:             Consumer                (one object)
    sections:             {section id: ResolvedId, ...}
    tenants:              [TenantInfo, ...]       (interop.yaml)
    scoping_schools:      [ScopingSchool, ...]    ("school_id" required)
    scoping_courses:      [ScopingCourse, ...]    ("course_id" required)

Each object is checked against its schema in the spec, and a field its schema does not declare is refused (a typo
would otherwise be served silently); fields starting with ``_`` are the mock's own: only those above are taken.
The first problem is a ``SeedError`` naming the file, the object and the field, e.g.
``seed.yaml: exchanges[1] (id e1...): field 'state' must be ...``. The objects are put after the demo data (unless
``--no-demo-data``) and after a recording (``--seed-from``): an object with an id already there replaces it.
Exchanges get what the mock's handlers need when the file leaves it out: ``state`` ``created``,
``max_data_content_length`` 1 000 000, ``course_app_id`` ``course-app-101``.

**Invariants** (``keep_invariants``), applied after every seeder, whatever the source (demo, recording, file): an
exchange's ``error_count`` is the number of its errors the mock lists (``GET /exchanges/{id}/errors``); a count
given in a seed or a recording that disagrees is replaced by it. Counts (``/count``) are always the length of the
lists they count.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jsonschema_rs
import yaml

from datasync_openapi.contract import explain, load_spec

from .har import KINDS, Kind, Recorded, object_validator
from .seed import DEFAULT_MAX_DATA_CONTENT_LENGTH, DEMO_COURSE_APP_ID, seed
from .store import JSONObject, Store

MAX_SEED_BYTES = 256 * 1024 * 1024  # a larger seed file is refused (it is read whole)
MAX_SEED_OBJECTS = 1_000_000
Step = Callable[[Store], None]
# The mock's own fields a seed may carry, per collection (what they mean: the module's doc).
MOCK_FIELDS: dict[str, dict[str, type]] = {
    "exchanges": {"_posted_by": str},
    "exchange_errors": {"_exchange_id": str},
    "schedules": {"_course_app_ids": list},
}


class SeedError(ValueError):
    """A seed that cannot be used (one line saying where and why)."""


_DECLARED: dict[str, frozenset[str]] = {}


def _validator(kind: Kind) -> tuple[jsonschema_rs.Validator, frozenset[str]]:
    """The collection's compiled schema (the HAR seeder's, shared) and the property names it declares."""
    declared = _DECLARED.get(kind.collection)
    if declared is None:
        schema = load_spec(kind.api)["components"]["schemas"][kind.schema]
        declared = _DECLARED[kind.collection] = frozenset(schema.get("properties", {}))
    return object_validator(kind), declared


@dataclass
class Seed:
    """Objects to put into the store, checked; ``apply`` puts them (copies: handlers may change them)."""

    source: str
    objects: list[tuple[str, str, JSONObject, str]] = field(default_factory=list)  # collection, key, object, name

    def apply(self, store: Store) -> None:
        for collection, key, obj, name in self.objects:
            if collection == "exchange_errors" and store.get("exchanges", obj["_exchange_id"]) is None:
                raise SeedError(
                    f"{self.source}: {name}: _exchange_id {obj['_exchange_id']!r} names no exchange "
                    "(of this seed, the demo data or the recording)"
                )
            store.put(collection, key, copy.deepcopy(obj))

    def counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for collection, *_ in self.objects:
            out[collection] = out.get(collection, 0) + 1
        return out

    def summary(self) -> str:
        put = ", ".join(f"{name} {count}" for name, count in self.counts().items()) or "none"
        return f"seeded from {self.source}: objects put: {put}"


class _NoAliases(yaml.SafeLoader):
    """YAML without aliases (``*name``): a few lines of them can stand for gigabytes of objects."""

    def compose_node(self, parent: Any, index: Any) -> Any:
        if self.check_event(yaml.AliasEvent):
            raise yaml.YAMLError("aliases (*name) are not accepted")
        return super().compose_node(parent, index)


def read(path: str | Path) -> Seed:
    """A seed file (JSON, or YAML by its ``.yaml``/``.yml`` suffix), checked; ``SeedError`` if it cannot be used."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_SEED_BYTES:
            raise SeedError(f"{path}: {size} bytes; at most {MAX_SEED_BYTES} are read")
        raw = path.read_bytes()
    except OSError as exc:
        raise SeedError(f"cannot read {path}: {exc.strerror or exc}") from None
    is_yaml = path.suffix.lower() in (".yaml", ".yml")
    try:
        data = yaml.load(raw, Loader=_NoAliases) if is_yaml else json.loads(raw)  # noqa: S506 - SafeLoader, no aliases
    except (ValueError, RecursionError, yaml.YAMLError) as exc:
        line = " ".join(str(exc).split())[:300]
        raise SeedError(f"{path}: not valid {'YAML' if is_yaml else 'JSON'}: {line}") from None
    return parse(data, str(path))


def parse(data: Any, source: str = "the seed") -> Seed:
    """Objects per collection (the module's doc) as a checked ``Seed``; ``SeedError`` at the first problem."""
    if not isinstance(data, Mapping):
        raise SeedError(f"{source}: a seed is an object whose keys are collections ({', '.join(KINDS)})")
    out = Seed(source=source)
    for collection, items in data.items():
        kind = KINDS.get(str(collection))
        if kind is None:
            known = ", ".join(KINDS)
            raise SeedError(f"{source}: unknown collection {str(collection)[:60]!r}; the collections: {known}")
        if collection == "consumer":
            entries: Iterable[tuple[str, str, Any]] = [("consumer", "consumer", items)]
        elif collection == "sections":
            if not isinstance(items, Mapping):
                raise SeedError(f"{source}: sections is an object: section id -> ResolvedId")
            entries = [(f"sections[{str(k)[:60]!r}]", str(k), v) for k, v in items.items()]
        else:
            if not isinstance(items, list):
                raise SeedError(f"{source}: {collection} is a list of {kind.schema} objects")
            entries = [(f"{collection}[{n}]", "", item) for n, item in enumerate(items)]
        for name, key, item in entries:
            obj = _check(kind, item, f"{source}: {name}")
            if kind.id_field is not None:
                key = str(obj[kind.id_field])
            out.objects.append((kind.collection, key, obj, name))
            if len(out.objects) > MAX_SEED_OBJECTS:
                raise SeedError(f"{source}: more than {MAX_SEED_OBJECTS} objects")
    return out


def _check(kind: Kind, item: Any, where: str) -> JSONObject:
    if not isinstance(item, Mapping):
        raise SeedError(f"{where}: a {kind.schema} is a JSON object")
    obj: JSONObject = {str(k): v for k, v in item.items()}
    if kind.id_field is not None:
        key = obj.get(kind.id_field)
        if not isinstance(key, str) or not key:
            raise SeedError(f"{where}: field {kind.id_field!r} is required (a non-empty string)")
        where = f"{where} ({kind.id_field} {key[:60]})"
    own = MOCK_FIELDS.get(kind.collection, {})
    mine = {k: obj.pop(k) for k in [k for k in obj if k.startswith("_")]}
    for name, value in mine.items():
        expected = own.get(name)
        if expected is None:
            allowed = ", ".join(own) or "none"
            raise SeedError(f"{where}: field {name[:60]!r} is not one of the mock's own fields here ({allowed})")
        if not isinstance(value, expected) or (isinstance(value, list) and not all(isinstance(v, str) for v in value)):
            shape = "a list of strings" if expected is list else "a string"
            raise SeedError(f"{where}: field {name!r} must be {shape}")
    if kind.collection == "exchange_errors" and "_exchange_id" not in mine:
        raise SeedError(f"{where}: field '_exchange_id' is required (the id of the exchange the error belongs to)")
    validator, declared = _validator(kind)
    unknown = sorted(k for k in obj if k not in declared)
    if declared and unknown:
        raise SeedError(f"{where}: field {unknown[0][:60]!r} is not a field of {kind.schema}")
    try:
        errors = list(validator.iter_errors(obj))
    except ValueError as exc:
        raise SeedError(f"{where}: cannot be checked: {exc}") from None
    if errors:
        raise SeedError(f"{where}: {explain(errors[0], 'the object')}")
    if kind.collection == "exchanges":
        obj.setdefault("state", "created")
        obj.setdefault("max_data_content_length", DEFAULT_MAX_DATA_CONTENT_LENGTH)
        obj.setdefault("course_app_id", DEMO_COURSE_APP_ID)
        obj.setdefault("error_count", 0)
    return {**obj, **mine}


# -- invariants ------------------------------------------------------------------------------------------------
def keep_invariants(store: Store) -> None:
    """Make the store agree with itself: each exchange's ``error_count`` is the number of its listed errors."""
    counts: dict[str, int] = {}
    for error in store.all("exchange_errors"):
        exchange_id = error.get("_exchange_id")
        if isinstance(exchange_id, str):
            counts[exchange_id] = counts.get(exchange_id, 0) + 1
    for exchange in store.all("exchanges"):
        listed = counts.get(exchange["id"], 0)
        if exchange.get("error_count") != listed:
            store.update("exchanges", exchange["id"], error_count=listed)


def seeder(demo_data: bool = True, recorded: Recorded | None = None, seeds: Iterable[Seed] = ()) -> Step:
    """A seeder for ``MockConfig(seeder=...)``: the demo data (unless ``demo_data`` is false), then a recording,
    then the seeds, then ``keep_invariants``. Also what ``reset()`` restores."""
    chosen = list(seeds)

    def step(store: Store) -> None:
        if demo_data:
            seed(store)
        if recorded is not None:
            recorded.apply(store)
        for one in chosen:
            one.apply(store)
        keep_invariants(store)

    return step


__all__ = ["KINDS", "MOCK_FIELDS", "Seed", "SeedError", "keep_invariants", "parse", "read", "seeder"]
