"""Import rules over ``src/datasync_openapi`` read from the source (no import runs): the CLI is the top of the
package (only ``__main__`` imports it), and no module reaches into another's private names."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import datasync_openapi

PACKAGE = Path(datasync_openapi.__file__).parent


def imports() -> Iterator[tuple[str, str, str]]:
    """(importing module's path, imported module, imported name or "") for every import in the package."""
    for path in sorted(PACKAGE.rglob("*.py")):
        here = ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        package = here if path.name == "__init__.py" else here.rpartition(".")[0]
        where = str(path.relative_to(PACKAGE.parent))
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                yield from ((where, alias.name, "") for alias in node.names)
            elif isinstance(node, ast.ImportFrom):
                base = package.split(".")[: len(package.split(".")) - node.level + 1] if node.level else []
                module = ".".join([*base, *([node.module] if node.module else [])])
                for alias in node.names:
                    yield where, module, alias.name


def test_the_walk_sees_relative_and_absolute_imports() -> None:
    found = set(imports())
    assert ("datasync_openapi/__main__.py", "datasync_openapi.cli", "main") in found
    assert ("datasync_openapi/proxy/command.py", "datasync_openapi.proxy.options", "MAX_BODY") in found


def test_only_main_imports_the_cli() -> None:
    users = {
        where
        for where, module, name in imports()
        if module == "datasync_openapi.cli" or (module == "datasync_openapi" and name == "cli")
    }
    assert users == {"datasync_openapi/__main__.py"}


def test_no_module_imports_a_private_name_of_another() -> None:
    private = [
        f"{where}: from {module} import {name}"
        for where, module, name in imports()
        if module.startswith("datasync_openapi") and name.startswith("_") and not name.startswith("__")
    ]
    assert private == []
