"""The client benchmarks run (make bench): one of them, once and untimed (``--benchmark-disable``), as pytest runs
them. Their speed is judged in ``make bench`` only, never here."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_a_client_benchmark_runs_and_reports_its_ratios() -> None:
    command = [sys.executable, "-m", "pytest", "benches/test_client.py", "-k", "post_exchange_data"]
    command += ["--benchmark-disable", "-q", "-p", "no:cacheprovider"]
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert "1 passed" in result.stdout
    assert "client ratios" in result.stdout
    assert "none timed" in result.stdout
