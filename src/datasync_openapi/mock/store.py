"""The mock's state: JSON objects in named collections, in memory or in SQLite.

Objects are stored in their API representation; keys starting with ``_`` are internal (never served).

Writes happen in transactions (``Store.transaction()``): every write inside one is committed together or not
at all, in SQLite (one ``BEGIN IMMEDIATE`` ... ``COMMIT``) and in memory (an exception rolls both back). The mock
runs each request's handler in one transaction, so an error row and its exchange's ``error_count`` (or a
scoping replace, or an exchange's data and its artifacts) are never seen, nor found after a crash, half
written. A write outside a transaction is a transaction of its own. With a SQLite file a transaction is
committed (``synchronous=FULL``) before the method returns, so a write the mock has acknowledged survives a
restart.
"""

from __future__ import annotations

import copy
import json
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

JSONObject = dict[str, Any]

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


def public(obj: JSONObject) -> JSONObject:
    """The object without its internal (``_``-prefixed) keys."""
    return {k: v for k, v in obj.items() if not k.startswith("_")}


@dataclass
class _Transaction:
    """The open transaction: how to undo its in-memory writes, and whether SQLite's side has begun."""

    seq: int  # the store's sequence number when it began
    undo: list[Callable[[], object]] = field(default_factory=list)  # applied last first on rollback
    begun: bool = False  # BEGIN IMMEDIATE sent (at the first write, so reads cost nothing)


class Store:
    """Named collections of JSON objects keyed by id, kept in insertion order.

    ``seed`` fills a fresh store; ``reset()`` empties it and seeds it again. ``path``, when given, is a
    SQLite file that holds the state across restarts (it is seeded only when it holds nothing yet).
    """

    def __init__(self, seed: Callable[[Store], None], path: str | Path | None = None) -> None:
        self._seed = seed
        self._data: dict[str, dict[str, JSONObject]] = {name: {} for name in COLLECTIONS}
        self._lock = threading.RLock()  # held by a transaction from start to end, and by every read
        self._db: sqlite3.Connection | None = None
        self._seq = 0
        self._tx: _Transaction | None = None
        if path is not None:
            self._db = sqlite3.connect(str(path), check_same_thread=False, isolation_level=None)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=FULL")
            self._db.execute(
                "CREATE TABLE IF NOT EXISTS objects (collection TEXT NOT NULL, id TEXT NOT NULL, "
                "seq INTEGER NOT NULL, body TEXT NOT NULL, PRIMARY KEY (collection, id))"
            )
            rows = self._db.execute("SELECT collection, id, seq, body FROM objects ORDER BY seq").fetchall()
            for collection, key, seq, body in rows:
                self._data.setdefault(collection, {})[key] = json.loads(body)
                self._seq = max(self._seq, seq)
            if rows:
                return
        self.reset()

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
                    self._db.execute("COMMIT")
            except BaseException:
                if self._db is not None and self._db.in_transaction:
                    self._db.execute("ROLLBACK")
                for undo in reversed(tx.undo):
                    undo()
                self._seq = tx.seq
                raise
            finally:
                self._tx = None

    def _write(self, sql: str, params: tuple[Any, ...]) -> None:
        """One SQL write inside the open transaction (which begins in SQLite at its first write)."""
        assert self._tx is not None
        if self._db is None:
            return
        if not self._tx.begun:
            self._db.execute("BEGIN IMMEDIATE")
            self._tx.begun = True
        self._db.execute(sql, params)

    def _undo(self, action: Callable[[], object]) -> None:
        assert self._tx is not None
        self._tx.undo.append(action)

    # -- whole-store operations -------------------------------------------------------------------------
    def reset(self) -> None:
        """Forget everything and load the deterministic demo data again (one transaction)."""
        with self.transaction():
            for collection in list(self._data):
                self.clear(collection)
            self._seq = 0
            self._seed(self)

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

    def items(self, collection: str) -> Iterator[tuple[str, JSONObject]]:
        with self._lock:
            return iter(list(self._data[collection].items()))

    # -- writes (durable once the outermost transaction ends) ---------------------------------------------
    def put(self, collection: str, key: str, obj: JSONObject) -> JSONObject:
        with self.transaction():
            objects = self._data[collection]
            body = json.dumps(obj, separators=(",", ":"), allow_nan=False) if self._db is not None else ""
            if key in objects:
                self._write("UPDATE objects SET body = ? WHERE collection = ? AND id = ?", (body, collection, key))
                previous = objects[key]
                self._undo(lambda: self._data[collection].__setitem__(key, previous))  # keeps its place
            else:
                self._seq += 1
                self._write(
                    "INSERT INTO objects (collection, id, seq, body) VALUES (?, ?, ?, ?)",
                    (collection, key, self._seq, body),
                )
                self._undo(lambda: self._data[collection].pop(key))  # the last inserted: undone first
            objects[key] = obj
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
            self._write("DELETE FROM objects WHERE collection = ? AND id = ?", (collection, key))
            self._undo(lambda: self._data.__setitem__(collection, objects))  # the dict as it was, order kept
            self._data[collection] = {k: v for k, v in objects.items() if k != key}
            return True

    def clear(self, collection: str) -> None:
        with self.transaction():
            objects = self._data[collection]
            self._write("DELETE FROM objects WHERE collection = ?", (collection,))
            self._undo(lambda: self._data.__setitem__(collection, objects))
            self._data[collection] = {}
