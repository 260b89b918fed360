"""The layers of ARCHITECTURE.md, held: every import of every module of ``datasync_openapi`` (module level,
function level, under ``TYPE_CHECKING``: all of them, read from the source with ``ast``) points to its own
package or down, never up and never sideways to a peer; no module reaches into another package's private
modules; and the generated clients with their runtime import nothing of the tooling."""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import pytest

import datasync_openapi

PACKAGE = Path(datasync_openapi.__file__).parent
ROOT = Path(__file__).resolve().parents[1]
NAME = datasync_openapi.__name__

# Top to bottom. A unit is a package, or a top-level module; a module may import its own unit and the units of
# the layers below. Units that share a layer are peers: none imports another.
LAYERS: list[tuple[str, ...]] = [
    ("cli",),
    ("testing",),
    ("conformance", "proxy", "mock"),
    ("findings",),
    ("server",),
    ("contract",),
    ("lazy", "numbers", "inventory"),
]
# top-level modules that belong to a unit of another name
UNIT_OF = {
    "__main__": "cli",
    "specdiff": "cli",  # the command behind make diff
    "pytest_plugin": "testing",
    "server_options": "server",
    "process": "server",
}
# modules that sit in another unit's layer than their package's (none today; the command modules live in cli/)
MODULE_UNIT: dict[str, str] = {}
# the generated clients and what is copied into them: they run without the tooling installed
STANDALONE = [ROOT / "generated", ROOT / "clients" / "runtime", ROOT / "clients" / "workflows"]

LAYER_OF = {unit: depth for depth, units in enumerate(LAYERS) for unit in units}


@dataclass(frozen=True)
class Import:
    module: str  # what is imported, absolute: ``datasync_openapi.contract._har``
    line: int
    name: bool = False  # a name of ``from P import name``: a module only if there is one of that name


