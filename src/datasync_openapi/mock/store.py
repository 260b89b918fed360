"""The mock's state: JSON objects in named collections, in memory or in SQLite.

Objects are stored in their API representation; keys starting with ``_`` are internal (never served).
With a SQLite file every write is committed (``synchronous=FULL``) before the method returns, so a write
the mock has acknowledged survives a restart.
"""

from __future__ import annotations

import copy
import json
import sqlite3
import threading
from collections.abc import Callable, Iterator
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


class Store:
    """Named collections of JSON objects keyed by id, kept in insertion order.

    ``seed`` fills a fresh store; ``reset()`` empties it and seeds it again. ``path``, when given, is a
    SQLite file that holds the state across restarts (it is seeded only when it holds nothing yet).
    """

    def __init__(self, seed: Callable[[Store], None], path: str | Path | None = None) -> None:
        self._seed = seed
        self._data: dict[str, dict[str, JSONObject]] = {name: {} for name in COLLECTIONS}
        self._lock = threading.RLock()
        self._db: sqlite3.Connection | None = None
        self._seq = 0
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

    # -- whole-store operations -------------------------------------------------------------------------
    def reset(self) -> None:
        """Forget everything and load the deterministic demo data again."""
        with self._lock:
            for objects in self._data.values():
                objects.clear()
            self._seq = 0
            if self._db is not None:
                self._db.execute("DELETE FROM objects")
            self._seed(self)

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None

    # -- reads ------------------------------------------------------------------------------------------
    def get(self, collection: str, key: str) -> JSONObject | None:
        return self._data[collection].get(key)

    def all(self, collection: str) -> list[JSONObject]:
        return list(self._data[collection].values())

    def items(self, collection: str) -> Iterator[tuple[str, JSONObject]]:
        return iter(list(self._data[collection].items()))

    # -- writes (durable once they return) ----------------------------------------------------------------
    def put(self, collection: str, key: str, obj: JSONObject) -> JSONObject:
        with self._lock:
            existing = key in self._data[collection]
            self._data[collection][key] = obj
            if self._db is not None:
                body = json.dumps(obj, separators=(",", ":"))
                if existing:
                    self._db.execute(
                        "UPDATE objects SET body = ? WHERE collection = ? AND id = ?", (body, collection, key)
                    )
                else:
                    self._seq += 1
                    self._db.execute(
                        "INSERT INTO objects (collection, id, seq, body) VALUES (?, ?, ?, ?)",
                        (collection, key, self._seq, body),
                    )
            return obj

    def update(self, collection: str, key: str, **changes: Any) -> JSONObject:
        obj = copy.deepcopy(self._data[collection][key])
        obj.update(changes)
        return self.put(collection, key, obj)

    def delete(self, collection: str, key: str) -> bool:
        with self._lock:
            found = self._data[collection].pop(key, None) is not None
            if found and self._db is not None:
                self._db.execute("DELETE FROM objects WHERE collection = ? AND id = ?", (collection, key))
            return found

    def clear(self, collection: str) -> None:
        with self._lock:
            self._data[collection].clear()
            if self._db is not None:
                self._db.execute("DELETE FROM objects WHERE collection = ?", (collection,))
