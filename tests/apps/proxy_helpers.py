"""Helpers of the proxy tests: a proxy served in front of an upstream, its report, the example scripts."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

from datasync_openapi.proxy import ProxyApp, ProxyConfig
from datasync_openapi.server import running
from tests.apps.realistic_server import RealisticServer

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"

__all__ = ["EXAMPLES", "RealisticServer", "findings", "proxied", "report", "run_example"]


@contextmanager
def proxied(upstream: str, **options: Any) -> Iterator[tuple[ProxyApp, str]]:
    """A proxy in front of ``upstream`` on a free port (lifespan on: leaving the block stops it, which
    completes the HAR file and writes the reports it is configured to write)."""
    app = ProxyApp(ProxyConfig(upstream=upstream, **options))
    with running(app, lifespan=True, own_headers=False) as base:
        yield app, base


def report(base: str) -> dict[str, Any]:
    response = httpx.get(f"{base}/_proxy/report")
    assert response.status_code == 200, response.text
    data: dict[str, Any] = response.json()
    return data


def findings(base: str) -> dict[str, dict[str, Any]]:
    """Every finding of the report so far, by key."""
    return {f["key"]: f for result in report(base)["results"] for f in result["findings"]}


def run_example(example: str, base: str, *args: str, expect_failure: str | None = None, **env: str) -> str:
    """Run one of examples/*.py against ``base`` (as DATASYNC_URL); its stdout. With ``expect_failure``, the
    script must fail with that text on stderr instead (a client that refuses a drifted answer)."""
    environment = {**os.environ, "DATASYNC_URL": base, **env}
    result = subprocess.run(
        [sys.executable, str(EXAMPLES / example), *args],
        env=environment,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    if expect_failure is not None:
        assert result.returncode != 0, result.stdout
        assert expect_failure in result.stderr, result.stderr
        return result.stdout
    assert result.returncode == 0, result.stderr
    return result.stdout
