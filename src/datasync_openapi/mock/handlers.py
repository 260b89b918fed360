"""What each operation does to the store, keyed by the spec's ``operationId``.

Handlers get validated input (``Context.params``, ``Context.body``) and return a Starlette response or
raise ``MockError``. Each runs inside one store transaction (``MockApp.dispatch``): a handler that writes
several objects (an error and its exchange's count, data and its artifacts, a scoping replace) has all of
them committed together, or none if it raises. The behaviour mirrors the documented service; where the docs
are silent the choice is written in the README's mock section.
"""

from __future__ import annotations

import csv
import gzip
import io
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

from starlette.responses import Response

from datasync_openapi.contract import JSONBytes, MockError, bad_request, dumps, json_response, load_spec, not_found

from . import consumer
from .seed import DEFAULT_MAX_DATA_CONTENT_LENGTH, DEMO_COURSE_APP_ID, error_message
from .store import JSONObject, Store, public

MAX_PAGE_SIZE = 100
# Schedule runs: a run stays pending this long (409 meanwhile); more than RUN_LIMIT runs within
# RUN_WINDOW seconds (all schedules together) answer 429 with Retry-After.
RUN_PENDING_SECONDS = 2.0
RUN_LIMIT = 5
RUN_WINDOW = 60.0


@dataclass
class Clock:
    """The time the handlers read, ``MockConfig.clock`` (the schedule-run limiter's times are in the store,
    ``_runs``)."""

    time: Callable[[], float]

    def now_iso(self) -> str:
        return datetime.fromtimestamp(self.time(), UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


@dataclass
class Context:
    store: Store
    clock: Clock
    params: dict[str, Any]
    body: Any
    url: str  # scheme://host/path of this request, for paging links
    query: list[tuple[str, str]]
    raw_size: int = 0  # bytes of the request body as sent


Handler = Callable[[Context], Response]
HANDLERS: dict[str, Handler] = {}


def handler(func: Handler) -> Handler:
    HANDLERS[func.__name__.replace("_", "")] = func
    return func


# -- shared shapes -----------------------------------------------------------------------------------------
def page_of(ctx: Context, items: Sequence[JSONObject]) -> Response:
    """One page of ``items`` as ``{"data": [...], "paging": {"next": url|null}}``."""
    page = int(ctx.params.get("page", 0))
    size = min(int(ctx.params.get("page_size") or MAX_PAGE_SIZE), MAX_PAGE_SIZE)
    start = page * size
    chunk = items[start : start + size] if start < len(items) else []
    next_url = None
    if start + size < len(items):
        query = [(k, v) for k, v in ctx.query if k != "page"] + [("page", str(page + 1))]
        next_url = f"{ctx.url}?{urlencode(query)}"
    items_json = b",".join(map(ctx.store.encoded, chunk))
    paging = b'{"next":null}' if next_url is None else dumps({"next": next_url})
    return JSONBytes(b'{"data":[' + items_json + b'],"paging":' + paging + b"}")


def envelope(obj: JSONObject | None, store: Store | None = None) -> Response:
    """``{"data": obj}``; with the ``store`` that holds ``obj``, its remembered JSON is used."""
    if obj is None or store is None:
        return json_response({"data": None if obj is None else public(obj)})
    return JSONBytes(b'{"data":' + store.encoded(obj) + b"}")


def no_content() -> Response:
    return Response(status_code=204)


def gzip_json(value: Any) -> Response:
    return Response(gzip.compress(dumps(value), mtime=0), media_type="application/octet-stream")


def require(store: Store, collection: str, key: str, what: str) -> JSONObject:
    obj = store.get(collection, key)
    if obj is None:
        raise not_found(what, key)
    return obj


# -- grades: exchanges -------------------------------------------------------------------------------------
def _exchanges(ctx: Context) -> Sequence[JSONObject]:
    filters = [
        (key, ctx.params[name])
        for name, key in (("course_app_id", "course_app_id"), ("state", "state"), ("posted_by", "_posted_by"))
        if ctx.params.get(name) is not None
    ]
    if not filters:
        return ctx.store.view("exchanges")  # a page without copying them all
    out = ctx.store.all("exchanges")
    for key, value in filters:
        out = [e for e in out if e.get(key) == value]
    return out


def _exchange(ctx: Context) -> JSONObject:
    obj = require(ctx.store, "exchanges", ctx.params["id"], "Exchange")
    course = ctx.params.get("course_app_id")
    if course is not None and obj.get("course_app_id") != course:
        raise not_found("Exchange", ctx.params["id"])
    return obj


@handler
def listexchanges(ctx: Context) -> Response:
    return page_of(ctx, _exchanges(ctx))


@handler
def countexchanges(ctx: Context) -> Response:
    return json_response(len(_exchanges(ctx)))


@handler
def createexchange(ctx: Context) -> Response:
    body = ctx.body or {}
    now = ctx.clock.now_iso()
    key = str(uuid.uuid4())
    obj: JSONObject = {
        "id": key,
        "created_at": now,
        "updated_at": now,
        "state": "created",
        "max_data_content_length": DEFAULT_MAX_DATA_CONTENT_LENGTH,
        "error_count": 0,
        # The real service takes the course app from the caller's context; the mock's callers all act for
        # the demo course app.
        "course_app_id": DEMO_COURSE_APP_ID,
        "_posted_by": "sis",
    }
    for name in ("query", "metadata"):
        if name in body:
            obj[name] = body[name]
    return envelope(ctx.store.put("exchanges", key, obj))


@handler
def getexchange(ctx: Context) -> Response:
    return envelope(_exchange(ctx), ctx.store)


@handler
def listexchangeerrors(ctx: Context) -> Response:
    key = _exchange(ctx)["id"]
    return page_of(ctx, [e for e in ctx.store.all("exchange_errors") if e["_exchange_id"] == key])


@handler
def createexchangeerror(ctx: Context) -> Response:
    exchange = _exchange(ctx)
    body = ctx.body or {}
    now = ctx.clock.now_iso()
    key = str(uuid.uuid4())
    code = body.get("code", "unspecified")
    error = {"id": key, "created_at": now, "updated_at": now, "code": code, "message": error_message(code)}
    if "details" in body:
        error["details"] = body["details"]
    ctx.store.put("exchange_errors", key, {**error, "_exchange_id": exchange["id"]})
    ctx.store.update("exchanges", exchange["id"], error_count=exchange["error_count"] + 1, updated_at=now)
    return envelope(error)


@handler
def createexchangedata(ctx: Context) -> Response:
    exchange = _exchange(ctx)
    if exchange["state"] in ("completed", "failed"):
        raise MockError(409, "Exchange is closed", f"exchange {exchange['id']} is {exchange['state']}")
    body = ctx.body or {}
    size = ctx.raw_size
    limit = exchange.get("max_data_content_length") or DEFAULT_MAX_DATA_CONTENT_LENGTH
    if size > limit:
        raise bad_request(f"body: {size} bytes exceeds the exchange's max_data_content_length of {limit}")
    assignments = exchange.get("_assignments", 0) + len(body.get("assignments") or [])
    summaries = exchange.get("_summaries", 0) + len(body.get("summaries") or [])
    changes: dict[str, Any] = {
        "_assignments": assignments,
        "_summaries": summaries,
        "_chunks": exchange.get("_chunks", 0) + 1,
        "updated_at": ctx.clock.now_iso(),
        "state": "processing",
    }
    if body.get("final") is True:
        changes["state"] = "completed"
        details = {
            "exchange_id": exchange["id"],
            "assignments": assignments,
            "summaries": summaries,
            "chunks": changes["_chunks"],
        }
        ctx.store.put("artifacts", f"{exchange['id']}/details", {"content": details})
        if assignments or summaries:  # no consumer logs when nothing was sent to the SIS
            log = [
                {
                    "at": changes["updated_at"],
                    "level": "info",
                    "message": f"sent {assignments} assignments and {summaries} summaries to the SIS",
                }
            ]
            ctx.store.put("artifacts", f"{exchange['id']}/consumerlogs", {"content": log})
    return envelope(ctx.store.update("exchanges", exchange["id"], **changes))


def _artifact(ctx: Context, kind: str) -> Response:
    exchange = _exchange(ctx)
    artifact = ctx.store.get("artifacts", f"{exchange['id']}/{kind}")
    if artifact is None:
        raise MockError(404, "Artifact not available", f"exchange {exchange['id']} produced no {kind} artifact")
    return gzip_json(artifact["content"])


@handler
def getexchangedetails(ctx: Context) -> Response:
    return _artifact(ctx, "details")


@handler
def getexchangeconsumerlogs(ctx: Context) -> Response:
    return _artifact(ctx, "consumerlogs")


@handler
def getconsumer(ctx: Context) -> Response:
    consumer = ctx.store.get("consumer", "consumer")
    if consumer is None:
        raise bad_request("no consumer is configured", "Consumer is not configured")
    return json_response(public(consumer))


@handler
def resolvesection(ctx: Context) -> Response:
    return json_response(public(require(ctx.store, "sections", ctx.params["id"], "Section")))


# -- grades: batch exchanges -------------------------------------------------------------------------------
@handler
def listbatchexchanges(ctx: Context) -> Response:
    return page_of(ctx, ctx.store.view("batch_exchanges"))


@handler
def countbatchexchanges(ctx: Context) -> Response:
    return json_response(ctx.store.count("batch_exchanges"))


@handler
def getbatchexchangecourseids(ctx: Context) -> Response:
    batch = require(ctx.store, "batch_exchanges", ctx.params["id"], "Batch exchange")
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["course_id"])
    writer.writerows([c] for c in batch.get("course_ids", []))
    return Response(out.getvalue(), media_type="text/csv")


