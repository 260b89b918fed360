"""The error envelope and the JSON answers built on it: every error is the documented JSON, never a traceback.

``error_body`` is the envelope both APIs document (``{"error": {status, code, message, ext_message, details}}``);
``MockError`` is an error answered with it (the mock's handlers and the request validation raise it; the server
and the proxy answer their own errors with the same envelope). ``JSONBytes`` answers JSON from encoded bytes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from starlette.responses import Response

from ._json import JSONRejected, dumps, loads

ERROR_CODES = {
    400: "invalid_request",
    401: "unauthorized",
    404: "not_found",
    405: "method_not_allowed",
    408: "request_timeout",
    409: "conflict",
    413: "payload_too_large",
    414: "uri_too_long",
    429: "too_many_requests",
    431: "request_header_fields_too_large",
    500: "internal_error",
    503: "service_unavailable",
    507: "insufficient_storage",
}


class JSONBytes(Response):
    """A JSON answer from already encoded bytes: a Starlette ``Response`` whose header list is built directly
    (``Content-Length``, ``Content-Type``, then any ``headers``), as Starlette would build it, without its generic
    path (which costs a GET as much as its handler)."""

    media_type = "application/json"

    def __init__(self, body: bytes, status_code: int = 200, headers: Mapping[str, str] | None = None) -> None:
        self.status_code = status_code
        self.body = body
        self.background = None
        raw = [(b"content-length", b"%d" % len(body)), (b"content-type", b"application/json")]
        if headers:
            raw = [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in headers.items()] + raw
        self.raw_headers = raw


def json_response(value: Any, status: int = 200, headers: Mapping[str, str] | None = None) -> Response:
    return JSONBytes(dumps(value), status, headers)


def error_body(status: int, message: str, details: str | None = None, code: str | None = None) -> dict[str, Any]:
    """The documented error envelope: ``{"error": {status, code, message, ext_message, details}}``."""
    return {
        "error": {
            "status": status,
            "code": code or ERROR_CODES.get(status, "error"),
            "message": message,
            "ext_message": None,
            "details": details,
        }
    }


@dataclass
class MockError(Exception):
    """Raised by handlers and validation; answered as the error envelope with ``status``."""

    status: int
    message: str
    details: str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    code: str | None = None

    def __str__(self) -> str:
        return f"{self.status} {self.message}" + (f": {self.details}" if self.details else "")

    def response(self) -> Response:
        return json_response(error_body(self.status, self.message, self.details, self.code), self.status, self.headers)


def decode_body(body: bytes, what: str = "the request body") -> Any:
    """``loads`` for a request body: a refused document is a 400 saying why."""
    try:
        return loads(body)
    except JSONRejected as exc:
        raise bad_request(f"{what} {exc}") from None


def bad_request(details: str, message: str = "The request is invalid") -> MockError:
    return MockError(400, message, details)


def not_found(what: str, key: str) -> MockError:
    return MockError(404, f"{what} not found", f"no {what.lower()} with id {key!r}")


__all__ = [
    "ERROR_CODES",
    "JSONBytes",
    "MockError",
    "bad_request",
    "decode_body",
    "error_body",
    "json_response",
    "not_found",
]
