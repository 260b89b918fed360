"""``datasync proxy`` run by a careless operator in front of a hostile upstream: what it prints is printable, options
and paths it cannot use are one line and exit 2 at start, a full disk stops the recording (said once) but not
the proxy or its reports, an earlier recording is never replaced unasked, and the exit status is the verdict.
"""

from __future__ import annotations

import errno
import http.client
import json
import logging
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest

from datasync_openapi import cli
from datasync_openapi.contract import _har as recording  # the HAR writer, whose _write a test fills the disk of
from datasync_openapi.findings.redact import Redactor
from datasync_openapi.mock import DEMO_TOKEN, create_app
from datasync_openapi.proxy import ProxyApp, ProxyConfig
from datasync_openapi.proxy.recorder import HarRecorder
from datasync_openapi.server import free_port, running

AUTH = {"Authorization": f"Bearer {DEMO_TOKEN}"}
FORGED = "/v2/grades/exchanges/%1b%5b2J%0d%0adatasync%20proxy:%20forged"
CONTROLS = [chr(c) for c in (*range(0x00, 0x09), *range(0x0B, 0x20), 0x7F, *range(0x80, 0xA0))]


@contextmanager
def proxied(upstream: str, **options: Any) -> Iterator[str]:
    with running(ProxyApp(ProxyConfig(upstream=upstream, **options)), lifespan=True, own_headers=False) as base:
        yield base


@contextmanager
def hostile_upstream() -> Iterator[str]:
    """A raw-socket upstream: a 200 whose Content-Type carries a C1 control (0x9b, an 8-bit CSI) and an ESC in
    the body; a request whose target says "forged" gets no answer (the proxy logs a 502 with the path)."""
    server = socket.create_server(("127.0.0.1", 0))
    server.settimeout(0.2)
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                client, _ = server.accept()
            except TimeoutError:
                continue
            with client:
                client.settimeout(5)
                head = b""
                while b"\r\n\r\n" not in head and len(head) < 65536:
                    chunk = client.recv(65536)
                    if not chunk:
                        break
                    head += chunk
                if b"forged" in head:
                    continue
                body = b'{"data": [], "note": "\x1b[2J"}'
                client.sendall(
                    b"HTTP/1.1 200 OK\r\nContent-Type: application/x\x9b2Jjson\r\nConnection: close\r\n"
                    b"Content-Length: %d\r\n\r\n%s" % (len(body), body)
                )

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.getsockname()[1]}"
    finally:
        stop.set()
        thread.join(timeout=5)
        server.close()


# -- 5: what a peer sends is quoted in the log and on the terminal ------------------------------------------------
def test_a_forged_log_line_in_a_path_is_escaped(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="datasync_openapi.proxy")
    nothing = f"http://127.0.0.1:{free_port()}"  # nothing listens there: every request is a 502 and a log line
    with proxied(nothing, timeout=2) as base:
        parts = urlsplit(base)
        assert parts.hostname
        assert parts.port
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
        connection.request("GET", FORGED)
        assert connection.getresponse().status == 502
        connection.close()
    lines = [record.getMessage() for record in caplog.records]
    assert any("\\x1b[2J\\x0d\\x0adatasync proxy: forged" in line for line in lines), lines
    assert all(line.isprintable() for line in lines), lines


