"""The one redaction policy: what keeps credentials out of everything the proxy writes (reports, the HAR file,
logs, error answers) and out of what ``datasync mock --seed-from`` serves; and ``printable``, what makes text a
peer controls safe for a log line or the terminal.

A value is a credential by what the specs say it is, by its name, and by having been seen as one:

- **by the specs**: a property whose schema says ``format: password`` in ``openapi/*.yaml`` (``TenantAuth.
  client_secret``), and the names the generator templates hide in a model's repr (``TEMPLATE_SECRET_NAMES``);
- **by name** (``secret_name``): a header, query parameter, form or JSON field whose name says authorization,
  auth, key, sig(nature), token, secret, password, credential, cookie, session or assertion (``Authorization``,
  ``X-Auth-Token``, ``?key=``, ``?sig=``, ``password``, ``client_secret``, ``access_token``...), in request and
  response bodies alike (JSON and form-encoded); the token endpoint's request keeps only ``grant_type`` and
  ``scope``, and an answer of it that is not JSON is redacted whole;
- **by having been seen**: every value redacted by those rules, and every ``Authorization`` credential (a bearer
  token, a Basic pair and its password), is remembered for the whole session, so ``Redactor.scrub`` replaces it
  wherever else it turns up (a token echoed in a body, a path, a finding). It finds a remembered value where it
  stands as a word or is joined to others by punctuation; glued to letters or digits on both of its outer
  words it is not found. Memory is bounded by ``MAX_REMEMBERED_CHARS``: once that much is remembered nothing is
  forgotten, and ``scrub`` also replaces every token-like run of ``LONG_TOKEN`` characters or more (it
  redacts more, never less).

Redacted values become ``[redacted]``.
"""

from __future__ import annotations

import base64
import binascii
import functools
import json
import logging
import re
import threading
from typing import Any
from urllib.parse import parse_qsl, quote, quote_plus, urlencode

from .neutral import printable

REDACTED = "[redacted]"
MIN_SECRET = 4  # shorter values are redacted in place but not scrubbed from free text (they would match everywhere)
MAX_REMEMBERED_CHARS = 16 * 1024 * 1024  # characters of credentials remembered; past it, scrub redacts more
LONG_TOKEN = 16  # past the cap: token-like runs this long or longer are redacted wherever they stand
TEMPLATE_SECRET_NAMES = ("client_secret", "password", "secret", "api_secret", "access_token", "refresh_token")
PUBLIC_FORM_FIELDS = frozenset({"grant_type", "scope"})  # the token request's fields that are not secret
PUBLIC_NAMES = frozenset({"token_type", "grant_type", "scope", "expires_in", "client_id", "keywords"})
SECRET_WORDS = frozenset(
    {
        "auth",
        "authorization",
        "key",
        "apikey",
        "sig",
        "signature",
        "token",
        "secret",
        "password",
        "passwd",
        "pwd",
        "passphrase",
        "credential",
        "credentials",
        "cookie",
        "session",
        "assertion",
        "jwt",
    }
)
_SECRET_PART = re.compile(r"secret|passw|token|authoriz|credential|signature|cookie|session|api_?key", re.IGNORECASE)
_NAME_WORDS = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|[0-9]+")
_WORD = re.compile(r"[^\W_]+")  # a run of letters and digits: what a remembered credential is found by
_LONG_TOKEN = re.compile(r"[A-Za-z0-9._~+/-]{" + str(LONG_TOKEN) + r",}=*")


# -- what is a secret ------------------------------------------------------------------------------------------
@functools.cache
def spec_secret_names() -> frozenset[str]:
    """The properties the specs call secret (``format: password``), and the names the templates hide."""
    from datasync_openapi.contract import APIS, load_spec

    names: set[str] = set(TEMPLATE_SECRET_NAMES)

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            properties = node.get("properties")
            if isinstance(properties, dict):
                for name, schema in properties.items():
                    if isinstance(schema, dict) and (schema.get("format") == "password" or schema.get("writeOnly")):
                        names.add(str(name))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    for api in APIS:
        walk(load_spec(api))
    return frozenset(names)


_HINT_PARTS = (
    *(b"secret", b"passw", b"passph", b"token", b"auth", b"credential", b"cookie", b"session", b"assertion"),
    *(b"jwt", b"signature", b"apikey", b"api_key"),
)
_HINT_WORDS = re.compile(rb"key|sig|pwd|KEY|SIG|PWD|Key|Sig|Pwd")


