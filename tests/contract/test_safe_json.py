"""The mock's one decoder of untrusted JSON (``contract.loads``) and its encoder (``dumps``)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from datasync_openapi.contract import MAX_JSON_DEPTH, JSONRejected, dumps, loads


def arrays(depth: int) -> str:
    return "[" * depth + "]" * depth


def objects(depth: int) -> str:
    return '{"a":' * (depth - 1) + "{}" + "}" * (depth - 1)


def mixed(depth: int) -> str:
    opening = "".join('{"k":' if i % 2 else "[" for i in range(depth - 1))
    closing = "".join("}" if i % 2 else "]" for i in reversed(range(depth - 1)))
    return opening + "[]" + closing


@pytest.mark.parametrize("shape", [arrays, objects, mixed])
def test_nesting_up_to_the_limit_is_decoded_and_one_more_level_is_refused(shape: Any) -> None:
    assert MAX_JSON_DEPTH == 64  # README "Limits"
    assert loads(shape(MAX_JSON_DEPTH)) == json.loads(shape(MAX_JSON_DEPTH))
    with pytest.raises(JSONRejected, match="more than 64 levels"):
        loads(shape(MAX_JSON_DEPTH + 1))


@pytest.mark.parametrize(
    "text",
    [
        json.dumps(["[" * 500, "{" * 500]),  # brackets in strings do not nest
        json.dumps(['"[[[[' * 100, "\\" * 7, "]]]]" * 100]),  # escaped quotes and backslashes
        json.dumps([[[[]]]] * 1000),  # many shallow containers
        json.dumps({"a": [{"b": [1, 2, {"c": "x"}]}] * 500}),
    ],
)
def test_shallow_documents_with_many_brackets_are_decoded(text: str) -> None:
    assert loads(text) == json.loads(text)
    assert loads(text.encode("utf-16")) == json.loads(text)


@pytest.mark.parametrize(
    "text",
    [
        arrays(1000),
        "[" * 100_000,  # unbalanced: the parser never sees it
        json.dumps(["]" * 100, json.loads(arrays(MAX_JSON_DEPTH))]),  # closing brackets in a string do not help
        json.dumps(['\\"]]]]"', json.loads(arrays(MAX_JSON_DEPTH))]),
    ],
)
def test_deep_documents_are_refused_without_recursion(text: str) -> None:
    with pytest.raises(JSONRejected, match="more than 64 levels"):
        loads(text)
    with pytest.raises(JSONRejected, match="more than 64 levels"):
        loads(text.encode("utf-16"))


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ('{"x": NaN}', "NaN, which is not a JSON number"),
        ('{"x": Infinity}', "Infinity, which is not a JSON number"),
        ("[-Infinity]", "-Infinity, which is not a JSON number"),
        ("1e999999", "1e999999, which is too large"),
        ("[-1e400]", "-1e400, which is too large"),
    ],
)
def test_numbers_json_does_not_have_are_refused(text: str, named: str) -> None:
    with pytest.raises(JSONRejected, match=named):
        loads(text)


def test_finite_numbers_and_bad_text() -> None:
    assert loads("[1e308, 1e-999999, -0.5, 12345678901234567890]") == [1e308, 0.0, -0.5, 12345678901234567890]
    with pytest.raises(JSONRejected, match="is not valid JSON"):
        loads(b"{nope")
    with pytest.raises(JSONRejected, match="is not valid JSON"):
        loads(b'"\xff"')  # not UTF-8
    with pytest.raises(JSONRejected, match="is not valid JSON"):
        loads("9" * 5000)  # beyond Python's digit limit for int()


def test_dumps_never_writes_what_is_not_json() -> None:
    for value, written in ((float("nan"), b"null"), (float("inf"), b"null"), ({"x": [float("-inf")]}, b'{"x":[null]}')):
        assert dumps(value) == written
    assert dumps(2**70) == b"1180591620717411303424"  # past orjson's 64 bits: the standard library's path
    assert json.loads(dumps({"\udc00": "a\ud800"})) == {"\udc00": "a\ud800"}
    assert dumps({"é": "ü"}) == '{"é":"ü"}'.encode()
