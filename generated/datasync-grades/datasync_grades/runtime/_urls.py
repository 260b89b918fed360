# Copied from clients/runtime/_urls.py by clients/generate.py: edit that file, not this copy.
"""How the runtime tells origins apart and prints URLs: never with user info or a query string."""

from __future__ import annotations

import httpx

_DEFAULT_PORTS = {"http": 80, "https": 443}


def shown_url(url: httpx.URL | str) -> str:
    """``url`` as the runtime prints it (errors, retry events): no user info, no query string, no fragment."""
    return str(httpx.URL(url).copy_with(userinfo=b"", query=None, fragment=None))


def origin_of(url: httpx.URL | str) -> tuple[str, str, int | None]:
    """``(scheme, host, port)`` of ``url``, the default port filled in: two URLs share an origin when these
    are equal (``https://h/x`` and ``https://h:443/y`` do; ``http://h`` and ``https://h`` do not)."""
    parsed = httpx.URL(url)
    port = parsed.port if parsed.port is not None else _DEFAULT_PORTS.get(parsed.scheme)
    return parsed.scheme, parsed.host, port


def without_userinfo(url: str) -> tuple[str, tuple[str, str] | None]:
    """``url`` without user info, and the ``(user, password)`` it carried (``None`` if none)."""
    try:
        parsed = httpx.URL(url)
    except httpx.InvalidURL:
        return url, None
    if not parsed.userinfo:
        return url, None
    return str(parsed.copy_with(userinfo=b"")), (parsed.username, parsed.password)


__all__ = ["origin_of", "shown_url", "without_userinfo"]
