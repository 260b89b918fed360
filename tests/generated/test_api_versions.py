"""Each generated package's version follows its public Python API (clients/api_check.py, griffe): generated/
differs from the package's release only with the bump that needs and a changelog entry for it."""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[2]
APIS = ("grades", "interop")


def _module(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, ROOT / "clients" / f"{name}.py")
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


api_check = _module("api_check")
generate = _module("generate")


@pytest.mark.parametrize("api", APIS)
def test_generated_has_the_version_its_api_needs(api: str) -> None:
    verdict = api_check.check_against_release(api, ROOT / "generated")
    assert verdict.problems == [], str(verdict)


@pytest.mark.parametrize("api", APIS)
def test_the_package_carries_its_version_and_changelog(api: str) -> None:
    project = ROOT / "generated" / f"datasync-{api}"
    version = api_check.versions()[f"datasync-{api}"]
    assert f'version = "{version}"' in (project / "pyproject.toml").read_text(encoding="utf-8")
    assert f'__version__ = "{version}"' in (project / f"datasync_{api}" / "__init__.py").read_text(encoding="utf-8")
    assert re.search(rf"^## {re.escape(version)}$", (project / "CHANGELOG.md").read_text(encoding="utf-8"), re.M)


def test_bumps() -> None:
    assert [api_check.bumped("3.4.5", bump) for bump in ("major", "minor", "patch", None)] == [
        "4.0.0",
        "3.5.0",
        "3.4.6",
        "3.4.5",
    ]


def _without_property(spec: str, schema: str, name: str) -> str:
    """The spec text with the property `name` of components.schemas.<schema> removed (and from its required)."""
    import yaml

    document = yaml.safe_load(spec)
    target = document["components"]["schemas"][schema]
    assert name in target["properties"], f"{schema} has no property {name}"
    del target["properties"][name]
    if name in target.get("required", []):
        target["required"].remove(name)
    return yaml.safe_dump(document, sort_keys=False)


@pytest.mark.slow
def test_removing_a_model_field_needs_a_major_bump(tmp_path: Path) -> None:
    """A scratch spec change: Exchange loses error_count. Without a major bump and its changelog entry the check
    fails, naming the field; with them it passes."""
    spec = tmp_path / "grades.yaml"
    spec.write_text(
        _without_property(generate.spec_path("grades").read_text(encoding="utf-8"), "Exchange", "error_count")
    )
    generate.generate("grades", tmp_path / "out", spec=spec)
    commit, released_version = api_check.release("grades")
    released = api_check.extract(commit, "grades", tmp_path / "released")
    current, changelog = api_check.versions()["datasync-grades"], api_check.changelog("grades")

    unbumped = api_check.check("grades", tmp_path / "out", released, released_version, current, changelog)
    assert unbumped.needed == "major"
    assert any("Exchange.error_count" in text for text in unbumped.breakages), unbumped.breakages
    assert unbumped.problems, "the check must fail without the bump"

    major = api_check.bumped(released_version, "major")
    minor = api_check.bumped(released_version, "minor")
    with_entry = f"{changelog}\n## {major}\n\n- Exchange.error_count is gone.\n"
    assert api_check.check("grades", tmp_path / "out", released, released_version, minor, with_entry).problems
    assert api_check.check("grades", tmp_path / "out", released, released_version, major, changelog).problems
    bumped = api_check.check("grades", tmp_path / "out", released, released_version, major, with_entry)
    assert bumped.problems == [], str(bumped)


@pytest.mark.slow
def test_a_new_operation_needs_a_minor_bump(tmp_path: Path) -> None:
    """A scratch spec change that only adds (an operation): a minor bump, not a major one, and not none."""
    import yaml

    document = yaml.safe_load(generate.spec_path("grades").read_text(encoding="utf-8"))
    path, item = next(iter(document["paths"].items()))
    operation = next(op for op in item.values() if isinstance(op, dict) and "operationId" in op)
    added = {**operation, "operationId": "scratchAddedOperation"}
    document["paths"][path.rstrip("/") + "/scratch-added"] = {"get": added}
    spec = tmp_path / "grades.yaml"
    spec.write_text(yaml.safe_dump(document, sort_keys=False))
    generate.generate("grades", tmp_path / "out", spec=spec)
    commit, released_version = api_check.release("grades")
    released = api_check.extract(commit, "grades", tmp_path / "released")
    current, changelog = api_check.versions()["datasync-grades"], api_check.changelog("grades")

    verdict = api_check.check("grades", tmp_path / "out", released, released_version, current, changelog)
    assert verdict.needed == "minor", str(verdict)
    assert verdict.breakages == []
    assert any("scratch_added_operation" in path for path in verdict.added), verdict.added
    assert verdict.problems
    minor = api_check.bumped(released_version, "minor")
    bumped = api_check.check(
        "grades", tmp_path / "out", released, released_version, minor, f"{changelog}\n## {minor}\n"
    )
    assert bumped.problems == [], str(bumped)
