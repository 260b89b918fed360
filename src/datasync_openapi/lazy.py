"""Names of a package imported on first use (PEP 562), so that importing the package, or one light module of it,
does not import its heavy modules: ``datasync_openapi.conformance`` (schemathesis) and ``datasync_openapi.proxy``
(httpx, the checks), whose command-line modules the ``datasync`` parser imports at every start."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Mapping
from typing import Any


def lazy_names(package: str, modules: Mapping[str, str]) -> Callable[[str], Any]:
    """A module ``__getattr__`` for ``package``: each name of ``modules`` (name -> module, relative to the
    package, e.g. ``".engine"``) is imported from its module when first asked for, then kept in the package."""

    def __getattr__(name: str) -> Any:
        module = modules.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(module, package), name)
        setattr(sys.modules[package], name, value)
        return value

    return __getattr__


__all__ = ["lazy_names"]
