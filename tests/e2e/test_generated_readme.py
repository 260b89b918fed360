"""The README each generated package ships (clients/templates/README.md.jinja): every ```python block runs as
written against the mock, and the README says what the package is (version, spec digest), not the generator's
stock text."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from datasync_openapi.mock import MockApp
from datasync_openapi.mock.seed import EXCHANGE_COMPLETED, EXCHANGE_CREATED, EXCHANGE_NO_LOGS
from tests.apps.exchange_data import Recording
from tests.e2e.test_snippets import BLOCK, run_block

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("grades", "interop")
SCHOOL_PREFIX = "5c000000-0000-4000-8000-00000000000"  # the mock's seeded scoping schools


def readme(api: str) -> str:
    return (ROOT / "generated" / f"datasync-{api}" / "README.md").read_text(encoding="utf-8")


def blocks(api: str) -> list[str]:
    return [match.group("code") for match in BLOCK.finditer(readme(api))]


@pytest.mark.parametrize("api", PACKAGES)
def test_the_readme_is_ours_and_says_what_the_package_is(api: str) -> None:
    text = readme(api)
    package = __import__(f"datasync_{api}")
    assert "api.example.com" not in text
    assert "MyDataModel" not in text
    assert f"Version {package.__version__} " in text
    spec = ROOT / "openapi" / f"{api}.yaml"
    assert package.__spec_sha256__ == hashlib.sha256(spec.read_bytes()).hexdigest()
    for name in ("connect", "call", "paginate", "ApiError", "ResponseParseError", "docs/"):
        assert name in text, name
    assert ("answer_pending" in text) is (api == "grades")
    assert ("chunk_exchange_data" in text) is (api == "grades")
    assert len(blocks(api)) == (3 if api == "grades" else 1)


@pytest.mark.slow
def test_the_grades_runtime_block_lists_and_reports_the_missing_exchange(
    mock: tuple[MockApp, Recording, str], tmp_path: Path
) -> None:
    _, recording, base = mock
    [block] = [b for b in blocks("grades") if "paginate(" in b]
    out = run_block(block, base, tmp_path).stdout.splitlines()
    assert out[0] == "5 exchanges"
    assert out[1:3] == [f"{EXCHANGE_COMPLETED} completed", f"{EXCHANGE_NO_LOGS} completed"]
    assert out[3:] == ["404 not_found Exchange not found"]
    assert recording.bodies == []


@pytest.mark.slow
def test_the_answer_pending_block_answers_the_pending_exchange(
    mock: tuple[MockApp, Recording, str], tmp_path: Path
) -> None:
    _, recording, base = mock
    [block] = [b for b in blocks("grades") if "answer_pending(" in b]
    out = run_block(block, base, tmp_path).stdout
    [(exchange_id, posted)] = recording.bodies
    assert exchange_id == EXCHANGE_CREATED
    person = {"name": "Ada Lovelace", "$sys": {"source_id": {"sis": "s-1001"}}}
    assert posted["assignments"][0]["scores"] == [{"$person": person, "score": 9.5}]
    assert out.startswith("1 exchange(s): 1 answered with data, 0 with an exchange error"), out


@pytest.mark.slow
def test_the_chunk_block_prints_one_body(mock: tuple[MockApp, Recording, str], tmp_path: Path) -> None:
    _, _, base = mock
    [block] = [b for b in blocks("grades") if "chunk_exchange_data(" in b]
    [line] = run_block(block, base, tmp_path).stdout.splitlines()
    assert '"summary_type": "final"' in line


@pytest.mark.slow
def test_the_interop_block_lists_schools_and_reports_the_missing_one(
    mock: tuple[MockApp, Recording, str], tmp_path: Path
) -> None:
    _, _, base = mock
    [block] = blocks("interop")
    out = run_block(block, base, tmp_path).stdout.splitlines()
    assert out[:3] == [
        f"{SCHOOL_PREFIX}1 School 1 True",
        f"{SCHOOL_PREFIX}2 School 2 True",
        f"{SCHOOL_PREFIX}3 School 3 False",
    ]
    assert out[3:] == ["404 not_found Scoping school not found"]
