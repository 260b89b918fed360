"""`datasync exchanges ...`, `datasync artifacts ...` and `datasync mock` against the mock over a real socket:
output, one-line failures (never a traceback), retry messages, help texts."""

from __future__ import annotations

import argparse
import importlib.metadata
import json
import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from datasync_openapi import cli
from datasync_openapi.cli import _api
from datasync_openapi.mock import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, DEMO_TOKEN, create_app
from datasync_openapi.mock.seed import EXCHANGE_COMPLETED, EXCHANGE_NO_LOGS
from datasync_openapi.server import free_port, running


@pytest.fixture(scope="module")
def base() -> Iterator[str]:
    with running(create_app()) as url:
        yield url


@pytest.fixture
def env(base: str, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("DATASYNC_URL", base)
    monkeypatch.setenv("DATASYNC_CLIENT_ID", DEMO_CLIENT_ID)
    monkeypatch.setenv("DATASYNC_CLIENT_SECRET", DEMO_CLIENT_SECRET)
    monkeypatch.delenv("DATASYNC_TOKEN", raising=False)
    return base


def test_exchanges_list_is_a_table(env: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli.main(["exchanges", "list"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["id", "state", "errors", "course_app_id", "created_at"]
    assert lines[2].split()[:3] == [EXCHANGE_COMPLETED, "completed", "0"]
    assert lines[-1] == "5 of 5 exchanges"
    assert cli.main(["exchanges", "list", "--state", "completed", "--max", "1"]) == 0
    assert capsys.readouterr().out.splitlines()[-1] == "1 of 2 exchanges"


def test_exchanges_get_prints_json(
    env: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATASYNC_TOKEN", DEMO_TOKEN)
    assert cli.main(["exchanges", "get", EXCHANGE_COMPLETED]) == 0
    assert json.loads(capsys.readouterr().out)["state"] == "completed"
    assert cli.main(["exchanges", "get", "e1000000-0000-4000-8000-00000000ffff"]) == 1
    assert "404 Exchange not found" in capsys.readouterr().err


def test_artifacts_download(env: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "details.json"
    assert cli.main(["artifacts", "details", EXCHANGE_COMPLETED, "-o", str(target)]) == 0
    assert json.loads(target.read_text(encoding="utf-8"))["exchange_id"] == EXCHANGE_COMPLETED
    assert cli.main(["artifacts", "consumerlogs", EXCHANGE_NO_LOGS]) == 1
    assert "404 Artifact not available" in capsys.readouterr().err


def test_missing_credentials_is_a_clear_error(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("DATASYNC_TOKEN", "DATASYNC_CLIENT_ID", "DATASYNC_CLIENT_SECRET"):
        monkeypatch.delenv(name, raising=False)
    assert cli.main(["exchanges", "list"]) == 2
    assert "set DATASYNC_TOKEN" in capsys.readouterr().err


# -- failures are one line, never a traceback -----------------------------------------------------------------
def one_line(err: str) -> str:
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("datasync: ")
    assert "Traceback" not in err
    return lines[0]


@pytest.fixture
def nowhere(monkeypatch: pytest.MonkeyPatch) -> str:
    """DATASYNC_URL pointing at a local port where nothing listens."""
    url = f"http://127.0.0.1:{free_port()}"
    monkeypatch.setenv("DATASYNC_URL", url)
    monkeypatch.setenv("DATASYNC_TOKEN", DEMO_TOKEN)
    return url


@pytest.mark.parametrize(
    "argv",
    [["exchanges", "list"], ["exchanges", "get", EXCHANGE_COMPLETED], ["artifacts", "details", EXCHANGE_COMPLETED]],
)
def test_nothing_listening_is_one_line_and_status_2_at_once(
    nowhere: str, argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    started = time.monotonic()
    assert cli.main(argv) == 2
    assert time.monotonic() - started < 2.0  # no silent retries against a closed port
    out, err = capsys.readouterr()
    assert out == ""
    line = one_line(err)
    assert line.startswith(f"datasync: cannot connect for GET {nowhere}/v2/grades/exchanges")
    assert "Connection refused" in line
    assert line.endswith("(check DATASYNC_URL and that the server is running)")


def test_token_endpoint_unreachable_is_one_line_without_the_secret(
    nowhere: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("DATASYNC_TOKEN")
    monkeypatch.setenv("DATASYNC_CLIENT_ID", DEMO_CLIENT_ID)
    monkeypatch.setenv("DATASYNC_CLIENT_SECRET", "s3cret-value")
    assert cli.main(["exchanges", "list"]) == 2
    line = one_line(capsys.readouterr().err)
    assert line.startswith(f"datasync: cannot connect for POST {nowhere}/oauth/token: ")
    assert "s3cret-value" not in line


def test_unknown_host_and_bad_url_are_one_line(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATASYNC_TOKEN", DEMO_TOKEN)
    monkeypatch.setenv("DATASYNC_URL", "http://no-such-host.invalid")
    assert cli.main(["exchanges", "list"]) == 2
    assert one_line(capsys.readouterr().err).startswith(
        "datasync: cannot connect for GET http://no-such-host.invalid/v2/grades/exchanges/count: "
    )
    monkeypatch.setenv("DATASYNC_URL", "127.0.0.1:8000")
    assert cli.main(["exchanges", "list"]) == 2
    assert one_line(capsys.readouterr().err) == (
        "datasync: DATASYNC_URL must be an http(s) URL such as https://api.us2.kimonocloud.com, got '127.0.0.1:8000'"
    )
    monkeypatch.delenv("DATASYNC_TOKEN")
    monkeypatch.setenv("DATASYNC_CLIENT_ID", DEMO_CLIENT_ID)
    monkeypatch.delenv("DATASYNC_CLIENT_SECRET", raising=False)
    monkeypatch.setenv("DATASYNC_URL", "http://127.0.0.1:8000")
    assert cli.main(["artifacts", "details", EXCHANGE_COMPLETED]) == 2
    assert one_line(capsys.readouterr().err) == (
        "datasync: set DATASYNC_TOKEN, or DATASYNC_CLIENT_ID and DATASYNC_CLIENT_SECRET "
        "(DATASYNC_CLIENT_SECRET is not set)"
    )


def test_a_timeout_is_one_line() -> None:
    request = httpx.Request("GET", "http://user:pw@host.test/v2/grades/exchanges?page=2")
    line = _api.transport_problem(httpx.ReadTimeout("timed out", request=request))
    assert line == (
        "timed out (ReadTimeout) on GET http://host.test/v2/grades/exchanges "
        "(check DATASYNC_URL and that the server is running)"
    )
    assert "pw" not in _api.transport_problem(httpx.RemoteProtocolError("dropped", request=request))


@pytest.mark.slow
def test_the_real_entry_point_prints_no_traceback(nowhere: str) -> None:
    env = dict(os.environ, DATASYNC_URL=nowhere, DATASYNC_TOKEN=DEMO_TOKEN)
    result = subprocess.run(
        [sys.executable, "-m", "datasync_openapi.cli", "exchanges", "list"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert result.returncode == 2
    assert result.stdout == ""
    assert one_line(result.stderr).startswith("datasync: cannot connect for GET ")


def test_version_is_the_installed_distributions(capsys: pytest.CaptureFixture[str]) -> None:
    expected = f"datasync-openapi {importlib.metadata.version('datasync-openapi')}"
    script = Path(sys.executable).with_name("datasync")  # the console script installed beside this interpreter
    for argv in ([str(script), "--version"], [sys.executable, "-m", "datasync_openapi", "--version"]):
        done = subprocess.run(argv, capture_output=True, text=True, check=False, timeout=60)
        assert (done.returncode, done.stdout, done.stderr) == (0, expected + "\n", ""), argv
    with pytest.raises(SystemExit) as exit_:
        cli.main(["--version"])
    assert exit_.value.code == 0
    assert capsys.readouterr().out == expected + "\n"


def test_python_dash_m_runs_the_command_and_passes_its_exit_status(nowhere: str) -> None:
    """`python -m datasync_openapi` is `datasync`: same parser, same one-line failure, same exit status."""
    env = dict(os.environ, DATASYNC_URL=nowhere, DATASYNC_TOKEN=DEMO_TOKEN)
    argv = [sys.executable, "-m", "datasync_openapi", "exchanges", "list"]
    done = subprocess.run(argv, env=env, capture_output=True, text=True, check=False, timeout=60)
    assert done.returncode == 2
    assert done.stdout == ""
    assert one_line(done.stderr).startswith("datasync: cannot connect for GET ")
    usage = subprocess.run([*argv[:3], "nonsense"], capture_output=True, text=True, check=False, timeout=60)
    assert usage.returncode == 2
    assert "usage: datasync " in usage.stderr
    assert "invalid choice: 'nonsense'" in usage.stderr


def test_an_unwritable_output_file_is_one_line(env: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "missing-dir" / "details.json"
    assert cli.main(["artifacts", "details", EXCHANGE_COMPLETED, "-o", str(target)]) == 2
    assert one_line(capsys.readouterr().err).startswith(f"datasync: cannot write {target}: ")


# -- retries say what they wait for ---------------------------------------------------------------------------
RETRY_LINE = re.compile(
    r"datasync: (?P<status>\d{3}) from GET (?P<url>\S+), retrying in \d+\.\d s \(attempt (?P<n>\d) of 4\)"
)


def inject(base: str, **fault: Any) -> None:
    assert httpx.post(f"{base}/_mock/faults", json=fault).status_code == 200


@pytest.mark.slow
def test_retries_are_one_line_each(env: str, capsys: pytest.CaptureFixture[str]) -> None:
    inject(env, status=503, count=2, path="/v2/grades/exchanges")
    assert cli.main(["exchanges", "list"]) == 0
    out, err = capsys.readouterr()
    assert out.splitlines()[-1] == "5 of 5 exchanges"
    matches = [RETRY_LINE.fullmatch(line) for line in err.splitlines()]
    assert all(matches), err
    assert [(m["status"], m["url"], m["n"]) for m in matches if m] == [
        ("503", f"{env}/v2/grades/exchanges/count", "2"),
        ("503", f"{env}/v2/grades/exchanges/count", "3"),
    ]


def test_retries_that_run_out_end_with_the_api_error(env: str, capsys: pytest.CaptureFixture[str]) -> None:
    inject(env, status=429, count=4, retry_after="0", path="/v2/grades/exchanges")
    assert cli.main(["exchanges", "get", EXCHANGE_COMPLETED]) == 1
    lines = capsys.readouterr().err.splitlines()
    assert [line.split(", ")[1] for line in lines[:3]] == [f"retrying in 0.0 s (attempt {n} of 4)" for n in (2, 3, 4)]
    assert lines[3].startswith("datasync: 429 ")
    assert len(lines) == 4


# -- the mock: bad configuration ------------------------------------------------------------------------------
@pytest.fixture
def no_serving(monkeypatch: pytest.MonkeyPatch) -> None:
    """The mock command must stop before serving (or this test would hang): serving fails the test."""
    import datasync_openapi.server

    def refuse(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("the mock command started serving")

    monkeypatch.setattr(datasync_openapi.server, "serve", refuse)


def test_mock_on_a_taken_port_is_one_line(no_serving: None, capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert cli.main(["mock", "--port", str(port)]) == 2
    assert one_line(capsys.readouterr().err).startswith(f"datasync: cannot listen on 127.0.0.1:{port}: ")
    assert cli.main(["mock", "--host", "no-such-host.invalid"]) == 2
    assert one_line(capsys.readouterr().err).startswith("datasync: cannot listen on no-such-host.invalid:8000: ")


def test_proxy_on_a_taken_port_is_one_line(
    no_serving: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The proxy checks its address with the mock's check (one shared helper): refused before it serves."""
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        argv = ["proxy", "--upstream", "http://127.0.0.1:9", "--port", str(port), "--reports", str(tmp_path)]
        assert cli.main(argv) == 2
    assert one_line(capsys.readouterr().err).startswith(f"datasync: cannot listen on 127.0.0.1:{port}: ")


def test_mock_with_an_unusable_state_file_is_one_line(
    no_serving: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    state = tmp_path / "missing-dir" / "state.sqlite"
    assert cli.main(["mock", "--port", str(free_port()), "--state", str(state)]) == 2
    assert one_line(capsys.readouterr().err) == (
        f"datasync: cannot use the state file {state}: unable to open database file"
    )


def test_mock_rejects_a_port_out_of_range(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        cli.main(["mock", "--port", "70000"])
    assert exited.value.code == 2
    assert "a port is between 1 and 65535, not 70000" in capsys.readouterr().err


# -- help -----------------------------------------------------------------------------------------------------
def subcommands() -> dict[str, argparse.ArgumentParser]:
    """Every (sub)command parser but conformance (which has its own help), by its full name."""
    found: dict[str, argparse.ArgumentParser] = {}

    def walk(prefix: str, parser: argparse.ArgumentParser) -> None:
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for name, child in action.choices.items():
                    if name != "conformance":
                        found[f"{prefix} {name}".strip()] = child
                        walk(f"{prefix} {name}", child)

    walk("", cli.parser())
    return found


def test_every_option_has_help_and_shows_its_default() -> None:
    parsers = subcommands()
    assert set(parsers) == {
        "mock",
        "proxy",
        "exchanges",
        "exchanges list",
        "exchanges get",
        "artifacts",
        "report",
        "report merge",
    }
    for name, parser in parsers.items():
        formatter = parser._get_formatter()
        for action in parser._actions:
            if isinstance(action, argparse._HelpAction | argparse._SubParsersAction):
                continue
            assert action.help, f"datasync {name}: {action.dest} has no help"
            if action.option_strings and not action.required:
                assert "(default" in (formatter._get_help_string(action) or ""), f"datasync {name}: {action.dest}"


def test_help_texts(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        cli.main(["--help"])
    top = capsys.readouterr().out
    assert "list and show Grades Exchanges (``exchanges``)" in top
    assert "artifacts (``artifacts``)" in top
    with pytest.raises(SystemExit):
        cli.main(["mock", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    for shown in ("(default: 127.0.0.1)", "(default: 8000)", "(default: in memory)", "(default: demo-token)"):
        assert shown in text
    assert "(default: info)" in text
    with pytest.raises(SystemExit):
        cli.main(["exchanges", "list", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "(default: every state)" in text
    assert "(default: no limit)" in text
    assert "DATASYNC_URL the server (default: https://api.us2.kimonocloud.com" in text
    assert "exit status: 0 done, 1 the API answered with an error, 2 bad configuration" in text


@pytest.mark.slow
def test_the_conformance_engine_and_the_proxy_are_imported_only_to_run_them() -> None:
    """`datasync mock` and every `--workers` worker start without schemathesis (about 1 s) or the proxy (httpx,
    its checks: about 0.5 s); `datasync proxy` without schemathesis. Each package's names still resolve."""
    code = """
import sys
from datasync_openapi import cli, conformance, proxy
cli.parser()
heavy = ("schemathesis", "requests", "datasync_openapi.proxy.app")
print([name for name in heavy if name in sys.modules])
for name in conformance.__all__ + proxy.__all__:
    getattr(conformance if name in conformance.__all__ else proxy, name)
print([name for name in heavy if name in sys.modules])
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60)
    assert done.stdout.splitlines() == ["[]", str(["schemathesis", "requests", "datasync_openapi.proxy.app"])]