@functools.cache
def _hint_parts() -> tuple[bytes, ...]:
    """``_HINT_PARTS`` and the spec's secret names that contain none of them."""
    spec = [name.lower().encode() for name in sorted(spec_secret_names())]
    return _HINT_PARTS + tuple(name for name in spec if not any(part in name for part in _HINT_PARTS))


def body_hint(body: bytes) -> bool:
    """Whether ``body`` may hold a field that ``secret_name`` calls secret (true more often, never less)."""
    lowered = body.lower()
    if any(part in lowered for part in _hint_parts()):
        return True
    for match in _HINT_WORDS.finditer(body):  # a word of its own: after a non-letter, or capitalised (camelCase)
        start = match.start()
        if body[start] < 0x61 or start == 0 or not 0x61 <= body[start - 1] <= 0x7A:
            return True
    return False


@functools.lru_cache(maxsize=4096)
def secret_name(name: str) -> bool:
    """Whether a header, query parameter, form or JSON field of this name carries a credential."""
    lowered = name.lower()
    if lowered in PUBLIC_NAMES:
        return False
    if name in spec_secret_names() or lowered in spec_secret_names() or _SECRET_PART.search(name):
        return True
    return any(word.lower() in SECRET_WORDS for word in _NAME_WORDS.findall(name))


def redacted(data: Any) -> Any:
    """JSON data with the values of secret fields (and of lists under them) replaced by ``[redacted]``;
    objects under a secret name are walked, not dropped (``auth: {type, client_id, client_secret}``)."""
    return _walk(data, False, None)


def _walk(data: Any, secret: bool, seen: list[str] | None) -> Any:
    if isinstance(data, dict):
        return {key: _walk(value, secret_name(str(key)), seen) for key, value in data.items()}
    if isinstance(data, list):
        return [_walk(item, secret, seen) for item in data]
    if secret and data is not None and not isinstance(data, bool):
        if seen is not None:
            seen.append(str(data))
        return REDACTED
    return data


