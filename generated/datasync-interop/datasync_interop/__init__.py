"""A client library for accessing DataSync Interop API"""

from .client import AuthenticatedClient, Client

__version__ = "3.0.1"
__spec_sha256__ = "5d150304f0906fb1f09633d18e164f4eedcb40d55f413067f83013582f36769a"
"""The sha256 of the OpenAPI document this package was generated from."""
__generator_version__ = "0.29.1"
"""The version of openapi-python-client that generated this package."""

__all__ = (
    "AuthenticatedClient",
    "Client",
)
