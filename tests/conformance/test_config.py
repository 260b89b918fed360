"""Every operation reachable on a live tenant, and a tenant's settings in a config file.

Against the independent test server (tests/apps/realistic_server.py), whose lists hand out no section
id: the preflight finds one where the data names it (an exchange's query conditions), and a user gives ids and
parameter values per operation in datasync.toml. The file's settings and profiles fill what the command line
does not give; flags and the DATASYNC_* credential variables override it; a wrong key is exit 2 naming it.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from datasync_openapi import cli, conformance
from datasync_openapi.conformance import config
from datasync_openapi.conformance.preflight import with_discovered_ids
from datasync_openapi.server import running
from tests.apps.realistic_server import SECTIONS, RealisticServer

TOKEN = "live-token"
QUICK = conformance.Budget(max_examples=2, phases=("examples", "fuzzing"))


@pytest.fixture
def server() -> Iterator[tuple[RealisticServer, str]]:
    app = RealisticServer()
    with running(app) as base:
        yield app, base


def _parse(*argv: str) -> argparse.Namespace:
    return cli.parser().parse_args(["conformance", *argv])


def _apply(tmp_path: Path, text: str, *argv: str) -> tuple[argparse.Namespace, config.Loaded]:
    (tmp_path / "datasync.toml").write_text(text)
    args = _parse(*argv)
    return args, config.apply(args, args.config_parser, cwd=tmp_path)


# -- reaching every operation ---------------------------------------------------------------------------------
def test_preflight_finds_a_section_id_in_an_exchanges_query_conditions(server: tuple[RealisticServer, str]) -> None:
    app, base = server
    url = f"{base}/v2/grades"
    credentials = conformance.Credentials(token=TOKEN)
    preflight = conformance.run_preflight("grades", url, credentials)
    assert preflight.ids["/sections"] in SECTIONS
    result = conformance.run(
        "grades",
        base_url=url,
        credentials=credentials,
        bearer=preflight.bearer,
        ids=preflight.ids,
        budget=QUICK,
        manners=conformance.Manners(rate=200),
        only=["resolveSection"],
    )
    assert result.not_exercised() == {}, result.not_exercised()
    assert result.operations["GET /sections/{id}/resolve"].reached_2xx
    assert ("GET", f"/v2/grades/sections/{preflight.ids['/sections']}/resolve", 200) in {r[1:] for r in app.requests}


def test_given_values_come_first_as_examples() -> None:
    spec = with_discovered_ids(
        "grades", {"/exchanges": "e-listed"}, {"getExchange": {"id": "e-given"}, "listExchanges": {"page_size": 7}}
    )
    get_id = next(p for p in spec["paths"]["/exchanges/{id}"]["get"]["parameters"] if p.get("name") == "id")
    assert [e["value"] for e in get_id["examples"].values()][:2] == ["e-given", "e-listed"]
    page_size = next(p for p in spec["paths"]["/exchanges"]["get"]["parameters"] if p.get("name") == "page_size")
    assert next(iter(page_size["examples"].values()))["value"] == 7
    assert "example" not in page_size


def test_a_profile_runs_a_tenant_with_given_ids(
    server: tuple[RealisticServer, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app, base = server
    section = list(SECTIONS)[1]  # not the one the exchanges name: only the config file gives it
    (tmp_path / "datasync.toml").write_text(
        f"""
rate = 1
max-examples = 2
phases = "examples,fuzzing"

[profiles.district]
api = "grades"
base_url = "{base}/v2/{{api}}"
token = "${{DISTRICT_TOKEN}}"
rate = 200
include = ["resolveSection"]
reports = "{tmp_path / "reports-{api}"}"

[profiles.district.parameters.resolveSection]
id = "{section}"
"""
    )
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DISTRICT_TOKEN", TOKEN)
    monkeypatch.delenv("DATASYNC_TOKEN", raising=False)
    assert cli.main(["conformance", "--profile", "district"]) == 0
    data = json.loads((tmp_path / "reports-grades" / "conformance-grades.json").read_text())
    assert data["parameters"]["given values"] == f"resolveSection.id={section}"
    assert data["parameters"]["rate"] == "200 requests/s"  # the profile's, over the top level's
    assert data["coverage"]["not_exercised"] == {}
    assert ("GET", f"/v2/grades/sections/{section}/resolve", 200) in {r[1:] for r in app.requests}
    assert TOKEN not in (tmp_path / "reports-grades" / "conformance-grades.json").read_text()


# -- precedence -----------------------------------------------------------------------------------------------
SETTINGS = """
rate = 2
include = ["listExchanges", "getExchange"]
writes = true

