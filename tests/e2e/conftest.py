"""A mock over a real socket for the end-to-end tests (one per test module), reset for each test as ``mock``."""

from __future__ import annotations

import pytest

from datasync_openapi.mock import MockApp
from tests.apps.exchange_data import Recording
from tests.runtime.conftest import recorded


@pytest.fixture
def mock(recorded: tuple[MockApp, Recording, str]) -> tuple[MockApp, Recording, str]:
    """The module's recording mock, reset: the seeded data, nothing recorded."""
    app, recording, _ = recorded
    app.reset()
    recording.bodies.clear()
    return recorded


__all__ = ["mock", "recorded"]
