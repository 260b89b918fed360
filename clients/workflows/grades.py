"""Grades Exchange workflows: artifacts, the course IDs report, and the producer flow a SIS connector runs.

    from datasync_grades.runtime import connect
    from datasync_grades.workflows import answer_pending

    def answer(exchange):   # the exchange as JSON; returns (assignments, summaries) for its query
        ada = {"name": "Ada Lovelace", "$sys": {"source_id": {"sis": "s-1001"}}}      # an ObjectRef
        section = {"name": "Math 101"}
        quiz = {"$section": section, "name": "Quiz 1", "points_possible": 10,
                "scores": [{"$person": ada, "score": 9.5, "grade": "A"}]}
        final = {"$section": section, "$person": ada, "summary_type": "final", "score": 95.0}
        return [quiz], [final]

    client = connect("https://api.us2.kimonocloud.com/v2/grades", client_id=ID, client_secret=SECRET)
    report = answer_pending(client, answer)   # every exchange in "created", each answered exactly once

Assignments and summaries may be plain dicts shaped as the spec's ``Assignment`` and ``Summary`` (an
assignment carries its ``scores``, each a ``Score``) or the generated models (``datasync_grades.models``),
or a mix: anything with a ``to_dict()`` is converted. Travels inside the generated ``datasync_grades``
package; needs only httpx and the standard library.
"""

from __future__ import annotations

import csv
import datetime
import enum
import io
import json
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, BinaryIO, Literal
from uuid import UUID

import httpx

from .api.exchanges import get_exchange, list_exchanges
from .client import AuthenticatedClient, Client
from .runtime import (
    DEFAULT_MAX_DECOMPRESSED,
    DEFAULT_MAX_DOWNLOAD,
    ApiError,
    DecompressedTooLarge,
    ResponseParseError,
    call,
    download,
    error_for,
    gunzip,
    paginate,
    streamed,
)

JSON = Any
_SEPARATORS = (",", ":")
DEFAULT_MAX_BYTES = 1_000_000  # when an exchange states no max_data_content_length


