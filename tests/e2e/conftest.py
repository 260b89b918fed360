"""A mock over a real socket for the docs' snippets (one per test module, reset by the tests)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from datasync_openapi.mock import MockApp, create_app
from datasync_openapi.server import running
from tests.apps.exchange_data import Recording


@pytest.fixture(scope="module")
def recorded() -> Iterator[tuple[MockApp, Recording, str]]:
    """One mock over a real socket that records the grade data posted to it."""
    app = create_app()
    recording = Recording(app)
    with running(recording) as base:
        yield app, recording, base
