"""A rogue variant of the mock: flags that each inject one bug, to prove the conformance suite catches it.

Like schemathesis' own test applications: the clean mock must give zero findings, and each flag here must
make the suite report the check named in ``BUGS``. Never use this to develop against.
"""

from __future__ import annotations

import json
from typing import Any

from starlette.responses import PlainTextResponse, Response

from datasync_openapi.contract import MockError, Route
from datasync_openapi.mock.app import MockApp, MockConfig, MockRequest
from datasync_openapi.mock.handlers import Context

# bug flag -> (what it does, the schemathesis check that must report it)
BUGS: dict[str, tuple[str, str]] = {
    "server_error_on_bad_input": ("answers a text/plain 500 traceback instead of 400", "not_a_server_error"),
    "undocumented_status": ("POST /exchanges answers 201, which the spec does not list", "status_code_conformance"),
    "wrong_content_type": ("JSON bodies are labelled text/plain", "content_type_conformance"),
    "schema_violation": ("exchanges carry error_count as a string", "response_schema_conformance"),
    "missing_envelope": (
        "GET /exchanges/{id} answers the bare exchange, no {data: ...}",
        "response_schema_conformance",
    ),
    "ignored_auth": ("requests without valid credentials are served", "ignored_auth"),
    "deleted_still_served": ("DELETE of a scoping school answers 204 but keeps it", "use_after_free"),
    "created_not_fetchable": (
        "POST /tenant/scoping/schools answers a school that GET cannot find",
        "ensure_resource_availability",
    ),
    "accepts_invalid": ("invalid query parameters are ignored instead of rejected", "negative_data_rejection"),
    "rejects_valid": ("POST /exchanges rejects a body with a (valid) query with 400", "positive_data_acceptance"),
}


class RogueMockApp(MockApp):
    def __init__(self, bugs: set[str] | frozenset[str], config: MockConfig | None = None) -> None:
        unknown = set(bugs) - set(BUGS)
        if unknown:
            raise ValueError(f"unknown bugs {sorted(unknown)}; known: {sorted(BUGS)}")
        super().__init__(config)
        self.bugs = frozenset(bugs)

    async def handle(self, request: MockRequest) -> Response:
        try:
            response = await super().handle(request)
        except MockError as exc:
            if "server_error_on_bad_input" in self.bugs and exc.status == 400:
                return PlainTextResponse(f"Traceback (most recent call last):\n  ...\nValueError: {exc}", 500)
            raise
        if "wrong_content_type" in self.bugs and response.media_type == "application/json":
            response.headers["content-type"] = "text/plain; charset=utf-8"
        return response

    def authorize(self, route: Route, request: MockRequest) -> None:
        if "ignored_auth" not in self.bugs:
            super().authorize(route, request)

    def validate(
        self, route: Route, path_values: dict[str, str], query: list[tuple[str, str]], body: bytes, content_type: str
    ) -> tuple[dict[str, Any], Any]:
        try:
            return super().validate(route, path_values, query, body, content_type)
        except MockError:
            if "accepts_invalid" in self.bugs and route.method == "get" and not route.body_validator:
                return super().validate(route, path_values, [], body, content_type)  # drop the bad query
            raise

    def dispatch(self, route: Route, context: Context) -> Response:
        op = route.operation_id
        if op == "createExchange" and "rejects_valid" in self.bugs and "query" in (context.body or {}):
            raise MockError(400, "The request is invalid", "query is not supported")
        if op == "deleteScopingSchool" and "deleted_still_served" in self.bugs:
            if self.store.get("scoping_schools", context.params["id"]) is None:
                raise MockError(404, "Scoping school not found", context.params["id"])
            return Response(status_code=204)
        response = super().dispatch(route, context)
        if response.media_type != "application/json" or response.status_code >= 300:
            return response
        if op == "createExchange" and "undocumented_status" in self.bugs:
            response.status_code = 201
        if op == "createScopingSchools" and "created_not_fetchable" in self.bugs:
            created = json.loads(bytes(response.body))["data"]
            if created is not None:
                self.store.delete("scoping_schools", created["school_id"])
        if "schema_violation" in self.bugs and op in ("getExchange", "listExchanges", "createExchange"):
            return _rewrite(response, _stringify_error_count)
        if op == "getExchange" and "missing_envelope" in self.bugs:
            return _rewrite(response, lambda body: body["data"])
        return response


def _stringify_error_count(body: Any) -> Any:
    items = body["data"] if isinstance(body.get("data"), list) else [body.get("data")]
    for item in items:
        if isinstance(item, dict) and "error_count" in item:
            item["error_count"] = str(item["error_count"])
    return body


def _rewrite(response: Response, change: Any) -> Response:
    body = change(json.loads(bytes(response.body)))
    return Response(json.dumps(body), status_code=response.status_code, media_type="application/json")
