"""Every ```python block of README.md and of the docs site (docs/**/*.md) runs as written against the mock, and
the ones whose output the page describes do what it says.

Each block runs in a fresh interpreter with the environment the pages tell readers to set
(DATASYNC_URL, DATASYNC_CLIENT_ID, DATASYNC_CLIENT_SECRET) pointing at the mock over a real socket. A block
whose first line names a test module (``# test_something.py ...``) is a user's pytest file: it is saved under
that name and run with pytest (warnings as errors, strict markers), which then finds its ``datasync_mock``
fixture through the installed plugin.

A block that is not meant to run is preceded by the line ``<!-- snippet: no-run REASON -->``: it is skipped
with that reason (so the test report says why), and a marker without a reason, or one followed by no Python
block, fails.
"""

from __future__ import annotations

import copy
import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from datasync_openapi.mock import DEMO_CLIENT_ID, DEMO_CLIENT_SECRET, MockApp
from datasync_openapi.mock.seed import EXCHANGE_COMPLETED, EXCHANGE_CREATED, EXCHANGE_NO_LOGS
from tests.apps.exchange_data import Recording, assert_answered_once, create_pending, shape_errors

ROOT = Path(__file__).resolve().parents[2]
README = ROOT / "README.md"
PAGES = [README, *sorted((ROOT / "docs").rglob("*.md"))]
# a fenced block, and the no-run marker (with its reason) on the line before it, if any
BLOCK = re.compile(r"(?:^<!-- snippet: no-run(?P<reason>[^\n]*?)-->\n)?^```python\n(?P<code>.*?)^```$", re.S | re.M)
NO_RUN = re.compile(r"^<!-- snippet: no-run", re.M)
PYTEST_BLOCK = re.compile(r"# (test_\w+\.py)\b")


@dataclass(frozen=True)
class Snippet:
    page: Path
    number: int  # 1-based, among the page's Python blocks
    code: str
    no_run: str | None  # why it is not run, or None

    @property
    def name(self) -> str:
        return f"{self.page.relative_to(ROOT)}#{self.number}"


def snippets(page: Path | None = None) -> list[Snippet]:
    found = []
    for path in [page] if page else PAGES:
        for number, match in enumerate(BLOCK.finditer(path.read_text(encoding="utf-8")), 1):
            reason = match.group("reason")
            found.append(Snippet(path, number, match.group("code"), None if reason is None else reason.strip()))
    return found


def python_blocks() -> list[str]:
    return [snippet.code for snippet in snippets(README)]


def block_with(marker: str) -> str:
    [block] = [s.code for s in snippets() if marker in s.code]
    return block


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
    for block in [s.code for s in snippets()]:
        assert "[...]" not in block
        assert "..." not in block.replace('"..."', "")  # an Ellipsis placeholder would run, and post nonsense


def test_every_page_of_the_site_is_searched_and_every_no_run_marker_has_a_reason_and_a_block() -> None:
    assert {p.name for p in PAGES} >= {"README.md", "getting-started.md", "clients.md", "mock.md", "pytest-fixture.md"}
    assert len([s for s in snippets() if s.page != README]) >= 4
    for page in PAGES:
        text = page.read_text(encoding="utf-8")
        markers = len(NO_RUN.findall(text))
        marked = [s for s in snippets(page) if s.no_run is not None]
        assert len(marked) == markers, f"{page}: a no-run marker not directly before a ```python block"
        assert all(s.no_run for s in marked), f"{page}: a no-run marker without its reason"


def test_no_snippet_defaults_to_a_production_host() -> None:
    for snippet in snippets():
        assert "kimonocloud" not in snippet.code, snippet.name  # DATASYNC_URL has no default: never a real tenant


@pytest.mark.slow
@pytest.mark.parametrize("snippet", snippets(), ids=lambda s: s.name)
def test_every_python_block_runs(mock: tuple[MockApp, Recording, str], tmp_path: Path, snippet: Snippet) -> None:
    if snippet.no_run is not None:
        pytest.skip(f"marked no-run: {snippet.no_run}")
    _, _, base = mock
    run_block(snippet.code, base, tmp_path)


@pytest.mark.slow
@pytest.mark.parametrize("snippet", [s for s in snippets() if PYTEST_BLOCK.match(s.code)], ids=lambda s: s.name)
def test_the_pytest_block_is_a_test_module_whose_tests_pass(
    mock: tuple[MockApp, Recording, str], tmp_path: Path, snippet: Snippet
) -> None:
    block = snippet.code
    assert "datasync_mock" in block
    tests = re.findall(r"^def (test_\w+)\(datasync_mock", block, re.MULTILINE)
    assert tests

    out = run_block(block, mock[2], tmp_path).stdout

    assert out.splitlines()[-1].startswith(f"{len(tests)} passed")


def test_both_pages_show_a_pytest_module() -> None:
    pages = {s.page.name for s in snippets() if PYTEST_BLOCK.match(s.code)}
    assert pages >= {"README.md", "pytest-fixture.md"}


@pytest.mark.slow
def test_the_producer_block_answers_every_pending_exchange_once(
    mock: tuple[MockApp, Recording, str], tmp_path: Path
) -> None:
    app, recording, base = mock
    answered, refused = create_pending(base, 149, "attendance")  # 150 with the seeded one, more than a page

    out = run_block(block_with("report = answer_pending(client, answer)"), base, tmp_path).stdout.splitlines()

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


@pytest.mark.slow
def test_the_mock_block_shows_paging_and_a_queued_fault(mock: tuple[MockApp, Recording, str], tmp_path: Path) -> None:
    _, _, base = mock

    out = run_block(block_with('/_mock/faults"'), base, tmp_path).stdout.splitlines()

    assert out[0] == f"2 {base}/v2/grades/exchanges?page_size=2&page=1"
    assert out[1:] == ["503", "200"]


@pytest.mark.slow
def test_the_first_call_lists_the_seeded_states(mock: tuple[MockApp, Recording, str], tmp_path: Path) -> None:
    app, _, base = mock

    out = run_block(block_with("print(states)"), base, tmp_path).stdout.splitlines()

    assert out == [str(sorted(str(exchange["state"]) for exchange in app.store.all("exchanges")))]
    assert len(app.store.all("exchanges")) == 5


@pytest.mark.slow
def test_the_fixture_page_runs_the_mock_outside_pytest(mock: tuple[MockApp, Recording, str], tmp_path: Path) -> None:
    out = run_block(block_with("with DatasyncMock() as mock:"), mock[2], tmp_path).stdout

    assert out.splitlines() == ["5"]


def test_a_no_run_marker_is_read_with_its_reason(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text(
        "Text.\n\n```python\nprint(1)\n```\n\n<!-- snippet: no-run needs a live tenant -->\n```python\nprint(2)\n```\n",
        encoding="utf-8",
    )
    first, second = snippets(page)
    assert (first.code, first.no_run) == ("print(1)\n", None)
    assert (second.code, second.no_run) == ("print(2)\n", "needs a live tenant")
