"""A client library for accessing DataSync Grades Exchange API"""

from .client import AuthenticatedClient, Client

__version__ = "3.1.1"
__spec_sha256__ = "3077087fc0651e74739f6939f2c39fcad4dfecbb3a588976bdcbc018b8cbd734"
"""The sha256 of the OpenAPI document this package was generated from."""
__generator_version__ = "0.29.1"
"""The version of openapi-python-client that generated this package."""

__all__ = (
    "AuthenticatedClient",
    "Client",
)
