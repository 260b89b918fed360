"""The app each worker process of ``datasync mock --workers N`` serves.

The parent seeds the shared SQLite file, puts the settings in ``DATASYNC_MOCK_WORKER`` (JSON) and starts the
workers; each calls ``app()`` and keeps its objects in memory, reloading when another worker has committed
(``Store.refresh``), so every worker answers the same as one would.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from . import har, seeding
from .app import MockApp, MockConfig, create_app
from .auth import AuthConfig
from .journal import SharedJournal, configure_logging

ENV = "DATASYNC_MOCK_WORKER"


def settings(
    state_file: str,
    static_token: str,
    seed_from: str | Path | None = None,
    *,
    seed: str | Path | None = None,
    demo_data: bool = True,
    journal: str | None = None,
    quiet: bool = False,
    log_level: str = "info",
) -> str:
    return json.dumps(
        {
            "state_file": state_file,
            "static_token": static_token,
            "seed_from": None if seed_from is None else str(seed_from),
            "seed": None if seed is None else str(seed),
            "demo_data": demo_data,
            "journal": journal,
            "quiet": quiet,
            "log_level": log_level,
        }
    )


def app() -> MockApp:
    values = json.loads(os.environ[ENV])
    config = MockConfig(auth=AuthConfig(static_token=values["static_token"]), state_file=values["state_file"])
    config.shared = True
    # A reset in any worker restores the same data: the files were checked by the parent before it started us.
    recorded = har.load(Path(values["seed_from"])) if values.get("seed_from") else None
    seeds = [seeding.read(values["seed"])] if values.get("seed") else []
    config.seeder = seeding.seeder(values.get("demo_data", True), recorded, seeds)
    if values.get("journal"):  # one journal for all the workers
        config.journal = SharedJournal(values["journal"])
    configure_logging(values.get("quiet", False), values.get("log_level", "info"))
    return create_app(config)


__all__ = ["ENV", "app", "settings"]
