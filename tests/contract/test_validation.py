"""Validation errors in plain words (``datasync_openapi.contract.explain``), for every schema shape the specs use.

First through the mock (the 400 ``error.details`` a client sees), then ``explain`` directly on the specs'
response schemas (nullable envelopes, which the mock never receives) and on the shapes the specs do not
use yet (email, enum, const, pattern, lengths, unexpected fields).
"""

from __future__ import annotations

import asyncio
import copy
from typing import Any

import httpx
import jsonschema_rs
import pytest

from datasync_openapi.contract import API, explain, field_name, load_spec
from datasync_openapi.contract._routing import INT_RANGES, _add_int_ranges
from datasync_openapi.mock import DEMO_API_KEY, DEMO_API_SECRET, DEMO_TOKEN, create_app
from datasync_openapi.mock.seed import EXCHANGE_CREATED, SCHEDULE_ENABLED

BEARER = {"Authorization": f"Bearer {DEMO_TOKEN}"}
G = "/v2/grades"
I = "/v2/interop"  # noqa: E741 - reads like the path it is
DATA = f"{G}/exchanges/{EXCHANGE_CREATED}/data"
UUID_WORDS = "a UUID such as 123e4567-e89b-12d3-a456-426614174000"
DATE_TIME_WORDS = "a date-time with a time zone (RFC 3339) such as 2025-06-14T12:04:45Z"


def details(method: str, url: str, **kwargs: Any) -> str:
    """The ``error.details`` of the mock's 400 answer to one request."""

    async def go() -> httpx.Response:
        transport = httpx.ASGITransport(app=create_app())
        async with httpx.AsyncClient(transport=transport, base_url="http://mock") as client:
            return await client.request(method, url, **kwargs)

    kwargs.setdefault("headers", BEARER)
    response = asyncio.run(go())
    assert response.status_code == 400, response.text
    return str(response.json()["error"]["details"])


def assignment(**fields: Any) -> dict[str, Any]:
    return {"assignments": [{"name": "Quiz 1", "points_possible": 10, **fields}], "final": True}


@pytest.mark.parametrize(
    ("method", "url", "kwargs", "expected"),
    [
        pytest.param(
            "POST",
            G + "/exchanges",
            {"json": {"query": {"type": 5}}},
            "body field 'query.type' must be a string (known values: 'assignment_scores', 'summary'), got 5",
            id="open-enum",
        ),
        pytest.param(
            "POST",
            DATA,
            {"json": {"summaries": [{"summary_type": ["final"]}]}},
            "body field 'summaries[0].summary_type' must be a string (known values: 'final', 'midterm'), "
            "got an array of 1 item",
            id="open-enum-in-an-array",
        ),
        pytest.param(
            "POST",
            G + "/exchanges",
            {"json": {"metadata": 5}},
            "body field 'metadata' must be a JSON object or null, got 5",
            id="nullable-object",
        ),
        pytest.param(
            "GET",
            G + "/exchanges/not-a-uuid",
            {},
            f"path parameter 'id' must be {UUID_WORDS}, got the string 'not-a-uuid'",
            id="format-uuid",
        ),
        pytest.param(
            "POST",
            DATA,
            {"json": assignment(due_at="next friday")},
            f"body field 'assignments[0].due_at' must be {DATE_TIME_WORDS}, got the string 'next friday'",
            id="format-date-time",
        ),
        pytest.param(
            "POST",
            DATA,
            {"json": assignment(scores=[{"$person": {"name": "Ada", "$sys": {"id": "ada"}}}])},
            f"body field 'assignments[0].scores[0].$person.$sys.id' must be {UUID_WORDS}, got the string 'ada'",
            id="format-uuid-deep-in-an-object-ref",
        ),
        pytest.param(
            "PATCH",
            f"{G}/schedules/{SCHEDULE_ENABLED}",
            {"json": {"enabled": "yes"}},
            "body field 'enabled' must be true or false, got the string 'yes'",
            id="type-boolean",
        ),
        pytest.param(
            "POST",
            DATA,
            {"json": assignment(points_possible="ten")},
            "body field 'assignments[0].points_possible' must be a number, got the string 'ten'",
            id="type-number",
        ),
        pytest.param(
            "POST",
            DATA,
            {"json": {"assignments": {"name": "Quiz 1"}}},
            "body field 'assignments' must be an array, got a JSON object",
            id="type-array",
        ),
        pytest.param(
            "POST",
            DATA,
            {"json": assignment(scores=[{"$person": "Ada"}])},
            "body field 'assignments[0].scores[0].$person' must be a JSON object, got the string 'Ada'",
            id="type-object",
        ),
        pytest.param(
            "POST",
            G + "/exchanges",
            {"json": [1, 2]},
            "body must be a JSON object, got an array of 2 items",
            id="type-of-the-whole-body",
        ),
        pytest.param(
            "GET",
            G + "/exchanges?page=-1",
            {},
            "query parameter 'page' must be at least 0, got -1",
            id="minimum",
        ),
        pytest.param(
            "GET",
            G + "/exchanges?page_size=0",
            {},
            "query parameter 'page_size' must be at least 1, got 0",
            id="minimum-page-size",
        ),
        pytest.param(
            "GET",
            G + f"/exchanges?page={INT_RANGES['int32'][1] + 1}",
            {},
            "query parameter 'page' must be at most 2147483647 (the largest 32-bit integer), got 2147483648",
            id="maximum-int32",
        ),
        pytest.param(
            "POST",
            I + "/tenant/scoping/schools",
            {"json": {}},
            "body field 'data' is required but missing",
            id="required",
        ),
        pytest.param(
            "POST",
            I + "/tenant/scoping/schools",
            {"json": {"data": [{"school_id": "x"}]}},
            f"body field 'data[0].school_id' must be {UUID_WORDS}, got the string 'x'",
            id="array-item-field",
        ),
        pytest.param(
            "GET",
            I + "/tenants?accounts=00000000-0000-4000-8000-000000000000&accounts=nope",
            {"auth": (DEMO_API_KEY, DEMO_API_SECRET), "headers": {}},
            f"query parameter 'accounts'[1] must be {UUID_WORDS}, got the string 'nope'",
            id="array-query-parameter-item",
        ),
    ],
)
def test_the_mock_says_which_field_and_what_was_expected(
    method: str, url: str, kwargs: dict[str, Any], expected: str
) -> None:
    assert details(method, url, **kwargs) == expected


