"""The mock as a test fixture: what ``datasync_mock`` (the pytest plugin, ``pytest_plugin.py``) gives a test.

``DatasyncMock`` wraps one fresh, seeded ``MockApp`` and reaches it two ways:

- **in-process**, through ``httpx.ASGITransport`` (no socket, no thread): ``async_http_client()`` and
  ``grades_client(in_process=True)`` / ``interop_client(in_process=True)``, whose async side
  (``asyncio_detailed``, ``acall``, ``apaginate``) talks to the app directly. ASGI transports are async only,
  so the sync side of an in-process client raises ``InProcessClientIsAsync``.
- **over a local socket** (``datasync_openapi.server.running``) for sync code and for anything that needs a URL:
  ``url``, ``grades_url``, ``interop_url``, ``http_client()``, ``grades_client()``, ``interop_client()``. The
  server starts the first time one of them is used, once per test session (``MockServer``); each test's mock is
  plugged into it for the length of the test, so no test pays for a server it does not use and no state crosses
  from one test to the next.

The ready clients are the generated packages' ``connect()`` clients (``datasync_grades.runtime.connect``, the
same for interop): a generated ``Client`` carrying httpx auth (OAuth2 client credentials against the mock's
``/oauth/token`` by default, with refresh on a 401) and retries. Every generated operation accepts it where it
accepts an ``AuthenticatedClient``. The generated packages are not dependencies of this package (you vendor
them); when one is not importable, its helper raises ``ClientPackageMissing`` saying so, and everything else
(URLs, faults, plain httpx clients) works without it.

Outside pytest: ``with DatasyncMock() as mock: ...`` (it starts and stops its own server if ``url`` is used).
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import httpx
from starlette.types import Receive, Scope, Send

from datasync_openapi.contract import MockError
from datasync_openapi.mock import (
    DEMO_API_KEY,
    DEMO_API_SECRET,
    DEMO_CLIENT_ID,
    DEMO_CLIENT_SECRET,
    DEMO_LTI_SECRET,
    DEMO_TOKEN,
    MockApp,
    create_app,
    make_lti_jwt,
)
from datasync_openapi.mock import seed as _seed
from datasync_openapi.mock.faults import Fault

if TYPE_CHECKING:
    from datasync_grades.client import Client as GradesClient
    from datasync_grades.runtime import RetryPolicy as GradesRetryPolicy
    from datasync_interop.client import Client as InteropClient
    from datasync_interop.runtime import RetryPolicy as InteropRetryPolicy

GRADES_PATH = "/v2/grades"
INTEROP_PATH = "/v2/interop"
# The base URL of in-process clients: never resolvable (RFC 6761 .invalid), so nothing can leave the process.
IN_PROCESS_URL = "http://datasync-mock.invalid"
Auth = Literal["client_credentials", "token", "api_key"]


class ClientPackageMissing(ImportError):
    """A ready-client helper needs a generated package (``datasync_grades``/``datasync_interop``) that is not
    importable here."""


class InProcessClientIsAsync(RuntimeError):
    """A sync call on an in-process client: ``httpx.ASGITransport`` is async only."""


@dataclass(frozen=True)
class SeedIds:
    """Ids of the seeded demo data (``datasync_openapi.mock.seed``), the same in every fresh mock and after
    ``reset()``."""

    exchange_created: str  # state "created": the pending exchange a producer answers
    exchange_processing: str  # "processing", two exchange errors, belongs to batch_created
    exchange_completed: str  # "completed", with both artifacts (details, consumer logs)
    exchange_no_logs: str  # "completed", details only (consumer logs answer 404)
    exchange_failed: str  # "failed", one exchange error
    batch_created: str
    batch_completed: str
    batch_failed: str
    schedule_enabled: str
    schedule_disabled: str
    section: str  # resolves to consumerSourceId "SIS-SECTION-101"
    tenant: str
    tenant_2: str
    account: str
    integration: str
    school: str  # the first of three scoping schools
    course: str  # the first of three scoping courses
    course_app_id: str  # the course app of the seeded "created" exchange and of every exchange you create

    @classmethod
    def from_seed(cls) -> SeedIds:
        return cls(
            exchange_created=_seed.EXCHANGE_CREATED,
            exchange_processing=_seed.EXCHANGE_PROCESSING,
            exchange_completed=_seed.EXCHANGE_COMPLETED,
            exchange_no_logs=_seed.EXCHANGE_NO_LOGS,
            exchange_failed=_seed.EXCHANGE_FAILED,
            batch_created=_seed.BATCH_CREATED,
            batch_completed=_seed.BATCH_COMPLETED,
            batch_failed=_seed.BATCH_FAILED,
            schedule_enabled=_seed.SCHEDULE_ENABLED,
            schedule_disabled=_seed.SCHEDULE_DISABLED,
            section=_seed.SECTION,
            tenant=_seed.TENANT,
            tenant_2=_seed.TENANT_2,
            account=_seed.ACCOUNT,
            integration=_seed.INTEGRATION,
            school=_seed.SCHOOL,
            course=_seed.COURSE,
            course_app_id=_seed.DEMO_COURSE_APP_ID,
        )


@dataclass(frozen=True)
class Credentials:
    """The mock's demo credentials (the README's table); secrets stay out of ``repr``."""

    client_id: str = DEMO_CLIENT_ID
    client_secret: str = field(default=DEMO_CLIENT_SECRET, repr=False)
    token: str = field(default=DEMO_TOKEN, repr=False)  # a static bearer token: never expires
    api_key: str = DEMO_API_KEY
    api_secret: str = field(default=DEMO_API_SECRET, repr=False)  # Basic, GET /v2/interop/tenants only
    lti_secret: str = field(default=DEMO_LTI_SECRET, repr=False)

    def lti_jwt(self, ttl: float = 3600.0) -> str:
        """An HS256 LTI JWT the mock accepts on the Grades API."""
        return make_lti_jwt(self.lti_secret, ttl)


class Faults:
    """Queued faults of one mock (the same queue as ``POST /_mock/faults``): the next ``count`` requests whose
    method and path match answer ``status`` (429, 500, 502, 503, 504) after ``delay`` seconds."""

    def __init__(self, app: MockApp) -> None:
        self._app = app

    def add(
        self,
        status: int | None = None,
        *,
        count: int = 1,
        path: str | None = None,
        method: str | None = None,
        retry_after: int | str | None = None,
        delay: float = 0.0,
    ) -> None:
        """Queue a fault. ``path`` is a prefix of the full request path, e.g. ``"/v2/grades/exchanges"`` (any
        path when ``None``); ``method`` e.g. ``"GET"`` (any when ``None``); ``retry_after`` is sent as the
        ``Retry-After`` header (a 429 gets ``1`` when not given); ``delay`` alone (no status) only slows the
        answer. Raises ``ValueError`` for what the mock would refuse."""
        if path is not None and not path.startswith(("/v2/", "/oauth/")):
            raise ValueError(
                f"a fault's path is matched as a prefix of the full request path, such as "
                f"{GRADES_PATH}/exchanges or {INTEROP_PATH}/tenant/scoping/schools; got {path!r}"
            )
        data = {
            "status": status,
            "count": count,
            "path": path,
            "method": None if method is None else method.upper(),
            "retry_after": None if retry_after is None else str(retry_after),
            "delay": delay,
        }
        try:
            fault = Fault.from_json({key: value for key, value in data.items() if value is not None})
        except MockError as exc:
            raise ValueError(exc.details or str(exc)) from None
        self._app.faults.add(fault)

    def clear(self) -> None:
        """Drop every queued fault."""
        self._app.faults.clear()

    def pending(self) -> list[dict[str, Any]]:
        """The queued faults, each with the count still to come (``GET /_mock/faults``)."""
        return self._app.faults.pending()


class _Switchboard:
    """The ASGI app a shared server runs: forwards every request to the mock plugged in, else answers 503."""

    def __init__(self) -> None:
        self.app: MockApp | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        app = self.app
        if app is not None:
            await app(scope, receive, send)
            return
        if scope["type"] != "http":
            return
        from datasync_openapi.contract import dumps, error_body

        details = "the datasync_mock fixture of the test that used this URL has ended"
        body = dumps(error_body(503, "No mock is active", details))
        headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
        await send({"type": "http.response.start", "status": 503, "headers": headers})
        await send({"type": "http.response.body", "body": body})


class MockServer:
    """A local HTTP server for mocks, started on first use of ``url()`` and stopped by ``close()``."""

    def __init__(self) -> None:
        self._switchboard = _Switchboard()
        self._stack = contextlib.ExitStack()
        self._url: str | None = None
        self._lock = threading.Lock()

    @property
    def started(self) -> bool:
        return self._url is not None

    def url(self) -> str:
        """The server's base URL (``http://127.0.0.1:<port>``), starting it if it is not running."""
        with self._lock:
            if self._url is None:
                from datasync_openapi.server import running

                self._url = self._stack.enter_context(running(self._switchboard))
            return self._url

    def plug(self, app: MockApp) -> None:
        self._switchboard.app = app

    def unplug(self, app: MockApp) -> None:
        if self._switchboard.app is app:
            self._switchboard.app = None

    def close(self) -> None:
        with self._lock:
            self._url = None
            self._stack.close()


