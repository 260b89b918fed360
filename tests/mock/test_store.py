"""Store transactions: all the writes of one, or none, in memory and in the SQLite state file.

The crash-safety of the whole (``kill -9`` under load) is in tests/mock/test_crash_consistency.py; here a
write is made to fail in the middle of a transaction, and nothing of it may remain.
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path
from typing import Any

import httpx
import pytest

from datasync_openapi.mock import DEMO_TOKEN, MockApp, MockConfig, create_app
from datasync_openapi.mock.seed import EXCHANGE_COMPLETED, EXCHANGE_CREATED, EXCHANGE_PROCESSING
from datasync_openapi.mock.store import JSONObject, Store

G = "/v2/grades"
SCHOOLS = "/v2/interop/tenant/scoping/schools"
BEARER = {"Authorization": f"Bearer {DEMO_TOKEN}"}


class Boom(Exception):
    pass


def call(app: MockApp, method: str, url: str, body: Any = None) -> httpx.Response:
    async def go() -> httpx.Response:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://mock") as client:
            return await client.request(method, url, json=body, headers=BEARER)

    return asyncio.run(go())


def snapshot(store: Store) -> dict[str, list[tuple[str, JSONObject]]]:
    """Every collection's (id, object) pairs in order."""
    return {name: list(store.items(name)) for name in ("exchanges", "exchange_errors", "artifacts", "scoping_schools")}


def fail_on_write(store: Store, monkeypatch: pytest.MonkeyPatch, collection: str, nth: int = 1) -> None:
    """Make the ``nth`` write (put) to ``collection`` raise, as a full disk or a bug would."""
    real_put = store.put
    seen = 0

    def put(name: str, key: str, obj: JSONObject) -> JSONObject:
        nonlocal seen
        if name == collection:
            seen += 1
            if seen == nth:
                raise Boom(f"write {nth} to {collection} failed")
        return real_put(name, key, obj)

    monkeypatch.setattr(store, "put", put)


@pytest.fixture(params=["memory", "sqlite"])
def state_file(request: pytest.FixtureRequest, tmp_path: Path) -> Path | None:
    return tmp_path / "state.sqlite" if request.param == "sqlite" else None


@pytest.mark.parametrize(
    ("method", "url", "body", "failing", "nth"),
    [
        # the error row is written, then the exchange's error_count: the second write fails
        ("POST", f"{G}/exchanges/{EXCHANGE_PROCESSING}/errors", {"code": "x"}, "exchanges", 1),
        # the final chunk writes the details and consumer-logs artifacts, then the exchange
        (
            "POST",
            f"{G}/exchanges/{EXCHANGE_CREATED}/data",
            {"assignments": [{"name": "a"}], "final": True},
            "exchanges",
            1,
        ),
        # a scoping replace clears the set, then writes each item: the second item fails
        ("POST", SCHOOLS, {"data": [{"name": "one"}, {"name": "two"}]}, "scoping_schools", 2),
    ],
    ids=["error-and-count", "data-and-artifacts", "scoping-replace"],
)
def test_a_request_whose_later_write_fails_leaves_nothing_behind(
    state_file: Path | None,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    method: str,
    url: str,
    body: Any,
    failing: str,
    nth: int,
) -> None:
    app = create_app(MockConfig(state_file=state_file))
    before = snapshot(app.store)
    fail_on_write(app.store, monkeypatch, failing, nth)
    with caplog.at_level(logging.ERROR, logger="datasync_openapi.mock"):
        response = call(app, method, url, body)
    assert response.status_code == 500
    assert "Boom" in caplog.text
    assert snapshot(app.store) == before
    errors = call(app, "GET", f"{G}/exchanges/{EXCHANGE_PROCESSING}/errors").json()["data"]
    count = call(app, "GET", f"{G}/exchanges/{EXCHANGE_PROCESSING}").json()["data"]["error_count"]
    assert count == len(errors) == 2
    monkeypatch.undo()
    app.close()
    if state_file is not None:  # and the file holds what memory holds: the transaction was rolled back there too
        reopened = create_app(MockConfig(state_file=state_file))
        assert snapshot(reopened.store) == before
        reopened.close()


