"""The mock's ASGI application: both APIs under their real base paths, the token endpoint and controls.

    /v2/grades/...      Grades Exchange API (openapi/grades.yaml)
    /v2/interop/...     Interop API (openapi/interop.yaml)
    /oauth/token        OAuth2 client credentials (form-encoded)
    /_mock/...          controls: reset, faults, token expiry, health, the request journal (requests), pending
                        exchanges (exchanges; consumer.py) (not part of the vendor API)

Every request goes: faults -> routing (JSON 404 / 405 with Allow) -> auth (401) -> validation against the
spec (400 naming the field) -> handler. Any unexpected exception is answered as a JSON 500 and logged;
that is a mock bug (the conformance suite reports it).
"""

from __future__ import annotations

import asyncio
import logging
import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Receive, Scope, Send

from datasync_openapi.contract import MockError, Route, json_response, router

from . import consumer
from .auth import AuthConfig, Authenticator, parse_authorization
from .faults import Fault, FaultQueue
from .handlers import Clock, Context, handler_for
from .journal import Journal, MemoryJournal, Recorder, filters
from .seed import seed
from .store import StorageError, Store, public

log = logging.getLogger("datasync_openapi.mock")
MAX_BODY = 16 * 1024 * 1024  # bytes of a request body (API, /oauth/token, /_mock); README "Limits"
# GET answers remembered while the store does not change (then all forgotten at once), and the largest one kept.
ANSWER_CACHE = 256
ANSWER_CACHE_BODY = 64 * 1024  # at most 16 MiB remembered in all


@dataclass
class MockConfig:
    auth: AuthConfig = field(default_factory=AuthConfig)
    state_file: str | Path | None = None
    clock: Callable[[], float] = time.time
    sleep: Callable[[float], Any] = asyncio.sleep
    shared: bool = False  # state_file is shared with other worker processes (datasync mock --workers N)
    # What fills the store on start and on reset (har.seed_from adds recorded traffic to the demo data).
    seeder: Callable[[Store], None] = seed
    journal: Journal | None = None  # the requests answered (journal.py); default: in memory, JOURNAL_CAP of them


class MockRequest(Request):
    """A Starlette request whose header fields are also one plain dict, ``fields``: lowercase name -> value (the
    last of a repeated name), built once (Starlette's ``Headers`` searches its list on every lookup, and a request
    looks up five fields). ``repeated``: the names that came more than once."""

    def __init__(self, scope: Scope, receive: Receive) -> None:
        super().__init__(scope, receive)
        self.fields: dict[str, str] = {n.decode("latin-1"): v.decode("latin-1") for n, v in scope["headers"]}
        self.repeated: frozenset[str] = frozenset()
        if len(self.fields) != len(scope["headers"]):
            names = [n.decode("latin-1") for n, _ in scope["headers"]]
            self.repeated = frozenset(name for name in self.fields if names.count(name) > 1)
        # What the journal records of it, filled in as the request is handled.
        self.operation: str | None = None
        self.raw_body = b""
        self.parsed: Any = None


def _one_body(response: Response) -> bool:
    """Whether ``response`` is a plain Starlette response: one body, no background task, sent as is (what the mock
    sends directly, and what it may remember)."""
    return type(response).__call__ is Response.__call__ and response.background is None


