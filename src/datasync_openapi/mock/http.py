"""Responses and errors of the mock: every answer is JSON (or the documented binary/CSV), never a traceback."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from starlette.responses import Response

ERROR_CODES = {
    400: "invalid_request",
    401: "unauthorized",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    429: "too_many_requests",
    500: "internal_error",
    503: "service_unavailable",
}


def dumps(value: Any) -> bytes:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def json_response(value: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    return Response(dumps(value), status_code=status, media_type="application/json", headers=headers)


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


def bad_request(details: str, message: str = "The request is invalid") -> MockError:
    return MockError(400, message, details)


def not_found(what: str, key: str) -> MockError:
    return MockError(404, f"{what} not found", f"no {what.lower()} with id {key!r}")
