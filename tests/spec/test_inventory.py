"""The docs inventory (openapi/inventory/) agrees with the saved docs pages and with the specs, both ways."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from datasync_openapi import inventory
from datasync_openapi.contract import API, APIS, Operation, load_spec, operations, resolve

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "extract_inventory.py"
JSON_TYPES = {"string", "integer", "number", "boolean", "object", "array"}


def load_inventory(api: API) -> dict[str, Any]:
    data = yaml.safe_load((inventory.INVENTORY_DIR / f"{api}.yaml").read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def by_title(api: API) -> dict[str, Operation]:
    return {str(op.definition["x-doc-title"]): op for op in operations(api)}


def schema_type(spec: dict[str, Any], schema: dict[str, Any]) -> tuple[str, str | None, bool, bool]:
    """(type, format, is_array, is_open_enum) of a parameter or property schema."""
    schema = resolve(spec, schema)
    if schema.get("x-open-enum"):
        return "string", None, False, True
    if schema.get("type") == "array":
        item_type, item_format, _, item_enum = schema_type(spec, schema["items"])
        return item_type, item_format, True, item_enum
    types = schema.get("type")
    if isinstance(types, list):  # ["object", "null"]
        types = next(t for t in types if t != "null")
    if types is None and "anyOf" in schema:  # nullable written as anyOf [X, null]
        return schema_type(spec, next(s for s in schema["anyOf"] if resolve(spec, s).get("type") != "null"))
    assert types in JSON_TYPES, schema
    return str(types), schema.get("format"), False, False


# -- the inventory is what the saved pages say -------------------------------------------------------------
def test_inventory_files_are_what_the_extractor_produces() -> None:
    result = subprocess.run([sys.executable, str(SCRIPT), "--check"], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr


def test_inventory_counts() -> None:
    counts = {api: len(load_inventory(api)["operations"]) for api in APIS}
    assert counts == {"grades": 19, "interop": 14}
    decided = [op["title"] for op in load_inventory("grades")["operations"] if op["path_source"] == "decided"]
    assert decided == [
        "List Batch Grades Exchanges",
        "Get count of Batch Grades Exchanges",
        "Get Batch Exchange Course IDs Report",
    ]


def test_extractor_shows_a_docs_change_as_a_diff(tmp_path: Path) -> None:
    """Remove one operation from a saved page and add a query parameter to another: both show up."""
    page = (inventory.INVENTORY_DIR / "sources" / "interop.gitbook.txt").read_text(encoding="utf-8")
    changed = page.replace("  • DELETEDelete Scoping Course\n", "")
    start = changed.index("\nDelete Scoping Course\n\ndelete")
    end = changed.index("DELETE /v2/interop/tenant/scoping/courses/{id} HTTP/1.1")
    changed = changed[:start] + changed[end + len("DELETE /v2/interop/tenant/scoping/courses/{id} HTTP/1.1") :]
    changed = changed.replace(
        "Query parameters\npageinteger · int32Optional",
        "Query parameters\nupdated_sincestring · date-timeOptional\npageinteger · int32Optional",
        1,
    )
    source = tmp_path / "interop.gitbook.txt"
    source.write_text(changed, encoding="utf-8")
    document = inventory.extract("interop", "/v2/interop", [source], {})
    titles = [op["title"] for op in document["operations"]]
    assert len(titles) == 13
    assert "Delete Scoping Course" not in titles
    schools = document["operations"][2]
    assert schools["title"] == "List Scoping Schools"
    assert schools["parameters"][0] == {
        "name": "updated_since",
        "in": "query",
        "type": "string",
        "format": "date-time",
        "required": False,
    }


def test_extractor_rejects_a_page_it_cannot_read(tmp_path: Path) -> None:
    source = tmp_path / "page.txt"
    source.write_text("Some page\n\nget\n\nNo request line here\n", encoding="utf-8")
    with pytest.raises(inventory.InventoryError, match="no example request line"):
        inventory.extract("interop", "/v2/interop", [source], {})
    source.write_text("nothing documented here\n", encoding="utf-8")
    with pytest.raises(inventory.InventoryError, match="no operations found"):
        inventory.extract("interop", "/v2/interop", [source], {})


def test_a_decision_is_dropped_once_the_docs_show_the_path(tmp_path: Path) -> None:
    for name in ("grades.gitbook.txt", "grades.markdown.md"):
        shutil.copy(inventory.INVENTORY_DIR / "sources" / name, tmp_path / name)
    sources = [tmp_path / "grades.gitbook.txt", tmp_path / "grades.markdown.md"]
    with pytest.raises(inventory.InventoryError, match=r"decisions\.yaml has none"):
        inventory.extract("grades", "/v2/grades", sources, {})
    decisions = yaml.safe_load((inventory.INVENTORY_DIR / "decisions.yaml").read_text(encoding="utf-8"))["grades"]
    decisions["List Grades Exchanges"] = {"method": "GET", "path": "/exchanges"}
    with pytest.raises(inventory.InventoryError, match=r"drop it from decisions\.yaml"):
        inventory.extract("grades", "/v2/grades", sources, decisions)


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("idstring · uuidRequired", {"name": "id", "in": "path", "type": "string", "format": "uuid", "required": True}),
        (
            "page\\_sizeinteger · int32Optional",
            {"name": "page_size", "in": "path", "type": "integer", "format": "int32", "required": False},
        ),
        (
            "accountsstring · uuid[] · min: 1Optional",
            {"name": "accounts", "in": "path", "type": "string", "format": "uuid", "array": True, "required": False},
        ),
        (
            "course\\_idsstring\\[]Optional",
            {"name": "course_ids", "in": "path", "type": "string", "array": True, "required": False},
        ),
        (
            "statestring · enumOptionalPossible values:",
            {"name": "state", "in": "path", "type": "string", "required": False, "enum": True},
        ),
        (
            "created\\_atstring · date-timeRead-onlyOptional",
            {
                "name": "created_at",
                "in": "path",
                "type": "string",
                "format": "date-time",
                "required": False,
                "read_only": True,
            },
        ),
        ("metadataobject | nullableOptional", {"name": "metadata", "in": "path", "type": "object", "required": False}),
    ],
)
def test_parse_field(line: str, expected: dict[str, Any]) -> None:
    parsed = inventory.parse_field(line, "path")
    assert parsed is not None
    assert parsed.as_dict() == expected


@pytest.mark.parametrize("line", ["AuthorizationstringRequired", "object | nullableOptional", "Responses", ""])
def test_parse_field_ignores_non_fields(line: str) -> None:
    assert inventory.parse_field(line, "query") is None


# -- the specs and the inventory agree both ways -----------------------------------------------------------
@pytest.mark.parametrize("api", APIS)
def test_every_documented_operation_is_in_the_spec_and_back(api: API) -> None:
    documented = {(op["method"], op["path"]): op["title"] for op in load_inventory(api)["operations"]}
    specified = {(op.method.upper(), op.path): str(op.definition.get("x-doc-title")) for op in operations(api)}
    assert specified == documented


@pytest.mark.parametrize("api", APIS)
def test_decided_paths_are_explained_in_the_spec(api: API) -> None:
    specs = by_title(api)
    for op in load_inventory(api)["operations"]:
        description = " ".join(specs[op["title"]].definition["description"].split())
        assert ("the docs show no path for this operation" in description) == (op["path_source"] == "decided"), op[
            "title"
        ]


@pytest.mark.parametrize("api", APIS)
def test_documented_parameters_match_the_spec_both_ways(api: API) -> None:
    spec = load_spec(api)
    specs = by_title(api)
    for op in load_inventory(api)["operations"]:
        spec_op = specs[op["title"]]
        documented = {(p["name"], p["in"]): p for p in op["parameters"]}
        specified = {(p["name"], p["in"]): p for p in spec_op.parameters if p["in"] in ("path", "query")}
        assert set(specified) == set(documented), op["title"]
        for key, doc in documented.items():
            param = specified[key]
            assert bool(param.get("required", False)) == doc["required"], (op["title"], key)
            kind, fmt, array, open_enum = schema_type(spec, param["schema"])
            assert (kind, fmt, array, open_enum) == (
                doc["type"],
                doc.get("format"),
                doc.get("array", False),
                doc.get("enum", False),
            ), (op["title"], key)


@pytest.mark.parametrize("api", APIS)
def test_documented_body_fields_are_in_the_request_schema(api: API) -> None:
    """Each documented top-level body field is a property of the request body (the spec may add fields the
    docs' examples show); a read-only field is left out of the request schema, or at least never required."""
    spec = load_spec(api)
    specs = by_title(api)
    for op in load_inventory(api)["operations"]:
        body = specs[op["title"]].definition.get("requestBody")
        if not op["body_fields"]:
            continue
        assert body is not None, op["title"]
        schema = resolve(spec, resolve(spec, body)["content"]["application/json"]["schema"])
        if schema.get("type") == "array":
            schema = resolve(spec, schema["items"])
        for doc in op["body_fields"]:
            if doc.get("read_only"):
                assert doc["name"] not in schema.get("required", []), (op["title"], doc["name"])
                if doc["name"] not in schema["properties"]:
                    continue
            assert doc["name"] in schema["properties"], (op["title"], doc["name"])
            kind, _fmt, array, open_enum = schema_type(spec, schema["properties"][doc["name"]])
            assert (kind, array, open_enum) == (doc["type"], doc.get("array", False), doc.get("enum", False)), (
                op["title"],
                doc["name"],
            )
            if doc.get("read_only"):
                assert doc["name"] not in schema.get("required", []), (op["title"], doc["name"])
