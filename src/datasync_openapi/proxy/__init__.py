"""A validating reverse proxy for both DataSync APIs (``datasync proxy``): forwards traffic to an upstream
unchanged, checks every request and response against the specs with the mock's validators, and reports what
disagrees as findings (the conformance suite's classes, keys, hints, baselines and reports). See ``app``."""

from .app import MAX_BODY, ProxyApp, ProxyConfig, create_proxy, parse_upstream

__all__ = ["MAX_BODY", "ProxyApp", "ProxyConfig", "create_proxy", "parse_upstream"]
