"""Routes and request validation compiled once from the OpenAPI specs.

Each operation gets a path regex, a precompiled jsonschema-rs validator per parameter and for its JSON
body. Query values arrive as strings and are converted to the declared type before validation. Integer
formats get their range (``int32``, ``int64``) as ``minimum``/``maximum`` so out-of-range numbers are a 400.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import jsonschema_rs

from datasync_openapi.specs import API, load_spec, operations, resolve
from datasync_openapi.validation import explain

from .http import bad_request, decode_body

INT_RANGES = {"int32": (-(2**31), 2**31 - 1), "int64": (-(2**63), 2**63 - 1)}
_PARAM = re.compile(r"\{([^}/]+)\}")


def _add_int_ranges(node: Any) -> Any:
    if isinstance(node, dict):
        out = {key: _add_int_ranges(value) for key, value in node.items()}
        bounds = INT_RANGES.get(str(out.get("format")))
        if bounds and out.get("type") == "integer":
            out.setdefault("minimum", bounds[0])
            out.setdefault("maximum", bounds[1])
        return out
    if isinstance(node, list):
        return [_add_int_ranges(item) for item in node]
    return node


def compile_schema(schema: dict[str, Any]) -> jsonschema_rs.Validator:
    """A reusable, thread-safe validator of a JSON Schema (2020-12, formats checked), as requests are validated."""
    return jsonschema_rs.Draft202012Validator(schema, validate_formats=True)


def check(validator: jsonschema_rs.Validator, value: Any, what: str) -> None:
    """400 with the first error in plain words (``validation.explain``): the field, what was expected."""
    try:
        error = next(iter(validator.iter_errors(value)), None)
    except ValueError as exc:  # e.g. a number jsonschema-rs cannot represent
        raise bad_request(f"{what} holds a value that cannot be checked: {exc}") from None
    if error is not None:
        raise bad_request(explain(error, what))


@dataclass
class Param:
    name: str
    location: str
    required: bool
    schema: dict[str, Any]
    validator: jsonschema_rs.Validator

    @property
    def kind(self) -> str:
        return str(self.schema.get("type", "string"))

    @property
    def item_kind(self) -> str:
        items = self.schema.get("items", {})
        return str(items.get("type", "string")) if isinstance(items, dict) else "string"


@dataclass
class Route:
    api: API
    method: str
    template: str
    operation_id: str
    regex: re.Pattern[str]
    params: list[Param]
    security: list[dict[str, list[str]]]
    body_required: bool = False
    body_validator: jsonschema_rs.Validator | None = None
    body_media: str | None = None
    responses: dict[str, Any] = field(default_factory=dict)

    # -- validation --------------------------------------------------------------------------------------
    def validate(
        self, path_values: dict[str, str], query: Iterable[tuple[str, str]], body: bytes, content_type: str
    ) -> tuple[dict[str, Any], Any]:
        """Converted and validated parameters, and the decoded body (``None`` when absent)."""
        raw_query: dict[str, list[str]] = {}
        for key, value in query:
            raw_query.setdefault(key, []).append(value)
        values: dict[str, Any] = {}
        for param in self.params:
            if param.location == "path":
                raw: list[str] | None = [path_values[param.name]]
            elif param.location == "query":
                raw = raw_query.get(param.name)
            else:
                continue
            if raw is None:
                if param.required:
                    raise bad_request(f"query parameter {param.name!r} is required")
                if "default" in param.schema:
                    values[param.name] = param.schema["default"]
                continue
            value = self._convert(param, raw)
            check(param.validator, value, f"{param.location} parameter {param.name!r}")
            values[param.name] = value
        decoded: Any = None
        if body:
            if self.body_validator is None:
                if self.method in ("get", "delete"):
                    return values, None  # a body on GET/DELETE means nothing to this API: ignored
                raise bad_request("this operation takes no request body")
            media = content_type.split(";", 1)[0].strip().lower()
            if media != "application/json" and not (media.startswith("application/") and media.endswith("+json")):
                raise bad_request(f"the request body must be application/json, not {media or 'unspecified'!r}")
            decoded = decode_body(body)
            check(self.body_validator, decoded, "body")
        elif self.body_required:
            raise bad_request("a JSON request body is required")
        return values, decoded

    @staticmethod
    def _scalar(kind: str, text: str, what: str) -> Any:
        if kind == "integer":
            if not re.fullmatch(r"[+-]?\d{1,30}", text):
                raise bad_request(f"{what} must be an integer, got {text!r}")
            return int(text)
        if kind == "number":
            try:
                return float(text)
            except ValueError:
                raise bad_request(f"{what} must be a number, got {text!r}") from None
        if kind == "boolean":
            if text not in ("true", "false"):
                raise bad_request(f"{what} must be true or false, got {text!r}")
            return text == "true"
        return text

    def _convert(self, param: Param, raw: list[str]) -> Any:
        what = f"{param.location} parameter {param.name!r}"
        if param.kind == "array":
            return [self._scalar(param.item_kind, item, what) for item in raw]
        if len(raw) > 1:
            raise bad_request(f"{what} is given {len(raw)} times; it takes one value")
        return self._scalar(param.kind, raw[0], what)


MATCH_CACHE = 4096
_MISSING = object()


class Router:
    """Every operation of both APIs, matched by base path, path template and method."""

    def __init__(self) -> None:
        self.base_paths: dict[str, API] = {}
        self.routes: dict[API, list[Route]] = {}
        self._matches: dict[str, Any] = {}
        for api in ("grades", "interop"):
            spec = load_spec(api)
            self.base_paths[f"/v2/{api}"] = api
            self.routes[api] = self._compile(api, spec)

    @staticmethod
    def _compile(api: API, spec: dict[str, Any]) -> list[Route]:
        components = _add_int_ranges(spec.get("components", {}))

        def validator(schema: dict[str, Any]) -> jsonschema_rs.Validator:
            return compile_schema({**_add_int_ranges(copy.deepcopy(schema)), "components": components})

        routes: list[Route] = []
        global_security = spec.get("security", [])
        for op in operations(api):
            pattern = (
                "^"
                + _PARAM.sub(lambda m: f"(?P<{m[1]}>[^/]+)", re.escape(op.path).replace(r"\{", "{").replace(r"\}", "}"))
                + "$"
            )
            params = [
                Param(p["name"], p["in"], bool(p.get("required")), resolve(spec, p["schema"]), validator(p["schema"]))
                for p in op.parameters
            ]
            route = Route(
                api=api,
                method=op.method,
                template=op.path,
                operation_id=op.operation_id,
                regex=re.compile(pattern),
                params=params,
                security=op.definition.get("security", global_security),
                responses=op.definition["responses"],
            )
            body = op.definition.get("requestBody")
            if body is not None:
                body = resolve(spec, body)
                media, content = next(iter(body["content"].items()))
                route.body_media = media
                route.body_required = bool(body.get("required"))
                route.body_validator = validator(content["schema"])
            routes.append(route)
        # literal segments win over templated ones: /exchanges/count before /exchanges/{id}
        routes.sort(key=lambda r: (r.template.count("{"), -len(r.template)))
        return routes

    def match(self, path: str) -> tuple[API, list[tuple[Route, dict[str, str]]]] | None:
        """The API and the routes whose template matches ``path`` (one per method); ``None`` if no API.

        Remembered per path (up to ``MATCH_CACHE`` paths, then forgotten at once): matching walks every route's
        regular expression, and clients ask for the same paths again and again."""
        cached = self._matches.get(path, _MISSING)
        if cached is _MISSING:
            if len(self._matches) >= MATCH_CACHE:
                self._matches.clear()
            cached = self._matches[path] = self._match(path)
        if cached is None:
            return None
        api, found = cached
        return api, [(route, dict(values)) for route, values in found]

    def _match(self, path: str) -> tuple[API, list[tuple[Route, dict[str, str]]]] | None:
        for base, api in self.base_paths.items():
            if path == base or path.startswith(base + "/"):
                rest = path[len(base) :] or "/"
                found: list[tuple[Route, dict[str, str]]] = []
                template: str | None = None
                for route in self.routes[api]:
                    m = route.regex.match(rest)
                    if m and (template is None or route.template == template):
                        template = route.template
                        found.append((route, m.groupdict()))
                return api, found
        return None
