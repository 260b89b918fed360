"""One validator per concept: the routes' response validators (contract) and the hints' explanations
(findings.hints) compile schemas the same way and look up the same documented response, so a value the
validator refuses is always explained; request problems say which part of the request they are in."""

from __future__ import annotations

import pytest

from datasync_openapi.contract import InvalidRequest, Route, documented_status, operations, router
from datasync_openapi.findings.hints import contract_errors

EXCHANGE = "e1000000-0000-4000-8000-000000000001"


def _route(operation_id: str) -> Route:
    for routes in router().routes.values():
        for route in routes:
            if route.operation_id == operation_id:
                return route
    raise AssertionError(operation_id)


def test_documented_responses_per_status() -> None:
    get = _route("getExchange")
    assert get.label == "GET /exchanges/{id}"
    ok = get.response(200)
    assert (ok.key, ok.media) == ("200", ("application/json",))
    assert ok.validator is not None
    assert get.response(200) is ok  # compiled once
    assert get.response(418).key is None
    patch = _route("updateSchedule").response(204)
    assert (patch.key, patch.media, patch.validator) == ("204", (), None)
    details = _route("getExchangeDetails").response(200)
    assert (details.media, details.validator) == (("application/octet-stream",), None)
    assert documented_status({"200": {}, "4XX": {}, "default": {}}, 404) == "4XX"
    assert documented_status({"200": {}, "default": {}}, 503) == "default"
    assert documented_status({"200": {}}, 201) is None


def test_an_int32_overflow_is_refused_and_explained_alike() -> None:
    """error_count is int32: the validator enforces the range, and the hints' walk explains exactly that."""
    body = {"data": {"id": EXCHANGE, "error_count": 2**31}}
    validator = _route("getExchange").response(200).validator
    assert validator is not None
    assert not validator.is_valid(body)
    operation = next(op for op in operations("grades") if op.operation_id == "getExchange")
    errors = contract_errors(operation, 200, body)
    assert [(e.location, e.field) for e in errors] == [("/data/error_count constraint", "Exchange.error_count")]
    assert validator.is_valid({"data": {"id": EXCHANGE, "error_count": 2**31 - 1}})


@pytest.mark.parametrize(
    ("operation_id", "values", "query", "body", "location", "path"),
    [
        ("listExchanges", {}, [("page_size", "many")], b"", "query.page_size", ()),
        ("getExchange", {"id": "not-a-uuid"}, [], b"", "path.id", ()),
        ("createExchange", {}, [], b'{"query": {"type": 5}}', "body", ("query", "type")),
        ("createExchange", {}, [], b"{nope", "body", ()),
    ],
)
def test_request_problems_name_their_part(
    operation_id: str,
    values: dict[str, str],
    query: list[tuple[str, str]],
    body: bytes,
    location: str,
    path: tuple[str, ...],
) -> None:
    with pytest.raises(InvalidRequest) as raised:
        _route(operation_id).validate(values, query, body, "application/json")
    assert raised.value.status == 400
    assert (raised.value.location, raised.value.path) == (location, path)


def test_parameters_alone_when_the_body_is_not_held() -> None:
    route = _route("createExchange")
    assert route.validate({}, [], b"{nope", "application/json", check_body=False) == ({}, None)
