"""Manners toward a live server, and the bounds of every request the suite sends.

Every request of a run passes through one ``requests`` adapter (``_MannersAdapter.send``): schemathesis'
sessions (``Manners.adopt``, installed on each session the engine makes) and the suite's own requests
(preflight, snapshots, cleanup: ``Manners.session()``). There, in this order:

1. the method gate: without writes only safe methods (GET, HEAD, OPTIONS, TRACE, QUERY) leave the suite;
   any other request is refused, counted and named in the report, never sent;
2. the run's deadline (``MAX_TIME``): after it nothing is sent, and a request in flight is cut at it;
3. one shared rate limit, and a 429 waited out for its ``Retry-After`` (capped, 1 s when absent) and sent
   again, a bounded number of times: the engine only sees the final answer;
4. the bounds of one exchange: a deadline that counts connect, headers and body together (a watchdog shuts
   the socket down when it passes, so a server dripping a byte at a time is cut there, not per read), and a
   cap on the (decoded) body, read in chunks and never whole.

A request that passes a bound raises ``BoundExceeded`` (a ``requests`` error: schemathesis records it as
a network error, the triage as a ``transport`` finding naming the bound).
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import requests
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import DecodeError, ProtocolError, ReadTimeoutError, SSLError

from .options import DEFAULT_MAX_RESPONSE_SIZE, DEFAULT_REQUEST_TIMEOUT

MAX_RETRY_AFTER = 30.0  # seconds: a longer Retry-After is waited this long, then the case is retried anyway
MAX_429_RETRIES = 5
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE", "QUERY"})
CHUNK = 64 * 1024
MAX_REFUSALS_NAMED = 10

# What each bound is called in findings and notes (the message of a BoundExceeded starts with it).
SIZE_BOUND = "response over MAX_RESPONSE_SIZE"
DEADLINE_BOUND = "request deadline exceeded"
MAX_TIME_BOUND = "stopped by MAX_TIME"
REFUSED = "refused (read-only run)"


class BoundExceeded(requests.exceptions.RequestException):
    """A request passed one of the run's own bounds; ``bound`` is one of the ``*_BOUND`` names."""

    def __init__(self, bound: str, detail: str) -> None:
        super().__init__(f"{bound}: {detail}")
        self.bound = bound


class MethodRefused(requests.exceptions.RequestException):
    """A request with an unsafe method in a read-only run: refused before anything was sent."""


class RateLimiter:
    """At most ``rate`` requests per second across threads: each request gets the next free slot."""

    def __init__(
        self, rate: float, clock: Callable[[], float] = time.monotonic, sleep: Callable[[float], None] = time.sleep
    ) -> None:
        if rate <= 0:
            raise ValueError("rate must be positive")
        self.interval = 1.0 / rate
        self._clock = clock
        self._sleep = sleep
        self._next = 0.0
        self._lock = threading.Lock()

    def wait(self, at_most: float | None = None) -> float | None:
        """Block until this request may go; returns the seconds waited, or ``None`` if its turn would come only
        after ``at_most`` seconds (then it waits those and must not be sent)."""
        with self._lock:
            now = self._clock()
            slot = max(now, self._next)
            if at_most is not None and slot - now > at_most:
                delay = max(0.0, at_most)
                late = True
            else:
                self._next = slot + self.interval
                delay, late = slot - now, False
        if delay > 0:
            self._sleep(delay)
        return None if late else delay


def retry_after(value: str | None) -> float:
    """Seconds from a ``Retry-After`` header (delta-seconds or HTTP date), 1 s when absent or unreadable."""
    import email.utils

    if not value:
        return 1.0
    value = value.strip()
    try:
        return min(MAX_RETRY_AFTER, max(0.0, float(value)))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return 1.0
    return min(MAX_RETRY_AFTER, max(0.0, when.timestamp() - time.time()))


def size_text(size: int) -> str:
    for unit, factor in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if size >= factor and size % factor == 0:
            return f"{size // factor} {unit}"
    return f"{size} bytes"


