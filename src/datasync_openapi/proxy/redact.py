"""Keep credentials out of everything the proxy writes: reports, the HAR file, logs, error answers.

Two layers. Where a credential is known to be (the ``Authorization``, ``Proxy-Authorization``, ``Cookie`` and
``Set-Cookie`` headers and any header or query parameter whose name says secret/token/password/key, the
token endpoint's request body and the tokens in its answer) the value is replaced by ``[redacted]``. And every
credential value the proxy has seen pass (bearer tokens, Basic pairs, client secrets, issued access tokens) is
remembered, so ``Redactor.scrub`` removes it wherever else it turns up, e.g. echoed in a response body.
"""

from __future__ import annotations

import base64
import binascii
import re
import threading
from collections import OrderedDict
from urllib.parse import parse_qsl, urlencode

REDACTED = "[redacted]"
MAX_REMEMBERED = 256  # secrets remembered (the most recent); bounds the memory and the cost of scrubbing
MIN_SECRET = 4  # shorter values are not scrubbed from free text (they would match everywhere)
SECRET_NAME = re.compile(
    r"authorization|cookie|secret|password|passwd|token|api[_-]?key|credential|assertion|signature", re.IGNORECASE
)
TOKEN_FIELDS = ("access_token", "refresh_token", "id_token")
PUBLIC_FORM_FIELDS = frozenset({"grant_type", "scope"})


def secret_name(name: str) -> bool:
    """Whether a header, query or form field of this name carries a credential."""
    return bool(SECRET_NAME.search(name))


class Redactor:
    """The credentials seen so far, and the rules that keep them out of text."""

    def __init__(self) -> None:
        self._secrets: OrderedDict[str, None] = OrderedDict()
        self._lock = threading.Lock()

    def learn(self, value: str) -> None:
        value = value.strip()
        if len(value) < MIN_SECRET:
            return
        with self._lock:
            self._secrets[value] = None
            self._secrets.move_to_end(value)
            while len(self._secrets) > MAX_REMEMBERED:
                self._secrets.popitem(last=False)

    def learn_authorization(self, header: str) -> None:
        """Remember the credential of an ``Authorization`` value: a bearer token, a Basic pair and its parts."""
        scheme, _, value = header.strip().partition(" ")
        value = value.strip()
        if not value:
            self.learn(scheme)
            return
        self.learn(value)
        if scheme.lower() == "basic":
            try:
                decoded = base64.b64decode(value, validate=True).decode("utf-8")
            except (binascii.Error, UnicodeDecodeError):
                return
            user, _, password = decoded.partition(":")
            self.learn(decoded)
            self.learn(password)
            del user  # the API key is an identifier, not a secret; the pair and the password are

    def scrub(self, text: str) -> str:
        """``text`` with every remembered credential replaced by ``[redacted]`` (longest first)."""
        with self._lock:
            secrets = sorted(self._secrets, key=len, reverse=True)
        for secret in secrets:
            if secret in text:
                text = text.replace(secret, REDACTED)
        return text

    # -- places known to hold credentials -------------------------------------------------------------------
    @staticmethod
    def header_value(name: str, value: str) -> str:
        return REDACTED if secret_name(name) else value

    @staticmethod
    def query(query: str) -> str:
        """A query string with the values of secret-named parameters redacted."""
        if not query:
            return query
        pairs = parse_qsl(query, keep_blank_values=True)
        if not any(secret_name(name) for name, _ in pairs):
            return query
        return urlencode([(name, REDACTED if secret_name(name) else value) for name, value in pairs])

    def token_request(self, body: bytes) -> list[tuple[str, str]]:
        """The token endpoint's form, every value but ``grant_type``/``scope`` redacted (and remembered)."""
        pairs = parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True)
        out = []
        for name, value in pairs:
            if name in PUBLIC_FORM_FIELDS:
                out.append((name, value))
            else:
                self.learn(value)
                out.append((name, REDACTED))
        return out


__all__ = ["REDACTED", "TOKEN_FIELDS", "Redactor", "secret_name"]