def to_json(value: Any) -> JSON:
    """``value`` as plain JSON data: generated models (anything with ``to_dict()``) become dicts, at any
    depth (a dict assignment may hold ``Score`` models); datetimes and dates become ISO 8601 strings, UUIDs
    and enum members their value. Other values are returned as they are."""
    to_dict = getattr(value, "to_dict", None)
    if callable(to_dict) and not isinstance(value, type):
        return to_json(to_dict())
    if isinstance(value, Mapping):
        return {str(key): to_json(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_json(item) for item in value]
    if isinstance(value, enum.Enum):
        return to_json(value.value)
    if isinstance(value, (datetime.datetime, datetime.date)):
        return value.isoformat()
    if isinstance(value, UUID):
        return str(value)
    return value


def _dumps(value: JSON) -> bytes:
    return json.dumps(value, separators=_SEPARATORS, ensure_ascii=False).encode("utf-8")


def _check(response: httpx.Response, operation: str | None = None) -> httpx.Response:
    if not 200 <= response.status_code < 300:
        raise error_for(response, operation)
    return response


# -- artifacts and reports ------------------------------------------------------------------------------------
ArtifactKind = Literal["details", "consumerlogs"]
_ARTIFACT_OPERATION = {"details": "get_exchange_details", "consumerlogs": "get_exchange_consumer_logs"}


def decode_artifact(data: bytes, *, max_size: int = DEFAULT_MAX_DECOMPRESSED) -> JSON:
    """The JSON document inside a ``.json.gz`` artifact. It is decompressed with ``runtime.gunzip``: more
    than ``max_size`` bytes of JSON (a gzip bomb) raise ``DecompressedTooLarge`` naming the cap before more
    is inflated; data that is not gzip JSON raises ``ValueError`` (as ``DecompressedTooLarge`` is too)."""
    try:
        return json.loads(b"".join(gunzip(data, max_size=max_size)))
    except DecompressedTooLarge:
        raise
    except ValueError as exc:
        raise ValueError(f"not a gzip-compressed JSON artifact: {exc}") from None


def _artifact_url(exchange_id: UUID | str, kind: ArtifactKind) -> str:
    if kind not in _ARTIFACT_OPERATION:
        raise ValueError(f"no artifact {kind!r}: details or consumerlogs")
    return f"/exchanges/{exchange_id}/artifacts/{kind}"


def _artifact(
    client: Client | AuthenticatedClient, exchange_id: UUID | str, kind: ArtifactKind, max_bytes: int
) -> bytes:
    url = _artifact_url(exchange_id, kind)
    return download(client, url, max_bytes=max_bytes, operation=_ARTIFACT_OPERATION[kind]).content


def download_details(
    client: Client | AuthenticatedClient, exchange_id: UUID | str, *, max_bytes: int = DEFAULT_MAX_DOWNLOAD
) -> bytes:
    """The raw ``.json.gz`` details artifact; ``ArtifactNotAvailable`` if there is none, ``BodyTooLarge``
    if it is longer than ``max_bytes``."""
    return _artifact(client, exchange_id, "details", max_bytes)


def download_consumer_logs(
    client: Client | AuthenticatedClient, exchange_id: UUID | str, *, max_bytes: int = DEFAULT_MAX_DOWNLOAD
) -> bytes:
    """The raw ``.json.gz`` consumer-logs artifact; ``ArtifactNotAvailable`` if nothing was sent to the SIS,
    ``BodyTooLarge`` if it is longer than ``max_bytes``."""
    return _artifact(client, exchange_id, "consumerlogs", max_bytes)


def save_artifact(
    client: Client | AuthenticatedClient,
    exchange_id: UUID | str,
    kind: ArtifactKind,
    out: BinaryIO,
    *,
    max_bytes: int = DEFAULT_MAX_DOWNLOAD,
    max_size: int = DEFAULT_MAX_DECOMPRESSED,
) -> tuple[int, int]:
    """Download an artifact (``kind``: ``details`` or ``consumerlogs``) and write its decompressed JSON to
    ``out`` as it arrives, without holding it whole; returns ``(bytes downloaded, bytes written)``. The
    download stops at ``max_bytes`` (``BodyTooLarge``), the decompression at ``max_size``
    (``DecompressedTooLarge``); ``out`` then holds a part: write to a temporary file and rename it on
    success. ``ArtifactNotAvailable`` if there is no such artifact; ``ValueError`` if it is not gzip. The
    JSON is written as the artifact holds it, not parsed."""
    url = _artifact_url(exchange_id, kind)
    downloaded = written = 0
    with streamed(client, url, max_bytes=max_bytes, operation=_ARTIFACT_OPERATION[kind]) as (_response, chunks):

        def counted() -> Iterator[bytes]:
            nonlocal downloaded
            for chunk in chunks:
                downloaded += len(chunk)
                yield chunk

        for piece in gunzip(counted(), max_size=max_size):
            out.write(piece)
            written += len(piece)
    return downloaded, written


def course_ids_report(
    client: Client | AuthenticatedClient, batch_id: UUID | str, *, max_bytes: int = DEFAULT_MAX_DOWNLOAD
) -> list[dict[str, str]]:
    """The batch exchange's course IDs report (CSV) as rows keyed by the header's column names. A report
    longer than ``max_bytes`` raises ``BodyTooLarge``; one the ``csv`` module cannot read (a field longer
    than ``csv.field_size_limit()``, for one) raises ``ResponseParseError`` saying why."""
    response = download(client, f"/batch/{batch_id}/courses", max_bytes=max_bytes)
    try:
        return list(csv.DictReader(io.StringIO(response.text)))
    except csv.Error as exc:
        raise ResponseParseError(response, f"the course IDs report is not CSV the client can read: {exc}") from None


# -- the producer flow ----------------------------------------------------------------------------------------
_BODY_KEYS = ("assignments", "summaries")


def _json_default(value: Any) -> JSON:
    """For ``json.dumps``: what ``to_json`` makes of a value the json module cannot encode (a model, a date)."""
    converted = to_json(value)
    if converted is value:
        raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")
    return converted


def _encoded(item: Any) -> tuple[bytes, bool]:
    """``item`` as compact UTF-8 JSON (``to_json``'s conversions made on the way), and whether it is plain JSON
    data already (no conversion was needed): encoded once, both to measure it and to send it."""
    converted = False

    def default(value: Any) -> JSON:
        nonlocal converted
        converted = True
        return _json_default(value)

    text = json.dumps(item, separators=_SEPARATORS, ensure_ascii=False, default=default)
    return text.encode("utf-8"), not converted


# One body being filled: per key, each item and its encoding (whether it is plain JSON data, as _encoded says).
_Packed = dict[str, list[tuple[Any, bytes, bool]]]


def _packed(assignments: Sequence[JSON], summaries: Sequence[JSON], max_bytes: int) -> list[_Packed]:
    """The items cut into bodies of at most ``max_bytes`` each (see ``chunk_exchange_data``), each item encoded."""
    # The size of a body is the empty body's size plus each item's size plus one comma between items.
    # ("final": false is one byte longer than true, so the size of every body is bounded by its false form.)
    empty = len(_dumps({"assignments": [], "summaries": [], "final": False}))
    chunks: list[_Packed] = []
    current: _Packed = {key: [] for key in _BODY_KEYS}
    size = empty
    for key, items in zip(_BODY_KEYS, (assignments, summaries), strict=True):
        for original in items:
            data, plain = _encoded(original)
            item_size = len(data)
            cost = item_size + (1 if current[key] else 0)
            if empty + item_size > max_bytes:
                raise ValueError(
                    f"one {key[:-1]} serialises to {item_size} bytes: no body of {max_bytes} bytes fits it"
                )
            if size + cost > max_bytes:
                chunks.append(current)
                current, size = {key: [] for key in _BODY_KEYS}, empty
                cost = item_size
            current[key].append((original, data, plain))
            size += cost
    chunks.append(current)
    return chunks


def _body(chunk: _Packed, final: bool) -> bytes:
    """The compact JSON of ``{"assignments": [...], "summaries": [...], "final": final}``, from the items' own
    encodings (byte for byte what ``_dumps`` makes of the body ``chunk_exchange_data`` yields)."""
    assignments, summaries = (b",".join(data for _, data, _ in chunk[key]) for key in _BODY_KEYS)
    end = b"true" if final else b"false"
    return b'{"assignments":[' + assignments + b'],"summaries":[' + summaries + b'],"final":' + end + b"}"


def chunk_exchange_data(
    assignments: Sequence[JSON], summaries: Sequence[JSON], max_bytes: int
) -> Iterator[dict[str, JSON]]:
    """Bodies of ``POST /exchanges/{id}/data`` that each serialise (compact JSON, UTF-8) to at most
    ``max_bytes``, in order, the last one with ``final: true``; together they hold every item exactly once.
    Items are dicts or generated models (``Assignment``, ``Summary``), converted with ``to_json`` (an item
    that is plain JSON data already is kept as it is). An empty input gives one final body with no items. An
    item too large for any body raises ``ValueError``.
    """
    chunks = _packed(assignments, summaries, max_bytes)
    for n, chunk in enumerate(chunks):
        body: dict[str, JSON] = {
            key: [original if plain else to_json(original) for original, _, plain in chunk[key]] for key in _BODY_KEYS
        }
        yield {**body, "final": n == len(chunks) - 1}


def post_exchange_data(
    client: Client | AuthenticatedClient,
    exchange_id: UUID | str,
    assignments: Sequence[JSON] = (),
    summaries: Sequence[JSON] = (),
    *,
    max_bytes: int | None = None,
    on_chunk: Callable[[int, int], None] | None = None,
) -> int:
    """Post grade data (dicts or generated models) to an exchange in chunks under its
    ``max_data_content_length``; returns the number of chunks posted. ``on_chunk(n, size)`` is called after
    each chunk is accepted. The bodies are those of ``chunk_exchange_data``, each item encoded once."""
    if max_bytes is None:
        max_bytes = _max_bytes(call(get_exchange, UUID(str(exchange_id)), client=client).data)
    http = client.get_httpx_client()
    posted = 0
    chunks = _packed(assignments, summaries, max_bytes)
    for n, chunk in enumerate(chunks):
        content = _body(chunk, n == len(chunks) - 1)
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


Answer = Callable[[JSON], tuple[Sequence[Any], Sequence[Any]]]
"""A producer's ``answer(exchange_json)``: returns ``(assignments, summaries)`` (dicts or generated models)
for the exchange's query, or raises ``QueryNotAnswerable``."""


def _max_bytes(exchange: Any) -> int:
    limit = getattr(exchange, "max_data_content_length", None)
    return limit if isinstance(limit, int) and limit > 0 else DEFAULT_MAX_BYTES


def _produce(
    client: Client | AuthenticatedClient,
    exchange: Any,
    answer: Answer | None,
    assignments: Sequence[Any],
    summaries: Sequence[Any],
) -> tuple[int, QueryNotAnswerable | None]:
    """Answer one fetched exchange: (data chunks posted, the QueryNotAnswerable posted as an error)."""
    exchange_id = exchange.id
    if answer is not None:
        try:
            assignments, summaries = answer(exchange.to_dict())
        except QueryNotAnswerable as exc:
            post_exchange_error(client, exchange_id, exc.code, exc.details)
            return 0, exc
    return post_exchange_data(client, exchange_id, assignments, summaries, max_bytes=_max_bytes(exchange)), None


def produce(
    client: Client | AuthenticatedClient,
    exchange_id: UUID | str,
    answer: Answer | None = None,
    *,
    assignments: Sequence[Any] = (),
    summaries: Sequence[Any] = (),
) -> int:
    """The whole producer step for one exchange, in one call.

    Either give the data (``assignments``, ``summaries``: dicts or generated models) or an
    ``answer(exchange_json)`` callback returning ``(assignments, summaries)`` for the exchange's query; if it
    raises ``QueryNotAnswerable`` an exchange error is posted instead. Returns the number of data chunks
    posted (0 when an error was posted). To answer every pending exchange, use ``answer_pending``.
    """
    exchange = call(get_exchange, UUID(str(exchange_id)), client=client).data
    chunks, _error = _produce(client, exchange, answer, assignments, summaries)
    return chunks


# -- every pending exchange -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class ExchangeOutcome:
    """What ``answer_pending`` did with one exchange.

    Exactly one of these holds: ``chunks > 0`` (the data was posted in that many chunks, the last final),
    ``error_code`` (the answer raised ``QueryNotAnswerable``: that exchange error was posted), ``skipped``
    (the exchange had left the state by the time it was fetched: nothing was posted), ``failure`` (the API
    refused a request for this exchange: the ``ApiError``; other exchanges were still answered).
    """

    exchange_id: str
    chunks: int = 0
    error_code: str | None = None
    skipped: str | None = None
    failure: ApiError | None = None

    @property
    def answered(self) -> bool:
        """Data or an exchange error was posted."""
        return self.chunks > 0 or self.error_code is not None

    def __str__(self) -> str:
        if self.failure is not None:
            return f"{self.exchange_id}: failed: {self.failure}"
        if self.error_code is not None:
            return f"{self.exchange_id}: posted the exchange error {self.error_code}"
        if self.skipped is not None:
            return f"{self.exchange_id}: skipped ({self.skipped})"
        return f"{self.exchange_id}: posted {self.chunks} chunk(s)"


@dataclass
class PendingReport:
    """The result of ``answer_pending``: one outcome per exchange, in the order they were handled.

    ``complete`` is true when the last query of the pending list found nothing left to answer; false when
    ``max_rounds`` or ``max_exchanges`` stopped the run first (run it again for the rest).
    """

    outcomes: list[ExchangeOutcome] = field(default_factory=list)
    rounds: int = 0
    complete: bool = False

    @property
    def answered(self) -> list[ExchangeOutcome]:
        return [o for o in self.outcomes if o.answered]

    @property
    def failed(self) -> list[ExchangeOutcome]:
        return [o for o in self.outcomes if o.failure is not None]

    def __str__(self) -> str:
        data = sum(1 for o in self.outcomes if o.chunks > 0)
        errors = sum(1 for o in self.outcomes if o.error_code is not None)
        skipped = sum(1 for o in self.outcomes if o.skipped is not None)
        text = (
            f"{len(self.outcomes)} exchange(s): {data} answered with data, {errors} with an exchange error, "
            f"{skipped} skipped, {len(self.failed)} failed, in {self.rounds} round(s)"
        )
        return text if self.complete else text + "; stopped by a limit before the list was empty"


def _pending_ids(
    client: Client | AuthenticatedClient, state: str, page_size: int | None, filters: dict[str, Any]
) -> list[str]:
    """The ids of every exchange in ``state``, read to the end before anything is answered (a list that
    shrinks as exchanges are answered cannot be paged while answering: each page would skip some)."""
    ids = (str(e.id) for e in paginate(list_exchanges, client, page_size=page_size, state=state, **filters))
    return list(dict.fromkeys(ids))  # an item that moved between pages while listing appears once


def answer_pending(
    client: Client | AuthenticatedClient,
    answer: Answer,
    *,
    state: str = "created",
    page_size: int | None = None,
    max_rounds: int = 10,
    max_exchanges: int | None = None,
    on_outcome: Callable[[ExchangeOutcome], None] | None = None,
    **filters: Any,
) -> PendingReport:
    """Answer every exchange in ``state`` (default ``created``) with ``answer``, each exactly once.

    Each round lists the exchanges in ``state`` to the end first (a snapshot of their ids), then answers
    the ones not handled yet (``produce``: chunked data, or an exchange error when ``answer`` raises
    ``QueryNotAnswerable``); it re-queries until a listing holds nothing new, so exchanges created meanwhile
    are answered too and none is skipped however the list pages. An exchange is never answered twice, even
    when it stays in ``state`` (e.g. after an exchange error), and one that left ``state`` before its turn
    is skipped. Bounded: at most ``max_rounds`` listings and ``max_exchanges`` exchanges (default: no limit).
    ``filters`` go to ``list_exchanges`` (``course_app_id=``, ``posted_by=``); ``on_outcome`` is called after
    each exchange (progress). An ``ApiError`` for one exchange is recorded in its outcome and the others
    are still answered; errors of the listing itself, transport errors and exceptions raised by ``answer``
    (other than ``QueryNotAnswerable``) propagate.
    """
    if max_rounds < 1:
        raise ValueError("max_rounds must be at least 1")
    handled: set[str] = set()
    report = PendingReport()
    while report.rounds < max_rounds:
        report.rounds += 1
        fresh = [i for i in _pending_ids(client, state, page_size, filters) if i not in handled]
        if not fresh:
            report.complete = True
            break
        for exchange_id in fresh:
            if max_exchanges is not None and len(handled) >= max_exchanges:
                return report
            handled.add(exchange_id)
            outcome = _answer_one(client, exchange_id, answer, state)
            report.outcomes.append(outcome)
            if on_outcome is not None:
                on_outcome(outcome)
    return report


def _answer_one(client: Client | AuthenticatedClient, exchange_id: str, answer: Answer, state: str) -> ExchangeOutcome:
    try:
        exchange = call(get_exchange, UUID(exchange_id), client=client).data
        if exchange is None:
            return ExchangeOutcome(exchange_id, skipped="the API returned no exchange for this id")
        current = exchange.state
        if current != state:
            return ExchangeOutcome(exchange_id, skipped=f"it is {current!s} now, not {state}")
        chunks, error = _produce(client, exchange, answer, (), ())
    except ApiError as exc:
        return ExchangeOutcome(exchange_id, failure=exc)
    if error is not None:
        return ExchangeOutcome(exchange_id, error_code=error.code)
    return ExchangeOutcome(exchange_id, chunks=chunks)
