"""Routes, request validation and response validators compiled from the OpenAPI specs.

Each operation gets a path regex, a precompiled jsonschema-rs validator per parameter and for its JSON
body. Query values arrive as strings and are converted to the declared type before validation. Integer
formats get their range (``int32``, ``int64``) as ``minimum``/``maximum`` so out-of-range numbers are a 400.

The same compilation (``compile_schema``) gives each route its response validators (``Route.response``: the
documented response for a status, its media types and a validator of its JSON body, compiled on first use),
which the validating proxy uses; ``findings.hints`` explains a failing response with the same compiler and
the same status lookup (``documented_status``), so the two never disagree about what the spec allows.
"""

from __future__ import annotations

import copy
import functools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import jsonschema_rs

from ._envelope import MockError, decode_body
from ._explain import explain
from ._specs import API, Operation, load_spec, operations, resolve

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


@functools.cache
def _spec(api: API) -> dict[str, Any]:
    return load_spec(api)


@functools.cache
def _components(api: API) -> dict[str, Any]:
    return dict(_add_int_ranges(_spec(api).get("components", {})))


def compile_schema(schema: dict[str, Any], api: API | None = None) -> jsonschema_rs.Validator:
    """A validator of ``schema`` with formats checked and the int32/int64 ranges enforced; with ``api``, a schema
    of that API's document (its ``$ref`` resolve against the document's components). The one way a schema
    becomes a validator: requests, responses, the hints' explanations and the mock's controls all use it."""
    root = _add_int_ranges(copy.deepcopy(schema))
    if api is not None:
        root = {**root, "components": _components(api)}
    return jsonschema_rs.Draft202012Validator(root, validate_formats=True)


def check(validator: jsonschema_rs.Validator, value: Any, what: str) -> None:
    """400 with the first error in plain words (``validation.explain``): the field, what was expected."""
    Route._check(validator, value, what, what)


def documented_status(responses: dict[str, Any], status: int) -> str | None:
    """The key of the documented response that covers ``status``: the exact code, then ``4XX``, then
    ``default``; ``None`` if the operation does not document it."""
    for key in (str(status), f"{str(status)[0]}XX", "default"):
        if key in responses:
            return key
    return None


def response_schema(operation: Operation, status: int, media: str = "application/json") -> dict[str, Any] | None:
    """The documented schema of a response (exact status, then ``4XX``, then ``default``), or None."""
    responses: dict[str, Any] = operation.definition.get("responses", {})
    key = documented_status(responses, status)
    if key is None:
        return None
    response = resolve(_spec(operation.api), responses[key])
    content = response.get("content", {}) if isinstance(response, dict) else {}
    entry = content.get(media) or content.get("application/json")
    if isinstance(entry, dict) and isinstance(entry.get("schema"), dict):
        return dict(entry["schema"])
    return None


def is_json_media(media: str) -> bool:
    """``application/json`` or a ``+json`` media type (parameters such as ``; charset=utf-8`` ignored)."""
    media = media.split(";", 1)[0].strip().lower()
    return media == "application/json" or (media.startswith("application/") and media.endswith("+json"))


class InvalidRequest(MockError):
    """A request the spec does not allow (answered 400 by the mock). ``location`` says which part:
    ``query.page_size``, ``path.id``, ``body`` (with ``path``, the JSON location inside the body)."""

    def __init__(self, details: str, location: str, path: Sequence[str | int] = ()) -> None:
        super().__init__(400, "The request is invalid", details)
        self.location = location
        self.path = tuple(path)