def module_name(path: Path, package: Path = PACKAGE) -> str:
    """``datasync_openapi.proxy.app`` for src/datasync_openapi/proxy/app.py."""
    parts = path.relative_to(package.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(source: str, module: str, is_package: bool) -> list[Import]:
    """Every import in ``source`` (of the module ``module``), wherever it stands, with absolute names."""
    package = module if is_package else module.rpartition(".")[0]
    found: list[Import] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [Import(alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                parts = package.split(".")
                base = ".".join(parts[: len(parts) - node.level + 1])
                target = f"{base}.{node.module}" if node.module else base
            else:
                target = node.module or ""
            found.append(Import(target, node.lineno))
            found += [Import(f"{target}.{alias.name}", node.lineno, True) for alias in node.names if alias.name != "*"]
    return sorted(found, key=lambda imp: imp.line)


def unit(module: str) -> str | None:
    """The unit of a module of the package (``None``: the package itself, or not ours)."""
    for prefix, name in MODULE_UNIT.items():
        if module == prefix or module.startswith(prefix + "."):
            return name
    parts = module.split(".")
    if parts[0] != NAME or len(parts) < 2:
        return None
    return UNIT_OF.get(parts[1], parts[1])


def _is_module(module: str) -> bool:
    """Whether ``module`` is a module or package of ours on disk."""
    here = PACKAGE.joinpath(*module.split(".")[1:])
    return here.with_suffix(".py").is_file() or (here / "__init__.py").is_file()


def _rules(mine: str, theirs: str, imported: str) -> list[str]:
    """The rules an import by unit ``mine`` of ``imported`` (of unit ``theirs``) breaks."""
    broken = []
    if theirs not in LAYER_OF or mine not in LAYER_OF:
        broken.append(f"{theirs if theirs not in LAYER_OF else mine} is in no layer of LAYERS")
    elif LAYER_OF[theirs] < LAYER_OF[mine]:
        broken.append(f"{mine} is below {theirs}; an import points down only")
    elif LAYER_OF[theirs] == LAYER_OF[mine]:
        broken.append(f"{mine} and {theirs} are peers in one layer; neither imports the other")
    if any(part.startswith("_") and not part.startswith("__") for part in imported.split(".")[2:]):
        broken.append(f"a private module of {theirs}; import its names from {theirs}'s __init__")
    return broken


def violations(source: str, module: str, is_package: bool = False) -> list[str]:
    """What in ``source`` (the module ``module``) breaks the layer rules, one line each: module, line, rule (a rule
    broken twice on one line, by ``from P import M`` of a module M, is said once, of P)."""
    mine = unit(module)
    out: list[str] = []
    said: set[tuple[int, str]] = set()
    for imp in imports(source, module, is_package):
        theirs = unit(imp.module)
        if theirs is None or mine is None or theirs == mine or (imp.name and not _is_module(imp.module)):
            continue
        for rule in _rules(mine, theirs, imp.module):
            if (imp.line, rule) not in said:
                said.add((imp.line, rule))
                out.append(f"{module}:{imp.line} imports {imp.module}: {rule}")
    return out


def standalone_violations(source: str, where: str) -> list[str]:
    return [
        f"{where}:{imp.line} imports {imp.module}: the generated clients import nothing of {NAME}"
        for imp in imports(source, "standalone", False)
        if imp.module == NAME or imp.module.startswith(NAME + ".")
    ]


MODULES = sorted(PACKAGE.rglob("*.py"))


def test_every_unit_of_the_package_has_a_layer() -> None:
    units = {found for path in MODULES if (found := unit(module_name(path))) is not None}
    assert len(units) > 10  # the package's units are seen
    assert sorted(u for u in units if u not in LAYER_OF) == []


@pytest.mark.parametrize("path", MODULES, ids=lambda path: module_name(path))
def test_the_module_imports_down_only(path: Path) -> None:
    assert violations(path.read_text(encoding="utf-8"), module_name(path), path.name == "__init__.py") == []


def test_the_generated_clients_import_nothing_of_the_tooling() -> None:
    files = sorted(path for base in STANDALONE for path in base.rglob("*.py") if ".venv" not in path.parts)
    assert len(files) > 10  # the scan sees the generated packages
    found = [
        problem
        for path in files
        for problem in standalone_violations(path.read_text(encoding="utf-8"), str(path.relative_to(ROOT)))
    ]
    assert found == []


# -- the check can fail ----------------------------------------------------------------------------------------
VIOLATING = """
from typing import TYPE_CHECKING

import datasync_openapi.mock.app
from datasync_openapi.contract import Route

if TYPE_CHECKING:
    from datasync_openapi.proxy import ProxyApp


def later():
    from ..findings import hints
    from ..cli import main
    from datasync_openapi.contract._har import HarWriter
"""


def test_a_synthetic_module_that_imports_against_the_layers_is_named_with_line_and_rule() -> None:
    found = violations(VIOLATING, f"{NAME}.findings.synthetic")
    assert found == [
        f"{NAME}.findings.synthetic:4 imports {NAME}.mock.app: findings is below mock; an import points down only",
        f"{NAME}.findings.synthetic:8 imports {NAME}.proxy: findings is below proxy; an import points down only",
        f"{NAME}.findings.synthetic:13 imports {NAME}.cli: findings is below cli; an import points down only",
        f"{NAME}.findings.synthetic:14 imports {NAME}.contract._har: a private module of contract; import its "
        "names from contract's __init__",
    ]


def test_peers_and_the_contract_are_held_too() -> None:
    assert violations("from datasync_openapi.mock import create_app\n", f"{NAME}.proxy.app") == [
        f"{NAME}.proxy.app:1 imports {NAME}.mock: proxy and mock are peers in one layer; neither imports the other"
    ]
    assert violations("from ..server import serve\n", f"{NAME}.contract._har") == [
        f"{NAME}.contract._har:1 imports {NAME}.server: contract is below server; an import points down only"
    ]
    assert violations("from . import _har\nfrom ._routing import Route\n", f"{NAME}.contract", True) == []


def test_a_generated_module_that_imports_the_tooling_is_named() -> None:
    found = standalone_violations("def f():\n    import datasync_openapi.contract\n", "generated/x.py")
    assert found == [
        f"generated/x.py:2 imports {NAME}.contract: the generated clients import nothing of {NAME}",
    ]