# -- 6: options and paths checked at start -----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("arguments", "problem"),
    [
        (["--timeout", "nan"], "--timeout must be a positive number of seconds, got nan"),
        (["--timeout", "inf"], "--timeout must be a positive number of seconds, got inf"),
        (["--timeout", "0"], "--timeout must be a positive number of seconds"),
        (["--reports", "a-file"], "--reports: a-file is not a directory"),
        (["--reports", "a-file/reports"], "--reports: cannot create a-file/reports"),
        (["--record", "a-directory"], "--record a-directory is a directory"),
        (["--record", "a-file/x.har"], "--record a-file/x.har: a-file is not a directory"),
        (["--record", "earlier.har"], "refusing to replace the recording earlier.har"),
        (["--record", "x.har", "--overwrite-record", "--append-record"], "exclude each other"),
        (["--record", "a-file", "--append-record"], "a-file is not a complete HAR file of datasync proxy"),
        (["--overwrite-record"], "need --record FILE.har"),
    ],
)
def test_options_and_paths_it_cannot_use_are_one_line_and_status_2_at_start(
    arguments: list[str],
    problem: str,
    capsys: pytest.CaptureFixture[str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "a-file").write_text("not a directory, not a HAR file", encoding="utf-8")
    (tmp_path / "a-directory").mkdir()
    earlier = tmp_path / "earlier.har"
    earlier.write_text('{"log": {"entries": []}}', encoding="utf-8")
    status = cli.main(["proxy", "--upstream", "http://127.0.0.1:1", "--port", str(free_port()), *arguments])
    err = capsys.readouterr().err
    assert status == 2
    assert err.startswith("datasync: ")
    assert problem in err
    assert len(err.strip().splitlines()) == 1
    assert earlier.read_text(encoding="utf-8") == '{"log": {"entries": []}}'  # an earlier recording: untouched


def _quota(limit: int) -> Any:
    """``har._write`` on a disk with room for ``limit`` bytes: it writes what fits, then ENOSPC."""
    real = recording._write

    def write(fd: int, data: bytes, offset: int) -> None:
        room = max(0, limit - offset)
        real(fd, data[:room], offset)
        if len(data) > room:
            raise OSError(errno.ENOSPC, "No space left on device")

    return write


@pytest.mark.slow
def test_a_full_disk_stops_the_recording_once_and_the_proxy_keeps_forwarding_and_reporting(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="datasync_openapi.proxy")
    har, reports = tmp_path / "traffic.har", tmp_path / "reports"
    with running(create_app()) as upstream:
        with proxied(upstream, record=har, reports=reports) as base:
            head = har.stat().st_size
            assert httpx.get(f"{base}/v2/grades/exchanges", headers=AUTH).status_code == 200
            deadline = time.monotonic() + 5
            while har.stat().st_size == head and time.monotonic() < deadline:  # recorded once the answer is sent
                time.sleep(0.01)
            size = har.stat().st_size  # the head and one entry
            assert size > head
            monkeypatch.setattr(recording, "_write", _quota(size + 100))  # room for part of the next entry
            for _request in range(5):
                assert httpx.get(f"{base}/v2/grades/schedules", headers=AUTH).status_code == 200
        stopped = [r.getMessage() for r in caplog.records if "recording to" in r.getMessage()]
        assert stopped == [
            f"recording to {har} stopped: No space left on device; the proxy keeps forwarding, "
            "the file keeps its complete entries (1 of this session)"
        ]
        entries = json.loads(har.read_text(encoding="utf-8"))["log"]["entries"]  # cut back to a complete file
        assert [urlsplit(e["request"]["url"]).path for e in entries] == ["/v2/grades/exchanges"]
        assert (reports / "proxy.md").is_file()
        assert (reports / "proxy-grades.json").is_file()

        # /dev/full: the head already fails; said once, nothing recorded, traffic and reports as ever
        caplog.clear()
        with proxied(upstream, record=Path("/dev/full"), reports=reports / "again") as base:
            for _request in range(3):
                assert httpx.get(f"{base}/v2/grades/schedules", headers=AUTH).status_code == 200
        stopped = [r.getMessage() for r in caplog.records if "recording to" in r.getMessage()]
        assert len(stopped) == 1
        assert "No space left on device" in stopped[0]
        assert (reports / "again" / "proxy.md").is_file()


def test_reports_that_cannot_be_written_are_one_log_line_and_the_summary_still_prints(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="datasync_openapi.proxy")

    def full(results: Any, directory: Path) -> list[Path]:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(ProxyApp, "write_reports", staticmethod(full))
    finished: list[Any] = []
    with (
        running(create_app()) as upstream,
        proxied(upstream, reports=tmp_path / "reports", on_finish=finished.append) as base,
    ):
        assert httpx.get(f"{base}/v2/grades/exchanges", headers=AUTH).status_code == 200
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR] == [
        f"cannot write the reports into {tmp_path / 'reports'}: No space left on device"
    ]
    assert len(finished) == 1  # the summary (and the verdict) still come


