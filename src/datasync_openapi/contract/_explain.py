"""Validation errors in plain words: which field, what was expected, what was given.

jsonschema-rs reports what failed in schema terms ("5 is not valid under any of the schemas listed in the
'anyOf' keyword"). ``explain(error, field)`` turns one of its ``ValidationError`` into a sentence a client
developer can act on, for every schema shape the specs use:

- types, and ``type: [x, "null"]`` / ``anyOf: [X, {type: null}]`` (nullable): "must be a string or null";
- open enumerations (``anyOf: [{enum: [...]}, {type: string}]``): "must be a string (known values: ...)";
- formats (uuid, date-time, date, email, uri, ...): "must be a UUID such as 123e4567-...";
- ``minimum``/``maximum`` (with the int32/int64 ranges), lengths, ``minItems``/``maxItems``, ``required``,
  ``enum``, ``const``, ``pattern``, unexpected properties, nested objects and arrays (``data[0].school_id``).

Used by the mock's request validation (400 ``error.details``); meant for any code that reports a payload
that does not match the specs. The value a client sent is quoted only when it is short and not in a field
whose name or format marks it as a secret.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import jsonschema_rs

__all__ = ["explain", "field_name", "json_type"]

_SECRET = re.compile(r"secret|password|passwd|token|api_?key|credential|authorization", re.IGNORECASE)
_MAX_SHOWN = 60

TYPE_WORDS = {
    "string": "a string",
    "integer": "an integer",
    "number": "a number",
    "boolean": "true or false",
    "object": "a JSON object",
    "array": "an array",
    "null": "null",
}
FORMAT_WORDS = {
    "uuid": "a UUID such as 123e4567-e89b-12d3-a456-426614174000",
    "date-time": "a date-time with a time zone (RFC 3339) such as 2025-06-14T12:04:45Z",
    "date": "a date (YYYY-MM-DD) such as 2025-06-14",
    "time": "a time with a time zone (RFC 3339) such as 12:04:45Z",
    "email": "an email address such as name@example.com",
    "idn-email": "an email address such as name@example.com",
    "uri": "an absolute URI such as https://example.com/path",
    "uri-reference": "a URI reference such as /path or https://example.com/path",
    "hostname": "a host name such as example.com",
    "ipv4": "an IPv4 address such as 192.0.2.1",
    "ipv6": "an IPv6 address such as 2001:db8::1",
    "duration": "an ISO 8601 duration such as P1DT2H",
    "regex": "a regular expression",
}
INT_LIMITS = {
    2**31 - 1: "the largest 32-bit integer",
    -(2**31): "the smallest 32-bit integer",
    2**63 - 1: "the largest 64-bit integer",
    -(2**63): "the smallest 64-bit integer",
}


def field_name(field: str, path: Sequence[str | int]) -> str:
    """``field`` followed by a location inside it: ``("body", ["data", 0, "school_id"])`` gives
    ``"body field 'data[0].school_id'"``; ``("query parameter 'accounts'", [1])`` gives
    ``"query parameter 'accounts'[1]"``; an empty path gives ``field`` itself."""
    if not path:
        return field
    where = "".join(f"[{p}]" if isinstance(p, int) else (f".{p}" if i else str(p)) for i, p in enumerate(path))
    if where.startswith("["):
        return f"{field}{where}"
    return f"{field} field {where!r}"


def explain(error: jsonschema_rs.ValidationError, field: str) -> str:
    """One sentence for ``error``, naming ``field`` (e.g. ``"body"``, ``"query parameter 'page'"``) and the
    location inside it, what was expected and, where safe, what was given.

    For ``{"query": {"type": 5}}`` against the Grades ``ExchangeCreate`` schema, ``explain(error, "body")`` is
    ``body field 'query.type' must be a string (known values: 'assignment_scores', 'summary'), got 5``.
    """
    return _explain(error, field)


# -- expectations ---------------------------------------------------------------------------------------------
@dataclass
class _Expected:
    """What the alternatives at one location accept: types, and per type the enumerated values."""

    types: list[str] = field(default_factory=list)
    open_types: set[str] = field(default_factory=set)  # types accepted with any value
    values: list[Any] = field(default_factory=list)  # enumerated values (from enum/const alternatives)

    def add_type(self, name: str, open_: bool) -> None:
        if name not in self.types:
            self.types.append(name)
        if open_:
            self.open_types.add(name)

    def words(self) -> str:
        parts: list[str] = []
        closed = [v for v in self.values if json_type(v) not in self.open_types]
        if closed:  # a closed enumeration: only these values
            parts.append(_one_of(closed))
        for name in self.types:
            if name not in self.open_types or name == "null":
                continue  # a type only an enumeration allowed is described by its values
            words = TYPE_WORDS.get(name, name)
            known = [v for v in self.values if json_type(v) == name]
            if known:  # an open enumeration: any value of the type, these are the known ones
                words += f" (known values: {', '.join(_literal(v) for v in known)})"
            parts.append(words)
        if "null" in self.open_types:
            parts.append("null")
        return " or ".join(dict.fromkeys(parts)) or "something else"


def _expected_from_branch(errors: Sequence[jsonschema_rs.ValidationError], here: list[str | int]) -> _Expected:
    """What one failed ``anyOf`` branch accepts, from its errors at the ``anyOf``'s own location."""
    expected = _Expected()
    enum_values: list[Any] | None = None
    types: list[str] = []
    for error in errors:
        if list(error.instance_path) != here:
            continue
        kind = error.kind
        if isinstance(kind, jsonschema_rs.ValidationErrorKind.Type):
            types.extend(kind.types)
        elif isinstance(kind, jsonschema_rs.ValidationErrorKind.Enum):
            enum_values = list(kind.options)
        elif isinstance(kind, jsonschema_rs.ValidationErrorKind.Constant):
            enum_values = [kind.expected_value]
        elif isinstance(kind, jsonschema_rs.ValidationErrorKind.AnyOf):
            for branch in kind.context:
                inner = _expected_from_branch(branch, here)
                for name in inner.types:
                    expected.add_type(name, name in inner.open_types)
                expected.values.extend(inner.values)
    if enum_values is not None:
        expected.values.extend(enum_values)
        for name in types or sorted({json_type(v) for v in enum_values}):
            expected.add_type(name, open_=False)
    else:
        for name in types:
            expected.add_type(name, open_=True)
    return expected