class _AsyncOnlyTransport(httpx.BaseTransport):
    """The sync side of an in-process client: explains, instead of trying the network."""

    def __init__(self, helper: str) -> None:
        self.helper = helper

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        raise InProcessClientIsAsync(
            f"{self.helper}(in_process=True) reaches the mock through httpx.ASGITransport, which is async only: "
            f"await its calls (asyncio_detailed, acall, apaginate), or use {self.helper}() for sync calls over "
            f"the local socket ({request.method} {request.url.path})"
        )


def _missing(package: str, helper: str, exc: ImportError) -> ClientPackageMissing:
    folder = package.replace("_", "-")
    return ClientPackageMissing(
        f"datasync_mock.{helper}() needs the generated package {package}, which is not importable here ({exc}). "
        f"Install its wheel (`make dist` builds dist/{package}-*.whl) or vendor generated/{folder}; "
        f"datasync_mock.url, .http_client() and .async_http_client() work without it."
    )


class DatasyncMock:
    """A fresh, seeded mock of both APIs, reachable in-process and over a local socket (see the module doc).

    Attributes: ``app`` (the ``MockApp``), ``faults`` (``Faults``), ``ids`` (``SeedIds``), ``credentials``
    (``Credentials``).
    """

    grades_path = GRADES_PATH
    interop_path = INTEROP_PATH

    def __init__(self, server: MockServer | None = None) -> None:
        self.app: MockApp = create_app()
        self.faults = Faults(self.app)
        self.ids = SeedIds.from_seed()
        self.credentials = Credentials()
        self._own_server = server is None
        self._server = server if server is not None else MockServer()
        self._server.plug(self.app)
        self._closers: list[Callable[[], None]] = []
        self._closed = False

    def __enter__(self) -> DatasyncMock:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- URLs (the first use starts the local server) ------------------------------------------------------
    @property
    def url(self) -> str:
        """Base URL of the server root, ``http://127.0.0.1:<port>`` (``/oauth/token``, ``/_mock/...``)."""
        return self._server.url()

    @property
    def grades_url(self) -> str:
        """Base URL of the Grades Exchange API: ``<url>/v2/grades``."""
        return self.url + GRADES_PATH

    @property
    def interop_url(self) -> str:
        """Base URL of the Interop API: ``<url>/v2/interop``."""
        return self.url + INTEROP_PATH

    @property
    def serving(self) -> bool:
        """Whether the local server is running (something used ``url`` in this session)."""
        return self._server.started

    # -- state ---------------------------------------------------------------------------------------------
    def reset(self) -> None:
        """Back to the seeded data; queued faults and schedule-run limits cleared (issued tokens stay valid)."""
        self.app.reset()

    def load(self, *seeds: str | Path | Mapping[str, Any], demo_data: bool = True) -> None:
        """Serve these objects: each seed a JSON or YAML file or a dict of objects per collection (the format of
        ``datasync mock --seed``, ``datasync_openapi.mock.seeding``), checked against the specs' schemas (a
        ``SeedError`` names the object and field). They are put after the demo data (none with
        ``demo_data=False``), replacing what was loaded before; ``reset()`` comes back to them. The marker
        ``@pytest.mark.datasync_mock(seed=..., demo_data=False)`` does the same for one test."""
        from datasync_openapi.mock import seeding

        checked = [seeding.parse(s) if isinstance(s, Mapping) else seeding.read(s) for s in seeds]
        self.app.reseed(seeding.seeder(demo_data, None, checked))

    def requests(
        self, operation: str | None = None, *, method: str | None = None, path: str | None = None
    ) -> list[dict[str, Any]]:
        """The requests this mock answered, oldest first (``GET /_mock/requests``): each a dict with ``operation``
        (the operationId), ``method``, ``path``, ``query``, ``body`` (parsed, secrets ``[redacted]``),
        ``body_size``, ``status``, ``at``, ``duration_ms``. Filters: the operationId, the method, a prefix of the
        path. At most ``JOURNAL_CAP`` (the latest) are kept."""
        return self.app.journal.entries(operation, method, path)

    def clear_requests(self) -> None:
        """Forget the journaled requests (``DELETE /_mock/requests``)."""
        self.app.journal.clear()

    def create_pending(self, *course_app_ids: str) -> list[str]:
        """Create one pending exchange (state ``created``) per course app, as a run of a schedule does
        (``POST /_mock/exchanges``); returns their ids."""
        from datasync_openapi.mock import consumer

        courses = list(course_app_ids) or [self.ids.course_app_id]
        now = self.app.clock.now_iso()
        metadata = {"source": "mock-control"}
        made = self.app.store.atomically(lambda: consumer.create_pending(self.app.store, courses, now, metadata))
        return [str(obj["id"]) for obj in made]

    def expire_tokens(self) -> int:
        """Expire every OAuth2 token the mock issued (the static ``credentials.token`` is not one); returns how
        many. A ``connect()`` client with client credentials gets a 401 on its next call, fetches a new token
        and repeats the call once; a client holding a fixed token keeps getting 401."""
        return self.app.auth.expire_tokens()

    # -- plain httpx clients -------------------------------------------------------------------------------
    def asgi_transport(self) -> httpx.ASGITransport:
        """A transport into this mock, in-process (for your own ``httpx.AsyncClient``)."""
        return httpx.ASGITransport(app=self.app)

    def http_client(self, **kwargs: Any) -> httpx.Client:
        """An ``httpx.Client`` with ``base_url=url`` over the local socket (closed when the test ends); pass
        headers, auth or any other ``httpx.Client`` argument."""
        client = httpx.Client(**{"base_url": self.url, **kwargs})
        self._closers.append(client.close)
        return client

    def async_http_client(self, **kwargs: Any) -> httpx.AsyncClient:
        """An ``httpx.AsyncClient`` into this mock in-process (``base_url`` ``http://datasync-mock.invalid``);
        use it in ``async with``."""
        return httpx.AsyncClient(**{"transport": self.asgi_transport(), "base_url": IN_PROCESS_URL, **kwargs})

    # -- the generated clients -----------------------------------------------------------------------------
    def grades_client(
        self,
        *,
        auth: Auth = "client_credentials",
        in_process: bool = False,
        retry: GradesRetryPolicy | None = None,
        raise_on_unexpected_status: bool = False,
    ) -> GradesClient:
        """``datasync_grades.runtime.connect()`` to this mock's Grades API: auth (``"client_credentials"``:
        the demo client, tokens from the mock's ``/oauth/token`` with refresh; ``"token"``: the static demo
        token), retries (``retry``, the runtime's default policy otherwise), sync and async over the local
        socket, or with ``in_process=True`` async through ASGI only. Its sync side is closed when the test ends;
        use the async side in ``async with client:`` (an event loop's connections cannot be closed from here)."""
        try:
            from datasync_grades.runtime import connect
        except ImportError as exc:
            raise _missing("datasync_grades", "grades_client", exc) from exc
        options = self._options("grades_client", GRADES_PATH, auth, in_process)
        client = connect(retry=retry, raise_on_unexpected_status=raise_on_unexpected_status, **options)
        self._closers.append(client.get_httpx_client().close)
        return client

    def interop_client(
        self,
        *,
        auth: Auth = "client_credentials",
        in_process: bool = False,
        retry: InteropRetryPolicy | None = None,
        raise_on_unexpected_status: bool = False,
    ) -> InteropClient:
        """``datasync_interop.runtime.connect()`` to this mock's Interop API, as ``grades_client``; use
        ``auth="api_key"`` (HTTP Basic with the demo API key) for ``GET /tenants``."""
        try:
            from datasync_interop.runtime import connect
        except ImportError as exc:
            raise _missing("datasync_interop", "interop_client", exc) from exc
        options = self._options("interop_client", INTEROP_PATH, auth, in_process)
        client = connect(retry=retry, raise_on_unexpected_status=raise_on_unexpected_status, **options)
        self._closers.append(client.get_httpx_client().close)
        return client

    def _options(self, helper: str, path: str, auth: Auth, in_process: bool) -> dict[str, Any]:
        credentials = self.credentials
        options: dict[str, Any]
        if auth == "client_credentials":
            options = {"client_id": credentials.client_id, "client_secret": credentials.client_secret}
        elif auth == "token":
            options = {"token": credentials.token}
        elif auth == "api_key":
            options = {"api_key": (credentials.api_key, credentials.api_secret)}
        else:
            raise ValueError(f"auth must be 'client_credentials', 'token' or 'api_key', got {auth!r}")
        if in_process:
            options.update(
                base_url=IN_PROCESS_URL + path,
                transport=_AsyncOnlyTransport(helper),
                async_transport=self.asgi_transport(),
            )
        else:
            options["base_url"] = self.url + path
        return options

    # -- teardown ------------------------------------------------------------------------------------------
    def close(self) -> None:
        """Close the clients this mock handed out and unplug it from the server (the fixture does this)."""
        if self._closed:
            return
        self._closed = True
        closers, self._closers = self._closers, []
        for close in reversed(closers):
            close()
        self._server.unplug(self.app)
        if self._own_server:
            self._server.close()
        self.app.close()


__all__ = [
    "GRADES_PATH",
    "INTEROP_PATH",
    "IN_PROCESS_URL",
    "ClientPackageMissing",
    "Credentials",
    "DatasyncMock",
    "Faults",
    "InProcessClientIsAsync",
    "MockServer",
    "SeedIds",
]
