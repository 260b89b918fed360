"""The command line's papercuts (issue 24): each (sub)command refuses what it does not know with its own usage,
no option is taken by an abbreviation, an error line cannot carry terminal control sequences, and a
DATASYNC_URL that already ends in an API's path gets a hint instead of a 404 on a doubled path."""

from __future__ import annotations

import argparse
import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from datasync_openapi import cli
from datasync_openapi.mock import DEMO_TOKEN, create_app
from datasync_openapi.server import free_port, running

# A valid command line for each command that runs something: what follows it is all that is wrong.
VALID = {
    "mock": ["mock"],
    "proxy": ["proxy", "--upstream", "http://127.0.0.1:9"],
    "conformance": ["conformance"],
    "report merge": ["report", "merge", "reports/conformance-grades.json"],
    "exchanges list": ["exchanges", "list"],
    "exchanges get": ["exchanges", "get", "6f0a1c3e-0000-4000-8000-000000000000"],
    "artifacts": ["artifacts", "details", "6f0a1c3e-0000-4000-8000-000000000000"],
}


def parsers() -> dict[str, argparse.ArgumentParser]:
    """Every parser of the command line by its full name ("" for the top), subcommands included."""
    found: dict[str, argparse.ArgumentParser] = {}

    def walk(name: str, parser: argparse.ArgumentParser) -> None:
        found[name] = parser
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for child_name, child in action.choices.items():
                    walk(f"{name} {child_name}".strip(), child)

    walk("", cli.parser())
    return found


def leaves() -> dict[str, argparse.ArgumentParser]:
    """The parsers that run a command (no subcommands of their own)."""
    return {
        name: parser
        for name, parser in parsers().items()
        if name and not any(isinstance(a, argparse._SubParsersAction) for a in parser._actions)
    }


def refused(argv: list[str], capsys: pytest.CaptureFixture[str]) -> list[str]:
    """The lines on standard error of a command line the parser refuses (exit status 2, nothing on stdout). Only
    parsed: were it taken, nothing would run (``--repor=1`` once ran a whole conformance suite into ./1)."""
    with pytest.raises(SystemExit) as exited:
        cli.parser().parse_args(argv)
    assert exited.value.code == 2
    out, err = capsys.readouterr()
    assert out == ""
    return err.splitlines()


def test_every_command_that_runs_has_a_valid_command_line_here() -> None:
    assert set(leaves()) == set(VALID)


def test_no_parser_takes_abbreviations() -> None:
    assert {name: parser.allow_abbrev for name, parser in parsers().items()} == dict.fromkeys(parsers(), False)


