"""Progress a person and a CI log can read, and reports that survive SIGINT / SIGTERM.

Off a terminal the run writes a line at least every heartbeat interval, even while it waits on the rate limiter
(a timer thread, not only on engine events): measured on the timestamps of the lines of a rate-limited run
against the independent test server. On a terminal a rich display with the operation, the cases and the
findings; NO_COLOR turns its colours off. A run stopped by SIGTERM or SIGINT (a subprocess, as CI's timeout
does it) writes every report with what it found so far, marked incomplete, and exits 128 + the signal.
"""

from __future__ import annotations

import io
import itertools
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest

from datasync_openapi import conformance
from datasync_openapi.conformance.progress import Progress, no_color
from datasync_openapi.mock import DEMO_API_KEY, DEMO_API_SECRET, DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, create_app
from datasync_openapi.server import running
from tests.apps.realistic_server import RealisticServer

TOKEN = "live-token"
SGR_COLOUR = re.compile(r"\x1b\[[0-9;]*3[0-9]m|\x1b\[[0-9;]*38;")  # a foreground colour escape


class Stamped(io.StringIO):
    """A stream that remembers when each line was written."""

    def __init__(self) -> None:
        super().__init__()
        self.stamps: list[tuple[float, str]] = []
        self._lock = threading.Lock()

    def write(self, text: str) -> int:
        with self._lock:
            for line in text.splitlines():
                if line.strip():
                    self.stamps.append((time.monotonic(), line))
            return super().write(text)

    def isatty(self) -> bool:
        return False


@pytest.fixture
def server() -> Iterator[tuple[RealisticServer, str]]:
    app = RealisticServer()
    with running(app) as base:
        yield app, base


@pytest.mark.slow
def test_heartbeat_off_a_tty_while_the_rate_limiter_waits(server: tuple[RealisticServer, str]) -> None:
    app, base = server
    stream = Stamped()
    started = time.monotonic()
    with Progress(stream, interval=0.5) as progress:
        result = conformance.run(
            "grades",
            base_url=f"{base}/v2/grades",
            credentials=conformance.Credentials(token=TOKEN),
            budget=conformance.Budget(max_examples=3, max_time=3.0),
            manners=conformance.Manners(rate=2),
            only=["listExchanges"],
            on_progress=progress,
        )
    ended = time.monotonic()
    assert result.stop_reason == "interrupted"  # MAX_TIME stopped it mid-phase: the engine was busy all along
    times = [started] + [t for t, _ in stream.stamps] + [ended]
    gaps = [b - a for a, b in itertools.pairwise(times)]
    # the interval, and what scheduling on a busy shared host adds; without the timer the run is silent for
    # seconds (between engine events, while requests wait on the rate limit)
    assert max(gaps) < 0.5 + 0.5, (max(gaps), stream.getvalue())
    heartbeats = [line for _, line in stream.stamps if line.startswith("progress: conformance grades")]
    # few engine events happen in 3 s at 2 requests/s: most lines come from the timer
    assert len(heartbeats) >= 4, stream.getvalue()
    assert "GET /exchanges" in stream.getvalue()
    assert re.search(r"\d+ requests, \d+ findings", heartbeats[-1]), heartbeats[-1]
    assert "\x1b" not in stream.getvalue()  # off a terminal: plain text
    sent = [r for r in app.requests if r[2].endswith("/exchanges")]
    assert sent, (app.requests, result.errors)  # the run talked to the server while the heartbeat ran


def _tty_run(color: bool | None) -> str:
    app = create_app()
    stream = io.StringIO()
    credentials = conformance.Credentials(
        client_id=DEMO_CLIENT_ID,
        client_secret=DEMO_CLIENT_SECRET,
        token_url="/oauth/token",
        basic=(DEMO_API_KEY, DEMO_API_SECRET),
    )
    with Progress(stream, tty=True, color=color) as progress:
        conformance.run(
            "grades",
            app=app,
            credentials=credentials,
            budget=conformance.Budget(max_examples=2, phases=("examples", "fuzzing")),
            reset=app.reset,
            only=["listExchanges", "getExchange"],
            on_progress=progress,
        )
    return stream.getvalue()


def test_tty_display_shows_operation_cases_and_findings() -> None:
    out = _tty_run(color=True)
    assert "conformance grades" in out
    assert re.search(r"4/4 steps, \d+ cases, \d+ requests, 0 findings", out), out[-600:]
    assert SGR_COLOUR.search(out), "the bar is coloured on a colour terminal"


