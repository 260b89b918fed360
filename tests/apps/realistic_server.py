"""A second, independent test server for both DataSync APIs: lenient like a production service, with defects.

It is written from the specs in ``openapi/`` and shares no code with the project's own mock, so the
conformance suite can be proven against a server it was not shaped to pass. It serves
``/v2/grades/...`` and ``/v2/interop/...`` (and ``POST /oauth/token``) as one ASGI app::

    server = RealisticServer(defects={"error_count_string"}, rate_limit=5)
    with running(server) as base:  # datasync_openapi.server.running
        httpx.get(f"{base}/v2/grades/exchanges", headers={"Authorization": "Bearer live-token"})

Always on (``QUIRKS``): what production services commonly do and the specs do not say: ``null`` for unset
optional fields whose schemas are not nullable, clamping of out-of-range paging parameters, one field
required that the docs leave optional, unknown query parameters ignored. Switchable (``DEFECTS``): bugs a
conformance run must find, each named with the finding class it should produce.

Its data has its own ids (``RealisticServer.ids``), none of them the ids of the specs' examples or of the
mock's seed, so an id is only known from a list response or a create.
"""

from __future__ import annotations

import base64
import binascii
import copy
import gzip
import hmac
import json
import re
import threading
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal
from urllib.parse import parse_qs

from starlette.datastructures import URL
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Receive, Scope, Send

GRADES = "/v2/grades"
INTEROP = "/v2/interop"
MAX_PAGE_SIZE = 100  # also the default page size, as the docs say ("defaults to the maximum page size")
MAX_DATA_CONTENT_LENGTH = 5 * 1024 * 1024
SCHEDULE_RUN_SECONDS = 1.0  # how long a requested schedule run stays pending (a second run meanwhile: 409)

# defect name -> what it breaks and the finding class a conformance run should give it
DEFECTS: dict[str, str] = {
    "error_count_string": (
        'exchanges\' `error_count` is a string ("3") in GET /exchanges and GET /exchanges/{id} responses: '
        "response-contract (response_schema_conformance at /data/N/error_count, /data/error_count)"
    ),
    "negative_page_500": (
        "GET /exchanges with page < 0 answers 500 (JSON envelope) instead of clamping: server-error "
        "(not_a_server_error), on the same operation as error_count_string"
    ),
    "schedule_enabled_string": (
        'schedules\' `enabled` is the string "true"/"false" in GET /schedules: response-contract '
        "(response_schema_conformance at /data/N/enabled)"
    ),
    "consumer_ignores_auth": ("GET /consumer answers 200 without or with wrong credentials: auth (ignored_auth)"),
    "created_exchange_not_found": (
        "an exchange created by POST /exchanges answers 404 on GET /exchanges/{id}: lifecycle "
        "(ensure_resource_availability)"
    ),
    "count_wrong": (
        "GET /exchanges/count answers one more than the number of exchanges the list pages through: "
        "lifecycle/consistency (no schema check sees it; only a count-vs-list check does)"
    ),
    "server_error_tenant": (
        "GET /tenants/{id} answers 500 with a text/html body for every id: server-error "
        "(not_a_server_error; also an undocumented status and content type)"
    ),
    "deleted_school_still_served": (
        "DELETE /tenant/scoping/schools/{id} answers 204 but keeps the school (GET answers 200): "
        "lifecycle (use_after_free); the school stays in created()"
    ),
    "create_exchange_201": (
        "POST /exchanges answers 201 instead of the documented 200: response-contract (status_code_conformance)"
    ),
}

# always-on behaviour -> what it does and the finding class a conformance run should give it
QUIRKS: dict[str, str] = {
    "null_batch_exchange_id": (
        "Exchange.batch_exchange_id (type: string, not nullable) is null for exchanges outside a batch, in "
        "GET /exchanges, GET /exchanges/{id}, POST /exchanges, POST /exchanges/{id}/data: response-contract"
    ),
    "null_error_details": (
        "ExchangeError.details (type: string, not nullable) is null when the producer sent none, in "
        "GET and POST /exchanges/{id}/errors: response-contract"
    ),
    "null_last_executed_at": (
        "Schedule.last_executed_at (type: string, date-time, not nullable) is null for a schedule that never "
        "ran, in GET /schedules: response-contract"
    ),
    "clamped_paging": (
        "page < 0 is read as 0, page_size < 1 as 1 and page_size > 100 as 100, answered 200 instead of 400, on "
        "every list operation: accepts-invalid (negative_data_rejection)"
    ),
    "lenient_parameters": (
        "unknown query parameters are ignored; a malformed id in a path answers 404, not 400; fields a "
        "handler does not use are not validated: accepts-invalid"
    ),
    "strict_integers": "a non-integer page or page_size (page=abc) answers 400 naming the parameter: no finding",
    "exchange_query_required": (
        "POST /exchanges answers 400 when the body has no `query` object; the docs mark no field of "
        "ExchangeCreate required: rejects-valid (positive_data_acceptance)"
    ),
    "rate_limit": (
        "with rate_limit set, a token bucket (rate_limit/s, burst) guards every route; over it: 429, "
        "Retry-After: 1 and the error envelope; backpressure, not a finding"
    ),
}

KINDS = ("exchanges", "scoping_schools", "scoping_courses")
JsonObj = dict[str, Any]
AuthKind = Literal["bearer", "basic", "none"]

