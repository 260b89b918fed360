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


def settings(state_file: str, static_token: str) -> str:
    return json.dumps({"state_file": state_file, "static_token": static_token})


def app() -> MockApp:
    values = json.loads(os.environ[ENV])
    auth = AuthConfig(static_token=values["static_token"])
    return create_app(MockConfig(auth=auth, state_file=values["state_file"], shared=True))
