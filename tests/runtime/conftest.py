"""The runtime's tests share the client tests' mock over a real socket (one per test module, reset per test)."""

from tests.client.conftest import served, server

__all__ = ["served", "server"]
