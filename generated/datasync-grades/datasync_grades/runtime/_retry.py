# Copied from clients/runtime/_retry.py by clients/generate.py: edit that file, not this copy.
"""Retries as an httpx transport: 429/503 and dropped connections, for safe methods, within a deadline."""

from __future__ import annotations

import asyncio
import email.utils
import random
import time
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass

import httpx

from ._urls import shown_url

RETRY_STATUSES = frozenset({429, 503})
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})


def retry_after_seconds(value: str | None, now: float | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header: delta-seconds or an HTTP date; ``None`` if unusable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when is None:
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


RETRY_ERRORS: tuple[type[Exception], ...] = (httpx.ConnectError, httpx.ConnectTimeout, httpx.RemoteProtocolError)


@dataclass(frozen=True)
class RetryEvent:
    """What a retry waits for, passed to ``RetryPolicy.on_retry`` just before the wait.

    ``status`` is the response status that is retried (``None`` for a transport error, then ``error`` says
    which); ``attempt`` is the number of the attempt about to be made (2 for the first retry) out of
    ``max_attempts``. ``url`` carries no query string and no user info. ``str(event)`` is one line:
    ``503 from GET https://host/v2/grades/exchanges, retrying in 1.2 s (attempt 2 of 4)``.
    """

    method: str
    url: str
    status: int | None
    error: str | None
    wait: float
    attempt: int
    max_attempts: int

    def __str__(self) -> str:
        cause = str(self.status) if self.status is not None else (self.error or "transport error")
        return (
            f"{cause} from {self.method} {self.url}, retrying in {self.wait:.1f} s "
            f"(attempt {self.attempt} of {self.max_attempts})"
        )


def _retry_event(
    policy: RetryPolicy,
    request: httpx.Request,
    attempt: int,
    wait: float,
    response: httpx.Response | None,
    error: Exception | None,
) -> RetryEvent:
    described = None if error is None else f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
    return RetryEvent(
        method=request.method,
        url=shown_url(request.url),
        status=None if response is None else response.status_code,
        error=described,
        wait=wait,
        attempt=attempt + 1,
        max_attempts=policy.max_attempts,
    )


class RetryPolicy:
    """When and how long to wait: 429/503 and connection errors, for safe methods, exponential backoff with
    full jitter, ``Retry-After`` honoured, bounded by ``max_attempts`` and ``max_total`` seconds.

    ``max_total`` is a deadline for the whole request, counted from the start of its first attempt: no wait
    ends past it, no retry starts that cannot finish before it (judged by the fastest attempt so far), and
    every attempt's timeouts are shortened to the time left, so a slow attempt ends with
    ``httpx.TimeoutException`` at the deadline. (httpx timeouts bound each network operation: a response that
    keeps streaming bytes is not cut mid-body.) Only retried requests (``methods``) have a deadline.

    ``errors`` are the transport exceptions worth another attempt (default ``RETRY_ERRORS``: the connection
    failed or was dropped; pass ``()`` to fail fast when nothing is listening). ``on_retry``, if given, is
    called with a ``RetryEvent`` before each wait (for logs or a progress line); by default retries are
    silent.
    """

    def __init__(
        self,
        *,
        max_attempts: int = 4,
        max_total: float = 60.0,
        backoff: float = 0.5,
        max_backoff: float = 10.0,
        statuses: Iterable[int] = RETRY_STATUSES,
        methods: Iterable[str] = SAFE_METHODS,
        errors: Iterable[type[Exception]] = RETRY_ERRORS,
        on_retry: Callable[[RetryEvent], None] | None = None,
        rng: Callable[[], float] = random.random,
    ) -> None:
        if not max_total > 0:
            raise ValueError("max_total must be a positive number of seconds")
        self.max_attempts = max_attempts
        self.max_total = max_total
        self.backoff = backoff
        self.max_backoff = max_backoff
        self.statuses = frozenset(statuses)
        self.methods = frozenset(m.upper() for m in methods)
        self.errors = tuple(errors)
        self.on_retry = on_retry
        self.rng = rng

    def delay(
        self, attempt: int, response: httpx.Response | None, elapsed: float, attempt_time: float = 0.0
    ) -> float | None:
        """Seconds to wait before attempt ``attempt + 1``, or ``None`` to give up: attempts exhausted, or
        ``elapsed`` (since the first attempt started) + the wait + ``attempt_time`` (how long an attempt
        takes) would pass ``max_total``."""
        if attempt >= self.max_attempts:
            return None
        wait = self.rng() * min(self.max_backoff, self.backoff * 2 ** (attempt - 1))
        if response is not None:
            hinted = retry_after_seconds(response.headers.get("Retry-After"))
            if hinted is not None:
                wait = hinted
        if elapsed + wait + attempt_time > self.max_total:
            return None
        return float(wait)

    def retries(self, request: httpx.Request) -> bool:
        return request.method.upper() in self.methods

    def notify(
        self,
        request: httpx.Request,
        attempt: int,
        wait: float,
        response: httpx.Response | None = None,
        error: Exception | None = None,
    ) -> None:
        """Tell ``on_retry`` (if any) that attempt ``attempt`` failed and the next comes in ``wait`` s."""
        if self.on_retry is not None:
            self.on_retry(_retry_event(self, request, attempt, wait, response, error))


_TIMEOUT_KEYS = ("connect", "read", "write", "pool")


class _Attempts:
    """One request's way through its retries, shared by the sync and the async transport: the attempt
    count, the deadline (``max_total`` from the start of the first attempt) and the fastest attempt so far."""

    def __init__(self, policy: RetryPolicy, request: httpx.Request) -> None:
        self.policy = policy
        self.request = request
        self.started = time.monotonic()
        self.deadline = self.started + policy.max_total
        self.attempt = 0
        self.fastest: float | None = None
        self._began = self.started
        timeout = request.extensions.get("timeout")
        self._timeout: dict[str, float | None] = dict(timeout) if isinstance(timeout, dict) else {}

    def begin(self) -> None:
        """Start the next attempt: its timeouts end at the deadline at the latest."""
        self.attempt += 1
        self._began = time.monotonic()
        left = max(self.deadline - self._began, 0.0)
        configured = {key: self._timeout.get(key) for key in _TIMEOUT_KEYS}
        self.request.extensions["timeout"] = {
            key: left if value is None else min(value, left) for key, value in configured.items()
        }

    def wait(self, response: httpx.Response | None) -> float | None:
        """After a failed attempt: seconds to wait before the next (the policy told), or ``None`` to stop."""
        now = time.monotonic()
        took = now - self._began
        self.fastest = took if self.fastest is None else min(self.fastest, took)
        return self.policy.delay(self.attempt, response, now - self.started, self.fastest)


def _retried_sync(
    policy: RetryPolicy,
    send: Callable[[httpx.Request], httpx.Response],
    sleep: Callable[[float], None],
    request: httpx.Request,
) -> httpx.Response:
    if not policy.retries(request):
        return send(request)
    request.read()
    attempts = _Attempts(policy, request)
    while True:  # bounded: policy.delay gives up after max_attempts
        attempts.begin()
        try:
            response = send(request)
        except Exception as exc:
            if not isinstance(exc, policy.errors):
                raise
            wait = attempts.wait(None)
            if wait is None:
                raise
            policy.notify(request, attempts.attempt, wait, error=exc)
        else:
            if response.status_code not in policy.statuses:
                return response
            wait = attempts.wait(response)
            if wait is None:
                return response
            response.close()
            policy.notify(request, attempts.attempt, wait, response=response)
        sleep(wait)


async def _retried_async(
    policy: RetryPolicy,
    send: Callable[[httpx.Request], Awaitable[httpx.Response]],
    sleep: Callable[[float], Awaitable[None]],
    request: httpx.Request,
) -> httpx.Response:
    if not policy.retries(request):
        return await send(request)
    await request.aread()
    attempts = _Attempts(policy, request)
    while True:  # bounded: policy.delay gives up after max_attempts
        attempts.begin()
        try:
            response = await send(request)
        except Exception as exc:
            if not isinstance(exc, policy.errors):
                raise
            wait = attempts.wait(None)
            if wait is None:
                raise
            policy.notify(request, attempts.attempt, wait, error=exc)
        else:
            if response.status_code not in policy.statuses:
                return response
            wait = attempts.wait(response)
            if wait is None:
                return response
            await response.aclose()
            policy.notify(request, attempts.attempt, wait, response=response)
        await sleep(wait)


class RetryTransport(httpx.BaseTransport, httpx.AsyncBaseTransport):
    """Wraps a transport; repeats safe requests on 429/503 and connection errors per ``RetryPolicy``.

    One instance serves an ``httpx.Client`` and an ``httpx.AsyncClient`` alike (as ``httpx.MockTransport``
    does): sync requests go to ``transport``, async ones to ``async_transport`` (by default httpx's own, made
    when first needed). That is what lets ``connect()`` hand it to the generated ``Client`` through
    ``httpx_args``, from which the sync and the async httpx client (and those of every ``with_headers``,
    ``with_timeout`` and ``with_cookies`` copy) are built.
    """

    def __init__(
        self,
        transport: httpx.BaseTransport | None = None,
        policy: RetryPolicy | None = None,
        sleep: Callable[[float], None] = time.sleep,
        *,
        async_transport: httpx.AsyncBaseTransport | None = None,
        async_sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.transport = transport or httpx.HTTPTransport()
        self.policy = policy or RetryPolicy()
        self.sleep = sleep
        self._async_transport = async_transport
        self.async_sleep = async_sleep

    @property
    def async_transport(self) -> httpx.AsyncBaseTransport:
        if self._async_transport is None:
            self._async_transport = httpx.AsyncHTTPTransport()
        return self._async_transport

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        return _retried_sync(self.policy, self.transport.handle_request, self.sleep, request)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        return await _retried_async(self.policy, self.async_transport.handle_async_request, self.async_sleep, request)

    def close(self) -> None:
        self.transport.close()

    async def aclose(self) -> None:
        if self._async_transport is not None:
            await self._async_transport.aclose()


class AsyncRetryTransport(httpx.AsyncBaseTransport):
    """The async-only twin of ``RetryTransport``, for an ``httpx.AsyncClient`` you build yourself."""

    def __init__(
        self,
        transport: httpx.AsyncBaseTransport | None = None,
        policy: RetryPolicy | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.transport = transport or httpx.AsyncHTTPTransport()
        self.policy = policy or RetryPolicy()
        self.sleep = sleep

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        return await _retried_async(self.policy, self.transport.handle_async_request, self.sleep, request)

    async def aclose(self) -> None:
        await self.transport.aclose()


__all__ = [
    "RETRY_ERRORS",
    "RETRY_STATUSES",
    "SAFE_METHODS",
    "AsyncRetryTransport",
    "RetryEvent",
    "RetryPolicy",
    "RetryTransport",
    "retry_after_seconds",
]
