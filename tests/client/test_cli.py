"""`datasync exchanges ...` and `datasync artifacts ...` against the mock over a real socket."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from datasync_openapi import cli
from datasync_openapi.mock import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, DEMO_TOKEN, create_app
from datasync_openapi.mock.seed import EXCHANGE_COMPLETED, EXCHANGE_NO_LOGS
from datasync_openapi.server import running


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
