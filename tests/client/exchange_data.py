"""Test helpers: record the grade data clients post to the mock, and check it has the spec's shape.

The specs leave objects open (no ``additionalProperties: false``), so the mock accepts an assignment made of
score fields. ``shape_errors`` is stricter: the spec's ``ExchangeData`` with closed objects and the fields a
useful answer needs (an assignment's name, points and scores; a score's person; a summary's person, section,
type and score), so a misnamed field (``person`` for ``$person``) or a score posted as an assignment fails.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

import jsonschema_rs

from datasync_openapi.specs import load_spec
from datasync_openapi.validation import explain

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

REQUIRED = {
    "Assignment": ["name", "points_possible", "scores"],
    "Score": ["$person"],
    "Summary": ["$person", "$section", "summary_type", "score"],
    "ObjectRef": [],
    "Sys": [],
    "ExchangeData": ["final"],
}


def _strict_validator() -> jsonschema_rs.Validator:
    components = copy.deepcopy(load_spec("grades")["components"])
    for name, required in REQUIRED.items():
        schema = components["schemas"][name]
        schema["additionalProperties"] = False
        schema["required"] = required
    score = components["schemas"]["Score"]
    score["anyOf"] = [{"required": ["score"]}, {"required": ["grade"]}]
    root = {"$ref": "#/components/schemas/ExchangeData", "components": components}
    return jsonschema_rs.Draft202012Validator(root, validate_formats=True)


STRICT = _strict_validator()


def shape_errors(body: Any) -> list[str]:
    """Every way ``body`` (one POST /exchanges/{id}/data) departs from the strict spec shape, in plain words."""
    return [explain(error, "body") for error in STRICT.iter_errors(body)]


class Recording:
    """An ASGI wrapper around the mock that keeps every JSON body POSTed to ``.../exchanges/{id}/data``."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.bodies: list[tuple[str, Any]] = []  # (exchange id, decoded body)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.app, name)  # app.store, app.reset() of the wrapped mock

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = str(scope.get("path", ""))
        if scope["type"] != "http" or scope.get("method") != "POST" or not path.endswith("/data"):
            await self.app(scope, receive, send)
            return
        parts: list[bytes] = []
        while True:
            message = await receive()
            parts.append(message.get("body", b""))
            if not message.get("more_body", False):
                break
        body = b"".join(parts)
        try:
            self.bodies.append((path.split("/")[-2], json.loads(body)))
        except ValueError:
            self.bodies.append((path.split("/")[-2], None))
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)
