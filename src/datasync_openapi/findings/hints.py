"""Explain a response the spec does not allow: every offending value, where it is, and the smallest spec change
that would accept it (printed, never applied).

A schema validator reports the first keyword that failed, often high up (``data`` failed ``anyOf`` because it
is nullable), so one drifting field hides the others. ``contract_errors`` walks the response schema of the
spec itself instead and reports each offending value at its own JSON pointer, with the component and
property it belongs to (``ExchangeError.details``), so a run says "details was null" and "error_count was a
string" as two findings with stable keys.

Which documented response covers a status and its schema (``response_schema``, by ``documented_status``), how a
schema becomes a validator (``compile_schema``, int32/int64 ranges included) and a value's JSON type come from
``contract``, where the request and response validators are compiled: an explanation never disagrees with the
validator that found the problem.

The hints of the other spec-related findings (an undeclared status or content type, input accepted or refused
against the spec, ignored auth) live here too, so the conformance suite and the validating proxy word them
the same way.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from typing import Any

import jsonschema_rs

from datasync_openapi.contract import API, Operation, compile_schema, json_type, load_spec, resolve, response_schema

from .model import normalise_pointer, pointer


def _short(value: Any, limit: int = 40) -> str:
    text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= limit else text[: limit - 3] + "..."


@dataclass(frozen=True)
class ContractError:
    """One value in a response that its schema does not allow."""

    pointer: str  # JSON pointer of the value in the response body, e.g. /data/0/error_count
    kind: str  # null | type | enum | format | required | additional | constraint | status | content-type
    field: str  # where in the spec: "ExchangeError.details", "Exchange" (for required/additional), ...
    message: str
    hint: str
    spec_pointer: str = ""  # the same place in the spec's terms: a map's keys (additionalProperties) are `*`

    @property
    def location(self) -> str:
        """The stable part of a finding's key: pointer in the spec's terms without indices, and what was wrong."""
        return f"{normalise_pointer(self.spec_pointer or self.pointer)} {self.kind}"


def _error(
    parts: list[str | int], terms: list[str | int], kind: str, field: str, message: str, hint: str
) -> ContractError:
    return ContractError(pointer(parts), kind, field, message, hint, pointer(terms))


@functools.cache
def _spec(api: API) -> dict[str, Any]:
    return load_spec(api)


def _deref(spec: dict[str, Any], schema: Any) -> tuple[dict[str, Any], str]:
    """Follow ``$ref`` (``specs.resolve``); also return the name of the component it names (``""`` if none)."""
    ref = schema.get("$ref") if isinstance(schema, dict) else None
    target = resolve(spec, schema)
    return (target if isinstance(target, dict) else {}), (str(ref).rsplit("/", 1)[-1] if ref else "")


def _types(schema: dict[str, Any]) -> list[str]:
    declared = schema.get("type")
    if isinstance(declared, str):
        return [declared]
    if isinstance(declared, list):
        return [str(t) for t in declared]
    return []


def _type_ok(value: Any, declared: list[str]) -> bool:
    actual = json_type(value)
    return not declared or actual in declared or (actual == "integer" and "number" in declared)


@functools.cache
def _validator(api: API, schema_json: str) -> jsonschema_rs.Validator:
    return compile_schema(json.loads(schema_json), api)


def _valid(api: API, schema: dict[str, Any], value: Any) -> bool:
    return bool(_validator(api, json.dumps(schema, sort_keys=True)).is_valid(value))


def _type_hint(field: str, declared: list[str], actual: str, value: Any) -> str:
    if actual == "null":
        if declared:
            types = ", ".join([*declared, "'null'"])
            return f"`{field}` was null: declare it `type: [{types}]` (or have the server omit it)"
        return f"`{field}` was null: declare it nullable, `anyOf: [<its schema>, {{type: 'null'}}]`"
    wanted = " or ".join(declared)
    return (
        f"`{field}` was {'an' if actual[0] in 'aeio' else 'a'} {actual} ({_short(value)}), the spec says {wanted}: "
        f"if the server is right, declare `type: [{', '.join([*declared, actual])}]`"
    )


def _walk(
    api: API, schema: Any, value: Any, parts: list[str | int], field: str, terms: list[str | int] | None = None
) -> list[ContractError]:
    """``parts``: where the value is in the body; ``terms``: the same path in the spec's terms (a map's key,
    whatever the server or schemathesis named it, is ``*``)."""
    spec = _spec(api)
    schema, component = _deref(spec, schema)
    terms = list(parts) if terms is None else terms
    name = field or component or "the response body"
    owner = component or field or "the response body"  # what an object's properties belong to
    for keyword in ("anyOf", "oneOf"):
        if keyword not in schema:
            continue
        if _valid(api, schema, value):
            return []
        non_null = [branch for branch in schema[keyword] if _types(_deref(spec, branch)[0]) != ["null"]]
        if value is None:
            return [
                _error(
                    parts,
                    terms,
                    "null",
                    name,
                    f"{name} was null",
                    f"`{name}` was null: declare it nullable, `anyOf: [<its schema>, {{type: 'null'}}]`",
                )
            ]
        if len(non_null) == 1:
            return _walk(api, non_null[0], value, parts, field, terms)
        # An open enumeration (anyOf: [known values, any string]) or a real union: report it whole.
        return [
            _error(
                parts,
                terms,
                "type",
                name,
                f"{name} = {_short(value)} matches none of its {keyword} schemas",
                f"`{name}` = {_short(value)} matches none of its `{keyword}` schemas: add a schema that accepts it",
            )
        ]
    declared = _types(schema)
    if not _type_ok(value, declared):
        actual = json_type(value)
        return [
            _error(
                parts,
                terms,
                "null" if value is None else "type",
                name,
                f"{name} was null, expected {' or '.join(declared)}"
                if value is None
                else f"{name} was {actual} {_short(value)}, expected {' or '.join(declared)}",
                _type_hint(name, declared, actual, value),
            )
        ]
    if "enum" in schema and value not in schema["enum"]:
        return [
            _error(
                parts,
                terms,
                "enum",
                name,
                f"{name} = {_short(value)} is not one of {schema['enum']}",
                f"unknown value {_short(value)} for `{name}`: add it to the enum, or make it open "
                f"(`anyOf: [<the enum>, {{type: string}}]`, as the specs do for the docs' lost enums)",
            )
        ]
    errors: list[ContractError] = []
    if isinstance(value, dict):
        properties: dict[str, Any] = schema.get("properties", {})
        for required in schema.get("required", []):
            if required not in value:
                errors.append(
                    _error(
                        [*parts, required],
                        [*terms, required],
                        "required",
                        owner,
                        f"{owner} lacks required property {required!r}",
                        f"`{owner}` lacks required `{required}`: remove it from `{owner}.required` "
                        "if the server may omit it",
                    )
                )
        extra = schema.get("additionalProperties", True)
        for key, item in value.items():
            child_field = f"{owner}.{key}"
            if key in properties:
                errors += _walk(api, properties[key], item, [*parts, key], child_field, [*terms, key])
            elif extra is False:
                errors.append(
                    _error(
                        [*parts, key],
                        [*terms, key],
                        "additional",
                        owner,
                        f"{owner} has undeclared property {key!r}",
                        f"`{owner}` has undeclared property `{key}`: declare it under `{owner}.properties`",
                    )
                )
            elif isinstance(extra, dict):
                errors += _walk(api, extra, item, [*parts, key], f"{owner}.*", [*terms, "*"])
        return errors
    if isinstance(value, list):
        items = schema.get("items")
        if items is not None:
            for index, item in enumerate(value):
                errors += _walk(api, items, item, [*parts, index], f"{name}[]", [*terms, index])
        return errors
    if isinstance(value, str) and "format" in schema and not _valid(api, {"format": schema["format"]}, value):
        return [
            _error(
                parts,
                terms,
                "format",
                name,
                f"{name} = {_short(value)} is not a valid {schema['format']}",
                f"`{name}` = {_short(value)} is not a valid `{schema['format']}`: drop `format: "
                f"{schema['format']}` if the server is right",
            )
        ]
    scalar = {k: v for k, v in schema.items() if k not in ("properties", "items", "description", "examples")}
    if not _valid(api, scalar, value):
        return [
            _error(
                parts,
                terms,
                "constraint",
                name,
                f"{name} = {_short(value)} violates its schema {_short(scalar, 80)}",
                f"`{name}` = {_short(value)} violates `{_short(scalar, 80)}`: "
                "relax the constraint if the server is right",
            )
        ]
    return []


def contract_errors(operation: Operation, status: int, body: Any) -> list[ContractError]:
    """Every value in a JSON response body that its documented schema does not allow, most specific first."""
    schema = response_schema(operation, status)
    if schema is None:
        return []
    return _walk(operation.api, schema, body, [], "")


def _as_declared(value: Any, schema: dict[str, Any]) -> Any:
    """A parameter value as its schema's type reads it from a URL (``"3"`` for an integer is 3)."""
    if not isinstance(value, str):
        return value
    declared = _types(schema)
    try:
        if "integer" in declared and value.lstrip("-").isdigit():
            return int(value)
        if "number" in declared:
            return float(value)
    except ValueError:
        return value
    if "boolean" in declared and value in ("true", "false"):
        return value == "true"
    return value