@dataclass
class Manners:
    """How the run treats the target. ``rate=None``: no limit (the embedded mock).

    ``writes``: whether requests other than safe methods may be sent (the engine sets it for its run);
    ``deadline``: the run's end (``time.monotonic()``; ``MAX_TIME``), ``None`` for none.
    """

    rate: float | None = None
    max_429_retries: int = MAX_429_RETRIES
    sleep: Callable[[float], None] = time.sleep
    writes: bool = False
    max_response_size: int = DEFAULT_MAX_RESPONSE_SIZE
    request_timeout: float = DEFAULT_REQUEST_TIMEOUT
    deadline: float | None = None
    backpressure: int = 0  # 429s waited out
    backpressure_seconds: float = 0.0
    requests_sent: int = 0
    refused: list[str] = field(default_factory=list)  # "METHOD path" of each refused request
    cut_by_max_time: int = 0  # requests not sent, or cut in flight, because MAX_TIME had passed
    _allowed: set[tuple[str, str]] = field(default_factory=set, repr=False)
    _limiter: RateLimiter | None = field(default=None, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def __post_init__(self) -> None:
        if self.rate is not None:
            self._limiter = RateLimiter(self.rate)

    def allow(self, method: str, url: str) -> None:
        """Let this one unsafe request through a read-only run (the OAuth2 token request)."""
        self._allowed.add((method.upper(), url))

    def may_send(self, method: str, url: str) -> bool:
        method = method.upper()
        if self.writes or method in SAFE_METHODS:
            return True
        return (method, url.split("?", 1)[0]) in self._allowed

    def refuse(self, method: str, url: str) -> MethodRefused:
        text = f"{method.upper()} {urlsplit(url).path}"
        with self._lock:
            self.refused.append(text)
        return MethodRefused(f"{REFUSED}: {text} was not sent; only safe methods are sent without WRITES=1")

    def remaining(self) -> float | None:
        return None if self.deadline is None else self.deadline - time.monotonic()

    def past_deadline(self) -> BoundExceeded:
        with self._lock:
            self.cut_by_max_time += 1
        return BoundExceeded(MAX_TIME_BOUND, "the run's time was up before the answer was complete")

    def before_request(self) -> None:
        if self._limiter is not None and self._limiter.wait(self.remaining()) is None:
            raise self.past_deadline()  # its turn would come after MAX_TIME
        left = self.remaining()
        if left is not None and left <= 0:
            raise self.past_deadline()
        with self._lock:
            self.requests_sent += 1

    def on_429(self, headers: Mapping[str, str]) -> float:
        delay = retry_after(headers.get("Retry-After"))
        left = self.remaining()
        if left is not None:
            delay = max(0.0, min(delay, left))
        with self._lock:
            self.backpressure += 1
            self.backpressure_seconds += delay
        self.sleep(delay)
        return delay

    def adopt(self, session: requests.Session) -> None:
        """Route the session's requests through the gate, the bounds, the limiter and the 429 handling."""
        if getattr(session, "_datasync_manners", None) is self:
            return
        adapter = _MannersAdapter(self)
        session.mount("http://", adapter)
        session.mount("https://", adapter)
        session._datasync_manners = self  # type: ignore[attr-defined]

    def session(self) -> requests.Session:
        """A session for the suite's own requests (preflight, snapshots, cleanup), under these manners."""
        session = requests.Session()
        session.trust_env = False  # no proxies or .netrc credentials from the environment
        self.adopt(session)
        return session

    def note(self) -> str:
        text = f"{self.requests_sent} requests sent"
        if self.rate is not None:
            text += f" at most {self.rate:g}/s"
        if self.backpressure:
            text += f"; {self.backpressure} answers 429 waited out ({self.backpressure_seconds:.1f} s) and retried"
        return text

    def bound_notes(self) -> list[str]:
        notes = []
        if self.refused:
            named = ", ".join(sorted(set(self.refused))[:MAX_REFUSALS_NAMED])
            notes.append(
                f"{len(self.refused)} requests with an unsafe method refused and not sent (read-only run): {named}"
            )
        if self.cut_by_max_time:
            notes.append(f"{self.cut_by_max_time} requests not sent or cut in flight at MAX_TIME")
        return notes


_ACTIVE: dict[int, Manners] = {}  # id(schemathesis schema) -> the manners of the run using it (one at a time)
_ACTIVE_LOCK = threading.Lock()


def _install() -> None:
    """Give every ``requests`` session schemathesis makes during a run that run's manners.

    The engine builds its sessions itself (one per worker thread, plus fresh ones for some checks and
    probes) and does not hand them to hooks; all are ``SameHostRedirectsSession``s, so wrapping that class'
    constructor is the one place every request of a run passes through. schemathesis is pinned, and the
    rate-limit and method-recording tests measure the effect at the server.
    """
    from schemathesis.transport.requests import SameHostRedirectsSession

    original = SameHostRedirectsSession.__init__
    if getattr(original, "_datasync", False):
        return

    def __init__(self: requests.Session, *args: Any, **kwargs: Any) -> None:
        original(self, *args, **kwargs)
        with _ACTIVE_LOCK:
            manners = next(iter(_ACTIVE.values())) if len(_ACTIVE) == 1 else None
        if manners is not None:
            manners.adopt(self)

    __init__._datasync = True  # type: ignore[attr-defined]
    SameHostRedirectsSession.__init__ = __init__  # type: ignore[method-assign]


class active:
    """``with active(schema, manners):`` every session the engine makes for ``schema`` gets ``manners``."""

    def __init__(self, schema: Any, manners: Manners) -> None:
        self.key, self.manners = id(schema), manners

    def __enter__(self) -> Manners:
        _install()
        with _ACTIVE_LOCK:
            _ACTIVE[self.key] = self.manners
        return self.manners

    def __exit__(self, *exc: object) -> None:
        with _ACTIVE_LOCK:
            _ACTIVE.pop(self.key, None)


# -- one exchange under a deadline -------------------------------------------------------------------------------
class _Exchange:
    """One request on its way: the watchdog shuts its connection's socket down when the deadline passes."""

    def __init__(self) -> None:
        self.expired = False
        self._connection: HTTPConnection | None = None
        self._done = False
        self._lock = threading.Lock()

    def attach(self, connection: HTTPConnection) -> None:
        with self._lock:
            self._connection = connection
            expired = self.expired
        if expired:
            _shut(connection)

    def expire(self) -> None:
        with self._lock:
            if self._done:
                return
            self.expired = True
            connection = self._connection
        if connection is not None:
            _shut(connection)

    def finish(self) -> None:
        with self._lock:
            self._done = True


def _shut(connection: HTTPConnection) -> None:
    sock = getattr(connection, "sock", None)
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)