def _type_mismatch(errors: Sequence[jsonschema_rs.ValidationError], here: list[str | int]) -> bool:
    """The branch rejected the value itself (its type, or its enumerated values), not something inside it."""
    for error in errors:
        if list(error.instance_path) != here:
            continue
        kind = error.kind
        if isinstance(
            kind,
            jsonschema_rs.ValidationErrorKind.Type
            | jsonschema_rs.ValidationErrorKind.Enum
            | jsonschema_rs.ValidationErrorKind.Constant,
        ):
            return True
        if isinstance(kind, jsonschema_rs.ValidationErrorKind.AnyOf | jsonschema_rs.ValidationErrorKind.OneOfNotValid):
            return all(_type_mismatch(branch, here) for branch in kind.context)
    return False


# -- one error ------------------------------------------------------------------------------------------------
def _explain(error: jsonschema_rs.ValidationError, field: str) -> str:
    path = list(error.instance_path)
    subject = field_name(field, path)
    secret = _is_secret(field, path, error)
    kind = error.kind
    value = error.instance
    K = jsonschema_rs.ValidationErrorKind

    if isinstance(kind, K.AnyOf | K.OneOfNotValid):
        branches = kind.context
        fitting = [b for b in branches if b and not _type_mismatch(b, path)]
        if fitting:  # the value has the right shape for a branch: report what is wrong inside it
            return _explain(_deepest(fitting[0]), field)
        expected = _Expected()
        for branch in branches:
            inner = _expected_from_branch(branch, path)
            for name in inner.types:
                expected.add_type(name, name in inner.open_types)
            expected.values.extend(inner.values)
        return f"{subject} must be {expected.words()}, got {_shown(value, secret)}"
    if isinstance(kind, K.OneOfMultipleValid):
        return f"{subject} matches more than one of the allowed shapes; make it match exactly one"
    if isinstance(kind, K.Type):
        expected = _Expected()
        for name in kind.types:
            expected.add_type(name, open_=True)
        return f"{subject} must be {expected.words()}, got {_shown(value, secret)}"
    if isinstance(kind, K.Enum):
        return f"{subject} must be {_one_of(list(kind.options))}, got {_shown(value, secret)}"
    if isinstance(kind, K.Constant):
        return f"{subject} must be exactly {_literal(kind.expected_value)}, got {_shown(value, secret)}"
    if isinstance(kind, K.Format):
        words = FORMAT_WORDS.get(kind.format, f"a valid {kind.format}")
        return f"{subject} must be {words}, got {_shown(value, secret)}"
    if isinstance(kind, K.Required):
        return f"{field_name(field, [*path, kind.property])} is required but missing"
    if isinstance(kind, K.Minimum):
        return f"{subject} must be at least {_limit(kind.limit)}, got {_shown(value, secret)}"
    if isinstance(kind, K.Maximum):
        return f"{subject} must be at most {_limit(kind.limit)}, got {_shown(value, secret)}"
    if isinstance(kind, K.ExclusiveMinimum):
        return f"{subject} must be greater than {_limit(kind.limit)}, got {_shown(value, secret)}"
    if isinstance(kind, K.ExclusiveMaximum):
        return f"{subject} must be less than {_limit(kind.limit)}, got {_shown(value, secret)}"
    if isinstance(kind, K.MultipleOf):
        return f"{subject} must be a multiple of {kind.multiple_of}, got {_shown(value, secret)}"
    if isinstance(kind, K.MinLength):
        got = f"got {len(value)}" if isinstance(value, str) else f"got {_shown(value, secret)}"
        return f"{subject} must be at least {_count(kind.limit, 'character')} long, {got}"
    if isinstance(kind, K.MaxLength):
        got = f"got {len(value)}" if isinstance(value, str) else f"got {_shown(value, secret)}"
        return f"{subject} must be at most {_count(kind.limit, 'character')} long, {got}"
    if isinstance(kind, K.MinItems):
        got = str(len(value)) if isinstance(value, list) else _shown(value, secret)
        return f"{subject} must have at least {_count(kind.limit, 'item')}, got {got}"
    if isinstance(kind, K.MaxItems):
        got = str(len(value)) if isinstance(value, list) else _shown(value, secret)
        return f"{subject} must have at most {_count(kind.limit, 'item')}, got {got}"
    if isinstance(kind, K.UniqueItems):
        return f"{subject} must not repeat an item"
    if isinstance(kind, K.MinProperties):
        return f"{subject} must have at least {_count(kind.limit, 'field')}"
    if isinstance(kind, K.MaxProperties):
        return f"{subject} must have at most {_count(kind.limit, 'field')}"
    if isinstance(kind, K.AdditionalProperties | K.UnevaluatedProperties):
        names = ", ".join(repr(name) for name in kind.unexpected)
        return f"{subject} has unexpected field(s) {names}; they are not allowed here"
    if isinstance(kind, K.Pattern):
        return f"{subject} must match the pattern {kind.pattern}, got {_shown(value, secret)}"
    if isinstance(kind, K.FalseSchema | K.Not):
        return f"{subject} is not allowed here"
    if isinstance(kind, K.PropertyNames):
        return f"{subject} has a field name that is not allowed: {_explain(kind.error, 'the name')}"
    return f"{subject} is invalid ({kind.name})" if secret else f"{subject}: {error.message}"


