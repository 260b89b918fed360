"""Options that say what they do, checked before the run: ``--rate``, ``--reports``, live-only settings without a
base URL (no silent fallback to the embedded mock), the preflight's 404 message, ``make conformance``'s status.
"""

from __future__ import annotations

import http.server
import os
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from datasync_openapi import cli
from datasync_openapi.findings import baseline as baselines
from datasync_openapi.server import free_port, running
from tests.apps.realistic_server import RealisticServer

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "live-token"
# Enough to run, kept tiny: were an option not refused, the run would still end quickly.
NARROW = ("--api", "grades", "--include", "listExchanges", "--max-examples", "1", "--phases", "fuzzing")
CREDENTIAL_ENVIRONMENT = (
    "DATASYNC_TOKEN",
    "DATASYNC_CLIENT_ID",
    "DATASYNC_CLIENT_SECRET",
    "DATASYNC_TOKEN_URL",
    "DATASYNC_BASIC",
)


@pytest.fixture(autouse=True)
def _no_credentials_in_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in CREDENTIAL_ENVIRONMENT:
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(scope="module")
def live() -> Iterator[str]:
    with running(RealisticServer()) as origin:
        yield f"{origin}/v2/grades"


def _cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    status = cli.main(["conformance", *args])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


# -- --rate ------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("rate", ["0", "-5", "nan", "inf", "-inf", "fast", ""])
def test_a_rate_that_is_not_a_positive_number_is_exit_2_before_any_request(
    rate: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    url = f"http://127.0.0.1:{free_port()}/v2/grades"  # nothing listens: preflight would say so
    status, out, err = _cli(capsys, *NARROW, "--base-url", url, "--token", TOKEN, f"--rate={rate}")
    assert status == 2
    assert err.strip().splitlines() == [
        f"datasync: error: RATE takes a positive number of requests per second or 'unlimited', not {rate!r}"
    ]
    assert out == ""


def test_rate_unlimited_says_so(live: str, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    args = (*NARROW, "--base-url", live, "--token", TOKEN, "--reports", str(tmp_path), "--allow-not-exercised")
    _, out, _ = _cli(capsys, *args, "--rate", "unlimited")
    assert "no rate limit" in out.splitlines()[0]
    assert "at most" not in out.splitlines()[0]
    _, out, _ = _cli(capsys, *args, "--rate", "500.5")
    assert "at most 500.5 requests/s" in out.splitlines()[0]


# -- --reports ---------------------------------------------------------------------------------------------------
def test_reports_naming_a_file_is_exit_2_at_the_start(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    path = tmp_path / "reports"
    path.write_text("not a directory", encoding="utf-8")
    status, out, err = _cli(capsys, *NARROW, "--reports", str(path))
    assert status == 2
    assert err.strip().splitlines() == [f"datasync: error: REPORTS={path} is not a directory"]
    assert out == ""  # nothing ran
    assert path.read_text(encoding="utf-8") == "not a directory"


def test_reports_that_cannot_be_created_is_exit_2_at_the_start(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    (tmp_path / "file").write_text("x", encoding="utf-8")
    path = tmp_path / "file" / "reports"
    status, out, err = _cli(capsys, *NARROW, "--reports", str(path))
    assert status == 2
    assert err.startswith(f"datasync: error: REPORTS={path} is not a writable directory: ")
    assert len(err.strip().splitlines()) == 1
    assert out == ""


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into any directory")
def test_reports_in_an_unwritable_directory_is_exit_2_at_the_start(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "reports"
    path.mkdir()
    path.chmod(0o500)
    try:
        status, out, err = _cli(capsys, *NARROW, "--reports", str(path))
    finally:
        path.chmod(0o700)
    assert status == 2
    assert "is not a writable directory" in err
    assert out == ""


# -- no silent fallback to the embedded mock ---------------------------------------------------------------------
@pytest.mark.parametrize(
    ("options", "named"),
    [
        (("--token", TOKEN), "TOKEN"),
        (("--client-id", "id", "--client-secret", "s"), "CLIENT_ID, CLIENT_SECRET"),
        (("--token-url", "https://host/oauth/token"), "TOKEN_URL"),
        (("--basic", "key:secret"), "BASIC"),
        (("--rate", "5"), "RATE"),
        (("--writes",), "WRITES"),
        (("--base-url", "", "--token", TOKEN), "TOKEN"),  # an empty BASE_URL (a CI secret not set)
        (("--base-url", "  ", "--rate", "unlimited"), "RATE"),
    ],
)
def test_a_live_only_setting_without_base_url_is_exit_2(
    options: tuple[str, ...], named: str, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    status, out, err = _cli(capsys, *NARROW, "--reports", str(tmp_path), *options)
    assert status == 2, out
    lines = err.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"datasync: error: {named} given but BASE_URL is not set (or empty)")
    assert "without BASE_URL the run tests the embedded mock" in lines[0]
    assert out == ""


def test_credentials_from_the_environment_count_and_empty_ones_do_not(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    # what `make conformance` exports: every variable, empty when not given
    for name in CREDENTIAL_ENVIRONMENT:
        monkeypatch.setenv(name, "")
    status, out, _ = _cli(capsys, *NARROW, "--reports", str(tmp_path))
    assert status == 0, out
    assert "conformance: embedded mock" in out
    monkeypatch.setenv("DATASYNC_TOKEN", TOKEN)
    status, out, err = _cli(capsys, *NARROW, "--reports", str(tmp_path))
    assert status == 2
    assert "TOKEN given but BASE_URL is not set" in err
    assert TOKEN not in err


def test_a_live_servers_baseline_without_base_url_is_exit_2(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    live_baseline = tmp_path / "live.json"
    baselines.write(live_baseline, [], live=True)
    for extra in ((), ("--update-baseline",)):  # an update from the mock would replace the live entries
        status, out, err = _cli(capsys, *NARROW, "--reports", str(tmp_path), "--baseline", str(live_baseline), *extra)
        assert status == 2, out
        assert "BASELINE (a live server's) given but BASE_URL is not set" in err
    # a baseline written against the embedded mock is the mock's to use
    mock_baseline = tmp_path / "mock.json"
    status, out, _ = _cli(
        capsys, *NARROW, "--reports", str(tmp_path), "--baseline", str(mock_baseline), "--update-baseline"
    )
    assert status == 0, out
    assert baselines.is_live(mock_baseline) is False
    status, out, _ = _cli(capsys, *NARROW, "--reports", str(tmp_path), "--baseline", str(mock_baseline))
    assert status == 0, out


# -- the preflight's 404 says what it tried ----------------------------------------------------------------------
class _NotFound(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        self.send_response(404)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def not_found() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _NotFound)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_a_404_below_a_base_url_ending_in_the_api_path_says_what_was_tried(
    not_found: str, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"{not_found}/v2/grades"
    status, _, err = _cli(capsys, "--api", "grades", "--base-url", url, "--token", TOKEN)
    assert status == 2
    assert err.strip().splitlines() == [
        f"datasync: error: GET {url}/exchanges (a documented read below BASE_URL) answered 404, though "
        f"BASE_URL={url} already ends in /v2/grades: the server does not serve the Grades Exchange API at that URL "
        "(check the host, and any prefix before /v2/grades)"
    ]


def test_a_404_below_the_other_apis_path_names_the_mix_up(not_found: str, capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = _cli(capsys, "--api", "grades", "--base-url", f"{not_found}/v2/interop", "--token", TOKEN)
    assert status == 2
    assert "BASE_URL ends in /v2/interop, the Interop API's base path, but API=grades" in err
    assert f"BASE_URL={not_found}/v2/grades" in err


# -- make conformance: the suite's own exit status on the last line --------------------------------------------------
def _make(*variables: str) -> subprocess.CompletedProcess[str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("DATASYNC_", "MAKE"))}
    return subprocess.run(
        ["make", "-s", "--no-print-directory", "conformance", *variables],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.slow
def test_make_conformance_prints_the_suites_exit_status_last(live: str, tmp_path: Path) -> None:
    reports = f"REPORTS={tmp_path}"
    could_not = _make("API=grades", "TOKEN=x", reports)  # no BASE_URL
    assert could_not.stdout.strip().splitlines()[-1] == "conformance: exit 2 (could not run)"
    assert could_not.returncode == 2
    findings = _make(
        *("API=grades", f"BASE_URL={live}", f"TOKEN={TOKEN}", "RATE=unlimited", "INCLUDE=listExchanges", reports),
        *("MAX_EXAMPLES=1", "PHASES=coverage"),
    )
    assert findings.stdout.strip().splitlines()[-1] == "conformance: exit 1 (findings or operations not exercised)"
    assert findings.returncode == 2  # make's own status for any failed recipe: why CI calls datasync directly