_CURRENT = threading.local()  # the _Exchange this thread is sending


def _attach(connection: HTTPConnection) -> None:
    exchange = getattr(_CURRENT, "exchange", None)
    if exchange is not None:
        exchange.attach(connection)


class _WatchedHTTPConnection(HTTPConnection):
    """A connection the current exchange's watchdog can shut (the HTTPS one below shares these two methods)."""

    def connect(self) -> None:
        super().connect()
        _attach(self)

    def request(self, *args: Any, **kwargs: Any) -> None:
        _attach(self)
        super().request(*args, **kwargs)


class _WatchedHTTPSConnection(_WatchedHTTPConnection, HTTPSConnection):
    pass


class _WatchedHTTPPool(HTTPConnectionPool):
    ConnectionCls = _WatchedHTTPConnection


class _WatchedHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _WatchedHTTPSConnection


_POOLS = {"http": _WatchedHTTPPool, "https": _WatchedHTTPSPool}


class _MannersAdapter(HTTPAdapter):
    def __init__(self, manners: Manners) -> None:
        super().__init__()
        self.manners = manners

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = _POOLS

    def proxy_manager_for(self, proxy: str, **proxy_kwargs: Any) -> Any:
        manager = super().proxy_manager_for(proxy, **proxy_kwargs)
        manager.pool_classes_by_scheme = _POOLS
        return manager

    def send(self, request: requests.PreparedRequest, *args: Any, **kwargs: Any) -> requests.Response:
        method, url = request.method or "GET", request.url or ""
        if not self.manners.may_send(method, url):
            raise self.manners.refuse(method, url)
        attempts = 0
        while True:
            self.manners.before_request()
            response = self._exchange(request, *args, **kwargs)
            if response.status_code != 429 or attempts >= self.manners.max_429_retries:
                return response
            attempts += 1
            headers = {"Retry-After": response.headers.get("Retry-After", "")}
            self.manners.on_429(headers)

    def _exchange(self, request: requests.PreparedRequest, *args: Any, **kwargs: Any) -> requests.Response:
        """Send once and read the whole (capped) body, all within the exchange's deadline."""
        manners = self.manners
        budget = manners.request_timeout
        timeout = kwargs.get("timeout")
        connect: float | None = None
        if isinstance(timeout, tuple) and timeout and isinstance(timeout[0], int | float):
            connect = float(timeout[0])  # (connect, _): a shorter bound on connecting only
        elif isinstance(timeout, int | float) and timeout > 0:
            budget = min(budget, float(timeout))
        left = manners.remaining()
        by_max_time = left is not None and left < budget
        if left is not None:
            if left <= 0:
                raise manners.past_deadline()
            budget = min(budget, left)
        kwargs["timeout"] = (min(budget, connect or budget), budget)
        kwargs["stream"] = True
        exchange = _Exchange()
        watchdog = threading.Timer(budget, exchange.expire)
        watchdog.daemon = True
        _CURRENT.exchange = exchange
        watchdog.start()
        try:
            try:
                response = super().send(request, *args, **kwargs)
                _read_capped(response, manners.max_response_size, head=request.method == "HEAD")
            except BoundExceeded:
                raise
            except requests.exceptions.RequestException:
                if not exchange.expired:
                    raise
            if exchange.expired:  # cut by the watchdog: whatever came (or broke) after is not an answer
                if by_max_time:
                    raise manners.past_deadline() from None
                raise BoundExceeded(DEADLINE_BOUND, f"no complete answer within {budget:g} s") from None
            return response
        finally:
            watchdog.cancel()
            exchange.finish()
            _CURRENT.exchange = None


