"""Mocks served over real sockets for the client tests (one per test module, reset by the tests)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from datasync_openapi.mock import MockApp, create_app
from datasync_openapi.server import running
from tests.apps.exchange_data import Recording


@pytest.fixture(scope="module")
def served() -> Iterator[tuple[MockApp, str]]:
    """One mock over a real socket for the module (``server`` resets it before each test)."""
    app = create_app()
    with running(app) as base:
        yield app, base


@pytest.fixture
def server(served: tuple[MockApp, str]) -> tuple[MockApp, str]:
    served[0].reset()
    return served


@pytest.fixture(scope="module")
def recorded() -> Iterator[tuple[MockApp, Recording, str]]:
    """One mock over a real socket that records the grade data posted to it."""
    app = create_app()
    recording = Recording(app)
    with running(recording) as base:
        yield app, recording, base