# -- seed data (own ids: neither the specs' examples nor the mock's seed) ------------------------------------
APP_A = "canvas-app-7341"
APP_B = "canvas-app-9058"
ACCOUNT = "458e9b1f-e7a0-4aea-baf5-b4fa4aaefbda"
ACCOUNT_2 = "e3d24e2a-1dc8-4cad-aafb-8cc52d3d7d22"
EXCHANGE_COMPLETED = "7294f213-c134-4555-b14d-693a3562302b"
EXCHANGE_CREATED = "3c759e21-dbc0-4b5a-a277-be0d94125c1c"
EXCHANGE_FAILED = "9cc6e34f-e128-48aa-b9aa-d155dfb33374"
EXCHANGE_PROCESSING = "aa4042a3-7af8-4f77-b310-7a5a680f036a"
EXCHANGE_NO_LOGS = "b445ff24-b4f2-4fac-b5f4-a3f588ca7bc0"
EXCHANGE_ERROR = "c9bf4284-d890-4d97-b6f5-08d08e78f0f4"
BATCH = "c312b617-aa1c-4975-8de5-0907087d6639"
BATCH_COMPLETED = "b875e4bf-3dde-4fd1-b671-d89b39b29309"
SCHEDULE = "27c56b85-3324-435a-855d-7ad0591b0815"
SCHEDULE_NEVER_RUN = "d37c9025-0d65-4ff6-a51c-02f2b96c0515"
TENANT = "be0a6077-2323-45dc-8cb9-b4fb7068f37f"
TENANT_2 = "6a818c43-81b6-4533-8a8f-a96b29a544b4"
INTEGRATION = "0696e9b7-5a8c-481c-b52e-1e8a886524ca"
CLOUD = "2eba0f64-93d2-4240-882b-0db5a1c088bd"
CLOUD_ENV = "10a7048d-0a95-4be6-8f42-8db69b68391b"
SCHOOLS = (
    "d3800d98-c971-48c6-a20e-01dee6783637",
    "32110b38-b1b7-45f2-b9d0-d526cbfb05c9",
    "450e7d37-9187-4c3e-91a1-88bc5a86ec64",
)
COURSES = (
    "dd5268a1-c3dc-406f-bd6c-09e5be6c6d89",
    "5bb19dae-2a70-4c64-a09e-cc6f6f1ac9cc",
    "c23d0a4e-f159-4e35-bede-28d16b6aa9ba",
)
SECTIONS = {
    "e4f737f2-9dd0-423e-82fe-456409219754": "SIS-SEC-2041-01",
    "0434e9b9-71a0-4115-95fe-81a68470b369": "SIS-SEC-2041-02",
}
IDS: dict[str, str] = {
    "exchange": EXCHANGE_COMPLETED,
    "batch": BATCH,
    "schedule": SCHEDULE,
    "tenant": TENANT,
    "school": SCHOOLS[0],
    "course": COURSES[0],
    "section": next(iter(SECTIONS)),
}

ERROR_MESSAGES = {
    "query_type_not_supported": "The producer does not support this query type.",
    "integration_error": "The producer's integration failed.",
}


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _query(section: str) -> JsonObj:
    return {
        "type": "assignment_scores",
        "conditions": [
            {
                "scope": "course",
                "scope_by": "id",
                "scope_id": {"name": "Biology 101", "$sys": {"id": section, "source_id": {"sis": "BIO-101"}}},
                "graded_after": "2026-01-05T08:00:00.000Z",
                "summary_type": "final",
            }
        ],
    }


@dataclass
class _State:
    exchanges: dict[str, JsonObj] = field(default_factory=dict)
    batches: dict[str, JsonObj] = field(default_factory=dict)
    schedules: dict[str, JsonObj] = field(default_factory=dict)
    tenants: dict[str, JsonObj] = field(default_factory=dict)
    schools: dict[str, JsonObj] = field(default_factory=dict)
    courses: dict[str, JsonObj] = field(default_factory=dict)


def _exchange(
    ex_id: str, state: str, app: str, created: str, *, batch: str | None = None, chunks: int = 0, logs: bool = False
) -> JsonObj:
    return {
        "id": ex_id,
        "query": _query(next(iter(SECTIONS))),
        "metadata": {"requested_by": "gradebook-sync"},
        "state": state,
        "course_app_id": app,
        "batch_exchange_id": batch,
        "created_at": created,
        "updated_at": created,
        "_posted_by": "canvas",
        "_errors": [],
        "_chunks": chunks,
        "_items": 4 * chunks,
        "_logs": logs,
    }


