"""Load the project's OpenAPI documents and walk their operations.

The specs in ``openapi/`` are the single source of truth: the generated clients, the tests and (later)
the mock server and the conformance suite all read them through this module.
"""

from __future__ import annotations

import copy
import functools
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import yaml

API = Literal["grades", "interop"]
APIS: tuple[API, ...] = ("grades", "interop")
HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")

# An installed wheel carries the specs inside the package (pyproject.toml, force-include); a checkout (and the
# editable install of `make install`) reads openapi/ itself, the source of truth.
_PACKAGED_SPECS = Path(__file__).resolve().parents[1] / "openapi"
SPEC_DIR = (
    _PACKAGED_SPECS if (_PACKAGED_SPECS / "grades.yaml").is_file() else Path(__file__).resolve().parents[3] / "openapi"
)


# PyYAML's C loader (libyaml) where the installed PyYAML has it, the pure-Python one otherwise: the same documents,
# and the C one is the faster start of every command (tests/spec/test_loader.py compares the two).
SpecLoader: type[yaml.CSafeLoader] | type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def spec_path(api: API) -> Path:
    """Path of one API's OpenAPI document."""
    return SPEC_DIR / f"{api}.yaml"


@functools.cache
def _load(api: API) -> dict[str, Any]:
    with spec_path(api).open(encoding="utf-8") as fh:
        data = yaml.load(fh, Loader=SpecLoader)  # noqa: S506 - a safe loader, C or pure Python
    if not isinstance(data, dict):
        raise ValueError(f"{spec_path(api)} is not an OpenAPI document")
    return data


def load_spec(api: API) -> dict[str, Any]:
    """A fresh (deep-copied) dict of one API's OpenAPI document; callers may mutate it."""
    return copy.deepcopy(_load(api))


def resolve(spec: dict[str, Any], node: Any) -> Any:
    """Follow local ``$ref`` pointers (``#/...``) until a non-reference node is reached."""
    seen: set[str] = set()
    while isinstance(node, dict) and "$ref" in node:
        ref = node["$ref"]
        if not isinstance(ref, str) or not ref.startswith("#/"):
            raise ValueError(f"only local references are supported, got {ref!r}")
        if ref in seen:
            raise ValueError(f"reference cycle at {ref}")
        seen.add(ref)
        target: Any = spec
        for part in ref[2:].split("/"):
            target = target[part.replace("~1", "/").replace("~0", "~")]
        node = target
    return node


@dataclass(frozen=True)
class Operation:
    """One operation of a spec, with path-level parameters merged in and references resolved."""

    api: API
    method: str
    path: str
    definition: dict[str, Any]
    parameters: tuple[dict[str, Any], ...]

    @property
    def operation_id(self) -> str:
        return str(self.definition["operationId"])

    @property
    def key(self) -> str:
        return f"{self.method.upper()} {self.path}"


def iter_operations(spec: dict[str, Any], api: API) -> Iterator[Operation]:
    """Every operation of a spec in document order."""
    for path, item in spec.get("paths", {}).items():
        shared = [resolve(spec, p) for p in item.get("parameters", [])]
        for method in HTTP_METHODS:
            if method not in item:
                continue
            definition = item[method]
            own = [resolve(spec, p) for p in definition.get("parameters", [])]
            own_keys = {(p["name"], p["in"]) for p in own}
            merged = [p for p in shared if (p["name"], p["in"]) not in own_keys] + own
            yield Operation(api, method, path, definition, tuple(merged))


def operations(api: API) -> list[Operation]:
    """Every operation of one API's spec."""
    return list(iter_operations(_load(api), api))


def media_examples(spec: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any], Any, bool]]:
    """(location, schema, example value, is_request) for every media-type example of a spec's operations."""

    def from_content(
        where: str, content: dict[str, Any], is_request: bool
    ) -> Iterator[tuple[str, dict[str, Any], Any, bool]]:
        for media, body in content.items():
            for name, example in body.get("examples", {}).items():
                yield f"{where} {media} example {name!r}", body["schema"], resolve(spec, example)["value"], is_request

    for path, item in spec["paths"].items():
        for method, op in item.items():
            if method == "parameters":
                continue
            where = f"{method.upper()} {path}"
            if "requestBody" in op:
                yield from from_content(f"{where} request", resolve(spec, op["requestBody"])["content"], True)
            for status, response in op["responses"].items():
                response = resolve(spec, response)
                yield from from_content(f"{where} {status}", response.get("content", {}), False)


__all__ = [
    "API",
    "APIS",
    "Operation",
    "SpecLoader",
    "iter_operations",
    "load_spec",
    "media_examples",
    "operations",
    "resolve",
    "spec_path",
]
