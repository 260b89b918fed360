"""The app each worker process of ``datasync mock --workers N`` serves.

The parent seeds the shared SQLite file, puts the settings in ``DATASYNC_MOCK_WORKER`` (JSON) and starts the
workers; each calls ``app()`` and keeps its objects in memory, reloading when another worker has committed
(``Store.refresh``), so every worker answers the same as one would.
"""

from __future__ import annotations

import json
import os

from .app import MockApp, MockConfig, create_app
from .auth import AuthConfig

ENV = "DATASYNC_MOCK_WORKER"


def settings(state_file: str, static_token: str, seed_from: str | None = None) -> str:
    return json.dumps({"state_file": state_file, "static_token": static_token, "seed_from": seed_from})


def app() -> MockApp:
    values = json.loads(os.environ[ENV])
    config = MockConfig(auth=AuthConfig(static_token=values["static_token"]), state_file=values["state_file"])
    config.shared = True
    if values.get("seed_from"):  # a reset in any worker restores the recording too
        from . import har

        config.seeder = har.with_demo_data(har.load(values["seed_from"]))
    return create_app(config)


__all__ = ["ENV", "app", "settings"]
