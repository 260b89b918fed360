"""Faults on demand, for testing clients: errors and latency, per request or queued.

Per request, a header: ``X-Mock-Fault: 503``, ``X-Mock-Fault: 429; retry-after=2``,
``X-Mock-Fault: delay=0.25`` or combined ``X-Mock-Fault: 500; delay=0.1``.

Queued, through the control endpoint ``POST /_mock/faults`` with a JSON body
``{"status": 429, "retry_after": "1", "count": 2, "delay": 0, "method": "GET", "path": "/v2/grades/exchanges"}``:
the next ``count`` requests whose method and path (a prefix) match get the fault. ``DELETE /_mock/faults``
clears the queue; ``POST /_mock/reset`` clears it too.

Both forms are checked like a request body of the APIs (``FAULT_SCHEMA``, jsonschema-rs, ``validation.explain``):
a status among ``FAULT_STATUSES``, a method in capitals, a path starting with ``/``, ``count`` from 1 to
``MAX_COUNT``, ``delay`` from 0 to ``MAX_DELAY`` seconds, ``retry_after`` as delay-seconds or an HTTP-date. A bad
fault is a 400 naming the field and is not queued, so a control can never break the API it is meant to test.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from datasync_openapi.contract import MockError, bad_request, check, compile_schema, decode_body, loads

if TYPE_CHECKING:
    from .store import Store

FAULT_STATUSES = (429, 500, 502, 503, 504)
FAULT_METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")
MAX_DELAY = 30.0
MAX_COUNT = 10_000
MAX_FAULTS_PER_REQUEST = 100
# Retry-After is delay-seconds or an HTTP-date (RFC 9110 10.2.3); nothing else reaches a response header.
RETRY_AFTER = (
    r"^(?:[0-9]{1,9}|(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), [0-9]{2} (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) "
    r"[0-9]{4} [0-9]{2}:[0-9]{2}:[0-9]{2} GMT)$"
)

# What a fault may hold, checked like a request body of the APIs (jsonschema-rs, errors in plain words).
# null is accepted where GET /_mock/faults shows null (no status, no Retry-After, any method, any path).
FAULT_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "status": {"anyOf": [{"enum": list(FAULT_STATUSES)}, {"type": "null"}]},
        "retry_after": {
            "anyOf": [
                {"type": "integer", "minimum": 0, "maximum": 999_999_999},
                {"type": "string", "pattern": RETRY_AFTER},
                {"type": "null"},
            ]
        },
        "delay": {"type": "number", "minimum": 0, "maximum": MAX_DELAY},
        "count": {"type": "integer", "minimum": 1, "maximum": MAX_COUNT},
        "method": {"anyOf": [{"enum": list(FAULT_METHODS)}, {"type": "null"}]},
        "path": {"anyOf": [{"type": "string", "pattern": "^/", "maxLength": 2048}, {"type": "null"}]},
    },
    "additionalProperties": False,
}
_FAULT = compile_schema(FAULT_SCHEMA)
_FAULTS = compile_schema(
    {"anyOf": [FAULT_SCHEMA, {"type": "array", "items": FAULT_SCHEMA, "maxItems": MAX_FAULTS_PER_REQUEST}]}
)
_HEADER_FIELDS = {"status": "status", "retry-after": "retry_after", "delay": "delay"}


@dataclass
class Fault:
    status: int | None = None
    retry_after: str | None = None
    delay: float = 0.0
    count: int = 1
    method: str | None = None
    path: str | None = None

    def error(self) -> MockError | None:
        if self.status is None:
            return None
        headers = {"Retry-After": self.retry_after} if self.retry_after is not None else {}
        message = {429: "Too many requests", 500: "Internal error (injected)"}.get(
            self.status, "Service unavailable (injected)"
        )
        return MockError(self.status, message, "fault injected by the mock", headers)

    @classmethod
    def parse_body(cls, body: bytes) -> list[Fault]:
        """The faults of a ``POST /_mock/faults`` body (one fault object, or an array of them), all checked before
        any is queued: a bad one is a 400 naming its field, and nothing is queued."""
        data = decode_body(body)
        check(_FAULTS, data, "body")
        if isinstance(data, dict):
            return [cls._checked(data, "body")]
        return [cls._checked(item, f"body[{n}]") for n, item in enumerate(data)]

    @classmethod
    def from_json(cls, data: Any, what: str = "fault") -> Fault:
        """One fault object (as in a ``POST /_mock/faults`` body), checked by the same schema (400 naming the field)."""
        check(_FAULT, data, what)
        return cls._checked(data, what)

    @classmethod
    def from_header(cls, value: str) -> Fault:
        """The fault of an ``X-Mock-Fault`` header (``503``, ``429; retry-after=2``, ``delay=0.25``), checked by the
        same schema as a queued fault: a bad header is a 400 naming its part."""
        data: dict[str, Any] = {}
        for part in (p.strip() for p in value.split(";")):
            if not part:
                continue
            key, sep, arg = part.partition("=")
            key, arg = (key.strip().lower(), arg.strip()) if sep else ("status", key.strip())
            name = _HEADER_FIELDS.get(key)
            if name is None:
                raise bad_request(f"X-Mock-Fault: unknown part {part!r} (known: a status, retry-after=, delay=)")
            data[name] = arg if name == "retry_after" else _number(arg)
        check(_FAULT, data, "X-Mock-Fault")
        return cls._checked(data, "X-Mock-Fault")

    @classmethod
    def _checked(cls, data: dict[str, Any], what: str) -> Fault:
        """A fault from data the schema accepted, with the one rule a schema does not say well."""
        if data.get("status") is None and not data.get("delay"):
            raise bad_request(f"{what}: a fault needs a status or a delay")
        status, retry_after = data.get("status"), data.get("retry_after")
        if status == 429 and retry_after is None:
            retry_after = "1"
        return cls(
            status=None if status is None else int(status),
            retry_after=None if retry_after is None else str(retry_after),
            delay=float(data.get("delay", 0.0)),
            count=int(data.get("count", 1)),
            method=data.get("method"),
            path=data.get("path"),
        )

    def matches(self, method: str, path: str) -> bool:
        return (self.method is None or self.method.upper() == method) and (
            self.path is None or path.startswith(self.path)
        )


class FaultQueue:
    """The queued faults, kept in the store (``_faults``) so every worker process takes from one queue."""

    def __init__(self, store: Store) -> None:
        self._store = store

    def add(self, fault: Fault) -> None:
        self._store.put("_faults", uuid.uuid4().hex, vars(fault).copy())

    def clear(self) -> None:
        self._store.clear("_faults")

    def take(self, method: str, path: str) -> Fault | None:
        if not self._store.count("_faults"):  # the common case: nothing queued, no transaction
            return None
        return self._store.atomically(lambda: self._take(method, path))

    def _take(self, method: str, path: str) -> Fault | None:
        for key, data in self._store.items("_faults"):
            fault = Fault(**data)
            if fault.matches(method, path):
                if fault.count > 1:
                    self._store.put("_faults", key, {**data, "count": fault.count - 1})
                else:
                    self._store.delete("_faults", key)
                return fault
        return None

    def pending(self) -> list[dict[str, Any]]:
        return [dict(data) for data in self._store.all("_faults")]


def _number(text: str) -> Any:
    """A header value as the JSON number it spells (``503``, ``0.25``), else the text itself (the schema then
    says a number was expected): no Python-only spellings such as ``5_03`` or ``nan``."""
    try:
        value = loads(text)
    except ValueError:
        return text
    return value if isinstance(value, int | float) and not isinstance(value, bool) else text


__all__ = ["Fault", "FaultQueue"]
