"""Every ```python block of README.md runs as written against the mock, and does what the README says.

Each block runs in a fresh interpreter with the environment the README tells readers to set
(DATASYNC_URL, DATASYNC_CLIENT_ID, DATASYNC_CLIENT_SECRET) pointing at the mock over a real socket. A block
whose first line names a test module (``# test_something.py ...``) is a user's pytest file: it is saved under
that name and run with pytest (warnings as errors, strict markers), which then finds its ``datasync_mock``
fixture through the installed plugin.
"""

from __future__ import annotations

import copy
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from datasync_openapi.mock import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, MockApp
from datasync_openapi.mock.seed import EXCHANGE_COMPLETED, EXCHANGE_CREATED, EXCHANGE_NO_LOGS
from tests.apps.exchange_data import Recording, assert_answered_once, create_pending, shape_errors

README = Path(__file__).resolve().parents[2] / "README.md"
BLOCK = re.compile(r"^```python\n(.*?)^```$", re.DOTALL | re.MULTILINE)
PYTEST_BLOCK = re.compile(r"# (test_\w+\.py)\b")


def python_blocks() -> list[str]:
    return BLOCK.findall(README.read_text(encoding="utf-8"))


def block_with(marker: str) -> str:
    [block] = [b for b in python_blocks() if marker in b]
    return block


@pytest.fixture
def mock(recorded: tuple[MockApp, Recording, str]) -> tuple[MockApp, Recording, str]:
    app, recording, _ = recorded
    app.reset()
    recording.bodies.clear()
    return recorded


def run_block(code: str, base: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    test_module = PYTEST_BLOCK.match(code)
    script = tmp_path / (test_module.group(1) if test_module else "readme_block.py")
    script.write_text(code, encoding="utf-8")
    command = [sys.executable, str(script)]
    if test_module:  # pytest exits 0 only when tests were collected and every one passed
        command = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-W", "error", "--strict-markers", "-q"]
        command.append(str(script))
    env = {k: v for k, v in os.environ.items() if not k.startswith("DATASYNC_")}
    env.update(DATASYNC_URL=base, DATASYNC_CLIENT_ID=DEMO_CLIENT_ID, DATASYNC_CLIENT_SECRET=DEMO_CLIENT_SECRET)
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False, timeout=120, cwd=tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    return result


def test_the_readme_has_python_blocks_and_no_placeholders() -> None:
    blocks = python_blocks()
    assert len(blocks) >= 2
    for block in blocks:
        assert "[...]" not in block
        assert "..." not in block.replace('"..."', "")  # an Ellipsis placeholder would run, and post nonsense


@pytest.mark.slow
@pytest.mark.parametrize("index", range(len(python_blocks())))
def test_every_python_block_runs(mock: tuple[MockApp, Recording, str], tmp_path: Path, index: int) -> None:
    _, _, base = mock
    run_block(python_blocks()[index], base, tmp_path)


@pytest.mark.slow
def test_the_pytest_block_is_a_test_module_whose_tests_pass(
    mock: tuple[MockApp, Recording, str], tmp_path: Path
) -> None:
    block = block_with("datasync_mock")
    assert PYTEST_BLOCK.match(block)
    tests = re.findall(r"^def (test_\w+)\(datasync_mock", block, re.MULTILINE)
    assert tests

    out = run_block(block, mock[2], tmp_path).stdout

    assert out.splitlines()[-1].startswith(f"{len(tests)} passed")


@pytest.mark.slow
def test_the_producer_block_answers_every_pending_exchange_once(
    mock: tuple[MockApp, Recording, str], tmp_path: Path
) -> None:
    app, recording, base = mock
    answered, refused = create_pending(base, 149, "attendance")  # 150 with the seeded one, more than a page

    out = run_block(block_with("answer_pending("), base, tmp_path).stdout.splitlines()

    assert_answered_once(app, recording, out, answered, refused, items=(1, 1))
    seeded = next(body for key, body in recording.bodies if key == EXCHANGE_CREATED)
    [assignment] = seeded["assignments"]
    assert assignment["$section"]["name"] == "course-app-101"  # the ObjectRef of the query's condition
    assert assignment["scores"][0]["$person"]["$sys"] == {"source_id": {"sis": "s-1001"}}


@pytest.mark.slow
def test_the_runtime_block_reads_and_changes_nothing(mock: tuple[MockApp, Recording, str], tmp_path: Path) -> None:
    app, recording, base = mock
    before = copy.deepcopy(app.store.all("exchanges"))
    # a 503 on the first page shows the retry line on stderr
    fault = {"status": 503, "count": 1, "method": "GET", "path": "/v2/grades/exchanges"}
    assert httpx.post(f"{base}/_mock/faults", json=fault).status_code == 200

    result = run_block(block_with("chunk_exchange_data("), base, tmp_path)

    out = result.stdout.splitlines()
    assert out[:3] == [
        f"{EXCHANGE_COMPLETED} completed 0",
        f"{EXCHANGE_NO_LOGS} completed 0",
        "404 not_found Exchange not found",
    ]
    assert json.loads(out[3]) == {
        "assignments": [
            {
                "name": "Quiz 1",
                "points_possible": 10.0,
                "scores": [{"$person": {"name": "Ada Lovelace"}, "score": 9.5, "grade": "A"}],
            }
        ],
        "summaries": [
            {
                "$person": {"name": "Ada Lovelace"},
                "$section": {"name": "Math 101"},
                "summary_type": "final",
                "score": 95.0,
            }
        ],
        "final": True,
    }
    assert shape_errors(json.loads(out[3])) == []
    assert len(out) == 4
    [retry] = result.stderr.splitlines()
    assert re.fullmatch(rf"503 from GET {base}/v2/grades/exchanges, retrying in \d+\.\d s \(attempt 2 of 4\)", retry)
    assert app.store.all("exchanges") == before
    assert recording.bodies == []
