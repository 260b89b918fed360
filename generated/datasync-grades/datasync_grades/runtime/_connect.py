# Copied from clients/runtime/_connect.py by clients/generate.py: edit that file, not this copy.
"""A ready generated ``Client``: auth, retries, timeouts, no redirects, credentials kept to the API's origin."""

from __future__ import annotations

import httpx

from ..client import Client
from ._auth import ApiKeyAuth, BearerAuth, ClientCredentialsAuth
from ._retry import RetryPolicy, RetryTransport
from ._urls import without_userinfo

TOKEN_PATH = "/oauth/token"  # noqa: S105 - a path, not a secret
DEFAULT_TIMEOUT = httpx.Timeout(30.0, connect=10.0)


def token_url_for(base_url: str) -> str:
    """The OAuth2 token endpoint that goes with an API base URL: its origin + ``/oauth/token``.

    ``token_url_for("https://api.us2.kimonocloud.com/v2/grades")`` is
    ``"https://api.us2.kimonocloud.com/oauth/token"``; ``"http://127.0.0.1:8000/v2/grades"`` (the mock) gives
    ``"http://127.0.0.1:8000/oauth/token"``. Raises ``ValueError`` for anything but an absolute http(s) URL.
    """
    try:
        url = httpx.URL(base_url)
    except httpx.InvalidURL as exc:
        raise ValueError(f"base_url is not a valid URL: {exc}") from None
    if url.scheme not in ("http", "https") or not url.host:
        shown = base_url if "@" not in base_url else "(a URL with user info)"
        raise ValueError(f"base_url must be an absolute http(s) URL such as https://host/v2/grades, got {shown!r}")
    return str(url.copy_with(path=TOKEN_PATH, query=None, fragment=None, userinfo=b""))


def connect(
    base_url: str,
    *,
    token: str | None = None,
    client_id: str | None = None,
    client_secret: str | None = None,
    token_url: str | None = None,
    api_key: tuple[str, str] | None = None,
    retry: RetryPolicy | None = None,
    timeout: httpx.Timeout = DEFAULT_TIMEOUT,
    transport: httpx.BaseTransport | None = None,
    async_transport: httpx.AsyncBaseTransport | None = None,
    raise_on_unexpected_status: bool = False,
) -> Client:
    """A generated ``Client`` with auth (a token, client credentials or an API key), retries, timeouts and
    TLS verification on. ``transport``/``async_transport`` replace the network (tests: the mock's ASGI app).
    Use ``call``/``paginate`` to get parsed bodies or one ``ApiError`` for any error status.

    With ``client_id``/``client_secret``, tokens come from ``token_url``, by default the base URL's origin +
    ``/oauth/token`` (``token_url_for(base_url)``): the vendor's ``https://api.us2.kimonocloud.com/oauth/token``
    for ``https://api.us2.kimonocloud.com/v2/grades``, the mock's for ``http://127.0.0.1:8000/v2/grades``.

    Credentials go to the base URL's origin (scheme, host, port) only: the auth adds them to no request for
    anywhere else, redirects are not followed (a 3xx is an ``ApiError``), and ``paginate_json`` refuses a
    ``paging.next`` link to another origin (``ForeignLinkError``). User info in the base URL
    (``https://key:secret@host/v2/interop``) is taken out of the URL, so no log line or error shows it, and
    used as HTTP Basic (``api_key=``) when no other credentials are given (with other credentials it is
    dropped: explicit credentials win, as in httpx).

    The sync and async httpx clients are both built from the same settings (``httpx_args``), so ``call`` and
    ``acall`` work alike on the client and on its ``with_headers``/``with_timeout``/``with_cookies`` copies.
    """
    base_url, userinfo = without_userinfo(base_url)
    auth: httpx.Auth
    if token is not None:
        auth = BearerAuth(token, origin=base_url)
    elif client_id is not None and client_secret is not None:
        auth = ClientCredentialsAuth(client_id, client_secret, token_url or token_url_for(base_url), origin=base_url)
    elif api_key is not None or userinfo is not None:
        key, secret = api_key or userinfo or ("", "")
        auth = ApiKeyAuth(key, secret, origin=base_url)
    else:
        raise ValueError("give token=, client_id= and client_secret=, or api_key=(key, secret)")
    policy = retry or RetryPolicy()
    return Client(
        base_url=base_url,
        timeout=timeout,
        follow_redirects=False,
        raise_on_unexpected_status=raise_on_unexpected_status,
        httpx_args={
            "auth": auth,
            "transport": RetryTransport(transport, policy, async_transport=async_transport),
        },
    )


__all__ = ["DEFAULT_TIMEOUT", "connect", "token_url_for"]