def _seed() -> _State:
    state = _State()
    for ex in (
        _exchange(EXCHANGE_COMPLETED, "completed", APP_A, "2026-02-02T09:15:03.112Z", batch=BATCH, chunks=2, logs=True),
        _exchange(EXCHANGE_CREATED, "created", APP_A, "2026-02-03T10:01:44.020Z"),
        _exchange(EXCHANGE_FAILED, "failed", APP_B, "2026-02-03T11:30:00.500Z"),
        _exchange(EXCHANGE_PROCESSING, "processing", APP_B, "2026-02-04T07:45:19.903Z", chunks=1),
        _exchange(EXCHANGE_NO_LOGS, "completed", APP_A, "2026-02-04T12:00:00.000Z", chunks=1),
    ):
        state.exchanges[ex["id"]] = ex
    state.exchanges[EXCHANGE_FAILED]["_errors"].append(
        {
            "id": EXCHANGE_ERROR,
            "created_at": "2026-02-03T11:31:02.000Z",
            "updated_at": "2026-02-03T11:31:02.000Z",
            "code": "query_type_not_supported",
            "message": ERROR_MESSAGES["query_type_not_supported"],
            "details": None,  # quirk null_error_details
        }
    )
    state.batches[BATCH] = {
        "id": BATCH,
        "state": "created",
        "course_ids": ["BIO-101", "CHEM-210"],
        "error_code": None,
        "created_at": "2026-02-01T06:00:00.000Z",
        "updated_at": "2026-02-01T06:00:00.000Z",
    }
    state.batches[BATCH_COMPLETED] = {
        "id": BATCH_COMPLETED,
        "state": "completed",
        "course_ids": ["HIST-300"],
        "error_code": None,
        "created_at": "2026-01-20T06:00:00.000Z",
        "updated_at": "2026-01-20T06:12:40.000Z",
    }
    for sched_id, enabled, last, hour, days in (
        (SCHEDULE, True, "2026-02-04T02:00:05.000Z", 2, "MON,WED,FRI"),
        (SCHEDULE_NEVER_RUN, False, None, 23, "SUN"),  # quirk null_last_executed_at
    ):
        state.schedules[sched_id] = {
            "id": sched_id,
            "type": "unspecified",
            "last_executed_at": last,
            "enabled": enabled,
            "hour": hour,
            "days": days,
            "metadata": {"created": {"by": "admin@district.example", "at": "2025-08-01T12:00:00.000Z"}},
            "_pending_until": 0.0,
        }
    for tenant_id, name, account in (
        (TENANT, "North District SIS", ACCOUNT),
        (TENANT_2, "South District SIS", ACCOUNT_2),
    ):
        state.tenants[tenant_id] = {
            "id": tenant_id,
            "name": name,
            "account": {
                "id": account,
                "name": name.replace(" SIS", ""),
                "public_id": name[:5].lower(),
                "timezone": "America/Chicago",
                "userdata": "",
            },
            "cloud": {"id": CLOUD, "name": "us2", "generation": 2, "env": {"id": CLOUD_ENV, "name": "production"}},
            "integration": {"id": INTEGRATION, "name": "oneroster-sis", "version": "4.12.1"},
            "license": {
                "status": "active",
                "valid_from": "2025-07-01T00:00:00.000Z",
                "valid_to": "2026-06-30T23:59:59.000Z",
            },
            "status": {"op_state": "running", "setup_state": "complete", "last_sync_at": "2026-02-04T03:00:00.000Z"},
            "sis_status": {
                "op_state": "running",
                "setup_state": "complete",
                "last_sync_at": "2026-02-04T03:00:10.000Z",
            },
            "auth": {
                "type": "oauth2",
                "client_id": f"sis-{name[:5].lower()}",
                "client_secret": "********",
                "updated_at": "2025-07-01T00:00:00.000Z",
            },
        }
    for n, school_id in enumerate(SCHOOLS, 1):
        state.schools[school_id] = {
            "account_id": ACCOUNT,
            "tenant_id": TENANT,
            "school_id": school_id,
            "school_ref_id": f"SCH-{100 + n}",
            "name": f"School {n}",
            "local_id": f"{n:04d}",
            "keywords": "",
            "selected": n != 3,
        }
    for n, course_id in enumerate(COURSES, 1):
        state.courses[course_id] = {
            "account_id": ACCOUNT,
            "tenant_id": TENANT,
            "course_id": course_id,
            "course_ref_id": f"CRS-{200 + n}",
            "school_id": SCHOOLS[0],
            "school_ref_id": "SCH-101",
            "name": f"Course {n}",
            "local_id": f"C{n:03d}",
            "keywords": "",
            "selected": True,
        }
    return state


# -- HTTP helpers -------------------------------------------------------------------------------------------
class ApiError(Exception):
    """An error answer with the specs' envelope: ``{"error": {status, code, message, ext_message, details}}``."""

    def __init__(self, status: int, code: str, message: str, details: str | None = None) -> None:
        super().__init__(message)
        self.status, self.code, self.message, self.details = status, code, message, details
        self.headers: dict[str, str] = {}