class MockApp:
    """The ASGI application. ``reset()`` restores the seeded demo data and clears faults and limits."""

    def __init__(self, config: MockConfig | None = None) -> None:
        self.config = config or MockConfig()
        self.router = router()
        self.store = Store(self.config.seeder, self.config.state_file, shared=self.config.shared)
        self.auth = Authenticator(self.config.auth, clock=self.config.clock, store=self.store)
        self.faults = FaultQueue(self.store)
        self.clock = Clock(time=self.config.clock)
        self.journal: Journal = self.config.journal or MemoryJournal()
        self.recorder = Recorder(self.journal, self.config.clock)
        # A GET's answer is a function of the store and of its path, query and the address the client used (for
        # paging links): remembered per store generation. Not for a subclass that changes how answers are made.
        self._answers: dict[tuple[str, bytes, str, str], tuple[int, Response]] = {}
        cls = type(self)
        self._remember = cls.validate is MockApp.validate and cls.dispatch is MockApp.dispatch

    def reset(self) -> None:
        """The seeded data again, no queued faults, no schedule runs, an empty journal (issued tokens stay
        valid)."""

        def reset() -> None:
            self.store.reset()
            self.store.clear("_faults")
            self.store.clear("_runs")

        self.store.atomically(reset)
        self.journal.clear()

    def reseed(self, seeder: Callable[[Store], None]) -> None:
        """From now on ``seeder`` fills the store (``datasync_mock.load``): the store is reset with it now."""
        self.config.seeder = seeder
        self.store.seeder = seeder
        self.reset()

    def close(self) -> None:
        self.store.close()
        self.journal.close()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            while True:
                message = await receive()
                if message["type"] == "lifespan.startup":
                    await send({"type": "lifespan.startup.complete"})
                elif message["type"] == "lifespan.shutdown":
                    self.close()
                    await send({"type": "lifespan.shutdown.complete"})
                    return
        if scope["type"] != "http":
            return
        request = MockRequest(scope, receive)
        started = time.perf_counter()
        try:
            response = await self.handle(request)
        except MockError as exc:
            response = exc.response()
        except StorageError as exc:  # nothing of the request was kept: say so, once, without a traceback
            log.error("%s %r: the state file refused a write (nothing kept): %s", request.method, scope["path"], exc)
            response = _storage_refused(exc).response()
        except Exception:  # a mock bug: answer JSON, log the traceback, never send it to the client
            log.exception("unhandled error on %s %s", request.method, scope["path"])
            response = MockError(500, "Internal error in the mock", "see the mock's log").response()
        path: str = scope["path"]
        if not path.startswith("/_mock/"):
            self.recorder(
                method=request.method,
                path=path,
                raw_query=scope["query_string"],
                operation=request.operation,
                status=response.status_code,
                started=started,
                raw_body=request.raw_body,
                parsed=request.parsed,
                content_type=request.fields.get("content-type", ""),
            )
        if _one_body(response):  # what Response.__call__ sends, without its per-call set-up
            await send({"type": "http.response.start", "status": response.status_code, "headers": response.raw_headers})
            await send({"type": "http.response.body", "body": response.body})
        else:
            await response(scope, receive, send)

    async def handle(self, request: MockRequest) -> Response:
        scope = request.scope  # read directly: starlette's request.url builds a URL object on every access
        path: str = scope["path"]
        method: str = scope["method"].upper()
        self.store.refresh()  # another worker's writes, when the state is shared
        if path.startswith("/_mock/"):
            return await self.control(request, path[len("/_mock") :], method)
        fault = self._fault(request, method, path)
        if fault is not None:
            if fault.delay:
                await self.config.sleep(fault.delay)
            error = fault.error()
            if error is not None:
                raise error
        if path == "/oauth/token":
            return await self.token(request, method)
        match = self.router.match(path)
        if match is None or not match[1]:
            raise MockError(404, "Not found", f"no operation at {path}")
        _, candidates = match
        chosen = next(((r, v) for r, v in candidates if r.method_upper == method), None)
        if chosen is None:
            allowed = sorted({route.method_upper for route, _ in candidates})
            if method == "HEAD" and "GET" in allowed:  # HEAD is GET without the body
                chosen = next((r, v) for r, v in candidates if r.method == "get")
            elif method == "OPTIONS":
                return Response(status_code=204, headers={"Allow": ", ".join(allowed)})
            else:
                raise MockError(
                    405, "Method not allowed", f"{method} is not allowed on {path}", {"Allow": ", ".join(allowed)}
                )
        route, path_values = chosen
        request.operation = route.operation_id
        self.authorize(route, request)
        body = await self._body(request)
        raw_query: bytes = scope["query_string"]
        scheme: str = scope.get("scheme", "http")
        netloc = self._netloc(request)
        key = (path, raw_query, scheme, netloc) if method == "GET" and not body and self._remember else None
        generation = self.store.generation
        if key is not None:
            hit = self._answers.get(key)
            if hit is not None and hit[0] == generation:
                return hit[1]
        query = parse_qsl(raw_query.decode("latin-1"), keep_blank_values=True) if raw_query else []
        params, decoded = self.validate(route, path_values, query, body, request.fields.get("content-type", ""))
        request.parsed = decoded
        context = Context(
            store=self.store,
            clock=self.clock,
            params=params,
            body=decoded,
            url=f"{scheme}://{netloc}{path}",
            query=query,
            raw_size=len(body),
        )
        response = self.dispatch(route, context)
        if method == "HEAD":
            response.body = b""
        elif (
            key is not None
            and self.store.generation == generation
            and _one_body(response)
            and len(response.body) <= ANSWER_CACHE_BODY
        ):
            if len(self._answers) >= ANSWER_CACHE:
                self._answers.clear()
            self._answers[key] = (generation, response)
        return response

    @staticmethod
    def _netloc(request: MockRequest) -> str:
        """host[:port] as the client addressed it (for absolute paging links)."""
        host = request.fields.get("host")
        if host:
            return host
        server = request.scope.get("server")
        return f"{server[0]}:{server[1]}" if server else "localhost"

    # -- the steps of an API request (the rogue mock overrides these to inject bugs) -------------------------
    def authorize(self, route: Route, request: MockRequest) -> None:
        schemes = route.schemes
        if not schemes:
            return
        challenge = "Basic" if schemes == {"basicAuth"} else "Bearer"
        if "authorization" in request.repeated:  # which one counts is ambiguous (RFC 6750 3.1: invalid_request)
            details = "more than one Authorization header field"
            raise MockError(400, "Bad request", details, {"WWW-Authenticate": f'{challenge} error="invalid_request"'})
        if not self.auth.allowed(request.fields.get("authorization"), schemes):
            headers = {"WWW-Authenticate": challenge}
            raise MockError(401, "Unauthorized", "missing, unknown or expired credentials", headers)

    def validate(
        self, route: Route, path_values: dict[str, str], query: list[tuple[str, str]], body: bytes, content_type: str
    ) -> tuple[dict[str, Any], Any]:
        return route.validate(path_values, query, body, content_type)

    def dispatch(self, route: Route, context: Context) -> Response:
        """Run the operation's handler in one store transaction: all its writes, or none if it raises."""
        handle = handler_for(route.operation_id)
        if route.method == "get":  # reads only: no transaction to open (a write in one would still make its own)
            return handle(context)
        return self.store.atomically(lambda: handle(context))

    def _fault(self, request: MockRequest, method: str, path: str) -> Fault | None:
        header = request.fields.get("x-mock-fault")
        if header:
            return Fault.from_header(header)
        return self.faults.take(method, path)

    @staticmethod
    async def _body(request: MockRequest) -> bytes:
        """The request body, at most ``MAX_BODY`` bytes; a larger one is a 413. A Content-Length over the cap is
        refused before reading; a body without one (chunked) is read as a stream and refused as soon as it
        passes the cap, so the mock never holds more than the cap (plus one chunk) of it."""
        headers = request.fields
        length = headers.get("content-length", "")
        if not length and "transfer-encoding" not in headers:
            return b""  # HTTP/1.1: a request without either has no body (RFC 9112 6.3)
        if length.isascii() and length.isdigit() and (len(length) > 18 or int(length) > MAX_BODY):
            raise _too_large()
        chunks: list[bytes] = []
        size = 0
        async for chunk in request.stream():
            size += len(chunk)
            if size > MAX_BODY:
                raise _too_large()
            chunks.append(chunk)
        request.raw_body = b"".join(chunks)
        return request.raw_body

    # -- OAuth2 token endpoint ----------------------------------------------------------------------------
    async def token(self, request: MockRequest, method: str) -> Response:
        if method != "POST":
            raise MockError(405, "Method not allowed", "use POST", {"Allow": "POST"})
        media = request.fields.get("content-type", "").split(";")[0].strip().lower()
        if media != "application/x-www-form-urlencoded":
            return self._oauth_error(400, "invalid_request", "send application/x-www-form-urlencoded")
        pairs = parse_qsl((await self._body(request)).decode("utf-8", "replace"), keep_blank_values=True)
        form = dict(pairs)
        if len(form) != len(pairs):  # RFC 6749 3.2: parameters MUST NOT be included more than once
            names = [name for name, _ in pairs]
            twice = sorted({name for name in names if names.count(name) > 1})
            named = ", ".join(repr(name[:40]) for name in twice[:5]) + (", ..." if len(twice) > 5 else "")
            return self._oauth_error(400, "invalid_request", f"parameters sent more than once: {named}")
        if "authorization" in request.repeated:
            return self._oauth_error(400, "invalid_request", "more than one Authorization header field")
        if form.get("grant_type") != "client_credentials":
            return self._oauth_error(400, "unsupported_grant_type", "only client_credentials is supported")
        client_id, client_secret = form.get("client_id", ""), form.get("client_secret", "")
        basic = parse_authorization(request.fields.get("authorization"))
        if not client_id and basic is not None and basic[0] == "basic":  # RFC 6749 2.3.1 also allows Basic
            import base64
            import binascii

            try:
                decoded = base64.b64decode(basic[1], validate=True).decode("utf-8")
            except (ValueError, binascii.Error):
                decoded = ""
            client_id, _, client_secret = decoded.partition(":")
        issued = self.auth.issue(client_id, client_secret)
        if issued is None:
            return self._oauth_error(401, "invalid_client", "unknown client credentials")
        token, ttl = issued
        return json_response(
            {"access_token": token, "token_type": "Bearer", "expires_in": ttl}, headers={"Cache-Control": "no-store"}
        )

    @staticmethod
    def _oauth_error(status: int, code: str, description: str) -> Response:
        """RFC 6749 error body (what OAuth2 libraries parse), plus our error envelope for humans."""
        body = {"error": code, "error_description": description}
        return json_response(body, status, {"Cache-Control": "no-store"})

    # -- controls ---------------------------------------------------------------------------------------
    async def control(self, request: MockRequest, path: str, method: str) -> Response:
        if path == "/health" and method == "GET":
            return json_response({"status": "ok", "pid": os.getpid()})
        if path == "/reset" and method == "POST":
            self.reset()
            return Response(status_code=204)
        if path == "/faults" and method == "GET":
            return json_response({"data": self.faults.pending()})
        if path == "/faults" and method == "POST":
            for fault in Fault.parse_body(await self._body(request) or b"{}"):
                self.faults.add(fault)
            return json_response({"data": self.faults.pending()})
        if path == "/faults" and method == "DELETE":
            self.faults.clear()
            return Response(status_code=204)
        if path == "/tokens/expire" and method == "POST":
            return json_response({"expired": self.auth.expire_tokens()})
        if path == "/exchanges" and method == "POST":
            courses = consumer.control_body(await self._body(request))
            now = self.clock.now_iso()
            metadata = {"source": "mock-control"}
            created = self.store.atomically(lambda: consumer.create_pending(self.store, courses, now, metadata))
            return json_response({"data": [public(obj) for obj in created]})
        if path == "/requests" and method == "GET":
            return json_response({"data": self.journal.entries(**filters(request.scope["query_string"]))})
        if path == "/requests" and method == "DELETE":
            self.journal.clear()
            return Response(status_code=204)
        raise MockError(404, "Not found", f"no mock control {method} /_mock{path}")


def _storage_refused(exc: StorageError) -> MockError:
    if exc.full:
        return MockError(507, "Insufficient storage", "the mock's state file is full: nothing of this request was kept")
    return MockError(503, "Service unavailable", "the mock's state file is read-only: nothing of this request was kept")


def _too_large() -> MockError:
    return MockError(
        413, "Payload too large", f"the request body is larger than {MAX_BODY} bytes (16 MiB, the mock's limit)"
    )


def create_app(config: MockConfig | None = None) -> MockApp:
    """A fresh mock with its own store (seeded) and credentials."""
    return MockApp(config)


__all__ = ["ANSWER_CACHE", "ANSWER_CACHE_BODY", "MockApp", "MockConfig", "MockRequest", "create_app"]
