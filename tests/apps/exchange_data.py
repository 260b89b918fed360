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

import httpx
import jsonschema_rs

from datasync_openapi.contract import explain, load_spec
from datasync_openapi.mock import DEMO_TOKEN, MockApp
from datasync_openapi.mock.seed import EXCHANGE_CREATED

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


# -- the "answer every pending exchange" scenario the README block and the producer example share -------------
PENDING_QUERY = {"type": "assignment_scores", "conditions": [{"scope": "course", "scope_by": "id"}]}


def create_pending(base: str, extra: int, refused_type: str) -> tuple[list[str], str]:
    """Create ``extra`` pending exchanges beside the seeded one, and one whose query type the producer cannot
    answer; return (the ids to be answered with data, the seeded one first; the refused id)."""
    with httpx.Client(base_url=f"{base}/v2/grades", headers={"Authorization": f"Bearer {DEMO_TOKEN}"}) as http:
        more = [http.post("/exchanges", json={"query": PENDING_QUERY}).json()["data"]["id"] for _ in range(extra)]
        refused = http.post("/exchanges", json={"query": {"type": refused_type}}).json()["data"]["id"]
    return [EXCHANGE_CREATED, *more], refused


def assert_answered_once(
    app: MockApp, recording: Recording, out: list[str], answered: list[str], refused: str, items: tuple[int, int]
) -> None:
    """Every pending exchange answered exactly once (``items``: assignments and summaries each posted), the
    refused one with one exchange error, every posted body in the spec's shape."""
    assert sorted(out[:-1]) == sorted(
        [f"{key}: posted 1 chunk(s)" for key in answered]
        + [f"{refused}: posted the exchange error query_type_not_supported"]
    )
    assert out[-1] == (
        f"{len(answered) + 1} exchange(s): {len(answered)} answered with data, 1 with an exchange error, "
        "0 skipped, 0 failed, in 2 round(s)"
    )
    for key in answered:
        stored = app.store.get("exchanges", key)
        assert stored is not None
        assert (stored["state"], stored["_chunks"], stored["_assignments"], stored["_summaries"]) == (
            "completed",
            1,
            *items,
        )
    rejected = app.store.get("exchanges", refused)
    assert rejected is not None
    assert (rejected["state"], rejected["error_count"]) == ("created", 1)
    assert sorted(key for key, _ in recording.bodies) == sorted(answered)
    for _key, body in recording.bodies:
        assert shape_errors(body) == []