@pytest.mark.slow
def test_append_record_adds_to_a_recording_the_proxy_completed(tmp_path: Path) -> None:
    har = tmp_path / "traffic.har"
    with running(create_app()) as upstream:
        with proxied(upstream, record=har, record_mode="new") as base:
            httpx.get(f"{base}/v2/grades/exchanges", headers=AUTH)
        with pytest.raises(FileExistsError):
            HarRecorder(har, Redactor(), "new")
        with proxied(upstream, record=har, record_mode="append") as base:
            httpx.get(f"{base}/v2/grades/schedules", headers=AUTH)
            httpx.get(f"{base}/v2/grades/consumer", headers=AUTH)
    entries = json.loads(har.read_text(encoding="utf-8"))["log"]["entries"]
    paths = [urlsplit(e["request"]["url"]).path for e in entries]
    assert paths == ["/v2/grades/exchanges", "/v2/grades/schedules", "/v2/grades/consumer"]


# -- 7: the exit status is the verdict ----------------------------------------------------------------------------
def _run_proxy(upstream: str, arguments: list[str], requests: list[str], stop: signal.Signals) -> tuple[int, str, str]:
    """``datasync proxy`` as a process: the requests (paths) through it, then the signal; (status, out, err)."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "datasync_openapi.cli",
            "proxy",
            "--upstream",
            upstream,
            "--port",
            str(port),
            *arguments,
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        for _attempt in range(400):
            if process.poll() is not None:  # it could not start
                out, err = process.communicate(timeout=30)
                return process.returncode, out, err
            try:
                httpx.get(f"{base}/_proxy/health")
                break
            except httpx.TransportError:
                time.sleep(0.05)
        parts = urlsplit(base)
        assert parts.hostname
        for path in requests:
            connection = http.client.HTTPConnection(parts.hostname, port, timeout=10)
            connection.request("GET", path, headers=AUTH)
            connection.getresponse().read()
            connection.close()
    finally:
        process.send_signal(stop)
        out, err = process.communicate(timeout=30)
    return process.returncode, out, err


@pytest.mark.slow
def test_the_exit_status_is_the_verdict_and_what_it_prints_is_printable(tmp_path: Path) -> None:
    har, reports = tmp_path / "traffic.har", tmp_path / "reports"
    options = ["--reports", str(reports), "--record", str(har)]
    with running(create_app()) as good:
        status, out, _ = _run_proxy(good, options, ["/v2/grades/exchanges"], signal.SIGINT)
    assert status == 0, out
    assert "PASS: 1 exchanges checked" in out
    with hostile_upstream() as bad:
        status, out, err = _run_proxy(bad, options, [FORGED], signal.SIGTERM)
        assert status == 2  # an existing recording, and neither --overwrite-record nor --append-record
        assert err.startswith("datasync: refusing to replace the recording")
        status, out, err = _run_proxy(
            bad, [*options, "--append-record"], ["/v2/grades/exchanges", FORGED], signal.SIGTERM
        )
    assert status == 1, (out, err)
    assert "FAIL: 2 exchanges checked" in out
    assert "application/xjson" in out  # the upstream's C1 escape sequence (CSI 2j), removed for the terminal
    assert "\\x1b[2J\\x0d\\x0adatasync proxy: forged" in err
    for control in CONTROLS:
        assert control not in out, repr(control)
        assert control not in err, repr(control)
    assert not [line for line in err.splitlines() if line.startswith("datasync proxy: forged")]
    entries = json.loads(har.read_text(encoding="utf-8"))["log"]["entries"]
    assert len(entries) == 2  # one of each run (the forged request had no answer to record)
