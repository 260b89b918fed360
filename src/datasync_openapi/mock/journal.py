"""The mock's request log and request journal: what a failing test asks first, "what did my code send?".

**The log**: one line per request the mock answered, at level INFO on the logger
``datasync_openapi.mock.requests`` (``datasync mock`` prints it on stderr; ``--quiet`` silences it)::

    datasync mock: POST /v2/grades/exchanges/e10.../data 200 1.4 ms createExchangeData

The method, the path and query as sent (secret-named query values ``[redacted]``, the text made ``printable`` so a
client cannot forge a line or drive the terminal), the status, the time the mock took and the operationId
(``-`` when the request matched no operation). Never a header, a body or a credential.

**The journal**: the same requests as JSON objects, oldest first, at most ``JOURNAL_CAP`` of them (a ring: the
oldest is dropped when one more comes)::

    {"seq": 7, "at": "2026-01-05T08:00:00.000Z", "operation": "createExchangeData", "method": "POST",
     "path": "/v2/grades/exchanges/e10.../data", "query": {"page": "2"}, "body": {...}, "body_size": 312,
     "status": 200, "duration_ms": 1.4}

``query`` maps each parameter to its value (to a list of them when it came more than once); ``body`` is the
request body as the mock parsed it (JSON, or the fields of a form), with the values of secret fields
``[redacted]`` (``findings.redact``'s policy: ``client_secret``, ``password``, ``token``...; of the token
request every field but ``grant_type`` and ``scope``), or ``null`` when there was none, it was not JSON or a form,
or it was larger than ``JOURNAL_BODY_BYTES`` (``body_size`` still says how large). API requests and
``/oauth/token`` are journaled; the ``/_mock/`` controls are not.

Read it with ``GET /_mock/requests`` (``?operation=createExchangeData&method=POST&path=/v2/grades/exchanges``:
the operationId, the method, a prefix of the path; all optional, combined with "and"), clear it with
``DELETE /_mock/requests``; in a test, ``datasync_mock.requests(operation=..., method=..., path=...)``.

One process keeps the journal in memory (``MemoryJournal``). ``datasync mock --workers N`` shares one journal
between its workers (``SharedJournal``: a SQLite file of its own, outside the state file, removed on exit), so any
worker answers ``GET /_mock/requests`` with the requests all of them answered, in the order they were recorded.
"""

from __future__ import annotations

import collections
import contextlib
import json
import logging
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import parse_qsl

from datasync_openapi.findings.neutral import printable
from datasync_openapi.findings.redact import PUBLIC_FORM_FIELDS, REDACTED, redacted, secret_name

JOURNAL_CAP = 1000  # requests kept; the oldest goes when one more comes
JOURNAL_BODY_BYTES = 64 * 1024  # a larger request body is journaled as null (its size is kept)
MAX_LOGGED_TARGET = 2048  # characters of path and query in a log line
log = logging.getLogger("datasync_openapi.mock.requests")

Entry = dict[str, Any]


@dataclass(frozen=True, slots=True)
class Raw:
    """One answered request as recorded: made into an ``Entry`` only when the journal is read (one process), or
    when it is shared (workers), so a request costs the mock little more than keeping this."""

    at: float
    duration_ms: float
    method: str
    path: str
    raw_query: bytes
    operation: str | None
    status: int
    body: bytes | None  # None: larger than JOURNAL_BODY_BYTES
    body_size: int
    parsed: Any
    content_type: str

    def entry(self) -> Entry:
        query = parse_qsl(self.raw_query.decode("latin-1"), keep_blank_values=True) if self.raw_query else []
        token = self.path == "/oauth/token"
        return {
            "at": iso(self.at),
            "operation": self.operation,
            "method": self.method,
            "path": self.path,
            "query": query_of(query),
            "body": None if self.body is None else body_of(self.body, self.parsed, self.content_type, token),
            "body_size": self.body_size,
            "status": self.status,
            "duration_ms": round(self.duration_ms, 3),
        }


