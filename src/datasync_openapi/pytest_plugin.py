"""The pytest plugin of the tooling package: the ``datasync_mock`` fixture, a fresh mock of both APIs per test.

pytest loads this module wherever ``datasync-openapi`` is installed (entry point ``pytest11`` named
``datasync_openapi``; ``-p no:datasync_openapi`` turns it off). Loading it imports nothing but pytest: the mock,
its HTTP stack and httpx are imported when a test first asks for the fixture, so unrelated test runs stay as fast
as without the package.

    def test_my_sync_job(datasync_mock):
        client = datasync_mock.grades_client()  # datasync_grades, connect(): tokens, refresh, retries
        datasync_mock.faults.add(status=503, count=1, path="/v2/grades/exchanges")
        ...

What the fixture object offers is documented on ``datasync_openapi.testing.DatasyncMock``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    from datasync_openapi.testing import DatasyncMock, MockServer


@pytest.fixture(scope="session")
def _datasync_mock_server() -> Iterator[MockServer]:
    """One local HTTP server for the session, started only when a test first uses ``datasync_mock.url`` (or a
    client over the socket); each test's fresh mock is plugged into it while the test runs."""
    from datasync_openapi.testing import MockServer

    server = MockServer()
    try:
        yield server
    finally:
        server.close()


@pytest.fixture
def datasync_mock(_datasync_mock_server: MockServer) -> Iterator[DatasyncMock]:
    """A fresh, seeded mock of the Grades Exchange and Interop APIs for this test (nothing carries over from
    another test): ``.url``, ``.grades_url``, ``.interop_url``, ``.grades_client()``, ``.interop_client()``,
    ``.http_client()``, ``.async_http_client()``, ``.faults.add()``/``.clear()``, ``.expire_tokens()``,
    ``.reset()``, ``.ids``, ``.credentials``. See ``datasync_openapi.testing.DatasyncMock``."""
    from datasync_openapi.testing import DatasyncMock

    mock = DatasyncMock(server=_datasync_mock_server)
    try:
        yield mock
    finally:
        mock.close()


__all__ = ["datasync_mock"]
