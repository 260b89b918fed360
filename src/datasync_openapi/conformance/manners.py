"""Manners toward a live server: a request-rate limit, and 429 treated as backpressure, not as a finding.

Schemathesis sends its requests through a ``requests.Session`` per worker thread; ``Manners.adopt(session)``
mounts an adapter on it that (1) waits for its turn under one shared rate limit (every request: generated
cases, stateful steps, the extra requests checks make) and (2) on a 429 waits for ``Retry-After`` (capped,
1 s when absent) and sends the same request again, a bounded number of times. The engine only ever sees
the final answer, so a rate-limited run tests the same cases as an unlimited one, only slower.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import requests
from requests.adapters import HTTPAdapter

MAX_RETRY_AFTER = 30.0  # seconds: a longer Retry-After is waited this long, then the case is retried anyway
MAX_429_RETRIES = 5


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

    def wait(self) -> float:
        """Block until this request may go; returns the seconds waited."""
        with self._lock:
            now = self._clock()
            slot = max(now, self._next)
            self._next = slot + self.interval
        delay = slot - now
        if delay > 0:
            self._sleep(delay)
        return delay


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


@dataclass
class Manners:
    """How the run treats the target. ``rate=None``: no limit (the embedded mock)."""

    rate: float | None = None
    max_429_retries: int = MAX_429_RETRIES
    sleep: Callable[[float], None] = time.sleep
    backpressure: int = 0  # 429s waited out
    backpressure_seconds: float = 0.0
    requests_sent: int = 0
    _limiter: RateLimiter | None = field(default=None, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def __post_init__(self) -> None:
        if self.rate is not None:
            self._limiter = RateLimiter(self.rate)

    def before_request(self) -> None:
        if self._limiter is not None:
            self._limiter.wait()
        with self._lock:
            self.requests_sent += 1

    def on_429(self, headers: Mapping[str, str]) -> float:
        delay = retry_after(headers.get("Retry-After"))
        with self._lock:
            self.backpressure += 1
            self.backpressure_seconds += delay
        self.sleep(delay)
        return delay

    def adopt(self, session: requests.Session) -> None:
        """Route the session's requests through the limiter and the 429 handling (once per session)."""
        if getattr(session, "_datasync_manners", None) is self:
            return
        adapter = _MannersAdapter(self)
        session.mount("http://", adapter)
        session.mount("https://", adapter)
        session._datasync_manners = self  # type: ignore[attr-defined]

    def note(self) -> str:
        text = f"{self.requests_sent} requests sent"
        if self.rate is not None:
            text += f" at most {self.rate:g}/s"
        if self.backpressure:
            text += f"; {self.backpressure} answers 429 waited out ({self.backpressure_seconds:.1f} s) and retried"
        return text


_ACTIVE: dict[int, Manners] = {}  # id(schemathesis schema) -> the manners of the run using it (one at a time)
_ACTIVE_LOCK = threading.Lock()


def _install() -> None:
    """Give every ``requests`` session schemathesis makes during a run that run's manners.

    The engine builds its sessions itself (one per worker thread, plus fresh ones for some checks and
    probes) and does not hand them to hooks; all are ``SameHostRedirectsSession``s, so wrapping that class'
    constructor is the one place every request of a run passes through. schemathesis is pinned, and the
    rate-limit test measures the effect at the server.
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


class _MannersAdapter(HTTPAdapter):
    def __init__(self, manners: Manners) -> None:
        super().__init__()
        self.manners = manners

    def send(self, request: requests.PreparedRequest, *args: Any, **kwargs: Any) -> requests.Response:
        attempts = 0
        while True:
            self.manners.before_request()
            response = super().send(request, *args, **kwargs)
            if response.status_code != 429 or attempts >= self.manners.max_429_retries:
                return response
            attempts += 1
            headers = {"Retry-After": response.headers.get("Retry-After", "")}
            response.close()
            self.manners.on_429(headers)
