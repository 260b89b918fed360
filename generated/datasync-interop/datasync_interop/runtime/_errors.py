# Copied from clients/runtime/_errors.py by clients/generate.py: edit that file, not this copy.
"""The runtime's errors, one hierarchy (every error it raises on purpose is a ``DataSyncError``)::

    DataSyncError
    +-- ApiError                        a response the caller did not expect (``response``, ``status``, the envelope)
    |   +-- ArtifactNotAvailable        a 404 from an artifact operation
    |   +-- BodyTooLarge                a body over the cap it was read with (also a LimitExceeded)
    |   +-- PaginationLoop              pages that repeat themselves or never end
    |   +-- ResponseParseError          a 2xx body of the wrong shape (``path``, ``value``)
    |   +-- ForeignLinkError            a link to another origin than the API's, not followed
    +-- LimitExceeded                   what a peer sent is over a cap (``limit``, ``argument``)
        +-- BodyTooLarge
        +-- DecompressedTooLarge        gzip data that inflates past its cap (also a ValueError)

``error_for`` chooses the ``ApiError`` for a response by the operation and the status.
"""

from __future__ import annotations

import json
from typing import Any, Final

import httpx

from ._urls import shown_url


class DataSyncError(Exception):
    """Every error the runtime raises on purpose: ``ApiError`` (about a response) and ``LimitExceeded`` (what
    a peer sent is over one of the runtime's caps). Catch this to handle them all."""


class LimitExceeded(DataSyncError):
    """What a peer sent is over one of the runtime's caps. ``limit`` is the cap and ``argument`` the name of
    the argument that sets it (pass a larger value to accept more); the message names both."""

    limit: int
    argument: str


class ApiError(DataSyncError):
    """A response the caller did not expect: a documented error (the error envelope) or an undocumented status.

    ``status``, ``code``, ``message``, ``details`` and ``ext_message`` come from the envelope when there is one;
    ``response`` is the raw httpx response. The message never contains credentials.
    """

    def __init__(self, response: httpx.Response, message: str | None = None) -> None:
        self.response = response
        self.status = response.status_code
        self.code: str | None = None
        self.details: str | None = None
        self.ext_message: str | None = None
        envelope_message: str | None = None
        try:
            content = response.content
        except httpx.ResponseNotRead:  # a streamed response refused before its body was read
            content = b""
        try:
            body = json.loads(content) if content else None
        except ValueError:
            body = None
        error = body.get("error") if isinstance(body, dict) else None
        if isinstance(error, dict):
            self.code = _str_or_none(error.get("code"))
            envelope_message = _str_or_none(error.get("message"))
            self.details = _str_or_none(error.get("details"))
            self.ext_message = _str_or_none(error.get("ext_message"))
        self.message = message or envelope_message or response.reason_phrase or "unexpected response"
        super().__init__(str(self))

    def __str__(self) -> str:
        method, url = self.response.request.method, shown_url(self.response.request.url)
        text = f"{self.status} {self.message} ({method} {url})"
        if self.code:
            text += f" [code={self.code}]"
        if self.details:
            text += f": {self.details}"
        return text


class ArtifactNotAvailable(ApiError):
    """A 404 from an artifact operation (``ARTIFACT_OPERATIONS``): the exchange does not exist or did not
    produce the requested artifact. Chosen by the operation and the status, never by the body's text."""


def _size(n: int) -> str:
    """``n`` bytes for a message: ``64 MiB`` when it is a whole number of MiB, else the bytes."""
    return f"{n >> 20} MiB" if n and n % (1 << 20) == 0 else f"{n} bytes"


class BodyTooLarge(ApiError, LimitExceeded):
    """A response body longer than the cap it was read with (``download``, ``streamed``): refused when its
    ``Content-Length`` says so, before any of it is read, or as soon as the bytes read pass the cap.
    ``response`` is the response (its body not kept)."""

    def __init__(self, response: httpx.Response, limit: int, argument: str = "max_bytes") -> None:
        self.limit, self.argument = limit, argument
        super().__init__(response, f"response body over the {_size(limit)} cap ({argument}={limit}): not read")


