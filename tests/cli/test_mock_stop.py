"""``datasync mock`` and ``make mock`` stopped by a normal Ctrl-C: a clean shutdown, exit status 0, and no
``make: *** [...] Error 130`` (issue 24). Real processes, and SIGINT sent to their process group as a terminal's
Ctrl-C is."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from datasync_openapi.mock import DEMO_TOKEN
from datasync_openapi.server import free_port

ROOT = Path(__file__).resolve().parents[2]
DATASYNC = Path(sys.executable).with_name("datasync")


def serve_then_interrupt(argv: list[str], port: int, workers: int = 1) -> subprocess.CompletedProcess[str]:
    """Start ``argv`` in a process group of its own, wait until the mock answers on ``port`` from each of its
    ``workers`` (a user presses Ctrl-C on a mock that is up, not on one still starting), then Ctrl-C."""
    process = subprocess.Popen(
        argv, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True
    )
    try:
        deadline = time.monotonic() + 30
        pids: set[int] = set()
        while True:
            assert process.poll() is None, process.communicate()
            try:
                answer = httpx.get(
                    f"http://127.0.0.1:{port}/v2/grades/exchanges", headers={"Authorization": f"Bearer {DEMO_TOKEN}"}
                )
                health = httpx.get(f"http://127.0.0.1:{port}/_mock/health")  # a new connection: any worker
                if answer.status_code == 200 and health.status_code == 200:
                    pids.add(health.json()["pid"])
                if len(pids) >= workers:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "the mock did not start"
            time.sleep(0.05)
        os.killpg(process.pid, signal.SIGINT)
        out, err = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
    return subprocess.CompletedProcess(argv, process.returncode, out, err)


@pytest.mark.slow
@pytest.mark.parametrize("workers", ["1", "2"])
def test_ctrl_c_stops_the_mock_with_status_0(workers: str) -> None:
    port = free_port()
    done = serve_then_interrupt([str(DATASYNC), "mock", "--port", str(port), "--workers", workers], port, int(workers))
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    assert "Shutting down" in done.stderr  # uvicorn's clean shutdown, not a kill


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("make") is None, reason="needs make")
def test_make_mock_stops_quietly_on_ctrl_c() -> None:
    """make, Ctrl-C'd with its recipe, stops by the signal as it always does, but reports no failed recipe."""
    port = free_port()
    done = serve_then_interrupt(["make", "--no-print-directory", "mock", f"PORT={port}"], port)
    assert "Error" not in done.stderr, done.stderr
    assert "Shutting down" in done.stderr
    assert "Traceback" not in done.stderr
    assert done.returncode in (0, -signal.SIGINT), done.stderr