@handler
def createbatchexchangeerror(ctx: Context) -> Response:
    batch = require(ctx.store, "batch_exchanges", ctx.params["id"], "Batch exchange")
    code = (ctx.body or {}).get("code", "unspecified")
    ctx.store.update("batch_exchanges", batch["id"], error_code=code, state="failed", updated_at=ctx.clock.now_iso())
    return envelope({"code": code})


@handler
def createbatchexchangecontextdata(ctx: Context) -> Response:
    batch = require(ctx.store, "batch_exchanges", ctx.params["id"], "Batch exchange")
    course_ids = list((ctx.body or {}).get("course_ids", []))
    ctx.store.update("batch_exchanges", batch["id"], course_ids=course_ids, updated_at=ctx.clock.now_iso())
    return envelope({"course_ids": course_ids})


# -- grades: schedules -------------------------------------------------------------------------------------
@handler
def listschedules(ctx: Context) -> Response:
    return page_of(ctx, ctx.store.view("schedules"))


@handler
def updateschedule(ctx: Context) -> Response:
    schedule = require(ctx.store, "schedules", ctx.params["id"], "Schedule")
    body = ctx.body or {}
    if "enabled" in body:  # only `enabled` may be updated; anything else is ignored
        meta = {**schedule.get("metadata", {}), "updated": ctx.clock.now_iso()}
        ctx.store.update("schedules", schedule["id"], enabled=body["enabled"], metadata=meta)
    return no_content()