def _json(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(json.dumps(body), status, headers=headers, media_type="application/json")


def _error_response(error: ApiError) -> Response:
    body = {
        "error": {
            "status": error.status,
            "code": error.code,
            "message": error.message,
            "ext_message": None,
            "details": error.details,
        }
    }
    return _json(body, error.status, error.headers)


def _empty(status: int = 204) -> Response:
    return Response(None, status)


@dataclass
class _Call:
    request: Request
    params: dict[str, str]
    body: bytes

    def query(self, name: str) -> str | None:
        return self.request.query_params.get(name)

    def int_param(self, name: str) -> int | None:
        raw = self.query(name)
        if raw is None:
            return None
        if not re.fullmatch(r"\s*[+-]?\d+\s*", raw):
            raise ApiError(400, "invalid_parameter", f"query parameter {name} must be an integer", details=name)
        return int(raw)

    def bool_param(self, name: str, default: bool) -> bool:
        raw = self.query(name)
        if raw is None:
            return default
        value = raw.strip().lower()
        if value in ("true", "1"):
            return True
        if value in ("false", "0"):
            return False
        raise ApiError(400, "invalid_parameter", f"query parameter {name} must be true or false", details=name)

    def json(self, *, required: bool = True) -> Any:
        if not self.body.strip():
            if required:
                raise ApiError(400, "invalid_body", "a JSON request body is required")
            return None
        try:
            return json.loads(self.body)
        except (ValueError, UnicodeDecodeError):
            raise ApiError(400, "invalid_json", "the request body is not valid JSON") from None

    def object(self) -> JsonObj:
        body = self.json()
        if not isinstance(body, dict):
            raise ApiError(400, "invalid_body", "the request body must be a JSON object")
        return body


def _is_uuid(value: Any) -> bool:
    if not isinstance(value, str):
        return False
    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


_CHECKS: dict[str, tuple[Callable[[Any], bool], str]] = {
    "string": (lambda v: isinstance(v, str), "a string"),
    "boolean": (lambda v: isinstance(v, bool), "a boolean"),
    "object": (lambda v: isinstance(v, dict), "an object"),
    "object?": (lambda v: v is None or isinstance(v, dict), "an object or null"),
    "array": (lambda v: isinstance(v, list), "an array"),
    "strings": (lambda v: isinstance(v, list) and all(isinstance(i, str) for i in v), "an array of strings"),
    "uuid": (_is_uuid, "a UUID string"),
}


def _check(obj: JsonObj, fields: dict[str, str], where: str = "") -> None:
    """Type-check the fields a handler uses (present ones only); everything else is not validated (lenient)."""
    for name, kind in fields.items():
        if name in obj:
            ok, what = _CHECKS[kind]
            if not ok(obj[name]):
                raise ApiError(400, "invalid_field", f"{where}{name} must be {what}", details=f"{where}{name}")


class _Bucket:
    """Token bucket: ``rate`` tokens per second, at most ``burst`` stored."""

    def __init__(self, rate: float, burst: int) -> None:
        self.rate, self.burst = rate, max(burst, 1)
        self.tokens = float(self.burst)
        self.stamp = time.monotonic()
        self.lock = threading.Lock()

    def take(self, now: float) -> bool:
        with self.lock:
            self.tokens = min(float(self.burst), self.tokens + (now - self.stamp) * self.rate)
            self.stamp = now
            if self.tokens >= 1.0:
                self.tokens -= 1.0
                return True
            return False


Handler = Callable[[_Call], Response]


@dataclass(frozen=True)
class _Route:
    method: str
    pattern: re.Pattern[str]
    handler: Handler
    auth: AuthKind
    name: str


SCHOOL_FIELDS = {
    "account_id": "uuid",
    "tenant_id": "uuid",
    "school_id": "uuid",
    "school_ref_id": "string",
    "name": "string",
    "local_id": "string",
    "keywords": "string",
    "selected": "boolean",
}
COURSE_FIELDS = {**SCHOOL_FIELDS, "course_id": "uuid", "course_ref_id": "string"}


class RealisticServer:
    """ASGI app serving both APIs like a lenient production service, with switchable defects (``DEFECTS``)."""

    def __init__(
        self,
        *,
        token: str = "live-token",  # noqa: S107 - the test server's documented demo token
        basic: tuple[str, str] = ("live-key", "live-secret"),
        defects: Iterable[str] = (),
        rate_limit: float | None = None,
        burst: int = 5,
        client: tuple[str, str] = ("live-client", "live-secret"),
    ) -> None:
        self.token, self.basic, self.client = token, basic, client
        self.rate_limit, self.burst = rate_limit, burst
        self.defects: frozenset[str] = frozenset()
        self.set_defects(defects)
        self.ids: dict[str, str] = dict(IDS)
        # (time.monotonic() at arrival, method, path, status) of every request, in order of arrival
        self.requests: list[tuple[float, str, str, int]] = []
        self._lock = threading.RLock()
        self._bucket = _Bucket(rate_limit, burst) if rate_limit else None
        self._state = _seed()
        self._created: dict[str, list[str]] = {kind: [] for kind in KINDS}
        self._deleted: dict[str, list[str]] = {kind: [] for kind in KINDS}
        self._routes = self._build_routes()

    # -- public test interface --------------------------------------------------------------------------------
    def set_defects(self, defects: Iterable[str]) -> None:
        chosen = frozenset(defects)
        unknown = chosen - set(DEFECTS)
        if unknown:
            raise ValueError(f"unknown defects {sorted(unknown)}; known: {sorted(DEFECTS)}")
        self.defects = chosen

    def reset(self) -> None:
        """Restore the seeded data, forget created/deleted objects and requests, refill the rate bucket.

        The injected defects stay as they are (``set_defects`` changes them).
        """
        with self._lock:
            self._state = _seed()
            self._created = {kind: [] for kind in KINDS}
            self._deleted = {kind: [] for kind in KINDS}
            self.requests.clear()
            self._bucket = _Bucket(self.rate_limit, self.burst) if self.rate_limit else None

    def created(self) -> dict[str, list[str]]:
        with self._lock:
            stores = self._stores()
            return {kind: [i for i in self._created[kind] if i in stores[kind]] for kind in KINDS}

    def deleted(self) -> dict[str, list[str]]:
        with self._lock:
            return {kind: list(ids) for kind, ids in self._deleted.items()}

    # -- ASGI -------------------------------------------------------------------------------------------------
    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            while True:
                message = await receive()
                if message["type"] == "lifespan.startup":
                    await send({"type": "lifespan.startup.complete"})
                elif message["type"] == "lifespan.shutdown":
                    await send({"type": "lifespan.shutdown.complete"})
                    return
        if scope["type"] != "http":
            return
        request = Request(scope, receive)
        with self._lock:  # recorded in order of arrival; the status (0 meanwhile) is filled in when answered
            received = time.monotonic()
            entry = (received, request.method, request.url.path, 0)
            self.requests.append(entry)
        try:
            response = await self._respond(request, received)
        except ApiError as exc:
            response = _error_response(exc)
        except Exception as exc:  # a bug in this server: answer like a production service, a bare 500
            response = _error_response(ApiError(500, "internal_error", "Internal server error", type(exc).__name__))
        with self._lock:
            for index in range(len(self.requests) - 1, -1, -1):
                if self.requests[index] is entry:
                    self.requests[index] = (*entry[:3], response.status_code)
                    break
        await response(scope, receive, send)

    async def _respond(self, request: Request, received: float) -> Response:
        path = request.url.path
        if self._bucket is not None and not self._bucket.take(received):
            error = ApiError(429, "rate_limited", "Too many requests; slow down", f"limit {self.rate_limit}/s")
            error.headers["Retry-After"] = "1"
            return _error_response(error)
        if path == "/oauth/token":
            if request.method != "POST":
                return Response("Method Not Allowed", 405, headers={"Allow": "POST"}, media_type="text/plain")
            return self._token(request, await request.body())
        if not (path.startswith(GRADES + "/") or path.startswith(INTEROP + "/")):
            return Response("404 page not found\n", 404, media_type="text/plain")
        allowed: list[str] = []
        for route in self._routes:
            match = route.pattern.fullmatch(path)
            if match is None:
                continue
            if route.method != request.method:
                allowed.append(route.method)
                continue
            call = _Call(request, match.groupdict(), await request.body())
            if not self._authorized(request, route):
                error = ApiError(401, "unauthorized", "Missing, unknown or expired credentials")
                realm = "Basic" if route.auth == "basic" else "Bearer"
                error.headers["WWW-Authenticate"] = f'{realm} realm="datasync"'
                return _error_response(error)
            with self._lock:
                return route.handler(call)
        if allowed:
            error = ApiError(405, "method_not_allowed", f"{request.method} is not allowed here")
            error.headers["Allow"] = ", ".join(sorted(set(allowed)))
            return _error_response(error)
        raise ApiError(404, "not_found", f"no route for {path}")

    def _authorized(self, request: Request, route: _Route) -> bool:
        if route.name == "get_consumer" and "consumer_ignores_auth" in self.defects:
            return True
        kind = route.auth
        scheme, _, value = request.headers.get("authorization", "").partition(" ")
        value = value.strip()
        if kind == "none":
            return True
        if kind == "bearer":
            return scheme.lower() == "bearer" and hmac.compare_digest(value.encode(), self.token.encode())
        if scheme.lower() != "basic":
            return False
        try:
            decoded = base64.b64decode(value, validate=True).decode()
        except (binascii.Error, UnicodeDecodeError):
            return False
        user, sep, password = decoded.partition(":")
        return bool(sep) and hmac.compare_digest(
            f"{user}:{password}".encode(), f"{self.basic[0]}:{self.basic[1]}".encode()
        )

    def _token(self, request: Request, body: bytes) -> Response:
        form = {k: v[-1] for k, v in parse_qs(body.decode("utf-8", "replace")).items()}
        scheme, _, value = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() == "basic":
            try:
                user, _, password = base64.b64decode(value.strip()).decode().partition(":")
                form.setdefault("client_id", user)
                form.setdefault("client_secret", password)
            except (binascii.Error, UnicodeDecodeError):
                pass
        if form.get("grant_type") != "client_credentials":
            return _json({"error": "unsupported_grant_type"}, 400)
        given = f"{form.get('client_id', '')}:{form.get('client_secret', '')}"
        if not hmac.compare_digest(given.encode(), f"{self.client[0]}:{self.client[1]}".encode()):
            return _json({"error": "invalid_client", "error_description": "unknown client"}, 401)
        return _json({"access_token": self.token, "token_type": "bearer", "expires_in": 3600})

    def _build_routes(self) -> list[_Route]:
        table: list[tuple[str, str, Handler, AuthKind]] = [
            ("GET", GRADES + "/exchanges", self.list_exchanges, "bearer"),
            ("POST", GRADES + "/exchanges", self.create_exchange, "bearer"),
            ("GET", GRADES + "/exchanges/count", self.count_exchanges, "bearer"),
            ("GET", GRADES + "/exchanges/{id}", self.get_exchange, "bearer"),
            ("GET", GRADES + "/exchanges/{id}/errors", self.list_exchange_errors, "bearer"),
            ("POST", GRADES + "/exchanges/{id}/errors", self.create_exchange_error, "bearer"),
            ("POST", GRADES + "/exchanges/{id}/data", self.create_exchange_data, "bearer"),
            ("GET", GRADES + "/exchanges/{id}/artifacts/details", self.get_details, "bearer"),
            ("GET", GRADES + "/exchanges/{id}/artifacts/consumerlogs", self.get_consumer_logs, "bearer"),
            ("GET", GRADES + "/consumer", self.get_consumer, "bearer"),
            ("GET", GRADES + "/sections/{id}/resolve", self.resolve_section, "bearer"),
            ("GET", GRADES + "/batch", self.list_batches, "bearer"),
            ("GET", GRADES + "/batch/count", self.count_batches, "bearer"),
            ("GET", GRADES + "/batch/{id}/courses", self.batch_courses, "bearer"),
            ("POST", GRADES + "/batch/{id}/error", self.batch_error, "bearer"),
            ("POST", GRADES + "/batch/{id}/data", self.batch_data, "bearer"),
            ("GET", GRADES + "/schedules", self.list_schedules, "bearer"),
            ("PATCH", GRADES + "/schedules/{id}", self.update_schedule, "bearer"),
            ("POST", GRADES + "/schedules/{id}/run", self.run_schedule, "bearer"),
            ("GET", INTEROP + "/tenants", self.list_tenants, "basic"),
            ("GET", INTEROP + "/tenants/{id}", self.get_tenant, "bearer"),
            ("GET", INTEROP + "/tenant/scoping/schools", self.list_schools, "bearer"),
            ("POST", INTEROP + "/tenant/scoping/schools", self.create_schools, "bearer"),
            ("DELETE", INTEROP + "/tenant/scoping/schools", self.delete_schools, "bearer"),
            ("GET", INTEROP + "/tenant/scoping/schools/{id}", self.get_school, "bearer"),
            ("PUT", INTEROP + "/tenant/scoping/schools/{id}", self.update_school, "bearer"),
            ("DELETE", INTEROP + "/tenant/scoping/schools/{id}", self.delete_school, "bearer"),
            ("GET", INTEROP + "/tenant/scoping/courses", self.list_courses, "bearer"),
            ("POST", INTEROP + "/tenant/scoping/courses", self.create_courses, "bearer"),
            ("DELETE", INTEROP + "/tenant/scoping/courses", self.delete_courses, "bearer"),
            ("GET", INTEROP + "/tenant/scoping/courses/{id}", self.get_course, "bearer"),
            ("PUT", INTEROP + "/tenant/scoping/courses/{id}", self.update_course, "bearer"),
            ("DELETE", INTEROP + "/tenant/scoping/courses/{id}", self.delete_course, "bearer"),
        ]
        routes = []
        for method, template, handler, auth in table:
            pattern = re.compile(re.escape(template).replace(re.escape("{id}"), "(?P<id>[^/]+)"))
            routes.append(_Route(method, pattern, handler, auth, handler.__name__))
        return routes

    def _stores(self) -> dict[str, dict[str, JsonObj]]:
        return {
            "exchanges": self._state.exchanges,
            "scoping_schools": self._state.schools,
            "scoping_courses": self._state.courses,
        }

    def _note_created(self, kind: str, obj_id: str) -> None:
        if obj_id not in self._created[kind]:
            self._created[kind].append(obj_id)

    def _note_deleted(self, kind: str, obj_id: str) -> None:
        if obj_id not in self._deleted[kind]:
            self._deleted[kind].append(obj_id)

    # -- paging -----------------------------------------------------------------------------------------------
    @staticmethod
    def _page(call: _Call, items: list[JsonObj]) -> JsonObj:
        """One page of ``items``; out-of-range page/page_size are clamped (quirk clamped_paging)."""
        page = max(call.int_param("page") or 0, 0)
        size = call.int_param("page_size")
        size = MAX_PAGE_SIZE if size is None else min(max(size, 1), MAX_PAGE_SIZE)
        start = page * size
        next_url: str | None = None
        if start + size < len(items):
            next_url = str(URL(str(call.request.url)).include_query_params(page=page + 1, page_size=size))
        return {"data": items[start : start + size], "paging": {"next": next_url}}

    # -- exchanges --------------------------------------------------------------------------------------------
    def _exchange_out(self, ex: JsonObj, *, drift: bool = False) -> JsonObj:
        out = {k: copy.deepcopy(v) for k, v in ex.items() if not k.startswith("_")}
        out["max_data_content_length"] = MAX_DATA_CONTENT_LENGTH
        count = len(ex["_errors"])
        out["error_count"] = str(count) if drift and "error_count_string" in self.defects else count
        return out

    def _find_exchange(self, call: _Call) -> JsonObj:
        ex = self._state.exchanges.get(call.params["id"])
        if ex is None:
            raise ApiError(404, "not_found", "exchange not found", details=call.params["id"])
        return ex

    def _filtered_exchanges(self, call: _Call) -> list[JsonObj]:
        app, state, poster = call.query("course_app_id"), call.query("state"), call.query("posted_by")
        return [
            ex
            for ex in self._state.exchanges.values()
            if (app is None or ex["course_app_id"] == app)
            and (state is None or ex["state"] == state)
            and (poster is None or ex["_posted_by"] == poster)
        ]

    def list_exchanges(self, call: _Call) -> Response:
        page = call.int_param("page")
        if page is not None and page < 0 and "negative_page_500" in self.defects:
            raise ApiError(500, "internal_error", "Internal server error", "IndexOutOfBoundsException")
        body = self._page(call, self._filtered_exchanges(call))
        body["data"] = [self._exchange_out(ex, drift=True) for ex in body["data"]]
        return _json(body)

    def count_exchanges(self, call: _Call) -> Response:
        count = len(self._filtered_exchanges(call))
        return _json(count + 1 if "count_wrong" in self.defects else count)

    def create_exchange(self, call: _Call) -> Response:
        body = call.object()
        if "query" not in body:  # quirk exchange_query_required
            raise ApiError(400, "invalid_field", "query is required", details="query")
        _check(body, {"query": "object", "metadata": "object?"})
        _check(body["query"], {"type": "string", "conditions": "array"}, "query.")
        now = _now()
        ex_id = str(uuid.uuid4())
        self._state.exchanges[ex_id] = {
            "id": ex_id,
            "query": body["query"],
            "metadata": body.get("metadata"),
            "state": "created",
            "course_app_id": APP_A,
            "batch_exchange_id": None,  # quirk null_batch_exchange_id
            "created_at": now,
            "updated_at": now,
            "_posted_by": "canvas",
            "_errors": [],
            "_chunks": 0,
            "_items": 0,
            "_logs": False,
            "_created": True,
        }
        self._note_created("exchanges", ex_id)
        status = 201 if "create_exchange_201" in self.defects else 200
        return _json({"data": self._exchange_out(self._state.exchanges[ex_id]), "error": None}, status)

    def get_exchange(self, call: _Call) -> Response:
        ex = self._find_exchange(call)
        if ex.get("_created") and "created_exchange_not_found" in self.defects:
            raise ApiError(404, "not_found", "exchange not found", details=ex["id"])
        return _json({"data": self._exchange_out(ex, drift=True), "error": None})

    def list_exchange_errors(self, call: _Call) -> Response:
        ex = self._find_exchange(call)
        return _json(self._page(call, copy.deepcopy(ex["_errors"])))

    def create_exchange_error(self, call: _Call) -> Response:
        ex = self._find_exchange(call)
        body = call.object()
        _check(body, {"code": "string", "details": "string"})
        code = body.get("code", "unknown_error")
        now = _now()
        error = {
            "id": str(uuid.uuid4()),
            "created_at": now,
            "updated_at": now,
            "code": code,
            "message": ERROR_MESSAGES.get(code, f"The producer reported {code}."),
            "details": body.get("details"),  # quirk null_error_details when absent
        }
        ex["_errors"].append(error)
        if ex["state"] in ("created", "processing"):
            ex["state"] = "failed"
        ex["updated_at"] = now
        return _json({"data": copy.deepcopy(error), "error": None})

    def create_exchange_data(self, call: _Call) -> Response:
        ex = self._find_exchange(call)
        body = call.object()
        _check(body, {"assignments": "array", "summaries": "array", "final": "boolean"})
        if ex["state"] in ("completed", "failed"):
            raise ApiError(409, "exchange_closed", f"the exchange is {ex['state']} and takes no more data")
        items = len(body.get("assignments", [])) + len(body.get("summaries", []))
        ex["_chunks"] += 1
        ex["_items"] += items
        ex["_logs"] = ex["_logs"] or items > 0
        ex["state"] = "completed" if body.get("final") is True else "processing"
        ex["updated_at"] = _now()
        return _json({"data": self._exchange_out(ex), "error": None})

    @staticmethod
    def _artifact(name: str, ex_id: str, document: JsonObj) -> Response:
        data = gzip.compress(json.dumps(document).encode(), mtime=0)
        disposition = f'attachment; filename="{ex_id}-{name}.json.gz"'
        return Response(data, 200, headers={"Content-Disposition": disposition}, media_type="application/octet-stream")

    def get_details(self, call: _Call) -> Response:
        ex = self._find_exchange(call)
        if ex["state"] != "completed":
            raise ApiError(404, "artifact_not_found", "this exchange has no details artifact", details=ex["id"])
        document = {"exchange_id": ex["id"], "chunks": ex["_chunks"], "items": ex["_items"], "state": ex["state"]}
        return self._artifact("details", ex["id"], document)

    def get_consumer_logs(self, call: _Call) -> Response:
        ex = self._find_exchange(call)
        if ex["state"] != "completed" or not ex["_logs"]:
            raise ApiError(404, "artifact_not_found", "nothing was sent to the SIS for this exchange", ex["id"])
        entries = [{"level": "info", "message": f"sent item {n + 1}"} for n in range(ex["_items"])]
        return self._artifact("consumerlogs", ex["id"], {"exchange_id": ex["id"], "entries": entries})

    # -- consumer, sections -----------------------------------------------------------------------------------
    def get_consumer(self, call: _Call) -> Response:
        return _json(
            {
                "id": "consumer-oneroster-01",
                "connector_type": "oneroster_rest",
                "supported_exchange_query_type": "assignment_scores",
                "summary_score_type": "final",
            }
        )

    def resolve_section(self, call: _Call) -> Response:
        source_id = SECTIONS.get(call.params["id"])
        if source_id is None:
            raise ApiError(404, "not_found", "section not found", details=call.params["id"])
        return _json({"consumerSourceId": source_id})

    # -- batch exchanges --------------------------------------------------------------------------------------
    def _find_batch(self, call: _Call) -> JsonObj:
        batch = self._state.batches.get(call.params["id"])
        if batch is None:
            raise ApiError(404, "not_found", "batch exchange not found", details=call.params["id"])
        return batch

    def list_batches(self, call: _Call) -> Response:
        return _json(self._page(call, copy.deepcopy(list(self._state.batches.values()))))

    def count_batches(self, call: _Call) -> Response:
        return _json(len(self._state.batches))

    def batch_courses(self, call: _Call) -> Response:
        batch = self._find_batch(call)
        lines = ["course_id,batch_exchange_id", *(f"{c},{batch['id']}" for c in batch["course_ids"])]
        return Response("\r\n".join(lines) + "\r\n", 200, media_type="text/csv")

    def batch_error(self, call: _Call) -> Response:
        batch = self._find_batch(call)
        body = call.object()
        _check(body, {"code": "string"})
        code = body.get("code", "integration_error")
        batch.update(state="failed", error_code=code, updated_at=_now())
        return _json({"data": {"code": code}, "error": None})

    def batch_data(self, call: _Call) -> Response:
        batch = self._find_batch(call)
        body = call.object()
        _check(body, {"course_ids": "strings"})
        batch.update(course_ids=list(body.get("course_ids", [])), updated_at=_now())
        return _json({"data": {"course_ids": list(batch["course_ids"])}, "error": None})

    # -- schedules --------------------------------------------------------------------------------------------
    def _find_schedule(self, call: _Call) -> JsonObj:
        schedule = self._state.schedules.get(call.params["id"])
        if schedule is None:
            raise ApiError(404, "not_found", "schedule not found", details=call.params["id"])
        return schedule

    def list_schedules(self, call: _Call) -> Response:
        items = []
        for schedule in self._state.schedules.values():
            out = {k: copy.deepcopy(v) for k, v in schedule.items() if not k.startswith("_")}
            out["metadata"] = {"updated": None, "scheduled": None, **out["metadata"]}
            if "schedule_enabled_string" in self.defects:
                out["enabled"] = "true" if schedule["enabled"] else "false"
            items.append(out)
        return _json(self._page(call, items))

    def update_schedule(self, call: _Call) -> Response:
        schedule = self._find_schedule(call)
        body = call.object()
        _check(body, {"enabled": "boolean"})
        if "enabled" in body:
            schedule["enabled"] = body["enabled"]
            schedule["metadata"]["updated"] = {"by": "api", "at": _now()}
        return _empty()

    def run_schedule(self, call: _Call) -> Response:
        schedule = self._find_schedule(call)
        body = call.json(required=False)
        if body is not None and not isinstance(body, dict):
            raise ApiError(400, "invalid_body", "the request body must be a JSON object")
        now = time.monotonic()
        if now < schedule["_pending_until"]:
            raise ApiError(409, "run_pending", "a run of this schedule is already pending")
        if not schedule["enabled"]:
            raise ApiError(409, "schedule_disabled", "the schedule is disabled")
        schedule["_pending_until"] = now + SCHEDULE_RUN_SECONDS
        schedule["last_executed_at"] = _now()
        return _empty()

    # -- tenants ----------------------------------------------------------------------------------------------
    def list_tenants(self, call: _Call) -> Response:
        accounts = call.request.query_params.getlist("accounts")
        integrations = call.request.query_params.getlist("integrations")
        items = [
            copy.deepcopy(t)
            for t in self._state.tenants.values()
            if (not accounts or t["account"]["id"] in accounts)
            and (not integrations or t["integration"]["id"] in integrations or t["integration"]["name"] in integrations)
        ]
        return _json(self._page(call, items))

    def get_tenant(self, call: _Call) -> Response:
        if "server_error_tenant" in self.defects:
            html = (
                "<html><head><title>500 Internal Server Error</title></head>"
                "<body><h1>Internal Server Error</h1></body></html>"
            )
            return Response(html, 500, media_type="text/html")
        tenant = self._state.tenants.get(call.params["id"])
        if tenant is None:
            raise ApiError(404, "not_found", "tenant not found", details=call.params["id"])
        return _json({"data": copy.deepcopy(tenant), "error": None})

    # -- scoping schools and courses --------------------------------------------------------------------------
    def _scoping_create(self, call: _Call, kind: str, key: str, fields: dict[str, str]) -> Response:
        replace = call.bool_param("replace", default=True)
        body = call.object()
        if "data" not in body:
            raise ApiError(400, "invalid_field", "data is required", details="data")
        if not isinstance(body["data"], list) or not all(isinstance(i, dict) for i in body["data"]):
            raise ApiError(400, "invalid_field", "data must be an array of objects", details="data")
        for n, item in enumerate(body["data"]):
            _check(item, fields, f"data[{n}].")
        store = self._stores()[kind]
        posted: list[JsonObj] = []
        for item in body["data"]:
            obj = {name: copy.deepcopy(item[name]) for name in fields if name in item}
            obj.setdefault(key, str(uuid.uuid4()))
            obj.update(account_id=ACCOUNT, tenant_id=TENANT)  # the tenant comes from the credentials
            obj.setdefault("selected", True)
            posted.append(obj)
        new_ids = [obj[key] for obj in posted]
        if replace:
            for old in list(store):
                if old not in new_ids:
                    del store[old]
                    self._note_deleted(kind, old)
        for obj in posted:
            if obj[key] not in store:
                self._note_created(kind, obj[key])
                store[obj[key]] = obj
            else:
                store[obj[key]].update(obj)
        first = copy.deepcopy(store[new_ids[0]]) if new_ids else None
        return _json({"data": first, "error": None})

    def _scoping_find(self, call: _Call, kind: str, what: str) -> JsonObj:
        obj = self._stores()[kind].get(call.params["id"])
        if obj is None:
            raise ApiError(404, "not_found", f"scoping {what} not found", details=call.params["id"])
        return obj

    def _scoping_update(self, call: _Call, kind: str, key: str, fields: dict[str, str]) -> Response:
        obj = self._scoping_find(call, kind, key.split("_")[0])
        body = call.object()
        _check(body, fields)
        obj.update(
            {
                name: copy.deepcopy(body[name])
                for name in fields
                if name in body and name not in (key, "account_id", "tenant_id")
            }
        )
        return _json({"data": copy.deepcopy(obj), "error": None})

    def _scoping_delete(self, call: _Call, kind: str, key: str) -> Response:
        obj = self._scoping_find(call, kind, key.split("_")[0])
        if not (kind == "scoping_schools" and "deleted_school_still_served" in self.defects):
            del self._stores()[kind][obj[key]]
            self._note_deleted(kind, obj[key])
        return _empty()

    def _scoping_delete_all(self, kind: str) -> Response:
        store = self._stores()[kind]
        for obj_id in list(store):
            self._note_deleted(kind, obj_id)
        store.clear()
        return _empty()

    def list_schools(self, call: _Call) -> Response:
        return _json(self._page(call, copy.deepcopy(list(self._state.schools.values()))))

    def create_schools(self, call: _Call) -> Response:
        return self._scoping_create(call, "scoping_schools", "school_id", SCHOOL_FIELDS)

    def delete_schools(self, call: _Call) -> Response:
        return self._scoping_delete_all("scoping_schools")

    def get_school(self, call: _Call) -> Response:
        return _json({"data": copy.deepcopy(self._scoping_find(call, "scoping_schools", "school")), "error": None})

    def update_school(self, call: _Call) -> Response:
        return self._scoping_update(call, "scoping_schools", "school_id", SCHOOL_FIELDS)

    def delete_school(self, call: _Call) -> Response:
        return self._scoping_delete(call, "scoping_schools", "school_id")

    def list_courses(self, call: _Call) -> Response:
        return _json(self._page(call, copy.deepcopy(list(self._state.courses.values()))))

    def create_courses(self, call: _Call) -> Response:
        return self._scoping_create(call, "scoping_courses", "course_id", COURSE_FIELDS)

    def delete_courses(self, call: _Call) -> Response:
        return self._scoping_delete_all("scoping_courses")

    def get_course(self, call: _Call) -> Response:
        return _json({"data": copy.deepcopy(self._scoping_find(call, "scoping_courses", "course")), "error": None})

    def update_course(self, call: _Call) -> Response:
        return self._scoping_update(call, "scoping_courses", "course_id", COURSE_FIELDS)

    def delete_course(self, call: _Call) -> Response:
        return self._scoping_delete(call, "scoping_courses", "course_id")
