"""The mock's state: JSON objects in named collections, in memory or in SQLite.

Objects are stored in their API representation; keys starting with ``_`` are internal (never served).

Writes happen in transactions (``Store.transaction()``): every write inside one is committed together or not
at all, in SQLite (one ``BEGIN IMMEDIATE`` ... ``COMMIT``) and in memory (an exception rolls both back). The mock
runs each request's handler in one transaction, so an error row and its exchange's ``error_count`` (or a
scoping replace, or an exchange's data and its artifacts) are never seen, nor found after a crash, half
written. A write outside a transaction is a transaction of its own. With a SQLite file a transaction is
committed (``synchronous=FULL``) before the method returns, so a write the mock has acknowledged survives a
restart.

Several processes can share one SQLite file (``shared=True``; ``datasync mock --workers N``). Each keeps its
objects in memory and ``refresh()`` catches up when another process has committed (SQLite's ``data_version``),
which the mock does at the start of every request. Every write also appends what it changed to the file's
``changes`` table (an inserted, updated or deleted object, or a cleared collection), so catching up reads only the
objects other processes changed since, whatever the store's size; a process that fell more than ``MAX_CHANGES``
changes behind (they are pruned) reloads everything. A transaction that writes takes SQLite's
write lock (``BEGIN IMMEDIATE``) and, if another process committed since this one last loaded, is undone with
``StaleState``: ``atomically()`` reloads and runs it again, so a read-modify-write (an ``error_count``) never
loses an update made by another worker.

A state file the mock cannot write (read-only) is refused when the store opens. A write the file refuses later
(the disk is full, the file was made read-only) undoes the whole transaction, in SQLite and in memory, and raises
``StorageError``: nothing of it is kept, and everything committed before stays.
"""

from __future__ import annotations

import copy
import errno
import json
import sqlite3
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar, overload

from datasync_openapi.contract import dumps

JSONObject = dict[str, Any]
T = TypeVar("T")

COLLECTIONS = (
    "exchanges",
    "exchange_errors",
    "batch_exchanges",
    "schedules",
    "consumer",
    "sections",
    "tenants",
    "scoping_schools",
    "scoping_courses",
    "artifacts",
)
# Mock state that is not API data (issued tokens, queued faults, schedule runs): stored like the data, so worker
# processes share it, but ``reset()`` leaves it to its owners (a reset must not revoke a client's token).
CONTROL_COLLECTIONS = ("_tokens", "_faults", "_runs")
ENCODED_CACHE = 20_000  # objects whose served JSON is remembered (then forgotten at once)
MAX_ATTEMPTS = 50  # atomically(): runs of one transaction that another process keeps overtaking
MAX_CHANGES = 10_000  # rows of the changes table kept (a process further behind reloads everything)
INSERTED, UPDATED, DELETED, CLEARED = "i", "u", "d", "c"  # kinds of change


class StaleState(Exception):
    """A transaction read objects that another process has since changed: reload and run it again."""


class StorageError(Exception):
    """The state file refused a write (``full``: no space left; otherwise read-only): the transaction was undone."""

    def __init__(self, reason: str, *, full: bool) -> None:
        super().__init__(reason)
        self.full = full


_SQLITE_READONLY, _SQLITE_FULL = 8, 13  # SQLite's primary result codes


def _storage_error(exc: BaseException) -> StorageError | None:
    """``exc`` as a ``StorageError`` when it says the file cannot take a write, else ``None``."""
    if isinstance(exc, OSError) and exc.errno == errno.ENOSPC:
        return StorageError(str(exc), full=True)
    code = getattr(exc, "sqlite_errorcode", None) if isinstance(exc, sqlite3.Error) else None
    if code is not None and code & 0xFF in (_SQLITE_FULL, _SQLITE_READONLY):
        return StorageError(str(exc), full=code & 0xFF == _SQLITE_FULL)
    return None


def public(obj: JSONObject) -> JSONObject:
    """The object without its internal (``_``-prefixed) keys."""
    return {k: v for k, v in obj.items() if not k.startswith("_")}


@dataclass
class _Transaction:
    """The open transaction: how to undo its in-memory writes, and whether SQLite's side has begun."""

    seq: int  # the store's sequence number when it began
    undo: list[Callable[[], object]] = field(default_factory=list)  # applied last first on rollback
    begun: bool = False  # BEGIN IMMEDIATE sent (at the first write, so reads cost nothing)
    change: int = 0  # the last row this transaction added to the changes table