def forbidden_inputs(operation: Operation, inputs: dict[str, dict[str, Any]]) -> list[str]:
    """The parameters whose values the operation's own schemas forbid, as ``path.id``; ``inputs`` maps a location
    (``path``, ``query``, ``header``) to the values sent there. A request with one is not "valid input"."""
    spec = _spec(operation.api)
    found = []
    for parameter in operation.parameters:
        where, name = parameter.get("in"), parameter.get("name")
        sent = inputs.get(str(where)) or {}
        if name not in sent or not isinstance(parameter.get("schema"), dict):
            continue
        schema, _ = _deref(spec, parameter["schema"])
        if not _valid(operation.api, schema, _as_declared(sent[name], schema)):
            found.append(f"{where}.{name}")
    return found


# -- the other spec-related findings: where (the stable part of the key) and the hint ---------------------------
def undeclared_status(api: str, label: str, status: int | None) -> tuple[str, str]:
    """A status the operation does not document."""
    return (
        f"status {status}",
        f"`{label}` answered {status}, which its responses do not declare: if the server is right, "
        f"declare a `{status}` response (or `{str(status)[0]}XX`) for it in openapi/{api}.yaml",
    )


def undeclared_content_type(api: str, label: str, status: int | None, media: str) -> tuple[str, str]:
    """A documented status answered with a media type its response does not declare."""
    return (
        f"status {status} content-type {media}",
        f"`{label}` answered {status} as `{media}`: if the server is right, declare that media type "
        f"under the {status} response's `content` in openapi/{api}.yaml",
    )