class Journal(Protocol):
    def record(self, raw: Raw) -> None: ...

    def entries(self, operation: str | None = None, method: str | None = None, path: str | None = None) -> list[Entry]:
        """The journaled requests, oldest first, that match every filter given."""
        ...

    def clear(self) -> None: ...

    def close(self) -> None: ...


def _matches(entry: Entry, operation: str | None, method: str | None, path: str | None) -> bool:
    return (
        (operation is None or (entry.get("operation") or "").lower() == operation.lower())
        and (method is None or entry["method"] == method.upper())
        and (path is None or entry["path"].startswith(path))
    )


class MemoryJournal:
    """The journal of one process: a ring of ``cap`` entries. Thread-safe (a test reads it while the server's
    thread writes)."""

    def __init__(self, cap: int = JOURNAL_CAP) -> None:
        self._entries: collections.deque[tuple[int, Raw]] = collections.deque(maxlen=cap)
        self._lock = threading.Lock()
        self._seq = 0

    def record(self, raw: Raw) -> None:
        with self._lock:
            self._seq += 1
            self._entries.append((self._seq, raw))

    def entries(self, operation: str | None = None, method: str | None = None, path: str | None = None) -> list[Entry]:
        with self._lock:
            found = list(self._entries)
        made = ({"seq": seq, **raw.entry()} for seq, raw in found)
        return [e for e in made if _matches(e, operation, method, path)]

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def close(self) -> None:
        pass


class SharedJournal:
    """The journal of all the worker processes of one ``datasync mock --workers N``: a SQLite file of its own (not
    the state file: journaling a request must not make the other workers reload their state), the last ``cap``
    requests kept."""

    def __init__(self, path: str | Path, cap: int = JOURNAL_CAP) -> None:
        self._cap = cap
        self._lock = threading.Lock()
        self._db = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None, timeout=30)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=OFF")  # a record of requests, not data: a crash may lose the last few
        self._db.execute("CREATE TABLE IF NOT EXISTS requests (seq INTEGER PRIMARY KEY AUTOINCREMENT, entry TEXT)")

    def record(self, raw: Raw) -> None:
        text = json.dumps(raw.entry(), separators=(",", ":"), ensure_ascii=False, default=str)
        with self._lock:
            cursor = self._db.execute("INSERT INTO requests (entry) VALUES (?)", (text,))
            seq = cursor.lastrowid or 0
            if seq > self._cap:
                self._db.execute("DELETE FROM requests WHERE seq <= ?", (seq - self._cap,))

    def entries(self, operation: str | None = None, method: str | None = None, path: str | None = None) -> list[Entry]:
        with self._lock:
            rows = self._db.execute("SELECT seq, entry FROM requests ORDER BY seq").fetchall()
        found = [{"seq": seq, **json.loads(text)} for seq, text in rows]
        return [e for e in found if _matches(e, operation, method, path)]

    def clear(self) -> None:
        with self._lock:
            self._db.execute("DELETE FROM requests")

    def close(self) -> None:
        with self._lock:
            self._db.close()


# -- one entry -------------------------------------------------------------------------------------------------
def query_of(pairs: list[tuple[str, str]]) -> dict[str, Any]:
    """Query parameters as a dict (a list of values for a repeated name), secret-named values redacted."""
    out: dict[str, Any] = {}
    for name, value in pairs:
        value = REDACTED if secret_name(name) else value
        if name in out:
            previous = out[name]
            out[name] = [*previous, value] if isinstance(previous, list) else [previous, value]
        else:
            out[name] = value
    return out


def body_of(raw: bytes, parsed: Any, content_type: str, token: bool) -> Any:
    """The request body as journaled: parsed (JSON, or a form's fields), secrets redacted; ``None`` for none,
    another kind of body, or one larger than ``JOURNAL_BODY_BYTES``."""
    if not raw or len(raw) > JOURNAL_BODY_BYTES:
        return None
    media = content_type.split(";", 1)[0].strip().lower()
    if media == "application/x-www-form-urlencoded":
        fields = parse_qsl(raw.decode("utf-8", "replace"), keep_blank_values=True)
        if token:
            return {n: v if n in PUBLIC_FORM_FIELDS else REDACTED for n, v in fields}
        return query_of(fields)
    if parsed is None:
        try:
            parsed = json.loads(raw)
        except (ValueError, RecursionError):
            return None
    if token and isinstance(parsed, dict):
        return {n: v if n in PUBLIC_FORM_FIELDS else REDACTED for n, v in parsed.items()}
    return redacted(parsed)


