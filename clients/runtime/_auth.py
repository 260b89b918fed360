"""Credentials as ``httpx.Auth`` flows: a ready token, an API key (HTTP Basic), OAuth2 client credentials."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import AsyncGenerator, Callable, Generator

import httpx

from ._errors import ApiError, ResponseParseError
from ._urls import origin_of, without_userinfo

DEFAULT_TOKEN_URL = "https://api.us2.kimonocloud.com/oauth/token"  # noqa: S105 - a URL, not a secret


# Each auth takes an optional ``origin`` (a URL; connect() passes the base URL): credentials are then only ever
# added to requests for that origin (scheme, host, port). A request anywhere else (a link in a response, an
# absolute URL someone passes to the client) goes out without them, as browsers and httpx's own redirects do.
def _scope_of(origin: str | None) -> tuple[str, str, int | None] | None:
    return None if origin is None else origin_of(origin)


def _in_scope(scope: tuple[str, str, int | None] | None, request: httpx.Request) -> bool:
    return scope is None or origin_of(request.url) == scope


class BearerAuth(httpx.Auth):
    """A ready token (an OAuth2 access token or an LTI JWT) sent as ``Authorization: Bearer`` (only to
    ``origin``'s scheme, host and port when given)."""

    def __init__(self, token: str, *, origin: str | None = None) -> None:
        self._token = token
        self._scope = _scope_of(origin)

    def __repr__(self) -> str:
        return "BearerAuth(token=***)"

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        if _in_scope(self._scope, request):
            request.headers["Authorization"] = f"Bearer {self._token}"
        yield request


class ApiKeyAuth(httpx.BasicAuth):
    """HTTP Basic with the account API key as user name and its secret as password (``GET /tenants``); only
    to ``origin``'s scheme, host and port when given."""

    def __init__(self, api_key: str, secret: str, *, origin: str | None = None) -> None:
        super().__init__(api_key, secret)
        self._api_key = api_key
        self._scope = _scope_of(origin)

    def __repr__(self) -> str:
        return f"ApiKeyAuth(api_key={self._api_key!r}, secret=***)"

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        if _in_scope(self._scope, request):
            yield from super().auth_flow(request)
        else:
            yield request


class ClientCredentialsAuth(httpx.Auth):
    """OAuth2 client credentials: fetches a token from ``token_url``, caches it until ``refresh_margin``
    seconds before it expires, and on a 401 fetches a new one and retries the request once. With ``origin``,
    tokens are only sent to (and only fetched for requests to) that scheme, host and port.

    Safe to share between threads and between a sync and an async client: token fetches are serialised
    per flavour (a lock for threads, an asyncio lock per event loop) and the cache is swapped atomically.
    User info in ``token_url`` is dropped (it was never sent: the client authenticates with the form).
    """

    requires_response_body = True

    def __init__(
        self,
        client_id: str,
        client_secret: str,
        token_url: str = DEFAULT_TOKEN_URL,
        *,
        refresh_margin: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
        origin: str | None = None,
    ) -> None:
        self.client_id = client_id
        self._client_secret = client_secret
        self.token_url = without_userinfo(token_url)[0]
        self.refresh_margin = refresh_margin
        self._clock = clock
        self._scope = _scope_of(origin)
        self._token: tuple[str, float] | None = None  # (access token, monotonic expiry)
        self._lock = threading.Lock()
        self._async_locks: dict[int, asyncio.Lock] = {}
        self.fetches = 0  # how many tokens were fetched (for tests and logs)

    def __repr__(self) -> str:
        return f"ClientCredentialsAuth(client_id={self.client_id!r}, token_url={self.token_url!r}, client_secret=***)"

    def _token_request(self) -> httpx.Request:
        form = {"grant_type": "client_credentials", "client_id": self.client_id, "client_secret": self._client_secret}
        return httpx.Request("POST", self.token_url, data=form, headers={"Accept": "application/json"})

    def _store(self, response: httpx.Response) -> str:
        if response.status_code != 200:
            raise ApiError(response, f"token request failed with {response.status_code}")
        try:
            body = response.json()
            token = body["access_token"]
            lifetime = float(body.get("expires_in", 3600))
        except (ValueError, KeyError, TypeError):
            raise ResponseParseError(response, "token response has no access_token") from None
        if not isinstance(token, str):
            raise ResponseParseError(response, "token response has no access_token")
        self._token = (token, self._clock() + lifetime - self.refresh_margin)
        self.fetches += 1
        return token

    def _cached(self, stale: str | None = None) -> str | None:
        current = self._token
        if current is None or current[0] == stale or current[1] <= self._clock():
            return None
        return current[0]

    def invalidate(self) -> None:
        self._token = None

    def sync_auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        if not _in_scope(self._scope, request):
            yield request
            return
        token = self._cached()
        if token is None:
            with self._lock:
                token = self._cached()
                if token is None:
                    token_response = yield self._token_request()
                    token_response.read()
                    token = self._store(token_response)
        request.headers["Authorization"] = f"Bearer {token}"
        response = yield request
        if response.status_code == 401:
            with self._lock:  # refresh once, unless another thread already did
                fresh = self._cached(stale=token)
                if fresh is None:
                    token_response = yield self._token_request()
                    token_response.read()
                    fresh = self._store(token_response)
            request.headers["Authorization"] = f"Bearer {fresh}"
            yield request

    async def async_auth_flow(self, request: httpx.Request) -> AsyncGenerator[httpx.Request, httpx.Response]:
        if not _in_scope(self._scope, request):
            yield request
            return
        lock = self._async_locks.setdefault(id(asyncio.get_running_loop()), asyncio.Lock())
        token = self._cached()
        if token is None:
            async with lock:
                token = self._cached()
                if token is None:
                    response = yield self._token_request()
                    await response.aread()
                    token = self._store(response)
        request.headers["Authorization"] = f"Bearer {token}"
        response = yield request
        if response.status_code == 401:
            async with lock:
                fresh = self._cached(stale=token)
                if fresh is None:
                    token_response = yield self._token_request()
                    await token_response.aread()
                    fresh = self._store(token_response)
            request.headers["Authorization"] = f"Bearer {fresh}"
            yield request


__all__ = ["DEFAULT_TOKEN_URL", "ApiKeyAuth", "BearerAuth", "ClientCredentialsAuth"]
