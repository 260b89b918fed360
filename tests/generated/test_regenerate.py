"""generated/ is exactly what the pinned generator makes from openapi/ (never edited by hand)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


CACHES = frozenset({"__pycache__", ".mypy_cache", ".ruff_cache"})  # what tools leave behind, not generated code


def _files(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file() and not CACHES.intersection(p.parts)
    }


@pytest.mark.slow
def test_regenerate_matches_generated_byte_for_byte(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, str(ROOT / "clients" / "generate.py"), "--output-dir", str(tmp_path)],
        check=True,
        capture_output=True,
    )
    fresh, committed = _files(tmp_path), _files(ROOT / "generated")
    assert sorted(fresh) == sorted(committed), "file lists differ: run `make generate` and commit"
    changed = [name for name in fresh if fresh[name] != committed[name]]
    assert changed == [], "regenerated files differ from generated/: run `make generate` and commit"


def test_each_package_is_self_contained() -> None:
    """A package vendored alone needs only what the generator needs: httpx and attrs."""
    for api in ("grades", "interop"):
        project = ROOT / "generated" / f"datasync-{api}"
        text = (project / "pyproject.toml").read_text(encoding="utf-8")
        assert f'name = "datasync-{api}"' in text
        deps = text.split("dependencies = [", 1)[1].split("]", 1)[0]
        names = sorted(
            line.strip().strip('",').split(">")[0].split("<")[0] for line in deps.splitlines() if line.strip()
        )
        assert names == ["attrs", "httpx"], names
        assert (project / f"datasync_{api}" / "py.typed").is_file()
        sources = "\n".join(p.read_text(encoding="utf-8") for p in (project / f"datasync_{api}").rglob("*.py"))
        assert "datasync_openapi" not in sources, "a generated package must not import the hand-written tooling"
