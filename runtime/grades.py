"""Grades Exchange workflows: artifacts, the course IDs report, and the producer flow a SIS connector runs.

    from datasync_grades.runtime import connect
    from datasync_grades.workflows import produce

    client = connect(BASE_URL, client_id=..., client_secret=...)
    produce(client, exchange_id, assignments=[...], summaries=[...])   # chunked, last chunk final

Travels inside the generated ``datasync_grades`` package; needs only httpx and the standard library.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
from collections.abc import Callable, Iterator, Sequence
from typing import Any
from uuid import UUID

import httpx

from .api.exchanges import get_exchange
from .client import AuthenticatedClient, Client
from .runtime import ApiError, ArtifactNotAvailable, ResponseParseError, call

JSON = Any
_SEPARATORS = (",", ":")


def _dumps(value: JSON) -> bytes:
    return json.dumps(value, separators=_SEPARATORS, ensure_ascii=False).encode("utf-8")


def _check(response: httpx.Response, not_found: type[ApiError] = ApiError) -> httpx.Response:
    if response.status_code == 404:
        raise not_found(response)
    if response.status_code >= 300:
        raise ApiError(response)
    return response


# -- artifacts and reports ------------------------------------------------------------------------------------
def decode_artifact(data: bytes) -> JSON:
    """The JSON document inside a ``.json.gz`` artifact."""
    try:
        return json.loads(gzip.decompress(data))
    except (OSError, EOFError, ValueError) as exc:
        raise ValueError(f"not a gzip-compressed JSON artifact: {exc}") from None


def _artifact(client: Client | AuthenticatedClient, exchange_id: UUID | str, kind: str) -> bytes:
    response = client.get_httpx_client().get(f"/exchanges/{exchange_id}/artifacts/{kind}")
    return _check(response, ArtifactNotAvailable).content


def download_details(client: Client | AuthenticatedClient, exchange_id: UUID | str) -> bytes:
    """The raw ``.json.gz`` details artifact; ``ArtifactNotAvailable`` if there is none."""
    return _artifact(client, exchange_id, "details")


def download_consumer_logs(client: Client | AuthenticatedClient, exchange_id: UUID | str) -> bytes:
    """The raw ``.json.gz`` consumer-logs artifact; ``ArtifactNotAvailable`` if nothing was sent to the SIS."""
    return _artifact(client, exchange_id, "consumerlogs")


def course_ids_report(client: Client | AuthenticatedClient, batch_id: UUID | str) -> list[dict[str, str]]:
    """The batch exchange's course IDs report (CSV) as rows keyed by the header's column names."""
    response = _check(client.get_httpx_client().get(f"/batch/{batch_id}/courses"))
    return list(csv.DictReader(io.StringIO(response.text)))


# -- the producer flow ----------------------------------------------------------------------------------------
def chunk_exchange_data(
    assignments: Sequence[JSON], summaries: Sequence[JSON], max_bytes: int
) -> Iterator[dict[str, JSON]]:
    """Bodies of ``POST /exchanges/{id}/data`` that each serialise (compact JSON, UTF-8) to at most
    ``max_bytes``, in order, the last one with ``final: true``; together they hold every item exactly once.
    An empty input gives one final body with no items. An item too large for any body raises ``ValueError``.
    """
    # The size of a body is the empty body's size plus each item's size plus one comma between items.
    # ("final": false is one byte longer than true, so the size of every body is bounded by its false form.)
    empty = len(_dumps({"assignments": [], "summaries": [], "final": False}))
    chunks: list[dict[str, list[JSON]]] = []
    current: dict[str, list[JSON]] = {"assignments": [], "summaries": []}
    size = empty
    for key, items in (("assignments", assignments), ("summaries", summaries)):
        for item in items:
            item_size = len(_dumps(item))
            cost = item_size + (1 if current[key] else 0)
            if empty + item_size > max_bytes:
                raise ValueError(
                    f"one {key[:-1]} serialises to {item_size} bytes: no body of {max_bytes} bytes fits it"
                )
            if size + cost > max_bytes:
                chunks.append(current)
                current, size = {"assignments": [], "summaries": []}, empty
                cost = item_size
            current[key].append(item)
            size += cost
    chunks.append(current)
    for n, chunk in enumerate(chunks):
        yield {**chunk, "final": n == len(chunks) - 1}


def post_exchange_data(
    client: Client | AuthenticatedClient,
    exchange_id: UUID | str,
    assignments: Sequence[JSON] = (),
    summaries: Sequence[JSON] = (),
    *,
    max_bytes: int | None = None,
    on_chunk: Callable[[int, int], None] | None = None,
) -> int:
    """Post grade data to an exchange in chunks under its ``max_data_content_length``; returns the number of
    chunks posted. ``on_chunk(n, size)`` is called after each chunk is accepted."""
    if max_bytes is None:
        exchange = call(get_exchange, UUID(str(exchange_id)), client=client).data
        limit = getattr(exchange, "max_data_content_length", None)
        max_bytes = limit if isinstance(limit, int) and limit > 0 else 1_000_000
    http = client.get_httpx_client()
    posted = 0
    for body in chunk_exchange_data(assignments, summaries, max_bytes):
        content = _dumps(body)
        response = http.post(
            f"/exchanges/{exchange_id}/data", content=content, headers={"Content-Type": "application/json"}
        )
        _check(response)
        posted += 1
        if on_chunk is not None:
            on_chunk(posted, len(content))
    return posted


def post_exchange_error(
    client: Client | AuthenticatedClient, exchange_id: UUID | str, code: str, details: str | None = None
) -> JSON:
    """Tell the exchange its query cannot be answered (``code`` such as ``query_type_not_supported``)."""
    body: dict[str, str] = {"code": code}
    if details is not None:
        body["details"] = details
    response = _check(client.get_httpx_client().post(f"/exchanges/{exchange_id}/errors", json=body))
    try:
        return response.json()["data"]
    except (ValueError, KeyError, TypeError):
        raise ResponseParseError(response, "error response has no data") from None


class QueryNotAnswerable(Exception):
    """Raise from a producer's ``answer`` callback when the SIS cannot answer the exchange's query."""

    def __init__(self, code: str, details: str | None = None) -> None:
        super().__init__(f"{code}: {details}" if details else code)
        self.code = code
        self.details = details


def produce(
    client: Client | AuthenticatedClient,
    exchange_id: UUID | str,
    answer: Callable[[JSON], tuple[Sequence[JSON], Sequence[JSON]]] | None = None,
    *,
    assignments: Sequence[JSON] = (),
    summaries: Sequence[JSON] = (),
) -> int:
    """The whole producer step for one exchange, in one call.

    Either give the data (``assignments``, ``summaries``) or an ``answer(exchange_json)`` callback returning
    ``(assignments, summaries)`` for the exchange's query; if it raises ``QueryNotAnswerable`` an exchange
    error is posted instead. Returns the number of data chunks posted (0 when an error was posted).
    """
    exchange = call(get_exchange, UUID(str(exchange_id)), client=client).data
    limit = getattr(exchange, "max_data_content_length", None)
    max_bytes = limit if isinstance(limit, int) and limit > 0 else 1_000_000
    if answer is not None:
        try:
            assignments, summaries = answer(exchange.to_dict())
        except QueryNotAnswerable as exc:
            post_exchange_error(client, exchange_id, exc.code, exc.details)
            return 0
    return post_exchange_data(client, exchange_id, assignments, summaries, max_bytes=max_bytes)