def test_no_message_is_schema_jargon() -> None:
    jargon = ("anyOf", "is not valid under", "is not of type", "is a required property", 'is not a "')
    for method, url, body in [
        ("POST", G + "/exchanges", {"query": {"type": 5, "conditions": [{"scope": 1}]}}),
        ("POST", DATA, {"summaries": [{"score_type": 1}]}),
        ("POST", f"{G}/exchanges/{EXCHANGE_CREATED}/errors", {"code": 5}),
        ("POST", DATA, {"final": "yes"}),
    ]:
        text = details(method, url, json=body)
        assert not any(word in text for word in jargon), text
        assert text.startswith("body field '")


# -- explain() on the specs' own schemas ----------------------------------------------------------------------
def validator(api: API, name: str) -> jsonschema_rs.Validator:
    components = _add_int_ranges(copy.deepcopy(load_spec(api)["components"]))
    root = {"$ref": f"#/components/schemas/{name}", "components": components}
    return jsonschema_rs.Draft202012Validator(root, validate_formats=True)


def first_error(api: API, name: str, instance: Any) -> str:
    errors = list(validator(api, name).iter_errors(instance))
    assert errors, f"{instance!r} is valid against {name}"
    return explain(errors[0], "response")


@pytest.mark.parametrize(
    ("api", "schema", "instance", "expected"),
    [
        pytest.param(
            "grades",
            "ExchangeEnvelope",
            {"data": 5},
            "response field 'data' must be a JSON object or null, got 5",
            id="nullable-envelope",
        ),
        pytest.param(
            "grades",
            "ExchangeEnvelope",
            {"data": {"state": 7}},
            "response field 'data.state' must be a string (known values: 'created'), got 7",
            id="open-enum-inside-a-nullable-object",
        ),
        pytest.param(
            "grades",
            "ExchangeEnvelope",
            {"data": {"id": "e1"}},
            f"response field 'data.id' must be {UUID_WORDS}, got the string 'e1'",
            id="format-inside-a-nullable-object",
        ),
        pytest.param(
            "grades",
            "BatchExchangeErrorEnvelope",
            {"data": {"code": False}},
            "response field 'data.code' must be a string (known values: 'integration_error'), got false",
            id="open-enum-nested-in-nullable",
        ),
        pytest.param(
            "grades",
            "ExchangeList",
            {"data": [], "paging": {"next": 3}},
            "response field 'paging.next' must be a string or null, got 3",
            id="nullable-type-list",
        ),
        pytest.param(
            "grades",
            "ExchangeList",
            {"paging": {}},
            "response field 'data' is required but missing",
            id="required",
        ),
        pytest.param(
            "grades",
            "Exchange",
            {"error_count": 2**31},
            "response field 'error_count' must be at most 2147483647 (the largest 32-bit integer), got 2147483648",
            id="int32-maximum",
        ),
        pytest.param(
            "grades",
            "Exchange",
            {"max_data_content_length": -(2**63) - 1},
            "response field 'max_data_content_length' must be at least -9223372036854775808 "
            "(the smallest 64-bit integer), got -9223372036854775809",
            id="int64-minimum",
        ),
        pytest.param(
            "interop",
            "ScopingSchoolList",
            {"data": [{"school_id": "00000000-0000-4000-8000-000000000000"}, {"school_id": 3}]},
            "response field 'data[1].school_id' must be a string, got 3",
            id="array-of-objects",
        ),
    ],
)
def test_explain_on_the_specs_schemas(api: API, schema: str, instance: Any, expected: str) -> None:
    assert first_error(api, schema, instance) == expected


