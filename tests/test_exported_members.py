"""Each module's interface, read from the source as httpx's tests/test_exported_members.py reads httpx's: every
module of ``datasync_openapi`` has an ``__all__`` whose names exist, and every public name that another module, a
test, a script or an example imports from it (``from M import name``, or ``M.name`` on an imported module) is in
that ``__all__``. And two import rules: only ``__main__`` imports the CLI (the top of the package), and no module
imports another module's private name."""

from __future__ import annotations

import ast
import importlib
import pkgutil
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest

import datasync_openapi

PACKAGE = Path(datasync_openapi.__file__).parent
ROOT = Path(__file__).resolve().parents[1]
# whose imports say what is public
READERS = [PACKAGE, ROOT / "tests", ROOT / "scripts", ROOT / "clients", ROOT / "examples", ROOT / "benches"]
SCRIPT = "datasync_openapi.__main__"  # runs the command; exports nothing
SCRIPTS = {SCRIPT, "datasync_openapi.cli.__main__"}  # python -m datasync_openapi, python -m datasync_openapi.cli
TEST_ONLY = {"datasync_openapi.mock.rogue"}  # a test server on its way out of the package (issue 22)
MODULES = sorted(
    {datasync_openapi.__name__}
    | {name for _, name, _ in pkgutil.walk_packages(datasync_openapi.__path__, f"{datasync_openapi.__name__}.")}
)


def module_name(path: Path) -> str:
    """``datasync_openapi.proxy.app`` for src/datasync_openapi/proxy/app.py; the path for a file outside it."""
    if not path.is_relative_to(PACKAGE):
        return str(path.relative_to(ROOT))
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported(path: Path) -> Iterator[tuple[str, str]]:
    """(module, name) for every name ``path`` takes from one of the package's modules: ``from M import name``,
    and ``M.name`` on a name bound to module M (``import M``, ``import M as m``, ``from P import M``)."""
    here = module_name(path)
    package = here if path.name == "__init__.py" else here.rpartition(".")[0]
    bound: dict[str, str] = {}  # local name -> the package module it stands for
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name in MODULES:
                    local = alias.asname or alias.name.partition(".")[0]
                    bound[local] = alias.name if alias.asname else local
        elif isinstance(node, ast.ImportFrom):
            parts = package.split(".")
            base = parts[: len(parts) - node.level + 1] if node.level else []
            module = ".".join([*base, *([node.module] if node.module else [])])
            for alias in node.names:
                if f"{module}.{alias.name}" in MODULES:
                    bound[alias.asname or alias.name] = f"{module}.{alias.name}"
                elif module in MODULES:
                    yield module, alias.name
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name | ast.Attribute):
            chain = []
            inner: ast.expr = node
            while isinstance(inner, ast.Attribute):
                chain.append(inner.attr)
                inner = inner.value
            if isinstance(inner, ast.Name) and inner.id in bound:
                *dotted, name = [bound[inner.id], *reversed(chain)]
                module = ".".join(dotted)
                if module in MODULES and f"{module}.{name}" not in MODULES:
                    yield module, name


def uses() -> dict[str, dict[str, set[str]]]:
    """module -> name -> the modules and files (other than the module itself) that import it."""
    found: dict[str, dict[str, set[str]]] = {}
    for reader in READERS:
        for path in sorted(reader.rglob("*.py")):
            user = module_name(path)
            for module, name in imported(path):
                if module != user:
                    found.setdefault(module, {}).setdefault(name, set()).add(user)
    return found


USES = uses()


def test_the_scan_sees_each_kind_of_import() -> None:
    """The scan is not blind: a ``from`` import in a test, a relative one, an attribute on an imported module."""
    assert "tests/cli/test_cli.py" in USES["datasync_openapi.server"]["free_port"]
    assert "datasync_openapi.cli.proxy" in USES["datasync_openapi.cli._command"]["add_command"]
    assert "datasync_openapi.cli.conformance" in USES["datasync_openapi.conformance.suite"]["seconds"]
    assert "datasync_openapi.__main__" in USES["datasync_openapi.cli"]["main"]
    assert "datasync_openapi.server" in USES["datasync_openapi.contract"]["error_body"]


def test_the_contract_exports_every_name_of_its_private_modules() -> None:
    """``contract`` is used through its ``__init__`` (as httpx is): each name its private modules list is there,
    the same object."""
    import datasync_openapi.contract as contract

    private = [name for name in MODULES if name.startswith(f"{contract.__name__}._")]
    assert len(private) >= 6
    for name in private:
        module = importlib.import_module(name)
        missing = [each for each in module.__all__ if each not in contract.__all__]
        assert missing == [], f"{name} lists names the contract does not export"
        assert all(getattr(contract, each) is getattr(module, each) for each in module.__all__), name


@pytest.mark.parametrize("name", sorted(set(MODULES) - SCRIPTS - TEST_ONLY))
def test_the_module_lists_what_it_exports(name: str) -> None:
    module: ModuleType = importlib.import_module(name)
    exported = getattr(module, "__all__", None)
    assert isinstance(exported, list), f"{name} has no __all__"
    assert all(isinstance(each, str) for each in exported), exported
    assert len(set(exported)) == len(exported), f"{name}.__all__ names something twice"
    absent = [each for each in exported if not hasattr(module, each)]
    assert absent == [], f"{name}.__all__ names what it does not have"
    used = USES.get(name, {})
    unlisted = {each: sorted(users) for each, users in used.items() if not each.startswith("_")}
    unlisted = {each: users for each, users in unlisted.items() if each not in exported}
    assert unlisted == {}, f"imported from {name} but not in its __all__"


def test_only_main_imports_the_cli() -> None:
    cli = [module for module in USES if module == "datasync_openapi.cli" or module.startswith("datasync_openapi.cli.")]
    users = {user for module in cli for names in USES[module].values() for user in names}
    outside = {
        user for user in users if user.startswith("datasync_openapi") and not user.startswith("datasync_openapi.cli")
    }
    assert outside == {SCRIPT}


def test_no_module_imports_a_private_name_of_another() -> None:
    private = sorted(
        f"{user} uses {module}.{name}"
        for module, names in USES.items()
        for name, users in names.items()
        if name.startswith("_") and not name.startswith("__")
        for user in users
        if user.startswith("datasync_openapi")
    )
    assert private == []