FILTERS = ("operation", "method", "path")


def filters(raw_query: bytes) -> dict[str, str]:
    """The filters of ``GET /_mock/requests?operation=&method=&path=``; a 400 for anything else."""
    from datasync_openapi.contract import bad_request

    found: dict[str, str] = {}
    for name, value in parse_qsl(raw_query.decode("latin-1"), keep_blank_values=True):
        if name not in FILTERS:
            raise bad_request(f"query: unknown filter {printable(name[:40])!r}; the filters are {', '.join(FILTERS)}")
        if name in found:
            raise bad_request(f"query: {name} given more than once")
        found[name] = value
    return found


def iso(timestamp: float) -> str:
    return datetime.fromtimestamp(timestamp, UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def target(path: str, query: bytes) -> str:
    """Path and query for a log line: secret-named query values redacted, made printable, bounded."""
    text = path
    if query:
        pairs = parse_qsl(query.decode("latin-1"), keep_blank_values=True)
        if any(secret_name(name) for name, _ in pairs):
            text += "?" + "&".join(f"{n}={REDACTED if secret_name(n) else v}" for n, v in pairs)
        else:
            text += "?" + query.decode("latin-1")
    if len(text) > MAX_LOGGED_TARGET:
        text = text[:MAX_LOGGED_TARGET] + "..."
    return printable(text)


class Recorder:
    """What ``MockApp`` calls once per answered request: the log line, then the journal entry."""

    def __init__(self, journal: Journal, clock: Callable[[], float] = time.time) -> None:
        self.journal = journal
        self.clock = clock

    def __call__(
        self,
        *,
        method: str,
        path: str,
        raw_query: bytes,
        operation: str | None,
        status: int,
        started: float,
        raw_body: bytes,
        parsed: Any,
        content_type: str,
    ) -> None:
        elapsed_ms = (time.perf_counter() - started) * 1000
        if log.isEnabledFor(logging.INFO):
            log.info("%s %s %d %.1f ms %s", method, target(path, raw_query), status, elapsed_ms, operation or "-")
        size = len(raw_body)
        kept = size <= JOURNAL_BODY_BYTES  # a larger body (and its parsed form) is not held
        body, parsed = (raw_body, parsed) if kept else (None, None)
        fields = (method, path, raw_query, operation, status, body, size, parsed, content_type)
        raw = Raw(self.clock(), elapsed_ms, *fields)
        self.journal.record(raw)


def configure_logging(quiet: bool, level: str = "info") -> None:
    """The request log on stderr (``datasync mock``, in each worker process), or nothing when ``quiet``."""
    import sys

    from datasync_openapi.findings.redact import PrintableFilter

    if quiet:
        log.setLevel(logging.WARNING)
        return
    if not log.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("datasync mock: %(message)s"))
        handler.addFilter(PrintableFilter())
        log.addHandler(handler)
    log.setLevel(logging.getLevelName(level.upper()))
    log.propagate = False


@contextlib.contextmanager
def request_log(quiet: bool, level: str = "info") -> Iterator[None]:
    """``configure_logging`` while the block runs (``datasync mock`` serving), the logger as it was afterwards."""
    saved = (log.level, log.propagate, list(log.handlers))
    configure_logging(quiet, level)
    try:
        yield
    finally:
        log.setLevel(saved[0])
        log.propagate = saved[1]
        for handler in [h for h in log.handlers if h not in saved[2]]:
            log.removeHandler(handler)


__all__ = [
    "JOURNAL_BODY_BYTES",
    "JOURNAL_CAP",
    "Journal",
    "MemoryJournal",
    "Raw",
    "Recorder",
    "SharedJournal",
    "configure_logging",
    "filters",
    "request_log",
]
