"""Credentials the mock accepts: OAuth2 client credentials, a static token, LTI JWTs (HS256), HTTP Basic.

The demo credentials are printed when the mock starts and listed in the README. Tokens issued by
``/oauth/token`` live in memory for ``token_ttl`` seconds (a restart forgets them; fetch a new one).

An ``Authorization`` field is read strictly, one rule for every scheme: the scheme, one space, and the
credentials as a ``token68`` (RFC 9110 11.2; the ``b64token`` of RFC 6750 2.1 is the same characters). RFC 6750
and 9110 allow more than one space there; the mock takes one, as clients send it, so a client that sends
anything else is caught here rather than by a server that splits on one space. A request with more than one
``Authorization`` field is refused before any of them is read (the app answers 400 ``invalid_request``).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import re
import secrets
import time
from collections.abc import Callable, Set
from dataclasses import dataclass, field

from datasync_openapi.contract import loads

from .store import Store

DEMO_CLIENT_ID = "demo-client"
DEMO_CLIENT_SECRET = "demo-secret"  # noqa: S105 - a documented demo credential of a local mock
DEMO_TOKEN = "demo-token"  # noqa: S105
DEMO_API_KEY = "demo-api-key"
DEMO_API_SECRET = "demo-api-secret"  # noqa: S105
DEMO_LTI_SECRET = "demo-lti-secret"  # noqa: S105


@dataclass
class AuthConfig:
    client_id: str = DEMO_CLIENT_ID
    client_secret: str = DEMO_CLIENT_SECRET
    static_token: str | None = DEMO_TOKEN
    api_key: str = DEMO_API_KEY
    api_secret: str = DEMO_API_SECRET
    lti_secret: str = DEMO_LTI_SECRET
    token_ttl: float = 3600.0

    def __repr__(self) -> str:  # secrets stay out of logs
        return f"AuthConfig(client_id={self.client_id!r}, api_key={self.api_key!r}, token_ttl={self.token_ttl})"


def _b64url_decode(part: str) -> bytes:
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def make_lti_jwt(secret: str = DEMO_LTI_SECRET, ttl: float = 3600.0, now: float | None = None) -> str:
    """An HS256 JWT the mock accepts as an LTI JWT (for tests and demos)."""
    issued = int(time.time() if now is None else now)
    header = _b64url(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
    payload = _b64url(json.dumps({"iss": "datasync-mock", "iat": issued, "exp": issued + int(ttl)}).encode())
    signature = hmac.new(secret.encode(), f"{header}.{payload}".encode(), hashlib.sha256).digest()
    return f"{header}.{payload}.{_b64url(signature)}"


_BEARER_SCHEMES = frozenset({"oauth2ClientCredentials", "bearerAuth", "ltiJwt"})
# auth-scheme (a token, RFC 9110 5.6.2), exactly one SP, token68 (RFC 9110 11.2).
_CREDENTIALS = re.compile(r"([!#$%&'*+.^_`|~0-9A-Za-z-]+) ([A-Za-z0-9._~+/-]+=*)")


def parse_authorization(value: str | None) -> tuple[str, str] | None:
    """``(scheme in lower case, credentials)`` of an ``Authorization`` field value, or ``None`` if it is absent
    or not ``scheme SP token68`` exactly."""
    match = _CREDENTIALS.fullmatch(value) if value else None
    return (match[1].lower(), match[2]) if match else None


def _token_key(token: str) -> str:
    """Issued tokens are kept by their SHA-256 (a state file never holds a usable token)."""
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass
class Authenticator:
    """Checks credentials. Issued tokens live in the store (``_tokens``), so every worker process knows them."""

    config: AuthConfig = field(default_factory=AuthConfig)
    clock: Callable[[], float] = time.time
    store: Store = field(default_factory=lambda: Store(lambda _store: None))

    # -- token endpoint ---------------------------------------------------------------------------------
    def issue(self, client_id: str, client_secret: str) -> tuple[str, int] | None:
        """A new access token and its lifetime, or ``None`` for unknown client credentials."""
        ok = hmac.compare_digest(client_id.encode(), self.config.client_id.encode()) & hmac.compare_digest(
            client_secret.encode(), self.config.client_secret.encode()
        )
        if not ok:
            return None
        token = secrets.token_urlsafe(24)

        def record() -> None:
            now = self.clock()
            for key, issued in self.store.items("_tokens"):
                if issued["expires"] <= now:
                    self.store.delete("_tokens", key)
            self.store.put("_tokens", _token_key(token), {"expires": now + self.config.token_ttl})

        self.store.atomically(record)
        return token, int(self.config.token_ttl)

    def expire_tokens(self) -> int:
        """Expire every issued token now (to test a client's refresh); returns how many there were."""

        def expire() -> int:
            count = self.store.count("_tokens")
            self.store.clear("_tokens")
            return count

        return self.store.atomically(expire)

    # -- checks per security scheme ---------------------------------------------------------------------
    def bearer_ok(self, token: str, *, allow_jwt: bool) -> bool:
        if self.config.static_token and hmac.compare_digest(token.encode(), self.config.static_token.encode()):
            return True
        issued = self.store.get("_tokens", _token_key(token))
        if issued is not None:
            return bool(issued["expires"] > self.clock())
        return allow_jwt and self._jwt_ok(token)

    def _jwt_ok(self, token: str) -> bool:
        parts = token.split(".")
        if len(parts) != 3:
            return False
        try:  # untrusted JSON: too deep, non-finite or not JSON at all is a ValueError (a 401, never a 500)
            header = loads(_b64url_decode(parts[0]))
            payload = loads(_b64url_decode(parts[1]))
            signature = _b64url_decode(parts[2])
        except (ValueError, binascii.Error):
            return False
        if not isinstance(header, dict) or header.get("alg") != "HS256" or not isinstance(payload, dict):
            return False
        expected = hmac.new(self.config.lti_secret.encode(), f"{parts[0]}.{parts[1]}".encode(), hashlib.sha256)
        if not hmac.compare_digest(expected.digest(), signature):
            return False
        exp = payload.get("exp")
        return isinstance(exp, int | float) and exp > self.clock()

    def basic_ok(self, encoded: str) -> bool:
        try:
            user, _, password = base64.b64decode(encoded, validate=True).decode("utf-8").partition(":")
        except (ValueError, binascii.Error):
            return False
        return hmac.compare_digest(user.encode(), self.config.api_key.encode()) & hmac.compare_digest(
            password.encode(), self.config.api_secret.encode()
        )

    def allowed(self, authorization: str | None, schemes: Set[str]) -> bool:
        """Whether the Authorization header satisfies one of the operation's security schemes."""
        parsed = parse_authorization(authorization)
        if parsed is None:
            return False
        kind, credentials = parsed
        if kind == "bearer" and not schemes.isdisjoint(_BEARER_SCHEMES):
            return self.bearer_ok(credentials, allow_jwt="ltiJwt" in schemes)
        if kind == "basic" and "basicAuth" in schemes:
            return self.basic_ok(credentials)
        return False


__all__ = [
    "DEMO_API_KEY",
    "DEMO_API_SECRET",
    "DEMO_CLIENT_ID",
    "DEMO_CLIENT_SECRET",
    "DEMO_LTI_SECRET",
    "DEMO_TOKEN",
    "AuthConfig",
    "Authenticator",
    "make_lti_jwt",
    "parse_authorization",
]
