"""More shapes of a 2xx body that the models cannot read, each one typed error naming where: a body that is not
JSON (or not text), an integer response that is not an integer, an item deep in a list, a null for a required
field. (The shapes of test_client_runtime.py hold too; these are the ones it does not show.)"""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from datasync_grades import runtime
from datasync_grades.api.batch_exchanges import count_batch_exchanges
from datasync_grades.api.exchanges import get_exchange, list_exchanges

EXCHANGE = "e1000000-0000-4000-8000-000000000002"


def _call(content: bytes, endpoint: Any, *args: Any) -> runtime.ResponseParseError:
    transport = httpx.MockTransport(lambda request: httpx.Response(200, content=content))
    with (
        runtime.connect("https://api.test/v2/grades", token="t", transport=transport) as client,
        pytest.raises(runtime.ResponseParseError) as caught,
    ):
        runtime.call(endpoint, *args, client=client)
    return caught.value


@pytest.mark.parametrize(
    ("content", "endpoint", "args", "path", "value"),
    [
        pytest.param(b"{not json", get_exchange, (EXCHANGE,), "$", "{not json", id="not-json"),
        pytest.param(b'"3"', count_batch_exchanges, (), "$", "3", id="string-for-integer-response"),
        pytest.param(b"true", count_batch_exchanges, (), "$", True, id="bool-for-integer-response"),
        pytest.param(
            b'{"data": [{"id": "%s", "query": {"conditions": [{"scope_id": 7}]}}]}' % EXCHANGE.encode(),
            list_exchanges,
            (),
            "$.data[0].query.conditions[0].scope_id",
            7,
            id="deep-in-a-list",
        ),
        pytest.param(b'{"data": null}', list_exchanges, (), "$.data", None, id="null-for-required"),
    ],
)
def test_the_error_names_where_the_body_differs(
    content: bytes, endpoint: Any, args: tuple[Any, ...], path: str, value: Any
) -> None:
    error = _call(content, endpoint, *args)
    assert (error.status, error.path, error.value) == (200, path, value)
    assert f"does not match the spec at {path}: " in str(error)


def test_a_body_that_is_not_text_is_named_as_the_body() -> None:
    error = _call(b"\xff\x00\xfe", get_exchange, EXCHANGE)
    assert error.path == "$"