class DecompressedTooLarge(LimitExceeded, ValueError):
    """Gzip data that inflates past the cap it was decompressed with (``gunzip``): a gzip bomb, or an
    artifact larger than the caller allowed. Also a ``ValueError``, as other undecodable data is."""

    def __init__(self, limit: int, argument: str = "max_size") -> None:
        self.limit, self.argument = limit, argument
        super().__init__(f"gzip data inflates past the {_size(limit)} cap ({argument}={limit}): not decompressed")


class PaginationLoop(ApiError):
    """A list operation's pages go round in circles or never end (``paginate``, ``apaginate``,
    ``paginate_json``): a page that is the same as one read before, a page holding only items already read,
    a ``paging.next`` link back to a page already read, or more pages than ``max_pages``. ``pages`` is the
    number of pages read; ``response`` is the last one. Raised after the items of the pages before it."""

    def __init__(self, response: httpx.Response, problem: str, pages: int) -> None:
        self.pages = pages
        super().__init__(response, f"pagination stopped after {pages} page(s): {problem}")


class _Missing:
    def __repr__(self) -> str:
        return "MISSING"


MISSING: Final[Any] = _Missing()
"""``ResponseParseError.value`` when a required field is absent."""


class ResponseParseError(ApiError):
    """A 2xx response whose body does not have the documented shape.

    ``path`` names the first place that differs, as a JSON path into the body: ``$.data.id``, ``$.data[2].id``,
    ``$`` for the whole body (``None`` when it cannot be told); ``value`` is what was there (``MISSING`` for
    a required field that is absent). The message shows both, long values cut short.
    """

    def __init__(
        self, response: httpx.Response, message: str | None = None, *, path: str | None = None, value: Any = None
    ) -> None:
        self.path = path
        self.value = value
        super().__init__(response, message)


class ForeignLinkError(ApiError):
    """A response links to another origin than the API's (``paging.next`` naming another scheme, host or
    port). The runtime does not follow such a link, so credentials never leave the API's origin; ``link`` is
    the refused URL without user info or query string. ``response`` is the response that held the link."""

    def __init__(self, response: httpx.Response, link: httpx.URL, what: str = "paging.next") -> None:
        self.link = shown_url(link)
        super().__init__(
            response, f"{what} links to {self.link}, another origin than the API's: not followed (no credentials)"
        )


def _str_or_none(value: Any) -> str | None:
    return None if value is None else str(value)


ARTIFACT_OPERATIONS: Final = frozenset({"get_exchange_details", "get_exchange_consumer_logs"})
"""The artifact operations (``getExchangeDetails``, ``getExchangeConsumerLogs``), by generated module name:
a 404 from one of them is ``ArtifactNotAvailable``."""


def _operation_name(operation: Any) -> str | None:
    if operation is None or isinstance(operation, str):
        return operation
    name = getattr(operation, "__name__", None)
    return name.rpartition(".")[2] if isinstance(name, str) else None


def error_for(response: httpx.Response, operation: Any = None) -> ApiError:
    """The ``ApiError`` for a response that is not the 2xx the caller wanted, decided by the operation (a
    generated module such as ``get_exchange_details``, or its name) and the status, never by the body:
    ``ArtifactNotAvailable`` for a 404 from an artifact operation (``ARTIFACT_OPERATIONS``), else ``ApiError``."""
    if response.status_code == 404 and _operation_name(operation) in ARTIFACT_OPERATIONS:
        return ArtifactNotAvailable(response)
    return ApiError(response)


__all__ = [
    "ARTIFACT_OPERATIONS",
    "MISSING",
    "ApiError",
    "ArtifactNotAvailable",
    "BodyTooLarge",
    "DataSyncError",
    "DecompressedTooLarge",
    "ForeignLinkError",
    "LimitExceeded",
    "PaginationLoop",
    "ResponseParseError",
    "error_for",
]