[profiles.a]
base-url = "https://a.example/v2/{api}"
api = "grades"
max_time = 30
"""


def test_the_file_fills_what_the_command_line_does_not_give(tmp_path: Path) -> None:
    args, loaded = _apply(tmp_path, SETTINGS, "--rate", "7", "--profile", "a")
    assert args.rate == "7"  # the flag
    assert args.include == "listExchanges,getExchange"
    assert args.writes is True
    assert float(args.max_time) == 30.0  # checked later, as a flag would be
    assert args.base_url == "https://a.example/v2/grades"
    assert loaded.source == "datasync.toml"
    assert "rate" not in loaded.settings


def test_an_explicit_flag_equal_to_the_default_still_wins(tmp_path: Path) -> None:
    args, _ = _apply(tmp_path, "max_examples = 3\napi = 'interop'\n", "--max-examples", "10", "--api", "both")
    assert args.max_examples == 10
    assert args.api == "both"


def test_credential_variables_override_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FILE_TOKEN", "from-the-file")
    monkeypatch.setenv("DATASYNC_TOKEN", "from-make")
    args, _ = _apply(tmp_path, 'token = "${FILE_TOKEN}"\nclient_id = "cid"\n')
    assert args.token is None  # DATASYNC_TOKEN (TOKEN=) wins: _credentials reads it
    assert args.client_id == "cid"
    monkeypatch.setenv("DATASYNC_TOKEN", "")  # what make passes when TOKEN= is not set
    args, _ = _apply(tmp_path, 'token = "${FILE_TOKEN}"\n')
    assert args.token == "from-the-file"


def test_pyproject_tool_table_and_an_explicit_file(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "x"\n\n[tool.datasync]\nseed = 42\n')
    args = _parse()
    assert config.apply(args, args.config_parser, cwd=tmp_path).source == "pyproject.toml [tool.datasync]"
    assert args.seed == 42
    other = tmp_path / "ci.toml"
    other.write_text("seed = 7\n")
    args = _parse("--config", str(other))
    config.apply(args, args.config_parser, cwd=tmp_path)
    assert args.seed == 7
    args = _parse("--config", str(tmp_path / "pyproject.toml"))  # its [tool.datasync], not [project]
    config.apply(args, args.config_parser, cwd=tmp_path / "nowhere")
    assert args.seed == 42
    args = _parse()
    assert config.apply(args, args.config_parser, cwd=tmp_path / "nowhere").source == ""  # no file: no change


# -- could not run: exit 2, one line naming what to fix -------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "argv", "expected"),
    [
        ("rate = 2\nbase_ulr = 'https://x'\n", [], "unknown key 'base_ulr'"),
        ("[profiles.a]\ntokn = 'x'\n", ["--profile", "a"], "unknown key 'profiles.a.tokn'"),
        ("[profiles.a]\n", ["--profile", "b"], "PROFILE=b: no [profiles.b] in datasync.toml (profiles: a)"),
        ("token = '${NOT_SET_ANYWHERE}'\n", [], "token: the environment variable NOT_SET_ANYWHERE is not set"),
        ("max_examples = 'many'\n", [], "max_examples: invalid literal"),
        ("writes = 'yes'\n", [], "writes must be true or false"),
        ("api = 'graded'\n", [], "api must be one of both, grades, interop"),
        ("base_url = 'https://h/v2/{api}'\n", [], "base_url uses {api}: give API=grades or API=interop"),
        ("[parameters.resolveSection]\nsection = 'x'\n", [], "GET /sections/{id}/resolve has no parameter 'section'"),
        ("[parameters.resolveSektion]\nid = 'x'\n", [], "parameters.resolveSektion: unknown operationId"),
        ("rate = [1\n", [], "datasync.toml is not valid TOML"),
    ],
)
def test_a_wrong_config_is_exit_2_naming_it(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    text: str,
    argv: list[str],
    expected: str,
) -> None:
    (tmp_path / "datasync.toml").write_text(text)
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("NOT_SET_ANYWHERE", raising=False)
    assert cli.main(["conformance", *argv]) == 2
    captured = capsys.readouterr()
    assert expected in captured.err
    assert len(captured.err.strip().splitlines()) == 1
    assert "Traceback" not in captured.err
    assert captured.out == ""


def test_a_profile_without_a_file_is_exit_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    assert cli.main(["conformance", "--profile", "district"]) == 2
    assert "PROFILE=district: there is no config file" in capsys.readouterr().err
