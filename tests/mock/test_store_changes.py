"""A shared store catches up with another process's writes by the objects they changed, not by reloading all.

Two ``Store`` objects on one SQLite file stand for two worker processes. After any mix of writes in one, the
other holds exactly what a fresh load of the file holds (objects and their order), having read only the changed
objects; a store that fell further behind than the kept changes reloads everything.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path

import pytest

from datasync_openapi.mock import store as store_module
from datasync_openapi.mock.seed import seed
from datasync_openapi.mock.store import COLLECTIONS, CONTROL_COLLECTIONS, Store


def everything(store: Store) -> dict[str, list[tuple[str, object]]]:
    return {name: list(store.items(name)) for name in COLLECTIONS + CONTROL_COLLECTIONS}


@pytest.fixture
def pair(tmp_path: Path) -> Iterator[tuple[Store, Store, Path]]:
    path = tmp_path / "state.sqlite"
    one, two = Store(seed, path, shared=True), Store(seed, path, shared=True)
    yield one, two, path
    one.close()
    two.close()


def fresh(path: Path) -> dict[str, list[tuple[str, object]]]:
    reader = Store(seed, path, shared=True)
    try:
        return everything(reader)
    finally:
        reader.close()


def test_any_mix_of_writes_is_caught_up_with_exactly(pair: tuple[Store, Store, Path]) -> None:
    one, two, path = pair
    rng = random.Random(7)  # noqa: S311 - a reproducible mix of writes
    keys: list[str] = []
    for step in range(300):
        choice = rng.random()
        writer = one if rng.random() < 0.7 else two
        writer.refresh()
        if rng.random() < 0.3:  # pages are read by position: the order each store keeps must stay right
            assert writer.view("scoping_schools")[0:1000] == writer.all("scoping_schools")
        if choice < 0.4 or not keys:
            key = f"k{step}"
            keys.append(key)
            writer.put("scoping_schools", key, {"school_id": key, "n": step})
        elif choice < 0.7:
            key = rng.choice(keys)
            if writer.get("scoping_schools", key) is not None:
                writer.update("scoping_schools", key, n=-step)
        elif choice < 0.85:
            key = rng.choice(keys)
            writer.delete("scoping_schools", key)
            if rng.random() < 0.5:  # the same id again: it goes last, as a fresh load has it
                writer.put("scoping_schools", key, {"school_id": key, "again": step})
        elif choice < 0.9:
            writer.clear("scoping_schools")
        else:
            writer.put("_tokens", f"t{step}", {"expires": step})
    one.refresh()
    two.refresh()
    expected = fresh(path)
    assert everything(one) == expected
    assert everything(two) == expected
    for store in (one, two):
        assert store.view("scoping_schools")[0:1000] == store.all("scoping_schools")


def test_a_write_is_caught_up_with_without_reloading_the_store(
    pair: tuple[Store, Store, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    one, two, _path = pair
    reloads: list[int] = []
    original = Store._load

    def counting(self: Store) -> bool:
        reloads.append(1)
        return original(self)

    monkeypatch.setattr(Store, "_load", counting)
    generation = two.generation
    one.put("_tokens", "abc", {"expires": 1.0})  # what an OAuth token fetch writes
    one.update("exchanges", next(iter(one.all("exchanges")))["id"], error_count=9)
    two.refresh()
    assert reloads == []
    assert two.get("_tokens", "abc") == {"expires": 1.0}
    assert [e["error_count"] for e in two.all("exchanges")] == [e["error_count"] for e in one.all("exchanges")]
    assert two.generation > generation  # remembered answers are dropped


def test_a_store_too_far_behind_reloads_everything(
    pair: tuple[Store, Store, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    one, two, path = pair
    monkeypatch.setattr(store_module, "MAX_CHANGES", 20)
    for n in range(60):  # the changes two has not seen are pruned past it
        one.put("_tokens", f"t{n}", {"expires": n})
    reloads: list[int] = []
    original = Store._load

    def counting(self: Store) -> bool:
        reloads.append(1)
        return original(self)

    monkeypatch.setattr(Store, "_load", counting)
    two.refresh()
    assert reloads == [1]
    assert everything(two) == fresh(path)
