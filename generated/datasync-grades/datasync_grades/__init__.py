"""A client library for accessing DataSync Grades Exchange API"""

from .client import AuthenticatedClient, Client

__version__ = "3.0.0"
__spec_sha256__ = "2f76f6682180920ccabb4f0194f9dadf55201379b88eee71ac67427613155597"
"""The sha256 of the OpenAPI document this package was generated from."""
__generator_version__ = "0.29.1"
"""The version of openapi-python-client that generated this package."""

__all__ = (
    "AuthenticatedClient",
    "Client",
)
