"""Safe JSON: the one decoder of untrusted JSON and the one encoder of what the mock and the server answer.

``loads`` decodes untrusted JSON (request bodies, control bodies, the parts of an LTI JWT): it refuses nesting
deeper than ``MAX_JSON_DEPTH`` (found by a scan that neither parses nor recurses, so the parser never sees it) and
numbers JSON does not have (``NaN``, ``Infinity``, ``-Infinity``, and literals such as ``1e999999`` that overflow
to infinity). ``dumps`` refuses to write such numbers, so nothing is served that is not JSON.
"""

from __future__ import annotations

import json
import math
from typing import Any

import orjson

MAX_JSON_DEPTH = 64  # levels of arrays/objects in one JSON document; README "Limits"

_SAME_BRACKET = bytes.maketrans(b"{}", b"[]")
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")


class JSONRejected(ValueError):
    """``loads`` refused a document; ``str()`` completes "the request body ..." (``is not valid JSON: ...``)."""


def _too_deep(data: bytes, limit: int) -> bool:
    """Whether UTF-8 JSON text nests arrays/objects more than ``limit`` levels (a scan, no parsing, no recursion).

    Cheap for what clients send: a document with at most ``limit`` opening brackets is not scanned at all.
    Otherwise string contents are dropped (a bracket in a string does not nest), and each pass over what is
    left removes the innermost pairs, one level everywhere, until it is shallow enough or ``limit`` passes
    are done. Malformed text (unbalanced brackets) may count as too deep: it is refused either way.
    """
    if data.count(b"[") + data.count(b"{") <= limit:
        return False
    unescaped = data.replace(b"\\\\", b"").replace(b'\\"', b"")  # no quote left inside a string is escaped
    outside_strings = b"".join(unescaped.split(b'"')[::2])
    brackets = outside_strings.translate(_SAME_BRACKET, delete=_NOT_BRACKETS)  # only [ and ] left
    for level in range(limit):
        if brackets.count(b"[") <= limit - level:
            return False
        brackets = brackets.replace(b"[]", b"")
    return b"[" in brackets


def _no_constant(name: str) -> Any:
    raise JSONRejected(f"holds {name}, which is not a JSON number")


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        shown = text if len(text) <= 40 else text[:37] + "..."
        raise JSONRejected(f"holds the number {shown}, which is too large (it is not finite)")
    return value


def loads(data: bytes | str) -> Any:
    """Decode untrusted JSON. Raises ``JSONRejected`` (a ``ValueError``) with the reason in plain words:
    not JSON, nested more than ``MAX_JSON_DEPTH`` levels, or a number that is not finite."""
    try:
        if isinstance(data, bytes):
            encoding = json.detect_encoding(data)
            text = data.decode(encoding)
            utf8 = data if encoding == "utf-8" else text.encode("utf-8")
        else:
            text, utf8 = data, data.encode("utf-8", "surrogatepass")
    except UnicodeDecodeError as exc:
        raise JSONRejected(f"is not valid JSON: {exc}") from None
    if _too_deep(utf8, MAX_JSON_DEPTH):
        raise JSONRejected(f"nests arrays or objects more than {MAX_JSON_DEPTH} levels deep (the mock's limit)")
    try:
        return json.loads(text, parse_constant=_no_constant, parse_float=_finite)
    except JSONRejected:
        raise
    except (ValueError, RecursionError) as exc:  # RecursionError cannot happen below the depth limit; belt and braces
        raise JSONRejected(f"is not valid JSON: {exc}") from None


def dumps(value: Any) -> bytes:
    """Compact UTF-8 JSON, always valid JSON (RFC 8259), with orjson (~15x the standard library here).

    What orjson refuses takes the standard library's path: a lone surrogate (a client may send ``"\\ud800"``,
    which JSON's grammar allows) cannot be UTF-8, so it is written back as the same ``\\ud800`` escape; an
    integer past 64 bits is written as it is. A non-finite number (only a mock bug could store one: requests
    carrying them are refused) is written as ``null`` by orjson, never as the ``NaN`` that is not JSON.
    """
    try:
        return orjson.dumps(value)
    except TypeError:  # orjson.JSONEncodeError
        text = json.dumps(value, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
        return text.encode("utf-8", "backslashreplace")


__all__ = ["MAX_JSON_DEPTH", "JSONRejected", "dumps", "loads"]