@handler
def runschedule(ctx: Context) -> Response:
    schedule = require(ctx.store, "schedules", ctx.params["id"], "Schedule")
    clock = ctx.clock
    now = clock.time()
    # The run times live in the store (``_runs``), so the limit holds across worker processes and a request
    # that fails later in its transaction takes its run back.
    runs = [t for t in (ctx.store.get("_runs", "schedule") or {"times": []})["times"] if t > now - RUN_WINDOW]
    if len(runs) >= RUN_LIMIT:
        wait = max(1, int(runs[0] + RUN_WINDOW - now + 0.999))
        raise MockError(
            429,
            "Too many schedule runs",
            f"at most {RUN_LIMIT} runs per {int(RUN_WINDOW)} s",
            {"Retry-After": str(wait)},
        )
    if schedule.get("_pending_until", 0) > now:
        raise MockError(409, "A run of this schedule is already pending", f"schedule {schedule['id']}")
    ctx.store.put("_runs", "schedule", {"times": [*runs, now]})
    consumer.run(ctx.store, schedule, clock.now_iso())  # pending exchanges for the schedule's course apps
    ctx.store.update(
        "schedules", schedule["id"], _pending_until=now + RUN_PENDING_SECONDS, last_executed_at=clock.now_iso()
    )
    return no_content()


