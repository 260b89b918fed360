"""``make diff`` (``datasync_openapi.specdiff``): the specs' changes between two git refs, breaking or not.

Each test commits the real specs to a scratch git repository, changes its working tree, and compares the
two with the pinned Redocly CLI of this checkout.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from datasync_openapi import specdiff

ROOT = Path(__file__).resolve().parents[2]
REDOCLY = ROOT / "node_modules" / ".bin" / "redocly"
Spec = dict[str, Any]


def git(repo: Path, *args: str) -> None:
    subprocess.run(
        ["git", "-C", str(repo), "-c", "user.name=test", "-c", "user.email=test@localhost", *args],
        check=True,
        capture_output=True,
        timeout=30,
    )


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A scratch repository whose HEAD holds today's specs."""
    (tmp_path / "openapi").mkdir()
    for api in specdiff.APIS:
        shutil.copy(ROOT / "openapi" / f"{api}.yaml", tmp_path / "openapi" / f"{api}.yaml")
    git(tmp_path, "init", "--quiet")
    git(tmp_path, "add", "openapi")
    git(tmp_path, "commit", "--quiet", "-m", "specs")
    return tmp_path


def edit(repo: Path, api: str, change: Callable[[Spec], None]) -> None:
    path = repo / "openapi" / f"{api}.yaml"
    spec = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(spec)
    path.write_text(yaml.safe_dump(spec, sort_keys=False), encoding="utf-8")


def run(repo: Path, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, list[str], str]:
    assert REDOCLY.is_file(), "node_modules/.bin/redocly is missing: run `make install`"
    status = specdiff.main(["--old", "HEAD", "--repo", str(repo), "--redocly", str(REDOCLY), *args])
    captured = capsys.readouterr()
    return status, captured.out.splitlines(), captured.err


def marked(lines: list[str], mark: str) -> list[str]:
    return [line for line in lines if line.strip().startswith(mark)]


