"""Structural rules every operation and schema of the specs must follow (see openapi/README.md)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from openapi_spec_validator import validate

from datasync_openapi.contract import API, APIS, Operation, iter_operations, load_spec, operations, resolve

ALL_OPERATIONS = [op for api in APIS for op in operations(api)]


def _ids(op: Operation) -> str:
    return f"{op.api}:{op.key}"


def test_operation_counts() -> None:
    assert len(operations("grades")) == 19
    assert len(operations("interop")) == 14


@pytest.mark.parametrize("api", APIS)
def test_spec_is_valid_openapi_3_1(api: API) -> None:
    spec = load_spec(api)
    assert spec["openapi"].startswith("3.1")
    validate(spec)


@pytest.mark.parametrize("api", APIS)
def test_operation_ids_are_unique(api: API) -> None:
    ids = [op.operation_id for op in operations(api)]
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize("op", ALL_OPERATIONS, ids=_ids)
def test_operation_is_documented(op: Operation) -> None:
    d = op.definition
    assert d.get("tags"), "tags"
    assert d.get("summary"), "summary"
    assert d.get("description"), "description"
    assert d.get("x-doc-title"), "x-doc-title (the operation's title in the vendor docs)"
    assert op.operation_id[0].islower(), "camelCase operationId"
    assert op.operation_id.isalnum(), "camelCase operationId"


@pytest.mark.parametrize("op", ALL_OPERATIONS, ids=_ids)
def test_error_responses(op: Operation) -> None:
    """401 everywhere, 404 wherever an id is looked up, 400 wherever input can be invalid; one error envelope."""
    spec = load_spec(op.api)
    responses = op.definition["responses"]
    assert "401" in responses
    if any(p["in"] == "path" for p in op.parameters):
        assert "404" in responses, "an id is looked up"
    if op.parameters or "requestBody" in op.definition:
        assert "400" in responses, "input can be invalid"
    for status, response in responses.items():
        response = resolve(spec, response)
        if status.startswith(("4", "5")):
            schema = response["content"]["application/json"]["schema"]
            assert schema == {"$ref": "#/components/schemas/ErrorResponse"}, status
        if status == "204":
            assert "content" not in response, "204 has no body"


def test_documented_special_statuses() -> None:
    by_id = {op.operation_id: op for op in operations("grades")}
    run = by_id["runSchedule"].definition["responses"]
    assert {"204", "409", "429"} <= set(run)
    assert "Retry-After" in run["429"]["headers"]
    assert "400" in by_id["getConsumer"].definition["responses"]  # "Consumer is not configured"
    for op_id in ("getExchangeDetails", "getExchangeConsumerLogs"):
        content = resolve(load_spec("grades"), by_id[op_id].definition["responses"]["200"])["content"]
        assert content == {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}
    assert "text/csv" in by_id["getBatchExchangeCourseIds"].definition["responses"]["200"]["content"]


def test_security() -> None:
    grades = load_spec("grades")
    assert grades["security"] == [{"oauth2ClientCredentials": []}, {"ltiJwt": []}]
    flow = grades["components"]["securitySchemes"]["oauth2ClientCredentials"]["flows"]["clientCredentials"]
    assert flow["tokenUrl"] == "https://api.us2.kimonocloud.com/oauth/token"
    assert all("security" not in op.definition for op in operations("grades"))
    interop = load_spec("interop")
    assert interop["security"] == [{"oauth2ClientCredentials": []}, {"bearerAuth": []}]
    overridden = {op.key: op.definition["security"] for op in operations("interop") if "security" in op.definition}
    assert overridden == {"GET /tenants": [{"basicAuth": []}]}


def _walk(node: Any, path: str = "#") -> Iterator[tuple[str, Any]]:
    yield path, node
    if isinstance(node, dict):
        for k, v in node.items():
            yield from _walk(v, f"{path}/{k}")
    elif isinstance(node, list):
        for i, v in enumerate(node):
            yield from _walk(v, f"{path}/{i}")


@pytest.mark.parametrize("api", APIS)
def test_enumerations_are_open(api: API) -> None:
    """A closed enum would make clients reject values the docs never listed: every enum is open."""
    spec = load_spec(api)
    known = {name for name, s in spec["components"]["schemas"].items() if "enum" in s}
    for where, node in _walk({k: v for k, v in spec.items() if k != "components"} | {"c": spec["components"]}):
        if not isinstance(node, dict):
            continue
        if "enum" in node and not where.startswith("#/c/schemas/"):
            pytest.fail(f"inline closed enum at {where}")
        if "anyOf" in node:
            refs = {b.get("$ref", "").rsplit("/", 1)[-1] for b in node["anyOf"]}
            if refs & known:
                assert {"type": "string"} in node["anyOf"], f"{where}: known values without the string fallback"
                assert node.get("x-open-enum") is True, where
    for name in known:
        assert name.endswith("Known"), name
        users = [w for w, n in _walk(spec) if isinstance(n, dict) and n.get("$ref") == f"#/components/schemas/{name}"]
        assert users, f"{name} is unused"
        assert all("/anyOf/" in w for w in users), f"{name} used outside an open-enum anyOf: {users}"


def _request_schemas(spec: dict[str, Any], api: API) -> Iterator[tuple[str, Any]]:
    for op in iter_operations(spec, api):
        body = op.definition.get("requestBody")
        if body:
            for media, content in resolve(spec, body)["content"].items():
                yield f"{op.key} {media}", content["schema"]


@pytest.mark.parametrize("api", APIS)
def test_read_only_fields_are_never_required_in_requests(api: API) -> None:
    spec = load_spec(api)
    for where, schema in _request_schemas(spec, api):
        seen: set[int] = set()
        stack = [resolve(spec, schema)]
        while stack:
            node = stack.pop()
            if id(node) in seen or not isinstance(node, dict):
                continue
            seen.add(id(node))
            props = node.get("properties", {})
            for name in node.get("required", []):
                assert not resolve(spec, props.get(name, {})).get("readOnly"), f"{where}: {name} is read-only"
            children = list(props.values()) + node.get("anyOf", []) + node.get("allOf", [])
            if "items" in node:
                children.append(node["items"])
            stack.extend(resolve(spec, c) for c in children)


@pytest.mark.parametrize("api", APIS)
def test_links_point_at_real_operations_and_parameters(api: API) -> None:
    spec = load_spec(api)
    by_id = {op.operation_id: op for op in operations(api)}
    count = 0
    for op in operations(api):
        for status, response in op.definition["responses"].items():
            for name, link in resolve(spec, response).get("links", {}).items():
                count += 1
                target = by_id.get(link["operationId"])
                assert target is not None, f"{op.key} {status} link {name}"
                names = {p["name"] for p in target.parameters}
                assert set(link["parameters"]) <= names, f"{op.key} link {name}"
                for expr in link["parameters"].values():
                    assert expr.startswith(("$response.body#/", "$request.path.")), expr
    assert count >= 5


def test_every_id_parameter_is_a_uuid_except_section_resolution() -> None:
    for op in ALL_OPERATIONS:
        for p in op.parameters:
            if p["in"] == "path":
                fmt = p["schema"].get("format")
                assert fmt == ("uuid" if op.path != "/sections/{id}/resolve" else None), op.key
