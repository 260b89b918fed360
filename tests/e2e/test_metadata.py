"""The tooling package's metadata, as an index would show it: licence, classifiers, bounded requirements."""

from __future__ import annotations

import importlib.metadata
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.version import Version

ROOT = Path(__file__).resolve().parents[2]
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]


def _requirements() -> dict[str, Requirement]:
    return {(r := Requirement(line)).name: r for line in PROJECT["dependencies"]}


def test_the_licence_is_mit_and_ships_as_a_file() -> None:
    assert PROJECT["license"] == "MIT"
    assert PROJECT["license-files"] == ["LICENSE"]
    text = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert text.startswith("MIT License\n")
    assert 'THE SOFTWARE IS PROVIDED "AS IS"' in text
    metadata = importlib.metadata.metadata("datasync-openapi")
    assert metadata["License-Expression"] == "MIT"


def test_classifiers_say_what_it_is_and_name_no_untested_python() -> None:
    classifiers = PROJECT["classifiers"]
    assert "Framework :: Pytest" in classifiers  # the datasync_mock fixture
    assert "Typing :: Typed" in classifiers
    assert (ROOT / "src" / "datasync_openapi" / "py.typed").is_file()
    versions = [c.rsplit(" :: ", 1)[1] for c in classifiers if c.startswith("Programming Language :: Python :: 3.")]
    assert versions == ["3.11"]  # the version the tests run on; requires-python says which ones install
    assert PROJECT["requires-python"] == ">=3.11"


def test_no_project_urls_while_there_is_no_public_home() -> None:
    # A made-up URL would send users nowhere: add [project.urls] once the project has a public home.
    assert "urls" not in PROJECT
    assert importlib.metadata.metadata("datasync-openapi").get_all("Project-URL") is None


def test_every_runtime_requirement_is_a_range_and_uvicorn_is_bounded_above() -> None:
    requirements = _requirements()
    for name, requirement in requirements.items():
        assert requirement.specifier, f"{name} has no version range"
        assert not any(spec.operator == "==" for spec in requirement.specifier), f"{name} is pinned exactly"
    uvicorn = requirements["uvicorn"]
    assert any(spec.operator == "<" for spec in uvicorn.specifier)  # server.py subclasses its internals
    installed = Version(importlib.metadata.version("uvicorn"))
    assert uvicorn.specifier.contains(installed), f"uv.lock's uvicorn {installed} is outside {uvicorn.specifier}"