class Store:
    """Named collections of JSON objects keyed by id, kept in insertion order.

    ``seed`` fills a fresh store; ``reset()`` empties it and seeds it again. ``path``, when given, is a
    SQLite file that holds the state across restarts (it is seeded only when it holds nothing yet).
    """

    def __init__(self, seed: Callable[[Store], None], path: str | Path | None = None, *, shared: bool = False) -> None:
        if shared and path is None:
            raise ValueError("a store shared between processes needs a SQLite file")
        self.seeder = seed  # what reset() fills the store with
        self._data: dict[str, dict[str, JSONObject]] = {name: {} for name in COLLECTIONS + CONTROL_COLLECTIONS}
        self._lock = threading.RLock()  # held by a transaction from start to end, and by every read
        self._db: sqlite3.Connection | None = None
        self._shared = shared
        self._version = 0  # SQLite's data_version when this process last loaded
        self._change = 0  # the last row of the changes table this process has applied
        self._pruned = 0  # the changes table's rows up to this one were deleted by this process
        self._seq = 0
        self._tx: _Transaction | None = None
        self._encoded: dict[int, tuple[JSONObject, bytes]] = {}  # id(obj) -> (obj, its public JSON)
        # Per collection, its keys in order, once a page was asked of it: a page is read by position in it
        # (copying a collection of 100 000 objects for one page of 100 costs more than the whole answer).
        self._keys: dict[str, list[str]] = {}
        # Counts changes to what the store holds (every write, a rolled-back transaction, a reload from the
        # file): an answer computed from the store stays right while this number has not moved.
        self.generation = 0
        if path is not None:
            self._db = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None, timeout=30)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=FULL")
            self._db.execute(
                "CREATE TABLE IF NOT EXISTS objects (collection TEXT NOT NULL, id TEXT NOT NULL, "
                "seq INTEGER NOT NULL, body TEXT NOT NULL, PRIMARY KEY (collection, id))"
            )
            self._db.execute(
                "CREATE TABLE IF NOT EXISTS changes (version INTEGER PRIMARY KEY AUTOINCREMENT, "
                "collection TEXT NOT NULL, id TEXT, kind TEXT NOT NULL)"
            )
            self._db.execute("BEGIN IMMEDIATE")  # one process seeds an empty file; the others then load it
            try:
                # A read-only file opens and reads: make the refusal of a write happen now, not on every request.
                self._db.execute("DELETE FROM objects WHERE 0")
                if self._load():
                    self._db.execute("COMMIT")
                    return
                self._tx = _Transaction(seq=0, begun=True)
                self.reset()
                self._db.execute("COMMIT")
                self._change = self._tx.change  # the write lock was held: nothing came between
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            finally:
                self._tx = None
            self._version = self._data_version()
            return
        self.reset()

    def _load(self) -> bool:
        """Replace the objects in memory with the file's; whether it held any."""
        assert self._db is not None
        # The version first: a commit landing between the two makes the next refresh reload again (harmless),
        # never leaves newer rows unnoticed behind an older version.
        version = self._data_version()
        change = self._last_change()
        rows = self._db.execute("SELECT collection, id, seq, body FROM objects ORDER BY seq").fetchall()
        data: dict[str, dict[str, JSONObject]] = {name: {} for name in COLLECTIONS + CONTROL_COLLECTIONS}
        seq = 0
        for collection, key, row_seq, body in rows:
            data.setdefault(collection, {})[key] = json.loads(body)
            seq = max(seq, row_seq)
        self._data, self._seq, self._version, self._change = data, seq, version, change
        self._encoded.clear()
        self._keys.clear()
        self.generation += 1
        return bool(rows)

    def _data_version(self) -> int:
        assert self._db is not None
        return int(self._db.execute("PRAGMA data_version").fetchone()[0])

    def _last_change(self) -> int:
        assert self._db is not None
        return int(self._db.execute("SELECT COALESCE(MAX(version), 0) FROM changes").fetchone()[0])

    def refresh(self) -> None:
        """Catch up with what other processes committed since (only for a shared store): the objects they
        changed, read again; everything when this process is too far behind."""
        if self._shared and self._db is not None:
            with self._lock:
                if self._tx is None and self._data_version() != self._version:
                    self._catch_up()

    def _catch_up(self) -> None:
        assert self._db is not None
        version = self._data_version()  # first: a commit landing meanwhile is caught up with next time
        changes = self._db.execute(
            "SELECT version, collection, id, kind FROM changes WHERE version > ? ORDER BY version LIMIT ?",
            (self._change, MAX_CHANGES + 1),
        ).fetchall()
        if not changes:
            self._version = version
            return
        if changes[0][0] != self._change + 1 or len(changes) > MAX_CHANGES:  # pruned past us: all again
            self._load()
            return
        for _version, collection, key, kind in changes:
            objects = self._data.setdefault(collection, {})
            if kind == CLEARED:
                rows = self._db.execute(
                    "SELECT id, seq, body FROM objects WHERE collection = ? ORDER BY seq", (collection,)
                ).fetchall()
                for obj in objects.values():
                    self._encoded.pop(id(obj), None)
                self._keys.pop(collection, None)
                self._data[collection] = {k: json.loads(body) for k, _seq, body in rows}
                self._seq = max([self._seq, *(seq for _k, seq, _b in rows)])
                continue
            old = objects.pop(key, None) if kind != UPDATED else objects.get(key)
            if old is not None:
                self._encoded.pop(id(old), None)
            row = None
            if kind != DELETED:
                row = self._db.execute(
                    "SELECT seq, body FROM objects WHERE collection = ? AND id = ?", (collection, key)
                ).fetchone()
            if row is None:  # deleted (perhaps by a later change, applied next)
                objects.pop(key, None)
                self._keys.pop(collection, None)
                continue
            keys = self._keys.get(collection)
            if keys is not None:
                if kind == INSERTED and old is None:
                    keys.append(key)
                elif kind != UPDATED or old is None:  # not a plain append or update: found again when asked
                    self._keys.pop(collection, None)
            objects[key] = json.loads(row[1])  # an update keeps its place, an insert goes last
            self._seq = max(self._seq, int(row[0]))
        self._change = changes[-1][0]
        self._version = version
        self.generation += 1

    def encoded(self, obj: JSONObject) -> bytes:
        """``obj``'s public JSON as served, remembered until the store replaces or drops that object (stored
        objects are never changed in place: ``update`` copies), so a list page is encoded once, not per request."""
        hit = self._encoded.get(id(obj))
        if hit is not None and hit[0] is obj:
            return hit[1]
        data = dumps(public(obj))
        if len(self._encoded) >= ENCODED_CACHE:
            self._encoded.clear()
        self._encoded[id(obj)] = (obj, data)
        return data

    def atomically(self, func: Callable[[], T]) -> T:
        """``func()`` in one transaction; run again on fresh state while another process overtakes it."""
        for _attempt in range(MAX_ATTEMPTS - 1):
            try:
                with self.transaction():
                    return func()
            except StaleState:
                self.refresh()
        with self.transaction():
            return func()

    # -- transactions ---------------------------------------------------------------------------------------
    @contextmanager
    def transaction(self) -> Iterator[None]:
        """All writes inside are one transaction: committed together when the block ends, or, if it raises,
        none of them (SQLite rolled back, memory restored). Other threads wait for it to end, so they never
        see it half done. A transaction inside another is part of the outer one."""
        with self._lock:
            if self._tx is not None:
                yield
                return
            tx = self._tx = _Transaction(seq=self._seq)
            try:
                yield
                if tx.begun and self._db is not None:
                    if tx.change - MAX_CHANGES > self._pruned + MAX_CHANGES // 10:  # now and then: keep the last
                        self._pruned = tx.change - MAX_CHANGES
                        self._db.execute("DELETE FROM changes WHERE version <= ?", (self._pruned,))
                    self._db.execute("COMMIT")
                    if tx.change:
                        self._change = tx.change
            except BaseException as exc:
                try:  # SQLite may have rolled back itself (a full disk): memory is restored whatever happens
                    if self._db is not None and self._db.in_transaction:
                        self._db.execute("ROLLBACK")
                finally:
                    for undo in reversed(tx.undo):
                        undo()
                    self._encoded.clear()
                    self._keys.clear()
                    self.generation += 1
                    self._seq = tx.seq
                storage = _storage_error(exc)
                if storage is not None:
                    raise storage from exc
                raise
            finally:
                self._tx = None

    def _write(self, sql: str, params: tuple[Any, ...], change: tuple[str, str | None, str]) -> None:
        """One SQL write inside the open transaction (which begins in SQLite at its first write), and the
        ``change`` (collection, id, kind) it makes, for the other processes."""
        assert self._tx is not None
        if self._db is None:
            return
        if not self._tx.begun:
            self._db.execute("BEGIN IMMEDIATE")
            self._tx.begun = True
            if self._shared and self._data_version() != self._version:
                raise StaleState  # read before another process's commit: undone, atomically() runs it again
        self._db.execute(sql, params)
        cursor = self._db.execute("INSERT INTO changes (collection, id, kind) VALUES (?, ?, ?)", change)
        self._tx.change = cursor.lastrowid or 0

    def _undo(self, action: Callable[[], object]) -> None:
        assert self._tx is not None
        self._tx.undo.append(action)

    # -- whole-store operations -------------------------------------------------------------------------
    def reset(self) -> None:
        """Forget everything and load the deterministic demo data again (one transaction)."""
        with self.transaction():
            for collection in COLLECTIONS:
                self.clear(collection)
            self.seeder(self)

    def close(self) -> None:
        with self._lock:
            if self._db is not None:
                self._db.close()
                self._db = None

    # -- reads ------------------------------------------------------------------------------------------
    def get(self, collection: str, key: str) -> JSONObject | None:
        with self._lock:
            return self._data[collection].get(key)

    def all(self, collection: str) -> list[JSONObject]:
        with self._lock:
            return list(self._data[collection].values())

    def view(self, collection: str) -> View:
        """The collection as a sequence a page is sliced from without copying it all (``len``, slices)."""
        return View(self, collection)

    def _page(self, collection: str, start: int, stop: int) -> list[JSONObject]:
        with self._lock:
            keys = self._keys.get(collection)
            if keys is None:
                keys = self._keys[collection] = list(self._data[collection])
            objects = self._data[collection]
            return [objects[key] for key in keys[start:stop]]

    def count(self, collection: str) -> int:
        with self._lock:
            return len(self._data[collection])

    def items(self, collection: str) -> Iterator[tuple[str, JSONObject]]:
        with self._lock:
            return iter(list(self._data[collection].items()))

    # -- writes (durable once the outermost transaction ends) ---------------------------------------------
    def put(self, collection: str, key: str, obj: JSONObject) -> JSONObject:
        with self.transaction():
            objects = self._data[collection]
            body = json.dumps(obj, separators=(",", ":"), allow_nan=False) if self._db is not None else ""
            if key in objects:
                self._write(
                    "UPDATE objects SET body = ? WHERE collection = ? AND id = ?",
                    (body, collection, key),
                    (collection, key, UPDATED),
                )
                previous = objects[key]
                self._undo(lambda: self._data[collection].__setitem__(key, previous))  # keeps its place
            else:
                keys = self._keys.get(collection)
                if keys is not None:
                    keys.append(key)
                self._seq += 1
                self._write(
                    "INSERT INTO objects (collection, id, seq, body) VALUES (?, ?, ?, ?)",
                    (collection, key, self._seq, body),
                    (collection, key, INSERTED),
                )
                self._undo(lambda: self._data[collection].pop(key))  # the last inserted: undone first
            if key in objects:
                self._encoded.pop(id(objects[key]), None)
            self._encoded.pop(id(obj), None)  # put again after a change in place: encode it afresh
            objects[key] = obj
            self.generation += 1
            return obj

    def update(self, collection: str, key: str, **changes: Any) -> JSONObject:
        with self.transaction():
            obj = copy.deepcopy(self._data[collection][key])
            obj.update(changes)
            return self.put(collection, key, obj)

    def delete(self, collection: str, key: str) -> bool:
        with self.transaction():
            objects = self._data[collection]
            if key not in objects:
                return False
            self._write(
                "DELETE FROM objects WHERE collection = ? AND id = ?", (collection, key), (collection, key, DELETED)
            )
            self._undo(lambda: self._data.__setitem__(collection, objects))  # the dict as it was, order kept
            self._encoded.pop(id(objects[key]), None)
            self._keys.pop(collection, None)
            self._data[collection] = {k: v for k, v in objects.items() if k != key}
            self.generation += 1
            return True

    def clear(self, collection: str) -> None:
        with self.transaction():
            objects = self._data[collection]
            self._write("DELETE FROM objects WHERE collection = ?", (collection,), (collection, None, CLEARED))
            self._undo(lambda: self._data.__setitem__(collection, objects))
            for obj in objects.values():
                self._encoded.pop(id(obj), None)
            self._keys.pop(collection, None)
            self._data[collection] = {}
            self.generation += 1


class View(Sequence[JSONObject]):
    """A collection as ``page_of`` reads it: its length, and slices of it (objects at those positions)."""

    def __init__(self, store: Store, collection: str) -> None:
        self._store, self._collection = store, collection

    def __len__(self) -> int:
        return self._store.count(self._collection)

    @overload
    def __getitem__(self, index: int) -> JSONObject: ...

    @overload
    def __getitem__(self, index: slice) -> list[JSONObject]: ...

    def __getitem__(self, index: int | slice) -> JSONObject | list[JSONObject]:
        if isinstance(index, int):
            position = range(len(self))[index]  # IndexError as a list's
            return self._store._page(self._collection, position, position + 1)[0]
        start, stop, step = index.indices(len(self))
        if step != 1:
            raise ValueError("a view is sliced in steps of 1")
        return self._store._page(self._collection, start, stop)


__all__ = ["COLLECTIONS", "CONTROL_COLLECTIONS", "JSONObject", "StorageError", "Store", "View", "public"]
