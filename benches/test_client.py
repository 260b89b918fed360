"""The generated client's cost where users walk, beside the json module alone: a 10 000-exchange list page read by
``call(list_exchanges)`` and by ``paginate`` (over pages), next to ``json.loads`` and ``json.loads`` +
``ExchangeList.from_dict`` of the same bytes; a 5 MB exchange-data payload sent by ``post_exchange_data`` in 1 MB
bodies and cut by ``chunk_exchange_data`` + ``json.dumps``, next to ``json.dumps`` alone and to the models' own
``to_dict``. The network is an in-memory transport. ``conftest.py`` prints the ratios (make bench)."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

import httpx
import pytest
from datasync_grades.api.exchanges import list_exchanges
from datasync_grades.models import ExchangeData, ExchangeList
from datasync_grades.runtime import call, paginate
from datasync_grades.workflows import chunk_exchange_data, post_exchange_data

from benches.payloads import (
    BODY_BYTES,
    PAGE_EXCHANGES,
    exchange_data_payload,
    in_memory_client,
    list_body,
    paged_bodies,
)

Compared = Callable[[str, Callable[[], object], Mapping[str, Callable[[], object]]], None]
EXCHANGE_ID = "e1000000-0000-4000-8000-000000000002"


@pytest.fixture(scope="module")
def page() -> bytes:
    return list_body(PAGE_EXCHANGES)


@pytest.fixture(scope="module")
def pages() -> list[bytes]:
    return paged_bodies()


@pytest.fixture(scope="module")
def assignments() -> list[Any]:
    assignments = exchange_data_payload()["assignments"]
    assert isinstance(assignments, list)
    return assignments


def _decoded(body: bytes) -> ExchangeList:
    return ExchangeList.from_dict(json.loads(body))


def _dumped(assignments: list[Any]) -> Callable[[], object]:
    payload = {"assignments": assignments, "final": True}
    return lambda: json.dumps(payload)


def test_loads_and_from_dict(compared: Compared, page: bytes) -> None:
    compared("loads+from_dict", lambda: _decoded(page), {"loads": lambda: json.loads(page)})


def test_call_list_exchanges(compared: Compared, page: bytes) -> None:
    client = in_memory_client(lambda request: page)
    with client:
        assert len(call(list_exchanges, client=client).data) == PAGE_EXCHANGES
        bases = {"loads+from_dict": lambda: _decoded(page), "loads": lambda: json.loads(page)}
        compared("call", lambda: call(list_exchanges, client=client), bases)


def test_paginate_list_exchanges(compared: Compared, pages: list[bytes]) -> None:
    def answer(request: httpx.Request) -> bytes:
        return pages[int(request.url.params["page"])]

    client = in_memory_client(answer)
    with client:
        assert sum(1 for _ in paginate(list_exchanges, client)) == PAGE_EXCHANGES
        bases = {"paged loads+from_dict": lambda: [_decoded(body).data for body in pages]}
        compared("paginate", lambda: list(paginate(list_exchanges, client)), bases)


def test_to_dict_and_dumps(compared: Compared, assignments: list[Any]) -> None:
    model = ExchangeData.from_dict({"assignments": assignments, "final": True})
    compared("to_dict+dumps", lambda: json.dumps(model.to_dict()), {"dumps": _dumped(assignments)})


def test_chunk_exchange_data_and_dumps(compared: Compared, assignments: list[Any]) -> None:
    def chunk_and_dump() -> None:  # the bodies as post_exchange_data sends them: compact UTF-8 JSON
        for body in chunk_exchange_data(assignments, [], BODY_BYTES):
            json.dumps(body, separators=(",", ":"), ensure_ascii=False).encode()

    compared("chunk+dumps", chunk_and_dump, {"dumps": _dumped(assignments)})


def test_post_exchange_data(compared: Compared, assignments: list[Any]) -> None:
    sizes: list[int] = []

    def accept(request: httpx.Request) -> bytes:
        sizes.append(len(request.content))
        return b'{"data": {}}'

    client = in_memory_client(accept)
    with client:
        assert post_exchange_data(client, EXCHANGE_ID, assignments, max_bytes=BODY_BYTES) == len(sizes) > 1
        assert max(sizes) <= BODY_BYTES

        def post() -> object:
            return post_exchange_data(client, EXCHANGE_ID, assignments, max_bytes=BODY_BYTES)

        compared("post_exchange_data", post, {"dumps": _dumped(assignments)})