def test_unchanged_specs_have_no_change(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, lines, _ = run(repo, capsys)
    assert status == 0
    assert lines == [
        "grades: openapi/grades.yaml, HEAD -> the working tree",
        "grades: 0 breaking, 0 not breaking",
        "interop: openapi/interop.yaml, HEAD -> the working tree",
        "interop: 0 breaking, 0 not breaking",
    ]


def test_removed_operation_new_required_parameter_and_narrowed_type_are_breaking(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    def change(spec: Spec) -> None:
        del spec["paths"]["/consumer"]["get"]
        del spec["paths"]["/consumer"]
        spec["paths"]["/exchanges"]["get"]["parameters"].append(
            {"name": "tenant", "in": "query", "required": True, "schema": {"type": "string"}}
        )
        spec["components"]["schemas"]["Score"]["properties"]["score"] = {"type": "integer"}

    edit(repo, "grades", change)
    status, lines, _ = run(repo, capsys, "--api", "grades")
    assert status == 1
    breaking = marked(lines, "BREAKING")
    assert len(breaking) == 3, lines
    assert any("path /consumer (GET getConsumer)" in line and "[path-removed]" in line for line in breaking)
    assert any(
        "GET /exchanges (listExchanges), query parameter `tenant`" in line and "[parameter-became-required]" in line
        for line in breaking
    )
    assert any(
        "createExchangeData" in line
        and "assignments[].scores[].score" in line
        and "narrowed from 'number' to 'integer'" in line
        for line in breaking
    )
    assert lines[-1] == "grades: 3 breaking, 0 not breaking"


def test_additions_are_not_breaking(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    def change(spec: Spec) -> None:
        schemas = spec["components"]["schemas"]
        schemas["ExchangeErrorCreate"]["properties"]["hint"] = {"type": "string"}
        schemas["Exchange"]["properties"]["hint"] = {"type": "string"}
        # an open enumeration gains a known value; it is carried by requests and responses
        schemas["ExchangeErrorCodeKnown"]["enum"].append("a_new_code")
        spec["paths"]["/ping"] = {
            "get": {"operationId": "ping", "summary": "Ping", "responses": {"204": {"description": "Alive."}}}
        }

    edit(repo, "grades", change)
    status, lines, _ = run(repo, capsys, "--api", "grades")
    assert status == 0, lines
    assert marked(lines, "BREAKING") == []
    ok = marked(lines, "ok")
    assert any("path /ping (GET ping)" in line for line in ok)
    assert any("request body (application/json): hint" in line for line in ok)
    assert any("response 200 (application/json): data[].hint" in line for line in ok)
    assert any("schema ExchangeErrorCodeKnown (in " in line and "known value `a_new_code` added" in line for line in ok)
    assert lines[-1] == f"grades: 0 breaking, {len(ok)} not breaking"


def test_a_known_value_removed_is_reported_as_breaking_for_a_client(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Exchange.state is only in responses: Redocly alone reports a removed enum value only where a request
    # carries it
    def change(spec: Spec) -> None:
        known = spec["components"]["schemas"]["ExchangeStateKnown"]["enum"]
        known.remove("created")
        known.append("open")

    edit(repo, "grades", change)
    status, lines, _ = run(repo, capsys, "--api", "grades")
    assert status == 1
    [removed] = marked(lines, "BREAKING")
    [added] = marked(lines, "ok")
    # the operations whose parameters or bodies reach the enum are named
    operations = "(in countExchanges, createExchange, createExchangeData, getExchange, listExchanges)"
    assert removed == (
        f"  BREAKING  schema ExchangeStateKnown {operations}: known value `created` removed: the generated enum "
        "loses its member (the field stays open, a server may still send it as a string) [known-enum-values]"
    )
    assert added == (
        f"  ok        schema ExchangeStateKnown {operations}: known value `open` added: a new typed member (the "
        "field stays open) [known-enum-values]"
    )


def test_security_and_status_changes(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    def change(spec: Spec) -> None:
        tenants = spec["paths"]["/tenants"]["get"]
        tenants["security"] = [{"bearerAuth": []}]
        del tenants["responses"]["400"]

    edit(repo, "interop", change)
    status, lines, _ = run(repo, capsys, "--api", "interop")
    assert status == 1
    breaking = marked(lines, "BREAKING")
    assert any("GET /tenants (listTenants), security" in line and "bearerAuth" in line for line in breaking)
    assert any("GET /tenants (listTenants), response 400" in line and "[response-removed]" in line for line in breaking)


def test_spec_text_reaches_the_terminal_neutralised(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    def change(spec: Spec) -> None:
        spec["paths"]["/ping\x1b[2J\x1b]0;owned\x07"] = {
            "get": {"operationId": "ping\x1b[31m", "summary": "Ping", "responses": {"204": {"description": "Alive."}}}
        }

    edit(repo, "grades", change)
    status, lines, _ = run(repo, capsys, "--api", "grades")
    assert status == 0
    assert not any("\x1b" in line or "\x07" in line for line in lines)
    assert any("\\x1b[2J" in line and "ping\\x1b[31m" in line for line in lines)


def test_could_not_run(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, _, err = run(repo, capsys, "--api", "grades", "--new", "no-such-ref")
    assert status == 2
    assert "could not compare: no commit 'no-such-ref'" in err
    (repo / "openapi" / "interop.yaml").write_text("paths: [not, a, mapping]\n", encoding="utf-8")
    status, _, err = run(repo, capsys, "--api", "interop")
    assert status == 2
    assert "is not an OpenAPI document" in err
    status, _, err = run(repo, capsys, "--old=--output=x", "--api", "grades")
    assert status == 2
    assert "not a git ref" in err


def test_a_shared_parameter_made_required_is_named_and_prose_is_only_counted(
    repo: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    def change(spec: Spec) -> None:
        spec["components"]["parameters"]["ExchangeStateFilter"]["required"] = True
        spec["components"]["schemas"]["Exchange"]["description"] = "Reworded."
        spec["paths"]["/exchanges"]["get"]["summary"] = "Reworded too"

    edit(repo, "grades", change)
    status, lines, _ = run(repo, capsys, "--api", "grades")
    assert status == 1
    breaking = marked(lines, "BREAKING")
    assert len(breaking) == 1, lines
    assert "GET /exchanges (listExchanges), query parameter `state`" in breaking[0]
    assert marked(lines, "ok") == [
        "  ok        documentation: 2 change(s) of descriptions, summaries, examples or x- extensions, not listed "
        "[redocly patch]"
    ]


def test_make_diff_runs_the_module_and_says_its_exit_status() -> None:
    same = subprocess.run(
        ["make", "-s", "diff", "OLD=HEAD", "NEW=HEAD"], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert same.returncode == 0, same.stderr
    lines = same.stdout.splitlines()
    assert "grades: 0 breaking, 0 not breaking" in lines
    assert "interop: 0 breaking, 0 not breaking" in lines
    assert lines[-1] == "diff: exit 0 (no breaking change)"
    missing = subprocess.run(["make", "-s", "diff"], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert missing.returncode != 0
    assert "make diff needs OLD=<git ref>" in missing.stderr
    unknown = subprocess.run(
        ["make", "-s", "diff", "OLD=no-such-ref", "API=grades"], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert unknown.returncode != 0
    assert unknown.stdout.splitlines()[-1] == "diff: exit 2 (could not run)"
