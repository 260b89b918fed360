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
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from datasync_openapi.testing import DatasyncMock, MockServer


MARKER = (
    "datasync_mock(seed=None, demo_data=True): what this test's datasync_mock serves: seed a JSON/YAML file (relative "
    "to the test's file), a dict of objects per collection, or a list of them; demo_data=False starts without the "
    "demo data"
)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", MARKER)


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
def datasync_mock(request: pytest.FixtureRequest, _datasync_mock_server: MockServer) -> Iterator[DatasyncMock]:
    """A fresh, seeded mock of the Grades Exchange and Interop APIs for this test (nothing carries over from
    another test): ``.url``, ``.grades_url``, ``.interop_url``, ``.grades_client()``, ``.interop_client()``,
    ``.http_client()``, ``.async_http_client()``, ``.faults.add()``/``.clear()``, ``.expire_tokens()``,
    ``.reset()``, ``.ids``, ``.credentials``, ``.requests()`` (the journal), ``.load()`` (seeding),
    ``.create_pending()``; the marker ``@pytest.mark.datasync_mock(seed=..., demo_data=False)``. See
    ``datasync_openapi.testing.DatasyncMock``."""
    from datasync_openapi.testing import DatasyncMock

    mock = DatasyncMock(server=_datasync_mock_server)
    try:
        marker = request.node.get_closest_marker("datasync_mock")
        if marker is not None:
            _load(mock, request, *marker.args, **marker.kwargs)
        yield mock
    finally:
        mock.close()


def _load(mock: DatasyncMock, request: pytest.FixtureRequest, seed: Any = None, demo_data: bool = True) -> None:
    """The marker's seeds loaded into ``mock``; a file's path is relative to the test's file."""
    from pathlib import Path

    seeds = seed if isinstance(seed, list | tuple) else [] if seed is None else [seed]
    here = Path(str(request.node.path)).parent
    mock.load(*[here / s if isinstance(s, str | Path) else s for s in seeds], demo_data=demo_data)


__all__ = ["datasync_mock"]
