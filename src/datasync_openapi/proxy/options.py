"""The proxy's defaults that ``datasync proxy --help`` shows, in a module that imports nothing: the ``datasync``
command line builds every command's parser, and ``datasync mock`` (each of its workers too) should not import
the proxy (httpx, the checks) to do so."""

from __future__ import annotations

MAX_BODY = 16 * 1024 * 1024  # bytes of a body the proxy holds to check or record (the mock's request cap)
DEFAULT_TIMEOUT = 30.0  # seconds to wait for the upstream

__all__ = ["DEFAULT_TIMEOUT", "MAX_BODY"]
