"""A validating reverse proxy for both DataSync APIs (``datasync proxy``): forwards traffic to an upstream
unchanged, checks every request and response against the specs with the contract's validators, and reports what
disagrees as findings (the conformance suite's classes, keys, hints, baselines and reports). See ``app``.

The names of ``app`` are imported on first use (PEP 562): building the ``datasync``
parser (``datasync_openapi.cli.proxy``) does not import the proxy (httpx, the checks).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from datasync_openapi.lazy import lazy_names

from .options import MAX_BODY

if TYPE_CHECKING:
    from .app import ProxyApp, ProxyConfig, create_proxy, parse_upstream

__getattr__ = lazy_names(
    __name__,
    {"ProxyApp": ".app", "ProxyConfig": ".app", "create_proxy": ".app", "parse_upstream": ".app"},
)


__all__ = ["MAX_BODY", "ProxyApp", "ProxyConfig", "create_proxy", "parse_upstream"]
