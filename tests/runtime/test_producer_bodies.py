"""The producer's bodies are encoded once: what ``post_exchange_data`` sends is, byte for byte, the compact JSON of
the bodies ``chunk_exchange_data`` yields, for dicts, generated models and a mix, cut under the same cap."""

from __future__ import annotations

import datetime
import enum
import json
import uuid
from typing import Any

import httpx
import pytest
from datasync_grades import runtime, workflows
from datasync_grades.models import Assignment, ObjectRef, Score, SyncStatusKnown

EXCHANGE = "e1000000-0000-4000-8000-000000000002"


class Plain(enum.Enum):  # not a str: to_json takes its value
    A = "a"


def _items() -> tuple[list[Any], list[Any]]:
    person = ObjectRef(name="Zoë")  # not ASCII: the bodies are UTF-8, not \\u escapes
    scored = [Score(person=person, score=float(n), sync_status=SyncStatusKnown.PENDING) for n in range(3)]
    assignments: list[Any] = [
        Assignment(name="Quiz", points_possible=10.0, scores=scored),
        {"name": "Essay", "scores": scored, "due_at": datetime.date(2026, 1, 10)},  # a dict holding models
        {"name": "Plain", "points_possible": 5, "scores": [{"score": 1, "grade": "A"}]},  # plain JSON
        {"name": "Odd", "id": uuid.UUID(int=7), "kind": Plain.A, "at": datetime.datetime(2026, 1, 5, 8)},
    ] * 5
    summaries: list[Any] = [{"$person": {"name": "Ada"}, "summary_type": "final", "score": 9.5}] * 4
    return assignments, summaries


@pytest.mark.parametrize("max_bytes", [350, 1_000, 100_000])
def test_post_sends_the_chunks_as_compact_json(max_bytes: int) -> None:
    assignments, summaries = _items()
    sent: list[bytes] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(request.content)
        return httpx.Response(200, json={"data": {}})

    transport = httpx.MockTransport(handler)
    with runtime.connect("https://api.test/v2/grades", token="t", transport=transport) as client:
        posted = workflows.post_exchange_data(client, EXCHANGE, assignments, summaries, max_bytes=max_bytes)
    chunks = list(workflows.chunk_exchange_data(assignments, summaries, max_bytes))
    expected = [json.dumps(chunk, separators=(",", ":"), ensure_ascii=False).encode() for chunk in chunks]
    assert posted == len(sent) == len(chunks)
    assert sent == expected
    assert all(len(body) <= max_bytes for body in sent)
    assert [json.loads(body)["final"] for body in sent] == [False] * (len(sent) - 1) + [True]
    items = [item for chunk in chunks for item in chunk["assignments"]]
    assert items == [workflows.to_json(item) for item in assignments]
    assert "Zoë".encode() in sent[0]


def test_what_json_cannot_encode_is_still_refused() -> None:
    with pytest.raises(TypeError, match="not JSON serializable"):
        list(workflows.chunk_exchange_data([{"name": "x", "tags": {1, 2}}], [], 1_000))