@pytest.mark.parametrize("name", sorted(VALID))
def test_an_unknown_option_gets_the_commands_own_usage(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    lines = refused([*VALID[name], "--no-such-option"], capsys)
    assert lines[0].startswith(f"usage: datasync {name} [-h]"), lines
    assert lines[-1] == f"datasync {name}: error: unrecognized arguments: --no-such-option"


def test_an_unknown_option_before_the_subcommand_is_its_parents(capsys: pytest.CaptureFixture[str]) -> None:
    lines = refused(["exchanges", "--no-such-option", "list"], capsys)
    assert lines[0].startswith("usage: datasync exchanges [-h] {list,get}")
    assert lines[-1] == "datasync exchanges: error: unrecognized arguments: --no-such-option"
    lines = refused(["--no-such-option", "mock"], capsys)
    assert lines[0].startswith("usage: datasync [-h] [--version]")
    assert lines[-1] == "datasync: error: unrecognized arguments: --no-such-option"


def test_state_is_not_stat(capsys: pytest.CaptureFixture[str]) -> None:
    """The issue's example: ``--stat`` was taken for ``--state``."""
    lines = refused(["exchanges", "list", "--stat", "created"], capsys)
    assert lines[-1] == "datasync exchanges list: error: unrecognized arguments: --stat created"


def long_options() -> Iterator[tuple[str, str]]:
    for name, parser in leaves().items():
        for action in parser._actions:
            for option in action.option_strings:
                if option.startswith("--") and len(option) > 3:
                    yield name, option
    yield "", "--version"


@pytest.mark.parametrize(("name", "option"), sorted(long_options()))
def test_no_option_is_taken_by_a_prefix(name: str, option: str, capsys: pytest.CaptureFixture[str]) -> None:
    """Every long option of every command, one letter short, is refused (``--max-siz`` is not ``--max-size``)."""
    prefix = f"{option[:-1]}=1"
    argv = [prefix, "mock"] if name == "" else [*VALID[name], prefix]
    lines = refused(argv, capsys)
    assert lines[-1] == f"datasync{f' {name}' if name else ''}: error: unrecognized arguments: {prefix}"


def test_a_usage_error_line_carries_no_terminal_control(capsys: pytest.CaptureFixture[str]) -> None:
    lines = refused(["exchanges", "list", "--x\x1b]0;owned\x07\x1b[2J\r\ny"], capsys)
    assert lines[-1] == "datasync exchanges list: error: unrecognized arguments: --x y"


# -- errors that echo a server's text -------------------------------------------------------------------------------
async def _hostile(scope: dict[str, Any], receive: Any, send: Any) -> None:
    """Every request answered 404 with an error envelope whose text tries to drive the terminal."""
    assert scope["type"] == "http"
    error = {"code": "gone\x1b[31m", "message": "not here\x1b]0;owned\x07", "details": "a\x1b[2J\r\nFAKE: line"}
    body = json.dumps({"error": error}).encode()
    await send({"type": "http.response.start", "status": 404, "headers": [(b"content-type", b"application/json")]})
    await send({"type": "http.response.body", "body": body})


def test_an_api_error_line_carries_no_terminal_control(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    with running(_hostile) as base:
        monkeypatch.setenv("DATASYNC_URL", base)
        monkeypatch.setenv("DATASYNC_TOKEN", "t")
        assert cli.main(["exchanges", "get", "6f0a1c3e-0000-4000-8000-000000000000"]) == 1
    err = capsys.readouterr().err
    assert err == (
        f"datasync: 404 not here (GET {base}/v2/grades/exchanges/6f0a1c3e-0000-4000-8000-000000000000) "
        "[code=gone]: a FAKE: line\n"
    )


def test_an_id_no_url_can_hold_is_one_line(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("DATASYNC_URL", f"http://127.0.0.1:{free_port()}")
    monkeypatch.setenv("DATASYNC_TOKEN", "t")
    assert cli.main(["artifacts", "details", "x\x1b[2J"]) == 2
    assert capsys.readouterr().err.startswith("datasync: cannot build the request: ")


# -- DATASYNC_URL with an API's path ----------------------------------------------------------------------------------
@pytest.mark.parametrize("path", ["/v2/grades", "/v2/grades/", "/v2/interop"])
def test_a_datasync_url_with_the_api_path_gets_a_hint(
    path: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Refused before any request (nothing listens there), with the URL to set instead."""
    server = f"http://127.0.0.1:{free_port()}"
    monkeypatch.setenv("DATASYNC_URL", server + path)
    monkeypatch.setenv("DATASYNC_TOKEN", "t")
    assert cli.main(["exchanges", "list"]) == 2
    api = path.rstrip("/")
    assert capsys.readouterr().err == (
        f"datasync: DATASYNC_URL ends in {api}, an API's path: it names the server alone, the commands add "
        f"/v2/grades themselves (set DATASYNC_URL={server})\n"
    )


def test_the_hint_shows_no_credentials(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("DATASYNC_URL", f"http://user:s3cret@127.0.0.1:{free_port()}/v2/grades")
    monkeypatch.setenv("DATASYNC_TOKEN", "t")
    assert cli.main(["artifacts", "details", "6f0a1c3e-0000-4000-8000-000000000000"]) == 2
    err = capsys.readouterr().err
    assert err.endswith("(remove the path)\n")
    assert "s3cret" not in err


def test_a_server_under_a_path_of_its_own_is_used_as_given(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Only an API's path is refused: a server under /v2/grades-sandbox is asked at /v2/grades-sandbox/v2/grades."""
    server = f"http://127.0.0.1:{free_port()}/v2/grades-sandbox"
    monkeypatch.setenv("DATASYNC_URL", server)
    monkeypatch.setenv("DATASYNC_TOKEN", "t")
    assert cli.main(["exchanges", "list"]) == 2
    assert capsys.readouterr().err.startswith(f"datasync: cannot connect for GET {server}/v2/grades/exchanges/count")


def test_the_exchange_table_carries_no_terminal_control(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The table shows a server's strings (an open enum's state, a course id): made inert like an error line."""
    with running(create_app()) as mock:
        page = httpx.get(f"{mock}/v2/grades/exchanges", headers={"Authorization": f"Bearer {DEMO_TOKEN}"}).json()
    exchange = {**page["data"][0], "state": "done\x1b[2J", "course_app_id": "c\x1b]0;owned\x07\r\nFAKE"}
    bodies = {"/v2/grades/exchanges/count": b"1", "/v2/grades/exchanges": json.dumps({"data": [exchange]}).encode()}

    async def hostile(scope: dict[str, Any], receive: Any, send: Any) -> None:
        headers = [(b"content-type", b"application/json")]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": bodies[scope["path"]]})

    with running(hostile) as base:
        monkeypatch.setenv("DATASYNC_URL", base)
        monkeypatch.setenv("DATASYNC_TOKEN", "t")
        assert cli.main(["exchanges", "list"]) == 0
    out = capsys.readouterr().out
    assert [char for char in "\x1b\x07\r" if char in out] == []
    assert out.splitlines()[2].split()[1:] == ["done", "0", "c", "FAKE", "2026-01-05", "08:00:00+00:00"]