def test_no_color_turns_the_colours_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NO_COLOR", "1")
    assert no_color()
    out = _tty_run(color=None)  # from the environment
    assert "4/4 steps" in out
    assert not SGR_COLOUR.search(out), repr(out[-400:])
    monkeypatch.setenv("NO_COLOR", "")  # set but empty: colour (https://no-color.org)
    assert not no_color()


@pytest.mark.slow
@pytest.mark.parametrize(("signum", "status"), [(signal.SIGTERM, 143), (signal.SIGINT, 130)])
def test_a_signal_mid_run_writes_reports_marked_incomplete(
    server: tuple[RealisticServer, str], tmp_path: Path, signum: int, status: int
) -> None:
    _, base = server
    reports = tmp_path / "reports"
    command = [sys.executable, "-m", "datasync_openapi.cli", "conformance", "--api", "grades"]
    command += ["--base-url", f"{base}/v2/grades", "--rate", "8", "--include", "listExchanges,getExchange"]
    command += ["--reports", str(reports), "--max-time", "60", "--phases", "fuzzing,stateful", "--max-examples", "8"]
    env = {**os.environ, "DATASYNC_TOKEN": TOKEN, "DATASYNC_HEARTBEAT_SECONDS": "0.2"}
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env) as proc:
        assert proc.stderr is not None
        seen, stamps = [], []
        for line in proc.stderr:  # heartbeats: wait until some cases are done, then stop the run
            seen.append(line)
            stamps.append(time.monotonic())
            if re.search(r"steps, [1-9]\d* cases", line):
                break
        assert seen, "no output"
        assert seen[-1].startswith("progress: conformance grades"), seen
        # the command's heartbeat, at the interval DATASYNC_HEARTBEAT_SECONDS gave (and a busy host's delays)
        assert max(b - a for a, b in itertools.pairwise(stamps)) < 0.2 + 0.8, seen
        proc.send_signal(signum)
        out, rest = proc.communicate(timeout=30)
    err = "".join(seen) + rest
    assert proc.returncode == status, out + err
    name = signal.Signals(signum).name
    assert f"{name}: stopping" in err
    assert "FAIL" in out
    data = json.loads((reports / "conformance-grades.json").read_text())
    assert data["parameters"]["complete"] == f"no: stopped by {name}"
    assert data["verdict"] == "FAIL"
    assert any(e.startswith(f"incomplete: stopped by {name}") for e in data["errors"])
    assert data["cases"] > 0  # what was found so far is there
    suite = ET.parse(reports / "conformance-grades.xml").getroot()
    properties = {p.get("name"): p.get("value") for p in suite.iter("property")}
    assert properties.get("complete") == f"no: stopped by {name}"
    assert suite.get("errors") == "1"
    for name_ in ("conformance.md", "conformance.html"):
        assert f"no: stopped by {name}" in (reports / name_).read_text()


def _signal_self(signum: int) -> None:
    os.kill(os.getpid(), signum)
    time.sleep(0.2)  # the handler runs in the main thread, at the latest here


def test_a_signal_with_nothing_to_stop_or_a_second_one_stops_at_once() -> None:
    from schemathesis.engine import events

    from datasync_openapi.conformance.progress import Interrupt, Interrupted, Started, Step

    said: list[str] = []
    stopped: list[bool] = []
    previous = signal.getsignal(signal.SIGTERM)
    with pytest.raises(Interrupted) as before, Interrupt(say=said.append):
        _signal_self(signal.SIGTERM)  # before the engine runs (the preflight)
    assert before.value.status == 143
    with Interrupt(say=said.append) as interrupt:
        interrupt.watch(
            Started(
                "grades", ["GET /exchanges"], lambda: stopped.append(True), conformance.Budget(), conformance.Manners()
            )
        )
        _signal_self(signal.SIGINT)  # the engine runs: stop it, and go on to write the reports
        assert stopped == [True]
        assert interrupt.status == 130
        assert said == [
            "conformance: SIGINT: stopping; the reports will hold what was found so far (marked "
            "incomplete). Send it again to stop at once."
        ]
        interrupt.watch(Step(events.EngineFinished(running_time=1.0, stop_reason=None), 0))  # type: ignore[arg-type]
        with pytest.raises(Interrupted):
            _signal_self(signal.SIGTERM)  # a second signal
    assert signal.getsignal(signal.SIGTERM) is previous  # the handlers are restored


def test_progress_lines_carry_no_terminal_control() -> None:
    stream = Stamped()
    progress = Progress(stream, interval=60)
    progress.status("preflight of grades at http://h/\x1b]0;owned\x07\x1b[2J\r\nforged line")
    line = progress.line()
    assert "\x1b" not in line
    assert "\n" not in line
    assert "\r" not in line
    assert line.startswith("progress: preflight of grades at http://h/")
