"""The client runtime under hostile or unlucky conditions (issue 10), over real local sockets (the mock, or a
tiny recording ASGI app) or httpx.MockTransport.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator

import httpx
import pytest
from datasync_grades import runtime
from datasync_grades.runtime import ApiError
from datasync_interop import runtime as interop_runtime
from datasync_interop.api.scoping_schools import list_scoping_schools
from datasync_interop.api.tenants import list_tenants

from datasync_openapi.mock import DEMO_API_KEY, DEMO_API_SECRET, DEMO_TOKEN, MockApp, create_app
from datasync_openapi.server import running

GRADES = "/v2/grades"


@pytest.fixture(scope="module")
def mock_served() -> Iterator[tuple[MockApp, str]]:
    app = create_app()
    with running(app) as base:
        yield app, base


@pytest.fixture
def mock(mock_served: tuple[MockApp, str]) -> tuple[MockApp, str]:
    mock_served[0].reset()
    return mock_served


# -- 8: credentials in the base URL ---------------------------------------------------------------------------
def test_credentials_in_the_base_url_become_basic_auth_and_never_show(
    mock: tuple[MockApp, str], caplog: pytest.LogCaptureFixture
) -> None:
    _, base = mock
    caplog.set_level(logging.DEBUG)
    with_userinfo = base.replace("http://", f"http://{DEMO_API_KEY}:{DEMO_API_SECRET}@") + "/v2/interop"
    client = interop_runtime.connect(with_userinfo)
    with client:
        assert len(interop_runtime.call(list_tenants, client=client).data) == 2  # sent as HTTP Basic
        with pytest.raises(interop_runtime.ApiError) as caught:  # Basic is for /tenants only: a 401 names the URL
            interop_runtime.call(list_scoping_schools, client=client)
    assert caught.value.status == 401
    assert "HTTP Request: GET" in caplog.text  # httpx's own log line was captured
    for text in (str(caught.value), repr(caught.value), caplog.text, repr(client)):
        assert DEMO_API_SECRET not in text
    caplog.clear()
    bearer = interop_runtime.connect(with_userinfo, token=DEMO_TOKEN)  # explicit credentials win, as in httpx
    with bearer:
        assert interop_runtime.call(list_scoping_schools, client=bearer).data
    assert "HTTP Request: GET" in caplog.text
    for text in (caplog.text, repr(bearer)):
        assert DEMO_API_SECRET not in text


def test_errors_never_print_user_info_of_the_request_url() -> None:
    request = httpx.Request("GET", "https://key:s3cret-pw@api.test/v2/grades/exchanges?page=2")
    error = ApiError(httpx.Response(503, request=request))
    for text in (str(error), repr(error), str(runtime.ResponseParseError(httpx.Response(200, request=request)))):
        assert "s3cret-pw" not in text
        assert "https://api.test/v2/grades/exchanges" in text