def accepted_invalid(status: int | None) -> str:
    """The hint of an accepts-invalid finding (its location names the invalid part of the request)."""
    return (
        f"the server accepted (answered {status}) input that the spec forbids: harmless to clients, "
        "but if the server is right the spec is stricter than the service"
    )


def unsupported_method(api: str, label: str, method: str, status: int | None, reason: str) -> tuple[str, str, str]:
    """A method the path does not declare, answered wrongly: the title, the location and the hint."""
    if reason == "missing_allow_header":
        return (
            f"{status} without an Allow header",
            f"status {status} without Allow",
            f"`{label}`'s path answered an undeclared method ({method}) with {status} but no `Allow` header: "
            "RFC 9110 requires one listing the methods the path supports",
        )
    return (
        f"Undeclared method {method} answered {status}",
        f"method {method} status {status}",
        f"`{label}`'s path answered the undeclared method {method} with {status}, not 405: if the server is "
        f"right, declare `{method.lower()}` for the path in openapi/{api}.yaml",
    )


def refused_valid(api: str, status: int | None) -> tuple[str, str]:
    """Input the spec allows, refused."""
    return f"status {status}", (
        f"the server refused (answered {status}) input that the spec allows: if the server is right, "
        f"the spec should forbid it (a field it requires, a narrower range or format) in openapi/{api}.yaml"
    )


IGNORED_AUTH = "the server answered a request with missing or invalid credentials as if it were authenticated"


__all__ = [
    "IGNORED_AUTH",
    "ContractError",
    "accepted_invalid",
    "contract_errors",
    "forbidden_inputs",
    "refused_valid",
    "undeclared_content_type",
    "undeclared_status",
    "unsupported_method",
]