# What reading a body can raise below requests, and the requests error it is (as requests' own reading maps
# them), first match wins.
_READ_ERRORS: tuple[tuple[type[Exception], type[requests.exceptions.RequestException]], ...] = (
    (ProtocolError, requests.exceptions.ChunkedEncodingError),
    (DecodeError, requests.exceptions.ContentDecodingError),
    (ReadTimeoutError, requests.exceptions.ConnectionError),
    (SSLError, requests.exceptions.SSLError),
    (OSError, requests.exceptions.ConnectionError),
)


def _read_capped(response: requests.Response, limit: int, *, head: bool = False) -> None:
    """Read the body into ``response`` (as ``response.content``), at most ``limit`` decoded bytes."""
    declared = response.headers.get("Content-Length", "")
    bodiless = head or response.status_code in (204, 304)  # Content-Length describes a body not sent
    if not bodiless and declared.strip().isdigit() and int(declared) > limit:
        response.close()
        raise BoundExceeded(SIZE_BOUND, f"the answer declared {declared.strip()} bytes (limit {size_text(limit)})")
    chunks: list[bytes] = []
    total = 0
    try:
        for chunk in response.raw.stream(CHUNK, decode_content=True):
            total += len(chunk)
            if total > limit:
                response.close()
                chunks.clear()  # the error's traceback keeps this frame: it must not keep the body too
                raise BoundExceeded(SIZE_BOUND, f"the answer went on past {size_text(limit)}")
            chunks.append(chunk)
    except BoundExceeded:  # a requests error is an OSError too: keep it as it is
        raise
    except tuple(theirs for theirs, _ in _READ_ERRORS) as exc:
        response.close()
        ours = next(ours for theirs, ours in _READ_ERRORS if isinstance(exc, theirs))
        raise ours(exc) from None
    response._content = b"".join(chunks)
    response._content_consumed = True
    response.raw.release_conn()


__all__ = [
    "DEADLINE_BOUND",
    "MAX_TIME_BOUND",
    "REFUSED",
    "SAFE_METHODS",
    "SIZE_BOUND",
    "BoundExceeded",
    "Manners",
    "MethodRefused",
    "RateLimiter",
    "active",
    "retry_after",
]