def test_a_rollback_restores_every_collection_in_its_order(state_file: Path | None) -> None:
    store = create_app(MockConfig(state_file=state_file)).store
    before = snapshot(store)
    first_exchange = store.all("exchanges")[0]["id"]

    def writes_then_fails() -> None:
        with store.transaction():
            store.update("exchanges", EXCHANGE_COMPLETED, state="failed")
            assert store.delete("exchanges", first_exchange)
            store.put("exchanges", "new", {"id": "new"})
            store.put("exchanges", first_exchange, {"id": first_exchange, "back": True})  # re-added: now last
            store.clear("scoping_schools")
            store.put("scoping_schools", "s", {"school_id": "s"})
            with store.transaction():  # nested: part of the outer transaction
                store.put("artifacts", "a", {"content": 1})
            raise Boom

    with pytest.raises(Boom):
        writes_then_fails()
    assert snapshot(store) == before
    store.put("exchanges", "after", {"id": "after"})  # the sequence goes on from where it was
    assert [key for key, _ in store.items("exchanges")][-1] == "after"
    store.close()
    if state_file is not None:
        reopened = Store(lambda s: None, state_file)
        expected = {name: list(items) for name, items in before.items()}
        expected["exchanges"].append(("after", {"id": "after"}))
        assert snapshot(reopened) == expected
        reopened.close()


def test_a_transaction_commits_all_its_writes(tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite"
    store = create_app(MockConfig(state_file=path)).store
    with store.transaction():
        store.put("exchanges", "x", {"id": "x"})
        store.delete("scoping_schools", store.all("scoping_schools")[0]["school_id"])
    after = snapshot(store)
    store.close()
    reopened = Store(lambda s: None, path)
    assert snapshot(reopened) == after
    reopened.close()


def test_a_value_the_state_file_cannot_hold_is_refused_before_anything_changes(tmp_path: Path) -> None:
    store = create_app(MockConfig(state_file=tmp_path / "state.sqlite")).store
    before = snapshot(store)

    def writes() -> None:
        with store.transaction():
            store.put("exchanges", "x", {"id": "x"})
            store.update("exchanges", EXCHANGE_CREATED, metadata={"x": float("nan")})

    with pytest.raises(ValueError, match="JSON compliant"):
        writes()
    assert snapshot(store) == before
    store.close()


def test_the_generation_names_one_content_of_the_store(tmp_path: Path) -> None:
    """The mock remembers GET answers per ``Store.generation``: every change of what the store holds, a rollback
    and a reload of another process's writes included, must give a number never used before; reads none."""
    from datasync_openapi.mock.seed import seed

    path = tmp_path / "state.sqlite"
    store, other = Store(seed, path, shared=True), Store(seed, path, shared=True)
    try:
        used = [store.generation]

        def fresh() -> None:
            assert store.generation not in used
            used.append(store.generation)

        store.put("exchanges", "x", {"id": "x"})
        fresh()
        store.update("exchanges", "x", state="created")
        fresh()
        store.delete("exchanges", "x")
        fresh()
        store.clear("exchange_errors")
        fresh()
        store.reset()
        fresh()

        def fail() -> None:
            store.put("exchanges", "y", {"id": "y"})
            used.append(store.generation)  # the number of the state that is about to be undone
            raise Boom

        with pytest.raises(Boom):
            store.atomically(fail)
        fresh()
        store.get("exchanges", EXCHANGE_CREATED)
        store.all("exchanges")
        store.count("exchanges")
        list(store.items("exchanges"))
        store.refresh()  # nothing new in the file
        assert store.generation == used[-1]
        other.refresh()
        other.put("exchanges", "z", {"id": "z"})
        store.refresh()
        fresh()
        assert store.get("exchanges", "z") == {"id": "z"}
    finally:
        store.close()
        other.close()
