"""The generated clients speak the specs: requests, open enums, binary/CSV/count bodies, error envelopes."""

from __future__ import annotations

import gzip
import json
from collections.abc import Callable
from uuid import UUID

import httpx
import pytest
from datasync_grades import AuthenticatedClient as GradesClient
from datasync_grades import errors as grades_errors
from datasync_grades.api.artifacts import get_exchange_details
from datasync_grades.api.batch_exchanges import get_batch_exchange_course_ids
from datasync_grades.api.exchanges import count_exchanges, create_exchange, get_exchange, list_exchanges
from datasync_grades.models import (
    ErrorResponse,
    Exchange,
    ExchangeCreate,
    ExchangeEnvelope,
    ExchangeList,
    ExchangeQueryTypeKnown,
    ExchangeStateKnown,
)
from datasync_grades.types import File
from datasync_interop import AuthenticatedClient as InteropClient
from datasync_interop.api.tenants import list_tenants

EXCHANGE_ID = "6f1c3a52-2d0e-4d8f-9a51-0c7f2b9e8d11"
Handler = Callable[[httpx.Request], httpx.Response]


def grades(handler: Handler, *, raise_on_unexpected_status: bool = False) -> GradesClient:
    return GradesClient(
        base_url="https://api.test/v2/grades",
        token="tok",
        httpx_args={"transport": httpx.MockTransport(handler)},
        raise_on_unexpected_status=raise_on_unexpected_status,
    )


def test_unknown_enum_values_parse_as_plain_strings() -> None:
    """Values the docs never listed must not break parsing: open enums fall back to str."""
    body = {
        "data": [
            {"id": EXCHANGE_ID, "state": "created", "query": {"type": "assignment_scores"}},
            {"id": EXCHANGE_ID, "state": "archived_in_2031", "query": {"type": "attendance", "conditions": []}},
        ],
        "paging": {"next": None},
    }
    client = grades(lambda _: httpx.Response(200, json=body))
    page = list_exchanges.sync(client=client)
    assert isinstance(page, ExchangeList)
    known, unknown = page.data
    assert known.state is ExchangeStateKnown.CREATED
    assert not isinstance(known.query, type(None))
    assert known.query.type_ is ExchangeQueryTypeKnown.ASSIGNMENT_SCORES  # type: ignore[union-attr]
    assert unknown.state == "archived_in_2031"
    assert not isinstance(unknown.state, ExchangeStateKnown)
    assert unknown.query.type_ == "attendance"  # type: ignore[union-attr]
    # and they round-trip unchanged
    assert unknown.to_dict()["state"] == "archived_in_2031"


def test_request_carries_auth_query_and_body() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        if request.method == "GET":
            return httpx.Response(200, json={"data": [], "paging": {"next": None}})
        return httpx.Response(200, json={"data": {"id": EXCHANGE_ID, "state": "created"}})

    client = grades(handler)
    created = create_exchange.sync(client=client, body=ExchangeCreate.from_dict({"metadata": {"run": 7}}))
    assert isinstance(created, ExchangeEnvelope)
    assert isinstance(created.data, Exchange)
    assert created.data.id == UUID(EXCHANGE_ID)
    list_exchanges.sync(client=client, page=2, page_size=50, state="archived_in_2031", posted_by="sis")
    post, get = seen
    assert post.method == "POST"
    assert post.url.path == "/v2/grades/exchanges"
    assert post.headers["authorization"] == "Bearer tok"
    assert json.loads(post.content) == {"metadata": {"run": 7}}
    assert dict(get.url.params) == {"page": "2", "page_size": "50", "state": "archived_in_2031", "posted_by": "sis"}


def test_error_envelope_and_undocumented_status() -> None:
    envelope = {"error": {"status": 404, "code": "not_found", "message": "no such exchange"}}
    client = grades(lambda _: httpx.Response(404, json=envelope))
    missing = get_exchange.sync(UUID(EXCHANGE_ID), client=client)
    assert isinstance(missing, ErrorResponse)
    assert missing.error.code == "not_found"
    strict = grades(lambda _: httpx.Response(502, text="bad gateway"), raise_on_unexpected_status=True)
    with pytest.raises(grades_errors.UnexpectedStatus) as info:
        get_exchange.sync(UUID(EXCHANGE_ID), client=strict)
    assert info.value.status_code == 502


def test_count_artifact_and_csv_bodies() -> None:
    artifact = gzip.compress(json.dumps({"ok": True}).encode())

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/count"):
            return httpx.Response(200, json=42)
        if request.url.path.endswith("/artifacts/details"):
            return httpx.Response(200, content=artifact, headers={"content-type": "application/octet-stream"})
        return httpx.Response(200, text="course_id\nc1\nc2\n", headers={"content-type": "text/csv"})

    client = grades(handler)
    assert count_exchanges.sync(client=client, state="created") == 42
    details = get_exchange_details.sync(UUID(EXCHANGE_ID), client=client)
    assert isinstance(details, File)
    assert json.loads(gzip.decompress(details.payload.read())) == {"ok": True}
    assert get_batch_exchange_course_ids.sync(UUID(EXCHANGE_ID), client=client) == "course_id\nc1\nc2\n"


def test_interop_array_parameters_are_exploded() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"data": [], "paging": {"next": None}})

    client = InteropClient(
        base_url="https://api.test/v2/interop",
        token="a2V5OnNlY3JldA==",
        prefix="Basic",
        httpx_args={"transport": httpx.MockTransport(handler)},
    )
    a, b = "11111111-1111-4111-8111-111111111111", "22222222-2222-4222-8222-222222222222"
    page = list_tenants.sync(client=client, accounts=[UUID(a), UUID(b)], integrations=["sis"])
    assert page is not None
    assert seen[0].url.params.get_list("accounts") == [a, b]
    assert seen[0].url.params.get_list("integrations") == ["sis"]
    assert seen[0].headers["authorization"] == "Basic a2V5OnNlY3JldA=="