# -- explain() on every other shape ---------------------------------------------------------------------------
def explained(schema: dict[str, Any], instance: Any, field: str = "body") -> str:
    errors = list(jsonschema_rs.Draft202012Validator(schema, validate_formats=True).iter_errors(instance))
    assert errors, f"{instance!r} is valid against {schema!r}"
    return explain(errors[0], field)


@pytest.mark.parametrize(
    ("schema", "instance", "expected"),
    [
        pytest.param(
            {"properties": {"email": {"type": "string", "format": "email"}}},
            {"email": "nobody"},
            "body field 'email' must be an email address such as name@example.com, got the string 'nobody'",
            id="format-email",
        ),
        pytest.param(
            {"properties": {"on": {"type": "string", "format": "date"}}},
            {"on": "June 1st"},
            "body field 'on' must be a date (YYYY-MM-DD) such as 2025-06-14, got the string 'June 1st'",
            id="format-date",
        ),
        pytest.param(
            {"properties": {"at": {"type": "string", "format": "uri"}}},
            {"at": "not a uri"},
            "body field 'at' must be an absolute URI such as https://example.com/path, got the string 'not a uri'",
            id="format-uri",
        ),
        pytest.param(
            {"properties": {"kind": {"type": "string", "enum": ["a", "b"]}}},
            {"kind": "c"},
            "body field 'kind' must be one of 'a', 'b', got the string 'c'",
            id="closed-enum",
        ),
        pytest.param(
            {"properties": {"kind": {"anyOf": [{"type": "string", "enum": ["a", "b"]}, {"type": "null"}]}}},
            {"kind": 1},
            "body field 'kind' must be one of 'a', 'b' or null, got 1",
            id="nullable-closed-enum",
        ),
        pytest.param(
            {"properties": {"v": {"const": 2}}},
            {"v": 3},
            "body field 'v' must be exactly 2, got 3",
            id="const",
        ),
        pytest.param(
            {"properties": {"code": {"type": "string", "pattern": "^[a-z_]+$"}}},
            {"code": "Nope!"},
            "body field 'code' must match the pattern ^[a-z_]+$, got the string 'Nope!'",
            id="pattern",
        ),
        pytest.param(
            {"properties": {"name": {"type": "string", "minLength": 2, "maxLength": 3}}},
            {"name": "abcd"},
            "body field 'name' must be at most 3 characters long, got 4",
            id="max-length",
        ),
        pytest.param(
            {"properties": {"ids": {"type": "array", "maxItems": 1, "uniqueItems": True}}},
            {"ids": [1, 2]},
            "body field 'ids' must have at most 1 item, got 2",
            id="max-items",
        ),
        pytest.param(
            {"properties": {"ids": {"type": "array", "uniqueItems": True}}},
            {"ids": [1, 1]},
            "body field 'ids' must not repeat an item",
            id="unique-items",
        ),
        pytest.param(
            {"properties": {"n": {"type": "number", "exclusiveMinimum": 0}}},
            {"n": 0},
            "body field 'n' must be greater than 0, got 0",
            id="exclusive-minimum",
        ),
        pytest.param(
            {"type": "object", "properties": {"a": {}}, "additionalProperties": False},
            {"a": 1, "b": 2},
            "body has unexpected field(s) 'b'; they are not allowed here",
            id="additional-properties",
        ),
        pytest.param(
            {"type": "integer"},
            "12",
            "query parameter 'page' must be an integer, got the string '12'",
            id="a-parameter-without-a-location",
        ),
    ],
)
def test_explain_every_other_shape(schema: dict[str, Any], instance: Any, expected: str) -> None:
    field = "query parameter 'page'" if expected.startswith("query") else "body"
    assert explained(schema, instance, field) == expected


def test_secrets_and_long_values_are_not_echoed() -> None:
    schema = {
        "properties": {
            "client_secret": {"type": "string", "minLength": 40},
            "password": {"type": "string", "format": "password", "enum": ["x"]},
            "note": {"type": "integer"},
        }
    }
    secret = "hunter2-is-not-a-good-secret"
    assert explained(schema, {"client_secret": secret}) == (
        "body field 'client_secret' must be at least 40 characters long, got 28"
    )
    text = explained(schema, {"password": secret})
    assert secret not in text
    assert text == "body field 'password' must be 'x', got a string"
    long = "y" * 500
    assert explained(schema, {"note": long}) == "body field 'note' must be an integer, got a string of 500 characters"
    assert secret not in explained({"type": "integer"}, secret, "header 'X-Api-Token'")


def test_field_name() -> None:
    assert field_name("body", []) == "body"
    assert field_name("body", ["data", 0, "school_id"]) == "body field 'data[0].school_id'"
    assert field_name("query parameter 'accounts'", [1]) == "query parameter 'accounts'[1]"
    assert (
        field_name("response", ["assignments", 2, "$person", "name"]) == "response field 'assignments[2].$person.name'"
    )