def _deepest(errors: Sequence[jsonschema_rs.ValidationError]) -> jsonschema_rs.ValidationError:
    """The most specific of a branch's errors: the deepest location (the first of them)."""
    return max(errors, key=lambda e: len(e.instance_path))


# -- wording helpers ------------------------------------------------------------------------------------------
def _is_secret(field: str, path: Sequence[str | int], error: jsonschema_rs.ValidationError) -> bool:
    names = [field, *(p for p in path if isinstance(p, str))]
    if any(_SECRET.search(name) for name in names):
        return True
    kind = error.kind
    return isinstance(kind, jsonschema_rs.ValidationErrorKind.Format) and kind.format == "password"


def json_type(value: Any) -> str:
    """The JSON type of a decoded value: ``null``, ``boolean``, ``integer``, ``number``, ``string``, ``array``,
    ``object``."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def _literal(value: Any) -> str:
    if isinstance(value, str):
        return repr(value)
    return json.dumps(value, ensure_ascii=False)


def _one_of(values: list[Any]) -> str:
    shown = [_literal(v) for v in values]
    if len(shown) == 1:
        return shown[0]
    return "one of " + ", ".join(shown)


def _shown(value: Any, secret: bool) -> str:
    """The value a client sent, as a short literal; only its kind when it is long, nested or a secret."""
    kind = json_type(value)
    if kind in ("object", "array"):
        return "a JSON object" if kind == "object" else f"an array of {_count(len(value), 'item')}"
    if secret:
        return TYPE_WORDS.get(kind, kind) if kind != "null" else "null"
    text = _literal(value)
    if len(text) > _MAX_SHOWN:
        return f"{TYPE_WORDS[kind]} of {len(value)} characters" if kind == "string" else text[:_MAX_SHOWN] + "..."
    if kind == "string":
        return f"the string {text}"
    return text


def _limit(limit: Any) -> str:
    if isinstance(limit, int) and not isinstance(limit, bool) and limit in INT_LIMITS:
        return f"{limit} ({INT_LIMITS[limit]})"
    return str(limit)


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")
