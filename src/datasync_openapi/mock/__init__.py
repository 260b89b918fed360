"""A stateful mock of the Grades Exchange and Interop APIs (see README, "The mock server")."""

from .app import MockApp, MockConfig, create_app
from .auth import (
    DEMO_API_KEY,
    DEMO_API_SECRET,
    DEMO_CLIENT_ID,
    DEMO_CLIENT_SECRET,
    DEMO_LTI_SECRET,
    DEMO_TOKEN,
    AuthConfig,
    make_lti_jwt,
)

__all__ = [
    "DEMO_API_KEY",
    "DEMO_API_SECRET",
    "DEMO_CLIENT_ID",
    "DEMO_CLIENT_SECRET",
    "DEMO_LTI_SECRET",
    "DEMO_TOKEN",
    "AuthConfig",
    "MockApp",
    "MockConfig",
    "create_app",
    "make_lti_jwt",
]
