"""What the client benchmarks read and write: a list page as the mock answers it, an exchange-data payload, and a
generated client whose network is an in-memory transport (so a benchmark times the client, not a socket)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import httpx
from datasync_grades.client import Client
from datasync_grades.runtime import connect

from datasync_openapi.mock.seed import exchange

PAGE_EXCHANGES = 10_000
"""Exchanges on the decode benchmarks' list page."""
PAGES = 10
"""Pages the pagination benchmark reads: the same exchanges as the list page, spread over this many pages."""
PAYLOAD_BYTES = 5_000_000
"""About the size of the encode benchmarks' exchange-data payload as JSON."""
BODY_BYTES = 1_000_000
"""The producer's largest body (an exchange's ``max_data_content_length``)."""


def exchanges(count: int, first: int = 0) -> list[dict[str, Any]]:
    """``count`` exchanges as the mock answers them, each with its own id."""
    items = [
        exchange(f"e1000000-0000-4000-8000-{n:012d}", "completed", "course-app-101", "sis")
        for n in range(first, first + count)
    ]
    for item in items:
        item.pop("_posted_by")
    return items


def list_body(count: int = PAGE_EXCHANGES, first: int = 0, following: str | None = None) -> bytes:
    """A list response of ``count`` exchanges whose ``paging.next`` is ``following``."""
    return json.dumps({"data": exchanges(count, first), "paging": {"next": following}}).encode()


def paged_bodies(total: int = PAGE_EXCHANGES, pages: int = PAGES) -> list[bytes]:
    """``total`` exchanges over ``pages`` list responses, each but the last linking to the next page."""
    size = total // pages
    return [
        list_body(size, page * size, f"/exchanges?page={page + 1}" if page + 1 < pages else None)
        for page in range(pages)
    ]


def exchange_data_payload(size: int = PAYLOAD_BYTES) -> dict[str, Any]:
    """An exchange-data body of about ``size`` bytes of JSON: assignments of 25 scores, each naming a person."""
    ref = {"name": "Jane Doe", "$sys": {"id": "123e4567-e89b-12d3-a456-426614174000", "source_id": {"sis": "S1"}}}
    score = {
        "$person": ref,
        "grade": "A",
        "score": 93.5,
        "excused": False,
        "late": False,
        "missing": False,
        "submitted_at": "2026-01-05T08:00:00Z",
        "sync_status": "pending",
    }
    assignment = {"name": "Essay 1", "points_possible": 100.0, "due_at": "2026-01-10T23:59:00Z", "scores": [score] * 25}
    return {"assignments": [assignment] * (size // len(json.dumps(assignment))), "final": True}


def in_memory_client(answer: Callable[[httpx.Request], bytes]) -> Client:
    """``connect()`` (auth, retries, the generated ``Client``) over a transport that answers each request with
    ``answer(request)`` as a JSON 200, without a socket."""

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=answer(request), headers={"Content-Type": "application/json"})

    transport = httpx.MockTransport(handler)
    token = "in-memory"  # noqa: S105 - no server checks it
    return connect("https://api.test/v2/grades", token=token, transport=transport, async_transport=transport)