@dataclass(frozen=True)
class ResponseSpec:
    """What an operation documents for one response status."""

    key: str | None  # "200", "4XX", "default"; None: the status is not documented
    media: tuple[str, ...] = ()  # documented media types (empty: no body documented)
    validator: jsonschema_rs.Validator | None = None  # of the JSON body, when a JSON schema is documented


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

    _response_specs: dict[int, ResponseSpec] = field(default_factory=dict, repr=False, compare=False)

    @functools.cached_property
    def schemes(self) -> frozenset[str]:
        """Every security scheme any of the operation's requirements names."""
        return frozenset(name for requirement in self.security for name in requirement)

    @functools.cached_property
    def method_upper(self) -> str:
        return self.method.upper()

    @property
    def label(self) -> str:
        """``GET /exchanges/{id}``: how findings and coverage name the operation."""
        return f"{self.method.upper()} {self.template}"

    # -- validation --------------------------------------------------------------------------------------
    def validate(
        self,
        path_values: dict[str, str],
        query: Iterable[tuple[str, str]],
        body: bytes,
        content_type: str,
        *,
        check_body: bool = True,
    ) -> tuple[dict[str, Any], Any]:
        """Converted and validated parameters, and the decoded body (``None`` when absent). Raises
        ``InvalidRequest`` (a 400 ``MockError``). ``check_body=False`` checks the parameters only."""
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
            where = f"{param.location}.{param.name}"
            if raw is None:
                if param.required:
                    raise InvalidRequest(f"query parameter {param.name!r} is required", where)
                if "default" in param.schema:
                    values[param.name] = param.schema["default"]
                continue
            value = self._convert(param, raw, where)
            self._check(param.validator, value, f"{param.location} parameter {param.name!r}", where)
            values[param.name] = value
        decoded: Any = None
        if not check_body:
            return values, None
        if body:
            if self.body_validator is None:
                if self.method in ("get", "delete"):
                    return values, None  # a body on GET/DELETE means nothing to this API: ignored
                raise InvalidRequest("this operation takes no request body", "body")
            if not is_json_media(content_type):
                media = content_type.split(";", 1)[0].strip().lower()
                raise InvalidRequest(
                    f"the request body must be application/json, not {media or 'unspecified'!r}", "body"
                )
            try:
                decoded = decode_body(body)  # the mock's one decoder of untrusted JSON: depth, non-finite numbers
            except MockError as exc:
                raise InvalidRequest(exc.details or exc.message, "body") from None
            self._check(self.body_validator, decoded, "body", "body")
        elif self.body_required:
            raise InvalidRequest("a JSON request body is required", "body")
        return values, decoded

    @staticmethod
    def _scalar(kind: str, text: str, what: str, where: str) -> Any:
        if kind == "integer":
            if not re.fullmatch(r"[+-]?\d{1,30}", text):
                raise InvalidRequest(f"{what} must be an integer, got {text!r}", where)
            return int(text)
        if kind == "number":
            try:
                return float(text)
            except ValueError:
                raise InvalidRequest(f"{what} must be a number, got {text!r}", where) from None
        if kind == "boolean":
            if text not in ("true", "false"):
                raise InvalidRequest(f"{what} must be true or false, got {text!r}", where)
            return text == "true"
        return text

    def _convert(self, param: Param, raw: list[str], where: str) -> Any:
        what = f"{param.location} parameter {param.name!r}"
        if param.kind == "array":
            return [self._scalar(param.item_kind, item, what, where) for item in raw]
        if len(raw) > 1:
            raise InvalidRequest(f"{what} is given {len(raw)} times; it takes one value", where)
        return self._scalar(param.kind, raw[0], what, where)

    @staticmethod
    def _check(validator: jsonschema_rs.Validator, value: Any, what: str, where: str) -> None:
        """400 with the first error in plain words (``validation.explain``): the field, what was expected."""
        try:
            error = next(iter(validator.iter_errors(value)), None)
        except ValueError as exc:  # e.g. a number jsonschema-rs cannot represent
            raise InvalidRequest(f"{what} holds a value that cannot be checked: {exc}", where) from None
        if error is not None:
            raise InvalidRequest(explain(error, what), where, list(error.instance_path))

    # -- responses ---------------------------------------------------------------------------------------
    def response(self, status: int) -> ResponseSpec:
        """What this operation documents for ``status`` (compiled on first use, then kept)."""
        found = self._response_specs.get(status)
        if found is None:
            found = self._response_specs[status] = self._compile_response(status)
        return found

    def _compile_response(self, status: int) -> ResponseSpec:
        key = documented_status(self.responses, status)
        if key is None:
            return ResponseSpec(None)
        response = resolve(_spec(self.api), self.responses[key])
        content: dict[str, Any] = response.get("content") or {}
        validator = None
        for media, entry in content.items():
            if is_json_media(media) and isinstance(entry, dict) and isinstance(entry.get("schema"), dict):
                validator = compile_schema(entry["schema"], self.api)
                break
        return ResponseSpec(key, tuple(content), validator)


MATCH_CACHE = 4096


class Router:
    """Every operation of both APIs, matched by base path, path template and method."""

    def __init__(self) -> None:
        self.base_paths: dict[str, API] = {}
        self.routes: dict[API, list[Route]] = {}
        self._matches: dict[str, tuple[API, list[tuple[Route, dict[str, str]]]] | None] = {}
        for api in ("grades", "interop"):
            spec = load_spec(api)
            self.base_paths[f"/v2/{api}"] = api
            self.routes[api] = self._compile(api, spec)

    @staticmethod
    def _compile(api: API, spec: dict[str, Any]) -> list[Route]:
        def validator(schema: dict[str, Any]) -> jsonschema_rs.Validator:
            return compile_schema(schema, api)

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
        regular expression, and clients ask for the same paths again and again. The answer is the remembered one:
        callers read it and never change it."""
        try:
            return self._matches[path]
        except KeyError:
            if len(self._matches) >= MATCH_CACHE:
                self._matches.clear()
            found = self._matches[path] = self._match(path)
            return found

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


_ROUTER: Router | None = None


def router() -> Router:
    """The compiled routes (compiled once per process: validators are reusable and thread-safe)."""
    global _ROUTER
    if _ROUTER is None:
        _ROUTER = Router()
    return _ROUTER


__all__ = [
    "INT_RANGES",
    "InvalidRequest",
    "Param",
    "ResponseSpec",
    "Route",
    "Router",
    "check",
    "compile_schema",
    "documented_status",
    "is_json_media",
    "response_schema",
    "router",
]