# -- the session's policy ------------------------------------------------------------------------------------
class Redactor:
    """The credentials seen so far, and the rules that keep them out of text. Thread-safe."""

    def __init__(self, max_chars: int = MAX_REMEMBERED_CHARS) -> None:
        self.max_chars = max_chars
        self.remembered = 0  # distinct credentials remembered
        self.full = False  # the cap was reached: scrub redacts every long token-like run too
        self._chars = 0
        self._secrets: set[str] = set()
        self._by_word: dict[str, set[str]] = {}  # a word of the credential -> the credentials with it
        self._wordless: set[str] = set()  # credentials without a letter or digit (found by plain search)
        self._lock = threading.Lock()

    # -- remembering ---------------------------------------------------------------------------------------
    def learn(self, value: str) -> None:
        value = value.strip()
        if len(value) < MIN_SECRET or value == REDACTED or value in self._secrets:
            return
        with self._lock:
            if value in self._secrets:
                return
            if self._chars + len(value) > self.max_chars:
                self.full = True
                return
            self._secrets.add(value)
            self._chars += len(value)
            self.remembered += 1
            words = _WORD.findall(value)
            if not words:
                self._wordless.add(value)
                return
            # the first and last words, and the longest inner one (always whole in any occurrence)
            anchors = {words[0], words[-1]}
            if len(words) > 2:
                anchors.add(max(words[1:-1], key=len))
            for word in anchors:
                self._by_word.setdefault(word, set()).add(value)

    def learn_encoded(self, value: str) -> None:
        """A value as decoded from a query or form, and as it is written there (percent-encoded)."""
        self.learn(value)
        for encoded in (quote(value, safe=""), quote_plus(value, safe="")):
            if encoded != value:
                self.learn(encoded)

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

    def learn_headers(self, headers: list[tuple[bytes, bytes]]) -> None:
        """Remember the credentials of a message's secret headers (as ``header`` would redact them)."""
        for name, value in headers:
            if secret_name(name.decode("latin-1")):
                self.header(name.decode("latin-1"), value.decode("latin-1"))

    def learn_body(self, body: bytes, media: str) -> None:
        """Remember the secret fields of a JSON or form body (parsed only when a secret-like name occurs)."""
        if body and body_hint(body):
            self.body(body, media)

    # -- redacting -----------------------------------------------------------------------------------------
    def scrub(self, text: str) -> str:
        """``text`` with every remembered credential replaced by ``[redacted]`` (longest first)."""
        if not text:
            return text
        with self._lock:
            found = {s for word in set(_WORD.findall(text)) & self._by_word.keys() for s in self._by_word[word]}
            found.update(s for s in self._wordless if s in text)
            full = self.full
        for secret in sorted(found, key=len, reverse=True):
            if secret in text:
                text = text.replace(secret, REDACTED)
        if full:
            text = _LONG_TOKEN.sub(REDACTED, text)
        return text

    def scrub_all(self, data: Any) -> Any:
        """JSON-like data with ``scrub`` applied to every string in it (keys included)."""
        if isinstance(data, str):
            return self.scrub(data)
        if isinstance(data, dict):
            return {self.scrub(str(k)): self.scrub_all(v) for k, v in data.items()}
        if isinstance(data, list):
            return [self.scrub_all(item) for item in data]
        return data

    def header(self, name: str, value: str) -> str:
        """A header's value as it may be written: ``[redacted]`` (and remembered) when it is a credential."""
        if not secret_name(name):
            return value
        lowered = name.lower()
        if lowered in ("authorization", "proxy-authorization"):
            self.learn_authorization(value)
        elif lowered in ("cookie", "set-cookie"):
            self.learn(value)
            for part in value.split(";"):
                cookie = part.partition("=")[2]
                self.learn(cookie)
        else:
            self.learn(value)
        return REDACTED

    def query_pairs(self, query: str) -> list[tuple[str, str]]:
        """A query string's parameters, the values of secret-named ones redacted (and remembered)."""
        pairs = parse_qsl(query, keep_blank_values=True)
        out = []
        for name, value in pairs:
            if secret_name(name):
                self.learn_encoded(value)
                value = REDACTED
            out.append((name, value))
        return out

    def query(self, query: str) -> str:
        """A query string with the values of secret-named parameters redacted (and remembered)."""
        if not query:
            return query
        pairs = parse_qsl(query, keep_blank_values=True)
        if not any(secret_name(name) for name, _ in pairs):
            return query
        return urlencode(self.query_pairs(query))

    def form(self, text: str, token: bool = False) -> list[tuple[str, str]]:
        """A form's fields, secret ones redacted (and remembered); of the token request, all but
        ``grant_type``/``scope``."""
        out = []
        for name, value in parse_qsl(text, keep_blank_values=True):
            if (name not in PUBLIC_FORM_FIELDS) if token else secret_name(name):
                self.learn_encoded(value)
                value = REDACTED
            out.append((name, value))
        return out

    def json_data(self, data: Any, token: bool = False) -> Any:
        """JSON data with its secret fields redacted (and remembered); of the token request, every top-level
        field but ``grant_type``/``scope``."""
        seen: list[str] = []
        if token and isinstance(data, dict):
            out = {key: value if key in PUBLIC_FORM_FIELDS else _walk(value, True, seen) for key, value in data.items()}
        else:
            out = _walk(data, False, seen)
        for value in seen:
            self.learn(value)
        return out

    def body(self, body: bytes, media: str, token: bool = False, answer: bool = False) -> bytes:
        """A body as it may be written: JSON and form bodies with their secret fields redacted (and
        remembered), others unchanged. The token endpoint's (``token``): its request keeps only ``grant_type``
        and ``scope``; its ``answer`` keeps what is not secret by name (``token_type``, ``expires_in``); either,
        when neither JSON nor a form, is ``[redacted]`` whole."""
        kind = media.split(";", 1)[0].strip().lower()
        everything = token and not answer  # every field but the public ones
        if kind == "application/x-www-form-urlencoded" or (token and not kind.endswith("json") and b"=" in body):
            try:
                text = body.decode("utf-8")
            except UnicodeDecodeError:
                return REDACTED.encode() if token else body
            pairs = self.form(text, everything)
            return "&".join(f"{quote_plus(n)}={quote_plus(v, safe='[]')}" for n, v in pairs).encode()
        if kind.endswith("json") or token:
            try:
                data = json.loads(body)
            except (ValueError, RecursionError):
                return REDACTED.encode() if token else body
            out = self.json_data(data, everything)
            if out == data:
                return body
            return json.dumps(out, ensure_ascii=False).encode()
        return body


class PrintableFilter(logging.Filter):
    """A logger's filter: each record's message made ``printable`` (the arguments a peer controls included)."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if not message.isprintable():
            record.msg, record.args = printable(message), None
        return True


__all__ = [
    "PUBLIC_FORM_FIELDS",
    "REDACTED",
    "SECRET_WORDS",
    "TEMPLATE_SECRET_NAMES",
    "PrintableFilter",
    "Redactor",
    "body_hint",
    "printable",
    "redacted",
    "secret_name",
    "spec_secret_names",
]
