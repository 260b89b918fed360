"""The runnable scripts in examples/ work against the mock over a real socket."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from datasync_openapi.mock import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, DEMO_TOKEN, MockApp
from datasync_openapi.mock.seed import EXCHANGE_COMPLETED, EXCHANGE_NO_LOGS
from tests.apps.exchange_data import Recording, assert_answered_once, create_pending

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"


@pytest.fixture
def mock(recorded: tuple[MockApp, Recording, str]) -> tuple[MockApp, str]:
    app, recording, base = recorded
    recording.bodies.clear()
    return app, base


def run(example: str, base: str, *args: str) -> str:
    env = dict(
        os.environ,
        DATASYNC_URL=base,
        DATASYNC_CLIENT_ID=DEMO_CLIENT_ID,
        DATASYNC_CLIENT_SECRET=DEMO_CLIENT_SECRET,
        DATASYNC_TOKEN=DEMO_TOKEN,
    )
    result = subprocess.run(
        [sys.executable, str(EXAMPLES / example), *args],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.mark.slow
def test_list_exchanges(mock: tuple[MockApp, str]) -> None:
    app, base = mock
    app.reset()
    out = run("list_exchanges.py", base).splitlines()
    assert out[0] == "5 exchanges"
    assert len(out) == 6
    assert out[1].startswith(EXCHANGE_COMPLETED)
    assert run("list_exchanges.py", base, "created").splitlines()[0] == "1 exchanges"


@pytest.mark.slow
def test_producer_flow(recorded: tuple[MockApp, Recording, str]) -> None:
    app, recording, base = recorded
    app.reset()
    recording.bodies.clear()
    answered, refused = create_pending(base, 119, "roster")  # 120 with the seeded one: more than a page of 100

    out = run("producer_flow.py", base).splitlines()

    # every body has the spec's shape: assignments with scores of a $person, summaries of a $person in a $section
    assert_answered_once(app, recording, out, answered, refused, items=(2, 2))
    _, first = recording.bodies[0]
    quiz = first["assignments"][0]
    assert (quiz["name"], quiz["points_possible"], quiz["$section"]["name"]) == ("Quiz 1", 10.0, "course-app-101")
    assert quiz["scores"][0] == {
        "$person": {"name": "Ada Lovelace", "$sys": {"source_id": {"sis": "s-1001"}}},
        "score": 9.5,
        "grade": "A",
    }
    assert first["summaries"][1]["$person"]["name"] == "Alan Turing"
    assert (first["summaries"][1]["summary_type"], first["summaries"][1]["score"]) == ("final", 82.5)


@pytest.mark.slow
def test_download_artifacts(mock: tuple[MockApp, str], tmp_path: Path) -> None:
    app, base = mock
    app.reset()
    out = run("download_artifacts.py", base, EXCHANGE_COMPLETED, str(tmp_path))
    assert "details: wrote" in out
    assert "consumerlogs: wrote" in out
    assert (tmp_path / f"{EXCHANGE_COMPLETED}.details.json").read_text(encoding="utf-8").startswith("{")
    out = run("download_artifacts.py", base, EXCHANGE_NO_LOGS, str(tmp_path))
    assert "consumerlogs: not available (404)" in out


def test_manage_scoping(mock: tuple[MockApp, str]) -> None:
    app, base = mock
    app.reset()
    out = run("manage_scoping.py", base).splitlines()
    assert out[0] == "schools: ['School 1', 'School 2', 'School 3']"
    assert out[1].startswith("appended: ")
    assert out[1].endswith("Example Elementary")
    assert out[2] == "updated: selected = False"
    assert out[3] == "after delete: 404 Scoping school not found"
    assert len(app.store.all("scoping_schools")) == 3


@pytest.mark.slow
def test_my_integration_runs_under_pytest_with_the_plugin() -> None:
    """examples/test_my_integration.py is a user's test module: pytest, started in the project with its strict
    settings (warnings are errors, strict markers), finds ``datasync_mock`` through the installed plugin."""
    example = EXAMPLES / "test_my_integration.py"
    tests = re.findall(r"^def (test_\w+)\(datasync_mock", example.read_text(encoding="utf-8"), re.MULTILINE)
    assert len(tests) >= 3
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-v", str(example)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    passed = re.findall(r"::(test_\w+) PASSED", result.stdout)
    assert passed == tests


@pytest.mark.parametrize("url", [None, ""])
@pytest.mark.parametrize(
    "example", ["producer_flow.py", "list_exchanges.py", "download_artifacts.py", "manage_scoping.py"]
)
def test_without_datasync_url_an_example_says_so_and_exits_2(example: str, url: str | None) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DATASYNC_")}
    env.update(DATASYNC_CLIENT_ID=DEMO_CLIENT_ID, DATASYNC_CLIENT_SECRET=DEMO_CLIENT_SECRET, DATASYNC_TOKEN=DEMO_TOKEN)
    if url is not None:
        env["DATASYNC_URL"] = url
    # a proxy that answers nothing: had the script fallen back to a real host, it would fail differently (exit 1)
    env.update(HTTPS_PROXY="http://127.0.0.1:9", HTTP_PROXY="http://127.0.0.1:9", NO_PROXY="")
    script = str(EXAMPLES / example)
    result = subprocess.run([sys.executable, script], env=env, capture_output=True, text=True, check=False, timeout=60)
    assert (result.returncode, result.stdout) == (2, ""), result.stderr
    assert result.stderr.splitlines() == [
        f"{script}: set DATASYNC_URL to the server, e.g. http://127.0.0.1:8000 for `make mock`"
    ]
