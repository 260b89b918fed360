"""The runtime's interface, held as httpx's tests/test_exported_members.py holds httpx's: ``runtime/__init__.py``
imports every public name from its private modules and lists exactly those in ``__all__``; every name that code
outside the runtime imports from it (the workflows, tests, benches, examples) is one of them; the runtime needs
only the standard library, httpx and its own package (never the tooling); and both packages carry the same one."""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import datasync_grades.runtime
import datasync_interop.runtime
import pytest

ROOT = Path(__file__).resolve().parents[2]
SOURCE = ROOT / "clients" / "runtime"
RUNTIMES = {"datasync_grades.runtime": datasync_grades.runtime, "datasync_interop.runtime": datasync_interop.runtime}
READERS = [ROOT / "tests", ROOT / "examples", ROOT / "benches", ROOT / "clients" / "workflows", ROOT / "src"]


def imported_names(path: Path) -> Iterator[str]:
    """Each name ``path`` takes from a runtime: ``from datasync_grades.runtime import name`` (or ``from .runtime``
    in the workflows), and ``runtime.name`` on a name bound to one (``from datasync_grades import runtime``)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    bound: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.module in RUNTIMES or (node.level == 1 and node.module == "runtime"):
                yield from (alias.name for alias in node.names)
            elif node.module in ("datasync_grades", "datasync_interop"):
                bound.update(alias.asname or alias.name for alias in node.names if alias.name == "runtime")
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in bound:
            yield node.attr


def test_the_scan_sees_each_kind_of_import() -> None:
    workflows = set(imported_names(ROOT / "clients" / "workflows" / "grades.py"))
    assert {"call", "paginate", "ResponseParseError"} <= workflows
    assert "MISSING" in set(imported_names(ROOT / "tests" / "runtime" / "test_client_runtime.py"))


@pytest.mark.parametrize("name", sorted(RUNTIMES))
def test_all_public_names_are_exported(name: str) -> None:
    runtime: ModuleType = RUNTIMES[name]
    public = sorted(member for member in vars(runtime) if not member.startswith("_"))
    assert sorted(runtime.__all__) == public
    assert len(set(runtime.__all__)) == len(runtime.__all__)
    shown = [each for each in runtime.__all__ if isinstance(getattr(runtime, each), type)]
    assert {getattr(runtime, each).__module__ for each in shown} == {name}


def test_what_others_import_is_exported() -> None:
    exported = set(datasync_grades.runtime.__all__)
    outside = {
        f"{path.relative_to(ROOT)} imports {each}"
        for reader in READERS
        for path in sorted(reader.rglob("*.py"))
        for each in imported_names(path)
        if each not in exported
    }
    assert outside == set()


def test_both_packages_carry_the_same_runtime() -> None:
    assert datasync_grades.runtime.__all__ == datasync_interop.runtime.__all__
    for module in sorted(SOURCE.glob("*.py")):
        for package in ("datasync-grades/datasync_grades", "datasync-interop/datasync_interop"):
            copy = ROOT / "generated" / package / "runtime" / module.name
            assert copy.read_text(encoding="utf-8").endswith(module.read_text(encoding="utf-8")), copy


def test_the_runtime_needs_only_the_standard_library_httpx_and_its_package() -> None:
    outside = set()
    for module in sorted(SOURCE.glob("*.py")):
        for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                roots = {alias.name.partition(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                roots = {node.module.partition(".")[0]}
            else:
                continue
            outside |= {f"{module.name}: {root}" for root in roots - {"httpx"} if root not in sys.stdlib_module_names}
    assert outside == set()