# -- interop -----------------------------------------------------------------------------------------------
@handler
def listtenants(ctx: Context) -> Response:
    tenants = ctx.store.all("tenants")
    if ctx.params.get("accounts"):
        tenants = [t for t in tenants if t["account"]["id"] in ctx.params["accounts"]]
    if ctx.params.get("integrations"):
        tenants = [t for t in tenants if t["integration"]["id"] in ctx.params["integrations"]]
    return page_of(ctx, tenants)


@handler
def gettenant(ctx: Context) -> Response:
    return envelope(require(ctx.store, "tenants", ctx.params["id"], "Tenant"), ctx.store)


def _scoping(kind: str) -> tuple[str, str, str]:
    return f"scoping_{kind}s", f"{kind}_id", f"Scoping {kind}"


_SCOPING_FIELDS = {
    kind: frozenset(load_spec("interop")["components"]["schemas"][f"Scoping{kind.title()}"]["properties"])
    for kind in ("school", "course")
}


def _known(kind: str, item: JSONObject) -> JSONObject:
    """Only the documented fields of a scoping object (like a real server, unknown fields are dropped)."""
    return {k: v for k, v in item.items() if k in _SCOPING_FIELDS[kind]}


def _list_scoping(ctx: Context, kind: str) -> Response:
    return page_of(ctx, ctx.store.view(_scoping(kind)[0]))


def _create_scoping(ctx: Context, kind: str) -> Response:
    collection, id_field, _ = _scoping(kind)
    items = [_known(kind, item) for item in ctx.body["data"]]
    for item in items:
        item.setdefault(id_field, str(uuid.uuid4()))
    if ctx.params.get("replace", True):
        ctx.store.clear(collection)
    for item in items:  # append: an item with a known id replaces that one
        ctx.store.put(collection, item[id_field], item)
    return envelope(items[0] if items else None)


def _delete_all_scoping(ctx: Context, kind: str) -> Response:
    ctx.store.clear(_scoping(kind)[0])
    return no_content()


def _get_scoping(ctx: Context, kind: str) -> Response:
    collection, _, what = _scoping(kind)
    return envelope(require(ctx.store, collection, ctx.params["id"], what), ctx.store)


def _update_scoping(ctx: Context, kind: str) -> Response:
    collection, id_field, what = _scoping(kind)
    key = ctx.params["id"]
    current = require(ctx.store, collection, key, what)
    # The id in the path names the object; an id in the body is ignored (the object keeps its id).
    changes = _known(kind, ctx.body or {})
    return envelope(ctx.store.put(collection, key, {**current, **changes, id_field: key}))


def _delete_scoping(ctx: Context, kind: str) -> Response:
    collection, _, what = _scoping(kind)
    if not ctx.store.delete(collection, ctx.params["id"]):
        raise not_found(what, ctx.params["id"])
    return no_content()


for _kind in ("school", "course"):
    for _name, _func in (
        (f"listscoping{_kind}s", _list_scoping),
        (f"createscoping{_kind}s", _create_scoping),
        (f"deletescoping{_kind}s", _delete_all_scoping),
        (f"getscoping{_kind}", _get_scoping),
        (f"updatescoping{_kind}", _update_scoping),
        (f"deletescoping{_kind}", _delete_scoping),
    ):
        HANDLERS[_name] = lambda ctx, f=_func, k=_kind: f(ctx, k)  # type: ignore[misc]


def handler_for(operation_id: str) -> Handler:
    return HANDLERS[operation_id.lower()]


__all__ = ["HANDLERS", "Clock", "Context", "handler_for"]
