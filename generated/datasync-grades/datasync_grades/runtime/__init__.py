# Copied from clients/runtime/__init__.py by clients/generate.py: edit that file, not this copy.
"""What every integration needs around the generated functions: auth, retries, typed errors, pagination.

Built on httpx's own extension points: ``httpx.Auth`` flows for credentials and transports for retries, so
it works with the generated ``Client`` (pass them through ``httpx_args``) and with any httpx client. Needs
only httpx and the standard library; it travels inside each generated package.

    from datasync_grades.runtime import connect, paginate
    from datasync_grades.api.exchanges import list_exchanges

    client = connect("https://api.us2.kimonocloud.com/v2/grades", client_id="...", client_secret="...")
    for exchange in paginate(list_exchanges, client, state="created"):
        print(exchange.id)

With client credentials, ``connect`` fetches tokens from the base URL's origin + ``/oauth/token``
(``https://api.us2.kimonocloud.com/oauth/token`` above, ``http://127.0.0.1:8000/oauth/token`` for the mock
at ``http://127.0.0.1:8000/v2/grades``), so one call works against the vendor, the mock and a proxy alike;
pass ``token_url=`` when the token endpoint lives elsewhere. Retries are silent unless you give
``RetryPolicy(on_retry=...)`` a callback: it receives a ``RetryEvent`` before each wait.

Credentials only ever go to the base URL's origin: a link in a response to anywhere else is refused
(``ForeignLinkError``), redirects are not followed, and user info in the base URL never reaches a log line
or an error. ``RetryPolicy(max_total=...)`` is a deadline for a request with all its retries. A 2xx body of
the wrong shape is a ``ResponseParseError`` naming the field and the value, never a half-parsed dict.

What a server sends is bounded where the runtime reads it whole or follows it: ``download`` and ``streamed``
cap a body (``BodyTooLarge``), ``gunzip`` caps what a gzip body inflates to (``DecompressedTooLarge``), and
``paginate``/``paginate_json`` stop a list that repeats itself or never ends (``PaginationLoop``). Every error
the runtime raises on purpose is a ``DataSyncError``.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime
import email.utils
import enum
import hashlib
import json
import random
import re
import sys
import threading
import time
import types
import typing
import zlib
from collections.abc import AsyncGenerator, AsyncIterator, Awaitable, Callable, Generator, Iterable, Iterator
from dataclasses import dataclass
from typing import Any, Final
from uuid import UUID

import httpx

from ..client import AuthenticatedClient, Client
from ..types import Unset

DEFAULT_TOKEN_URL = "https://api.us2.kimonocloud.com/oauth/token"  # noqa: S105 - a URL, not a secret
TOKEN_PATH = "/oauth/token"  # noqa: S105 - a path, not a secret
DEFAULT_TIMEOUT = httpx.Timeout(30.0, connect=10.0)
RETRY_STATUSES = frozenset({429, 503})
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})


# -- errors ---------------------------------------------------------------------------------------------------
class DataSyncError(Exception):
    """Every error the runtime raises on purpose: ``ApiError`` (about a response) and ``LimitExceeded`` (what
    a peer sent is over one of the runtime's caps). Catch this to handle them all."""


class LimitExceeded(DataSyncError):
    """What a peer sent is over one of the runtime's caps. ``limit`` is the cap and ``argument`` the name of
    the argument that sets it (pass a larger value to accept more); the message names both."""

    limit: int
    argument: str


class ApiError(DataSyncError):
    """A response the caller did not expect: a documented error (the error envelope) or an undocumented status.

    ``status``, ``code``, ``message``, ``details`` and ``ext_message`` come from the envelope when there is one;
    ``response`` is the raw httpx response. The message never contains credentials.
    """

    def __init__(self, response: httpx.Response, message: str | None = None) -> None:
        self.response = response
        self.status = response.status_code
        self.code: str | None = None
        self.details: str | None = None
        self.ext_message: str | None = None
        envelope_message: str | None = None
        try:
            content = response.content
        except httpx.ResponseNotRead:  # a streamed response refused before its body was read
            content = b""
        try:
            body = json.loads(content) if content else None
        except ValueError:
            body = None
        error = body.get("error") if isinstance(body, dict) else None
        if isinstance(error, dict):
            self.code = _str_or_none(error.get("code"))
            envelope_message = _str_or_none(error.get("message"))
            self.details = _str_or_none(error.get("details"))
            self.ext_message = _str_or_none(error.get("ext_message"))
        self.message = message or envelope_message or response.reason_phrase or "unexpected response"
        super().__init__(str(self))

    def __str__(self) -> str:
        method, url = self.response.request.method, _shown_url(self.response.request.url)
        text = f"{self.status} {self.message} ({method} {url})"
        if self.code:
            text += f" [code={self.code}]"
        if self.details:
            text += f": {self.details}"
        return text


class ArtifactNotAvailable(ApiError):
    """A 404 from an artifact operation (``ARTIFACT_OPERATIONS``): the exchange does not exist or did not
    produce the requested artifact. Chosen by the operation and the status, never by the body's text."""


def _size(n: int) -> str:
    """``n`` bytes for a message: ``64 MiB`` when it is a whole number of MiB, else the bytes."""
    return f"{n >> 20} MiB" if n and n % (1 << 20) == 0 else f"{n} bytes"


class BodyTooLarge(ApiError, LimitExceeded):
    """A response body longer than the cap it was read with (``download``, ``streamed``): refused when its
    ``Content-Length`` says so, before any of it is read, or as soon as the bytes read pass the cap.
    ``response`` is the response (its body not kept)."""

    def __init__(self, response: httpx.Response, limit: int, argument: str = "max_bytes") -> None:
        self.limit, self.argument = limit, argument
        super().__init__(response, f"response body over the {_size(limit)} cap ({argument}={limit}): not read")


class DecompressedTooLarge(LimitExceeded, ValueError):
    """Gzip data that inflates past the cap it was decompressed with (``gunzip``): a gzip bomb, or an
    artifact larger than the caller allowed. Also a ``ValueError``, as other undecodable data is."""

    def __init__(self, limit: int, argument: str = "max_size") -> None:
        self.limit, self.argument = limit, argument
        super().__init__(f"gzip data inflates past the {_size(limit)} cap ({argument}={limit}): not decompressed")


class PaginationLoop(ApiError):
    """A list operation's pages go round in circles or never end (``paginate``, ``apaginate``,
    ``paginate_json``): a page that is the same as one read before, a page holding only items already read,
    a ``paging.next`` link back to a page already read, or more pages than ``max_pages``. ``pages`` is the
    number of pages read; ``response`` is the last one. Raised after the items of the pages before it."""

    def __init__(self, response: httpx.Response, problem: str, pages: int) -> None:
        self.pages = pages
        super().__init__(response, f"pagination stopped after {pages} page(s): {problem}")


class _Missing:
    def __repr__(self) -> str:
        return "MISSING"


MISSING: Final[Any] = _Missing()
"""``ResponseParseError.value`` when a required field is absent."""


class ResponseParseError(ApiError):
    """A 2xx response whose body does not have the documented shape.

    ``path`` names the first place that differs, as a JSON path into the body: ``$.data.id``, ``$.data[2].id``,
    ``$`` for the whole body (``None`` when it cannot be told); ``value`` is what was there (``MISSING`` for
    a required field that is absent). The message shows both, long values cut short.
    """

    def __init__(
        self, response: httpx.Response, message: str | None = None, *, path: str | None = None, value: Any = None
    ) -> None:
        self.path = path
        self.value = value
        super().__init__(response, message)


class ForeignLinkError(ApiError):
    """A response links to another origin than the API's (``paging.next`` naming another scheme, host or
    port). The runtime does not follow such a link, so credentials never leave the API's origin; ``link`` is
    the refused URL without user info or query string. ``response`` is the response that held the link."""

    def __init__(self, response: httpx.Response, link: httpx.URL, what: str = "paging.next") -> None:
        self.link = _shown_url(link)
        super().__init__(
            response, f"{what} links to {self.link}, another origin than the API's: not followed (no credentials)"
        )


def _str_or_none(value: Any) -> str | None:
    return None if value is None else str(value)


# -- URLs -----------------------------------------------------------------------------------------------------
_DEFAULT_PORTS = {"http": 80, "https": 443}


def _shown_url(url: httpx.URL | str) -> str:
    """``url`` as the runtime prints it (errors, retry events): no user info, no query string, no fragment."""
    return str(httpx.URL(url).copy_with(userinfo=b"", query=None, fragment=None))


def _origin_of(url: httpx.URL | str) -> tuple[str, str, int | None]:
    """``(scheme, host, port)`` of ``url``, the default port filled in: two URLs share an origin when these
    are equal (``https://h/x`` and ``https://h:443/y`` do; ``http://h`` and ``https://h`` do not)."""
    parsed = httpx.URL(url)
    port = parsed.port if parsed.port is not None else _DEFAULT_PORTS.get(parsed.scheme)
    return parsed.scheme, parsed.host, port


def _without_userinfo(url: str) -> tuple[str, tuple[str, str] | None]:
    """``url`` without user info, and the ``(user, password)`` it carried (``None`` if none)."""
    try:
        parsed = httpx.URL(url)
    except httpx.InvalidURL:
        return url, None
    if not parsed.userinfo:
        return url, None
    return str(parsed.copy_with(userinfo=b"")), (parsed.username, parsed.password)


ARTIFACT_OPERATIONS: Final = frozenset({"get_exchange_details", "get_exchange_consumer_logs"})
"""The artifact operations (``getExchangeDetails``, ``getExchangeConsumerLogs``), by generated module name:
a 404 from one of them is ``ArtifactNotAvailable``."""


def _operation_name(operation: Any) -> str | None:
    if operation is None or isinstance(operation, str):
        return operation
    name = getattr(operation, "__name__", None)
    return name.rpartition(".")[2] if isinstance(name, str) else None


def error_for(response: httpx.Response, operation: Any = None) -> ApiError:
    """The ``ApiError`` for a response that is not the 2xx the caller wanted, decided by the operation (a
    generated module such as ``get_exchange_details``, or its name) and the status, never by the body:
    ``ArtifactNotAvailable`` for a 404 from an artifact operation (``ARTIFACT_OPERATIONS``), else ``ApiError``."""
    if response.status_code == 404 and _operation_name(operation) in ARTIFACT_OPERATIONS:
        return ArtifactNotAvailable(response)
    return ApiError(response)


_PARSE_ERRORS = (KeyError, TypeError, ValueError, AttributeError)


def call(endpoint: Any, *args: Any, client: Client | AuthenticatedClient, **kwargs: Any) -> Any:
    """Call a generated operation module and return its parsed 2xx body: ``call(get_exchange, id, client=c)``.

    Any other status raises ``ApiError`` (with the request and the error envelope). A 2xx body the generated
    models cannot read raises ``ResponseParseError`` naming the field and the value (``$.data.id``, ``123``):
    a body that fails to parse, and one the generated code would hand back half-parsed (a plain dict where a
    model belongs, a string where the spec says integer) alike. ``null`` for an optional field reads as
    absent, and fields the spec does not know are kept (``additional_properties``), not refused.
    """
    response = client.get_httpx_client().request(**endpoint._get_kwargs(*args, **kwargs))
    return _result(endpoint, client, response)


async def acall(endpoint: Any, *args: Any, client: Client | AuthenticatedClient, **kwargs: Any) -> Any:
    """The async twin of ``call``."""
    response = await client.get_async_httpx_client().request(**endpoint._get_kwargs(*args, **kwargs))
    return _result(endpoint, client, response)


def _result(endpoint: Any, client: Client | AuthenticatedClient, response: httpx.Response) -> Any:
    if not 200 <= response.status_code < 300:
        # The generated parser raises UnexpectedStatus for an undocumented status if the client says so; an
        # error body the models cannot read is still the error its status says.
        with contextlib.suppress(*_PARSE_ERRORS):
            endpoint._build_response(client=client, response=response)
        raise error_for(response, endpoint)
    try:
        parsed = endpoint._build_response(client=client, response=response).parsed
    except _PARSE_ERRORS as exc:
        raise _unreadable(response, _check_2xx_body(endpoint, response), exc) from exc
    if parsed is not None:  # None: a 2xx status the spec does not document for this operation
        misfit = _check_2xx(endpoint, parsed)
        if misfit is not None:
            raise _unreadable(response, misfit)
    return parsed


# -- bounded bodies -------------------------------------------------------------------------------------------
MiB: Final = 1 << 20
DEFAULT_MAX_DOWNLOAD: Final = 32 * MiB
"""The default cap on a body ``download`` and ``streamed`` read (an artifact as sent, or the CSV report).
Compressed JSON is a fraction of the text it holds, so an artifact within ``DEFAULT_MAX_DECOMPRESSED``
downloads well within this, and the course IDs report is one short line per course. Pass ``max_bytes=``."""
DEFAULT_MAX_DECOMPRESSED: Final = 128 * MiB
"""The default cap on what ``gunzip`` inflates (an artifact's JSON text). ``decode_artifact`` parses that
text whole into Python objects that take several times its size, so the cap keeps decoding within an
ordinary machine's memory, while one exchange's artifact (its data arrives in bodies of at most the
exchange's ``max_data_content_length``) is far smaller; past it, the data is a bomb to refuse, not a
document. Pass ``max_size=`` for a larger artifact, or stream it to a file (``workflows.save_artifact``)."""
_ERROR_BODY_BYTES = 64 * 1024  # what is kept of an error status's body: an error envelope fits many times
_PIECE = 64 * 1024  # bytes ``gunzip`` inflates at a time
_GZIP_WBITS = 16 + zlib.MAX_WBITS  # zlib reads (and checks) the gzip header and trailer


def gunzip(data: bytes | Iterable[bytes], *, max_size: int = DEFAULT_MAX_DECOMPRESSED) -> Iterator[bytes]:
    """Decompress gzip data piece by piece, inflating at most ``max_size`` bytes in all: past it,
    ``DecompressedTooLarge`` naming the cap. However well the data compresses (a gzip bomb), no piece is
    larger than 64 KiB, so memory grows only with what the caller keeps. ``data`` is the whole input or an
    iterable of its chunks (a streamed download). Concatenated members are read as ``gzip.decompress`` reads
    them; data that is not gzip, is cut short or fails its checksum raises ``ValueError``. The default cap
    is ``DEFAULT_MAX_DECOMPRESSED``."""
    if max_size < 0:
        raise ValueError("max_size must be at least 0")
    chunks: Iterable[bytes] = (bytes(data),) if isinstance(data, bytes | bytearray) else data
    inflater: Any = None  # None: between members
    total = 0
    for chunk in chunks:
        pending = bytes(chunk)
        while True:
            if inflater is None:
                pending = pending.lstrip(b"\0")  # NUL padding after a member is allowed, as in gzip
                if not pending:
                    break
                inflater = zlib.decompressobj(wbits=_GZIP_WBITS)
            most = min(_PIECE, max_size - total + 1)  # one byte past the cap tells it is passed
            try:
                piece = inflater.decompress(pending, most)
            except zlib.error as exc:
                raise ValueError(f"not gzip data: {exc}") from None
            total += len(piece)
            if total > max_size:
                raise DecompressedTooLarge(max_size)
            if piece:
                yield piece
            if inflater.eof:  # a member ended: another may follow
                pending, inflater = inflater.unused_data, None
                continue
            pending = inflater.unconsumed_tail
            if not pending and len(piece) < most:  # all input taken and no output held back
                break
    if inflater is not None:
        raise ValueError("gzip data cut short: it ends inside a member")


def _httpx_client(client: Client | AuthenticatedClient | httpx.Client) -> httpx.Client:
    return client if isinstance(client, httpx.Client) else client.get_httpx_client()


def _with_body(response: httpx.Response, content: bytes) -> httpx.Response:
    """A read copy of a streamed ``response`` holding ``content`` (already decoded: no content coding)."""
    headers = [(k, v) for k, v in response.headers.multi_items() if k.lower() not in _BODY_HEADERS]
    return httpx.Response(response.status_code, headers=headers, content=content, request=response.request)


_BODY_HEADERS = frozenset({"content-encoding", "content-length", "transfer-encoding"})


def _capped(response: httpx.Response, max_bytes: int, argument: str) -> Iterator[bytes]:
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise BodyTooLarge(response, max_bytes, argument)
    total = 0
    for chunk in response.iter_bytes():
        total += len(chunk)
        if total > max_bytes:
            raise BodyTooLarge(response, max_bytes, argument)
        yield chunk


def _error_head(response: httpx.Response) -> httpx.Response:
    """An error status's response with at most ``_ERROR_BODY_BYTES`` of its body (the rest is not read)."""
    kept = bytearray()
    for chunk in response.iter_bytes():
        kept += chunk
        if len(kept) >= _ERROR_BODY_BYTES:
            break
    return _with_body(response, bytes(kept[:_ERROR_BODY_BYTES]))


@contextlib.contextmanager
def streamed(
    client: Client | AuthenticatedClient | httpx.Client,
    url: str,
    *,
    max_bytes: int = DEFAULT_MAX_DOWNLOAD,
    operation: Any = None,
    argument: str = "max_bytes",
    **kwargs: Any,
) -> Iterator[tuple[httpx.Response, Iterator[bytes]]]:
    """``GET url`` (relative to the client's base URL) with its 2xx body as an iterator of chunks that
    raises ``BodyTooLarge`` once more than ``max_bytes`` came (at once when ``Content-Length`` says more):
    ``with streamed(client, "/batch/ID/courses") as (response, chunks): ...``. Any other status raises
    ``error_for(response, operation)`` with the start of its body (an error envelope), the rest unread.
    ``argument`` is the name the error gives the cap; ``kwargs`` go to ``httpx.Client.stream``."""
    with _httpx_client(client).stream("GET", url, **kwargs) as response:
        if not 200 <= response.status_code < 300:
            raise error_for(_error_head(response), operation)
        yield response, _capped(response, max_bytes, argument)


def download(
    client: Client | AuthenticatedClient | httpx.Client,
    url: str,
    *,
    max_bytes: int = DEFAULT_MAX_DOWNLOAD,
    operation: Any = None,
    argument: str = "max_bytes",
    **kwargs: Any,
) -> httpx.Response:
    """``GET url`` read whole, but never more than ``max_bytes`` of body (``BodyTooLarge``); a status
    other than 2xx raises ``error_for(response, operation)``. Returns the read response (``.content``,
    ``.text``). See ``streamed`` for the arguments."""
    with streamed(client, url, max_bytes=max_bytes, operation=operation, argument=argument, **kwargs) as (
        response,
        chunks,
    ):
        return _with_body(response, b"".join(chunks))


# -- does a 2xx body have the documented shape? ---------------------------------------------------------------
# The generated parsers swallow what they cannot read in unions (``except ...: pass; return cast(..., data)``)
# and copy primitives unchecked, so a body of the wrong shape can come back as a plain dict deep inside a
# model. A check, compiled once per type hint of the generated code (models through their attrs fields and
# resolved annotations), walks a value and returns the deepest first place that does not fit: parsed models
# by attribute, raw JSON objects (left by a fallback, or the whole body when parsing raised) by key.
@dataclass(frozen=True)
class _Misfit:
    where: tuple[str, ...]  # path segments below the value checked: ".data", "[1]", ".id"
    value: Any
    expected: str

    @property
    def path(self) -> str:
        return "$" + "".join(self.where)

    def under(self, segment: str) -> _Misfit:
        return _Misfit((segment, *self.where), self.value, self.expected)


_Check = Callable[[Any], "_Misfit | None"]


@dataclass(frozen=True)
class _Field:
    name: str  # the attribute
    key: str  # the JSON key it most likely came from (shown in paths)
    norm: str  # both, normalised for matching (``$person`` ~ ``person``, ``next`` ~ ``next_``)
    check: _Check
    required: bool  # the generator types a field the spec does not require as ``... | Unset``


_NOT_WORD = re.compile(r"[^0-9a-z]")
_CHECKS: dict[Any, _Check] = {}
_MODEL_FIELDS: dict[type, list[_Field] | None] = {}
_EXPECTED: dict[str, tuple[tuple[Any, ...], _Check | None]] = {}
_SHOWN_CHARS = 80


def _norm(name: str) -> str:
    return _NOT_WORD.sub("", name.lower())


def _members(hint: Any) -> tuple[Any, ...]:
    return typing.get_args(hint) if typing.get_origin(hint) in (typing.Union, types.UnionType) else (hint,)


def _is_model(hint: Any) -> bool:
    return isinstance(hint, type) and hasattr(hint, "__attrs_attrs__") and callable(getattr(hint, "from_dict", None))


def _model_fields(model: type) -> list[_Field] | None:
    """The fields of a generated model, each with its check (``None`` if its hints cannot be resolved)."""
    if model in _MODEL_FIELDS:
        return _MODEL_FIELDS[model]
    fields: list[_Field] | None = None
    module = sys.modules.get(model.__module__)
    package = sys.modules.get(model.__module__.rpartition(".")[0])  # the models package: every model by name
    try:
        namespace = {**(vars(package) if package else {}), **(vars(module) if module else {})}
        hints = typing.get_type_hints(model, globalns=namespace)
        fields = []
        for attribute in getattr(model, "__attrs_attrs__", ()):
            if not attribute.init:  # additional_properties: whatever the spec does not name
                continue
            hint = hints[attribute.name]
            key = attribute.name.rstrip("_") or attribute.name
            required = Unset not in _members(hint)
            fields.append(_Field(attribute.name, key, _norm(attribute.name), _check_for(hint), required))
    except (NameError, KeyError, TypeError, AttributeError):
        fields = None
    _MODEL_FIELDS[model] = fields
    return fields


def _is_error_envelope(hint: Any) -> bool:
    """The ``{"error": {...}}`` envelope every error status documents (a model whose one required field is
    ``error``): never what a 2xx body is."""
    if not _is_model(hint):
        return False
    fields = _model_fields(hint)
    return fields is not None and [f.name for f in fields if f.required] == ["error"]


def _expected_2xx(endpoint: Any) -> tuple[tuple[Any, ...], _Check | None]:
    """What the operation's parser may return for a 2xx, and its check: the return annotation without
    ``None`` (an undocumented status) and the error envelope; no check when anything goes (``Any``)."""
    name = getattr(endpoint, "__name__", repr(endpoint))
    if name not in _EXPECTED:
        try:
            returned = typing.get_type_hints(endpoint._parse_response)["return"]
        except (NameError, KeyError, TypeError, AttributeError):
            returned = Any
        members = tuple(m for m in _members(returned) if m is not type(None))
        if any(m is Any for m in members):
            members = ()
        members = tuple(m for m in members if not _is_error_envelope(m)) or members
        _EXPECTED[name] = members, (_union_check(members) if members else None)
    return _EXPECTED[name]


def _check_2xx(endpoint: Any, parsed: Any) -> _Misfit | None:
    """Where the parsed 2xx body does not fit (the parser picked the model by status: a parsed model is
    checked against its own class)."""
    members, check = _expected_2xx(endpoint)
    if check is None:
        return None
    return _check_for(type(parsed))(parsed) if type(parsed) in members else check(parsed)


def _check_2xx_body(endpoint: Any, response: httpx.Response) -> _Misfit | None:
    """Where the raw 2xx body does not fit, when parsing it raised."""
    check = _expected_2xx(endpoint)[1]
    if check is None:
        return None
    try:
        body = json.loads(response.content)
    except ValueError:
        return _Misfit((), response.text, "JSON")
    return check(body)


def _check_for(hint: Any) -> _Check:
    try:
        check = _CHECKS.get(hint)
    except TypeError:  # an unhashable hint
        return _compile(hint)
    if check is None:
        check = _CHECKS[hint] = _compile(hint)
    return check


def _accept(value: Any) -> _Misfit | None:
    return None


def _is_uuid(value: Any) -> bool:
    if isinstance(value, UUID):
        return True
    try:
        UUID(value)
    except (TypeError, ValueError, AttributeError):
        return False
    return True


def _is_iso(value: Any, kind: type[datetime.date]) -> bool:
    if isinstance(value, kind):
        return True
    try:
        kind.fromisoformat(value)
    except (TypeError, ValueError):
        return False
    return True


_PRIMITIVES: dict[Any, tuple[str, Callable[[Any], bool]]] = {
    str: ("a string", lambda v: isinstance(v, str)),
    bool: ("true or false", lambda v: isinstance(v, bool)),
    int: ("an integer", lambda v: isinstance(v, int) and not isinstance(v, bool)),
    float: ("a number", lambda v: isinstance(v, int | float) and not isinstance(v, bool)),
    type(None): ("null", lambda v: v is None),
    Unset: ("absent", lambda v: isinstance(v, Unset)),
    UUID: ("a UUID string", _is_uuid),
    datetime.datetime: ("an RFC 3339 date-time string", lambda v: _is_iso(v, datetime.datetime)),
    datetime.date: ("an RFC 3339 date string", lambda v: _is_iso(v, datetime.date)),
}


def _compile(hint: Any) -> _Check:
    """The check for one type hint of the generated code; a form it does not know accepts anything."""
    if hint is Any:
        return _accept
    members = _members(hint)
    if len(members) > 1:
        return _union_check(members)
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin is list:
        return _list_check(_check_for(args[0]) if args else _accept)
    if origin is dict:
        return _dict_check(_check_for(args[1]) if len(args) == 2 else _accept)
    if hint in _PRIMITIVES:
        expected, fits = _PRIMITIVES[hint]
        return lambda v: None if fits(v) else _Misfit((), v, expected)
    if isinstance(hint, type) and issubclass(hint, enum.Enum):
        return _enum_check(hint)
    if _is_model(hint):
        return lambda v: _check_model(hint, v)
    if isinstance(hint, type):
        return lambda v: None if isinstance(v, hint) else _Misfit((), v, f"a {hint.__name__}")
    return _accept


def _union_check(members: tuple[Any, ...]) -> _Check:
    checks = tuple(_check_for(m) for m in members)
    optional = Unset in members
    named = tuple(m is not Unset for m in members)  # "absent" is no use in a message about a present value

    def check(value: Any) -> _Misfit | None:
        if value is None and optional:
            return None  # null for an optional field reads as absent
        found: list[_Misfit] = []
        for one in checks:
            misfit = one(value)
            if misfit is None:
                return None
            found.append(misfit)
        deepest = max(found, key=lambda m: len(m.where))
        if deepest.where or len(found) == 1:
            return deepest
        said = list(dict.fromkeys(m.expected for m, shown in zip(found, named, strict=True) if shown))
        if "a string" in said:  # an open enumeration: any string will do
            said = [e for e in said if not e.startswith("one of ")]
        return _Misfit((), value, " or ".join(said) or found[0].expected)

    return check


def _list_check(item: _Check) -> _Check:
    def check(value: Any) -> _Misfit | None:
        if not isinstance(value, list):
            return _Misfit((), value, "a list")
        for index, element in enumerate(value):
            misfit = item(element)
            if misfit is not None:
                return misfit.under(f"[{index}]")
        return None

    return check


def _dict_check(item: _Check) -> _Check:
    def check(value: Any) -> _Misfit | None:
        if not isinstance(value, dict):
            return _Misfit((), value, "an object")
        if item is not _accept:
            for key, element in value.items():
                misfit = item(element)
                if misfit is not None:
                    return misfit.under(f".{key}")
        return None

    return check


def _enum_check(kind: type[enum.Enum]) -> _Check:
    values = [member.value for member in kind]
    expected = "one of " + ", ".join(json.dumps(v, default=str) for v in values)
    return lambda v: None if isinstance(v, kind) or any(v == known for known in values) else _Misfit((), v, expected)


def _check_model(model: type, value: Any) -> _Misfit | None:
    fields = _model_fields(model)
    if fields is None:
        return None
    if isinstance(value, model):
        for f in fields:
            misfit = f.check(getattr(value, f.name))
            if misfit is not None:
                return misfit.under(f".{f.key}")
        return None
    if not isinstance(value, dict):
        return _Misfit((), value, f"an object ({model.__name__})")
    keys = {_norm(k): k for k in value if isinstance(k, str)}
    for f in fields:
        key = keys.get(f.norm)
        if key is None:
            if f.required:
                return _Misfit((f".{f.key}",), MISSING, "a required field")
            continue
        misfit = f.check(value[key])
        if misfit is not None:
            return misfit.under(f".{key}")
    return None


def _shown(value: Any) -> str:
    try:
        text = json.dumps(value, ensure_ascii=False, default=str)
    except (TypeError, ValueError):
        text = repr(value)
    return text if len(text) <= _SHOWN_CHARS else text[: _SHOWN_CHARS - 3] + "..."


def _unreadable(response: httpx.Response, misfit: _Misfit | None, error: Exception | None = None) -> ResponseParseError:
    """The ``ResponseParseError`` for a 2xx body that did not parse (``error``) or parsed into the wrong shape."""
    if misfit is None:
        return ResponseParseError(response, f"response body does not match the spec: {error!r}")
    if misfit.value is MISSING:
        problem = f"{misfit.path}: a required field is missing"
    else:
        problem = f"{misfit.path}: expected {misfit.expected}, got {_shown(misfit.value)}"
    return ResponseParseError(
        response, f"response body does not match the spec at {problem}", path=misfit.path, value=misfit.value
    )


# -- auth -----------------------------------------------------------------------------------------------------
# Each auth takes an optional ``origin`` (a URL; connect() passes the base URL): credentials are then only ever
# added to requests for that origin (scheme, host, port). A request anywhere else (a link in a response, an
# absolute URL someone passes to the client) goes out without them, as browsers and httpx's own redirects do.
def _scope_of(origin: str | None) -> tuple[str, str, int | None] | None:
    return None if origin is None else _origin_of(origin)


def _in_scope(scope: tuple[str, str, int | None] | None, request: httpx.Request) -> bool:
    return scope is None or _origin_of(request.url) == scope


class BearerAuth(httpx.Auth):
    """A ready token (an OAuth2 access token or an LTI JWT) sent as ``Authorization: Bearer`` (only to
    ``origin``'s scheme, host and port when given)."""

    def __init__(self, token: str, *, origin: str | None = None) -> None:
        self._token = token
        self._scope = _scope_of(origin)

    def __repr__(self) -> str:
        return "BearerAuth(token=***)"

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        if _in_scope(self._scope, request):
            request.headers["Authorization"] = f"Bearer {self._token}"
        yield request


class ApiKeyAuth(httpx.BasicAuth):
    """HTTP Basic with the account API key as user name and its secret as password (``GET /tenants``); only
    to ``origin``'s scheme, host and port when given."""

    def __init__(self, api_key: str, secret: str, *, origin: str | None = None) -> None:
        super().__init__(api_key, secret)
        self._api_key = api_key
        self._scope = _scope_of(origin)

    def __repr__(self) -> str:
        return f"ApiKeyAuth(api_key={self._api_key!r}, secret=***)"

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        if _in_scope(self._scope, request):
            yield from super().auth_flow(request)
        else:
            yield request


class ClientCredentialsAuth(httpx.Auth):
    """OAuth2 client credentials: fetches a token from ``token_url``, caches it until ``refresh_margin``
    seconds before it expires, and on a 401 fetches a new one and retries the request once. With ``origin``,
    tokens are only sent to (and only fetched for requests to) that scheme, host and port.

    Safe to share between threads and between a sync and an async client: token fetches are serialised
    per flavour (a lock for threads, an asyncio lock per event loop) and the cache is swapped atomically.
    User info in ``token_url`` is dropped (it was never sent: the client authenticates with the form).
    """

    requires_response_body = True

    def __init__(
        self,
        client_id: str,
        client_secret: str,
        token_url: str = DEFAULT_TOKEN_URL,
        *,
        refresh_margin: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
        origin: str | None = None,
    ) -> None:
        self.client_id = client_id
        self._client_secret = client_secret
        self.token_url = _without_userinfo(token_url)[0]
        self.refresh_margin = refresh_margin
        self._clock = clock
        self._scope = _scope_of(origin)
        self._token: tuple[str, float] | None = None  # (access token, monotonic expiry)
        self._lock = threading.Lock()
        self._async_locks: dict[int, asyncio.Lock] = {}
        self.fetches = 0  # how many tokens were fetched (for tests and logs)

    def __repr__(self) -> str:
        return f"ClientCredentialsAuth(client_id={self.client_id!r}, token_url={self.token_url!r}, client_secret=***)"

    def _token_request(self) -> httpx.Request:
        form = {"grant_type": "client_credentials", "client_id": self.client_id, "client_secret": self._client_secret}
        return httpx.Request("POST", self.token_url, data=form, headers={"Accept": "application/json"})

    def _store(self, response: httpx.Response) -> str:
        if response.status_code != 200:
            raise ApiError(response, f"token request failed with {response.status_code}")
        try:
            body = response.json()
            token = body["access_token"]
            lifetime = float(body.get("expires_in", 3600))
        except (ValueError, KeyError, TypeError):
            raise ResponseParseError(response, "token response has no access_token") from None
        if not isinstance(token, str):
            raise ResponseParseError(response, "token response has no access_token")
        self._token = (token, self._clock() + lifetime - self.refresh_margin)
        self.fetches += 1
        return token

    def _cached(self, stale: str | None = None) -> str | None:
        current = self._token
        if current is None or current[0] == stale or current[1] <= self._clock():
            return None
        return current[0]

    def invalidate(self) -> None:
        self._token = None

    def sync_auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        if not _in_scope(self._scope, request):
            yield request
            return
        token = self._cached()
        if token is None:
            with self._lock:
                token = self._cached()
                if token is None:
                    token_response = yield self._token_request()
                    token_response.read()
                    token = self._store(token_response)
        request.headers["Authorization"] = f"Bearer {token}"
        response = yield request
        if response.status_code == 401:
            with self._lock:  # refresh once, unless another thread already did
                fresh = self._cached(stale=token)
                if fresh is None:
                    token_response = yield self._token_request()
                    token_response.read()
                    fresh = self._store(token_response)
            request.headers["Authorization"] = f"Bearer {fresh}"
            yield request

    async def async_auth_flow(self, request: httpx.Request) -> AsyncGenerator[httpx.Request, httpx.Response]:
        if not _in_scope(self._scope, request):
            yield request
            return
        lock = self._async_locks.setdefault(id(asyncio.get_running_loop()), asyncio.Lock())
        token = self._cached()
        if token is None:
            async with lock:
                token = self._cached()
                if token is None:
                    response = yield self._token_request()
                    await response.aread()
                    token = self._store(response)
        request.headers["Authorization"] = f"Bearer {token}"
        response = yield request
        if response.status_code == 401:
            async with lock:
                fresh = self._cached(stale=token)
                if fresh is None:
                    token_response = yield self._token_request()
                    await token_response.aread()
                    fresh = self._store(token_response)
            request.headers["Authorization"] = f"Bearer {fresh}"
            yield request


# -- retries --------------------------------------------------------------------------------------------------
def retry_after_seconds(value: str | None, now: float | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header: delta-seconds or an HTTP date; ``None`` if unusable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when is None:
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


RETRY_ERRORS: tuple[type[Exception], ...] = (httpx.ConnectError, httpx.ConnectTimeout, httpx.RemoteProtocolError)


@dataclass(frozen=True)
class RetryEvent:
    """What a retry waits for, passed to ``RetryPolicy.on_retry`` just before the wait.

    ``status`` is the response status that is retried (``None`` for a transport error, then ``error`` says
    which); ``attempt`` is the number of the attempt about to be made (2 for the first retry) out of
    ``max_attempts``. ``url`` carries no query string and no user info. ``str(event)`` is one line:
    ``503 from GET https://host/v2/grades/exchanges, retrying in 1.2 s (attempt 2 of 4)``.
    """

    method: str
    url: str
    status: int | None
    error: str | None
    wait: float
    attempt: int
    max_attempts: int

    def __str__(self) -> str:
        cause = str(self.status) if self.status is not None else (self.error or "transport error")
        return (
            f"{cause} from {self.method} {self.url}, retrying in {self.wait:.1f} s "
            f"(attempt {self.attempt} of {self.max_attempts})"
        )


def _retry_event(
    policy: RetryPolicy,
    request: httpx.Request,
    attempt: int,
    wait: float,
    response: httpx.Response | None,
    error: Exception | None,
) -> RetryEvent:
    described = None if error is None else f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
    return RetryEvent(
        method=request.method,
        url=_shown_url(request.url),
        status=None if response is None else response.status_code,
        error=described,
        wait=wait,
        attempt=attempt + 1,
        max_attempts=policy.max_attempts,
    )


class RetryPolicy:
    """When and how long to wait: 429/503 and connection errors, for safe methods, exponential backoff with
    full jitter, ``Retry-After`` honoured, bounded by ``max_attempts`` and ``max_total`` seconds.

    ``max_total`` is a deadline for the whole request, counted from the start of its first attempt: no wait
    ends past it, no retry starts that cannot finish before it (judged by the fastest attempt so far), and
    every attempt's timeouts are shortened to the time left, so a slow attempt ends with
    ``httpx.TimeoutException`` at the deadline. (httpx timeouts bound each network operation: a response that
    keeps streaming bytes is not cut mid-body.) Only retried requests (``methods``) have a deadline.

    ``errors`` are the transport exceptions worth another attempt (default ``RETRY_ERRORS``: the connection
    failed or was dropped; pass ``()`` to fail fast when nothing is listening). ``on_retry``, if given, is
    called with a ``RetryEvent`` before each wait (for logs or a progress line); by default retries are
    silent.
    """

    def __init__(
        self,
        *,
        max_attempts: int = 4,
        max_total: float = 60.0,
        backoff: float = 0.5,
        max_backoff: float = 10.0,
        statuses: Iterable[int] = RETRY_STATUSES,
        methods: Iterable[str] = SAFE_METHODS,
        errors: Iterable[type[Exception]] = RETRY_ERRORS,
        on_retry: Callable[[RetryEvent], None] | None = None,
        rng: Callable[[], float] = random.random,
    ) -> None:
        if not max_total > 0:
            raise ValueError("max_total must be a positive number of seconds")
        self.max_attempts = max_attempts
        self.max_total = max_total
        self.backoff = backoff
        self.max_backoff = max_backoff
        self.statuses = frozenset(statuses)
        self.methods = frozenset(m.upper() for m in methods)
        self.errors = tuple(errors)
        self.on_retry = on_retry
        self.rng = rng

    def delay(
        self, attempt: int, response: httpx.Response | None, elapsed: float, attempt_time: float = 0.0
    ) -> float | None:
        """Seconds to wait before attempt ``attempt + 1``, or ``None`` to give up: attempts exhausted, or
        ``elapsed`` (since the first attempt started) + the wait + ``attempt_time`` (how long an attempt
        takes) would pass ``max_total``."""
        if attempt >= self.max_attempts:
            return None
        wait = self.rng() * min(self.max_backoff, self.backoff * 2 ** (attempt - 1))
        if response is not None:
            hinted = retry_after_seconds(response.headers.get("Retry-After"))
            if hinted is not None:
                wait = hinted
        if elapsed + wait + attempt_time > self.max_total:
            return None
        return float(wait)

    def retries(self, request: httpx.Request) -> bool:
        return request.method.upper() in self.methods

    def notify(
        self,
        request: httpx.Request,
        attempt: int,
        wait: float,
        response: httpx.Response | None = None,
        error: Exception | None = None,
    ) -> None:
        """Tell ``on_retry`` (if any) that attempt ``attempt`` failed and the next comes in ``wait`` s."""
        if self.on_retry is not None:
            self.on_retry(_retry_event(self, request, attempt, wait, response, error))


_TIMEOUT_KEYS = ("connect", "read", "write", "pool")


class _Attempts:
    """One request's way through its retries, shared by the sync and the async transport: the attempt
    count, the deadline (``max_total`` from the start of the first attempt) and the fastest attempt so far."""

    def __init__(self, policy: RetryPolicy, request: httpx.Request) -> None:
        self.policy = policy
        self.request = request
        self.started = time.monotonic()
        self.deadline = self.started + policy.max_total
        self.attempt = 0
        self.fastest: float | None = None
        self._began = self.started
        timeout = request.extensions.get("timeout")
        self._timeout: dict[str, float | None] = dict(timeout) if isinstance(timeout, dict) else {}

    def begin(self) -> None:
        """Start the next attempt: its timeouts end at the deadline at the latest."""
        self.attempt += 1
        self._began = time.monotonic()
        left = max(self.deadline - self._began, 0.0)
        configured = {key: self._timeout.get(key) for key in _TIMEOUT_KEYS}
        self.request.extensions["timeout"] = {
            key: left if value is None else min(value, left) for key, value in configured.items()
        }

    def wait(self, response: httpx.Response | None) -> float | None:
        """After a failed attempt: seconds to wait before the next (the policy told), or ``None`` to stop."""
        now = time.monotonic()
        took = now - self._began
        self.fastest = took if self.fastest is None else min(self.fastest, took)
        return self.policy.delay(self.attempt, response, now - self.started, self.fastest)


def _retried_sync(
    policy: RetryPolicy,
    send: Callable[[httpx.Request], httpx.Response],
    sleep: Callable[[float], None],
    request: httpx.Request,
) -> httpx.Response:
    if not policy.retries(request):
        return send(request)
    request.read()
    attempts = _Attempts(policy, request)
    while True:  # bounded: policy.delay gives up after max_attempts
        attempts.begin()
        try:
            response = send(request)
        except Exception as exc:
            if not isinstance(exc, policy.errors):
                raise
            wait = attempts.wait(None)
            if wait is None:
                raise
            policy.notify(request, attempts.attempt, wait, error=exc)
        else:
            if response.status_code not in policy.statuses:
                return response
            wait = attempts.wait(response)
            if wait is None:
                return response
            response.close()
            policy.notify(request, attempts.attempt, wait, response=response)
        sleep(wait)


async def _retried_async(
    policy: RetryPolicy,
    send: Callable[[httpx.Request], Awaitable[httpx.Response]],
    sleep: Callable[[float], Awaitable[None]],
    request: httpx.Request,
) -> httpx.Response:
    if not policy.retries(request):
        return await send(request)
    await request.aread()
    attempts = _Attempts(policy, request)
    while True:  # bounded: policy.delay gives up after max_attempts
        attempts.begin()
        try:
            response = await send(request)
        except Exception as exc:
            if not isinstance(exc, policy.errors):
                raise
            wait = attempts.wait(None)
            if wait is None:
                raise
            policy.notify(request, attempts.attempt, wait, error=exc)
        else:
            if response.status_code not in policy.statuses:
                return response
            wait = attempts.wait(response)
            if wait is None:
                return response
            await response.aclose()
            policy.notify(request, attempts.attempt, wait, response=response)
        await sleep(wait)


class RetryTransport(httpx.BaseTransport, httpx.AsyncBaseTransport):
    """Wraps a transport; repeats safe requests on 429/503 and connection errors per ``RetryPolicy``.

    One instance serves an ``httpx.Client`` and an ``httpx.AsyncClient`` alike (as ``httpx.MockTransport``
    does): sync requests go to ``transport``, async ones to ``async_transport`` (by default httpx's own, made
    when first needed). That is what lets ``connect()`` hand it to the generated ``Client`` through
    ``httpx_args``, from which the sync and the async httpx client (and those of every ``with_headers``,
    ``with_timeout`` and ``with_cookies`` copy) are built.
    """

    def __init__(
        self,
        transport: httpx.BaseTransport | None = None,
        policy: RetryPolicy | None = None,
        sleep: Callable[[float], None] = time.sleep,
        *,
        async_transport: httpx.AsyncBaseTransport | None = None,
        async_sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.transport = transport or httpx.HTTPTransport()
        self.policy = policy or RetryPolicy()
        self.sleep = sleep
        self._async_transport = async_transport
        self.async_sleep = async_sleep

    @property
    def async_transport(self) -> httpx.AsyncBaseTransport:
        if self._async_transport is None:
            self._async_transport = httpx.AsyncHTTPTransport()
        return self._async_transport

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        return _retried_sync(self.policy, self.transport.handle_request, self.sleep, request)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        return await _retried_async(self.policy, self.async_transport.handle_async_request, self.async_sleep, request)

    def close(self) -> None:
        self.transport.close()

    async def aclose(self) -> None:
        if self._async_transport is not None:
            await self._async_transport.aclose()


class AsyncRetryTransport(httpx.AsyncBaseTransport):
    """The async-only twin of ``RetryTransport``, for an ``httpx.AsyncClient`` you build yourself."""

    def __init__(
        self,
        transport: httpx.AsyncBaseTransport | None = None,
        policy: RetryPolicy | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.transport = transport or httpx.AsyncHTTPTransport()
        self.policy = policy or RetryPolicy()
        self.sleep = sleep

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        return await _retried_async(self.policy, self.transport.handle_async_request, self.sleep, request)

    async def aclose(self) -> None:
        await self.transport.aclose()


# -- a ready client -------------------------------------------------------------------------------------------
def token_url_for(base_url: str) -> str:
    """The OAuth2 token endpoint that goes with an API base URL: its origin + ``/oauth/token``.

    ``token_url_for("https://api.us2.kimonocloud.com/v2/grades")`` is
    ``"https://api.us2.kimonocloud.com/oauth/token"``; ``"http://127.0.0.1:8000/v2/grades"`` (the mock) gives
    ``"http://127.0.0.1:8000/oauth/token"``. Raises ``ValueError`` for anything but an absolute http(s) URL.
    """
    try:
        url = httpx.URL(base_url)
    except httpx.InvalidURL as exc:
        raise ValueError(f"base_url is not a valid URL: {exc}") from None
    if url.scheme not in ("http", "https") or not url.host:
        shown = base_url if "@" not in base_url else "(a URL with user info)"
        raise ValueError(f"base_url must be an absolute http(s) URL such as https://host/v2/grades, got {shown!r}")
    return str(url.copy_with(path=TOKEN_PATH, query=None, fragment=None, userinfo=b""))


def connect(
    base_url: str,
    *,
    token: str | None = None,
    client_id: str | None = None,
    client_secret: str | None = None,
    token_url: str | None = None,
    api_key: tuple[str, str] | None = None,
    retry: RetryPolicy | None = None,
    timeout: httpx.Timeout = DEFAULT_TIMEOUT,
    transport: httpx.BaseTransport | None = None,
    async_transport: httpx.AsyncBaseTransport | None = None,
    raise_on_unexpected_status: bool = False,
) -> Client:
    """A generated ``Client`` with auth (a token, client credentials or an API key), retries, timeouts and
    TLS verification on. ``transport``/``async_transport`` replace the network (tests: the mock's ASGI app).
    Use ``call``/``paginate`` to get parsed bodies or one ``ApiError`` for any error status.

    With ``client_id``/``client_secret``, tokens come from ``token_url``, by default the base URL's origin +
    ``/oauth/token`` (``token_url_for(base_url)``): the vendor's ``https://api.us2.kimonocloud.com/oauth/token``
    for ``https://api.us2.kimonocloud.com/v2/grades``, the mock's for ``http://127.0.0.1:8000/v2/grades``.

    Credentials go to the base URL's origin (scheme, host, port) only: the auth adds them to no request for
    anywhere else, redirects are not followed (a 3xx is an ``ApiError``), and ``paginate_json`` refuses a
    ``paging.next`` link to another origin (``ForeignLinkError``). User info in the base URL
    (``https://key:secret@host/v2/interop``) is taken out of the URL, so no log line or error shows it, and
    used as HTTP Basic (``api_key=``) when no other credentials are given (with other credentials it is
    dropped: explicit credentials win, as in httpx).

    The sync and async httpx clients are both built from the same settings (``httpx_args``), so ``call`` and
    ``acall`` work alike on the client and on its ``with_headers``/``with_timeout``/``with_cookies`` copies.
    """
    base_url, userinfo = _without_userinfo(base_url)
    auth: httpx.Auth
    if token is not None:
        auth = BearerAuth(token, origin=base_url)
    elif client_id is not None and client_secret is not None:
        auth = ClientCredentialsAuth(client_id, client_secret, token_url or token_url_for(base_url), origin=base_url)
    elif api_key is not None or userinfo is not None:
        key, secret = api_key or userinfo or ("", "")
        auth = ApiKeyAuth(key, secret, origin=base_url)
    else:
        raise ValueError("give token=, client_id= and client_secret=, or api_key=(key, secret)")
    policy = retry or RetryPolicy()
    return Client(
        base_url=base_url,
        timeout=timeout,
        follow_redirects=False,
        raise_on_unexpected_status=raise_on_unexpected_status,
        httpx_args={
            "auth": auth,
            "transport": RetryTransport(transport, policy, async_transport=async_transport),
        },
    )


# -- pagination -----------------------------------------------------------------------------------------------
DEFAULT_MAX_PAGES: Final = 10_000
"""The default cap on the pages one ``paginate``/``apaginate``/``paginate_json`` reads: more pages than any
list of the API at a page size of a hundred or more; what stops a server that keeps inventing new items
(repeats are stopped sooner: ``PaginationLoop``). Pass ``max_pages=`` (``None``: no cap) for longer lists."""


def _item_key(item: Any) -> str:
    """What tells two list items apart: their ``id`` when they have one, else a digest of their JSON."""
    ident = item.get("id") if isinstance(item, dict) else getattr(item, "id", None)
    if isinstance(ident, str | int | UUID) and not isinstance(ident, bool):
        return f"id:{ident}"
    data = item.to_dict() if callable(getattr(item, "to_dict", None)) else item
    text = json.dumps(data, sort_keys=True, default=str, separators=(",", ":"))
    return "json:" + hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


class _PageGuard:
    """The one loop guard of every pagination: each page is checked before its items are yielded (not the
    same body as a page read before; not only items already read: a list that grows while it is read may
    shift some items onto the next page, but a page with nothing new is a loop) and each ``paging.next``
    before it is followed (not a link back to a page read; no more than ``max_pages`` pages)."""

    def __init__(self, http: httpx.Client | httpx.AsyncClient, max_pages: int | None) -> None:
        if max_pages is not None and max_pages < 1:
            raise ValueError("max_pages must be at least 1 (or None: no cap)")
        self._http = http
        self.max_pages = max_pages
        self.pages = 0
        self._urls: set[str] = set()
        self._bodies: set[bytes] = set()
        self._items: set[str] = set()

    def page(self, response: httpx.Response, items: list[Any]) -> None:
        """Check a page that arrived, before any of its items is handed out."""
        self.pages += 1
        self._urls.add(str(response.request.url))
        digest = hashlib.sha256(response.content).digest()
        if digest in self._bodies:
            raise PaginationLoop(response, f"page {self.pages} is the same as a page read before", self.pages)
        self._bodies.add(digest)
        keys = [_item_key(item) for item in items]
        if keys and all(key in self._items for key in keys):
            raise PaginationLoop(response, f"page {self.pages} holds only items already read", self.pages)
        self._items.update(keys)

    def follow(self, response: httpx.Response, link: str) -> httpx.URL:
        """The URL of the next page ``link`` names, once its items were handed out; refuses a link back to
        a page read and a page past ``max_pages``."""
        try:
            url = self._http.build_request("GET", link).url
        except httpx.InvalidURL:
            raise ResponseParseError(response, "paging.next is not a URL", path="$.paging.next", value=link) from None
        if str(url) in self._urls:
            raise PaginationLoop(
                response, f"paging.next links back to a page already read: {_shown_url(url)}", self.pages
            )
        if self.max_pages is not None and self.pages >= self.max_pages:
            raise PaginationLoop(
                response, f"paging.next still names a next page after max_pages={self.max_pages}", self.pages
            )
        self._urls.add(str(url))
        return url


def _page_items(page: Any) -> tuple[list[Any], str | None]:
    data = getattr(page, "data", None)
    if not isinstance(data, list):
        raise TypeError(f"{type(page).__name__} is not a list response (no data list)")
    paging = getattr(page, "paging", None)
    following = getattr(paging, "next_", None)  # the generated Paging names `next` next_
    return data, following if isinstance(following, str) and following else None


def paginate(
    endpoint: Any,
    client: Any,
    *,
    max_items: int | None = None,
    page_size: int | None = None,
    max_pages: int | None = DEFAULT_MAX_PAGES,
    **kwargs: Any,
) -> Iterator[Any]:
    """Every item of a list operation (a generated module such as ``list_exchanges``), lazily, page by page,
    while ``paging.next`` says there is more; stops after ``max_items``. Errors raise ``ApiError``; a list
    that repeats itself or runs past ``max_pages`` raises ``PaginationLoop`` (see ``DEFAULT_MAX_PAGES``)."""
    http = client.get_httpx_client()
    guard = _PageGuard(http, max_pages)
    page, seen = 0, 0
    if page_size is not None:
        kwargs["page_size"] = page_size
    while True:  # bounded: the guard refuses a repeated page and stops at max_pages
        response = http.request(**endpoint._get_kwargs(page=page, **kwargs))
        items, following = _page_items(_result(endpoint, client, response))
        guard.page(response, items)
        for item in items:
            if max_items is not None and seen >= max_items:
                return
            seen += 1
            yield item
        if following is None or not items:
            return
        guard.follow(response, following)
        page += 1


async def apaginate(
    endpoint: Any,
    client: Any,
    *,
    max_items: int | None = None,
    page_size: int | None = None,
    max_pages: int | None = DEFAULT_MAX_PAGES,
    **kwargs: Any,
) -> AsyncIterator[Any]:
    """The async twin of ``paginate``."""
    http = client.get_async_httpx_client()
    guard = _PageGuard(http, max_pages)
    page, seen = 0, 0
    if page_size is not None:
        kwargs["page_size"] = page_size
    while True:  # bounded: the guard refuses a repeated page and stops at max_pages
        response = await http.request(**endpoint._get_kwargs(page=page, **kwargs))
        items, following = _page_items(_result(endpoint, client, response))
        guard.page(response, items)
        for item in items:
            if max_items is not None and seen >= max_items:
                return
            seen += 1
            yield item
        if following is None or not items:
            return
        guard.follow(response, following)
        page += 1


def paginate_json(
    client: Client | AuthenticatedClient | httpx.Client,
    path: str,
    *,
    max_items: int | None = None,
    max_pages: int | None = DEFAULT_MAX_PAGES,
    **params: Any,
) -> Iterator[dict[str, Any]]:
    """Every item of a list operation as plain JSON dicts, following ``paging.next`` links: for bulk reads
    where building the generated models costs too much (see ``make bench``). ``path`` is relative to the
    client's base URL, e.g. ``"/exchanges"``; ``params`` are its query parameters.

    A ``paging.next`` link is followed only on the origin (scheme, host, port) of the first request, the
    API's: a link anywhere else raises ``ForeignLinkError`` (an ``ApiError``) after the items read so far,
    so the client's credentials are never sent to a host the response names. A list that repeats itself or
    runs past ``max_pages`` raises ``PaginationLoop``, as in ``paginate``."""
    http = _httpx_client(client)
    guard = _PageGuard(http, max_pages)
    request = http.build_request("GET", path, params={k: v for k, v in params.items() if v is not None})
    home = _origin_of(request.url)
    seen = 0
    while True:  # bounded: the guard refuses a repeated page and stops at max_pages
        response = http.send(request)
        if response.status_code != 200:
            raise ApiError(response)
        try:
            body = response.json()
            items, following = body["data"], (body.get("paging") or {}).get("next")
            if not isinstance(items, list):
                raise TypeError("data is not a list")
        except (ValueError, KeyError, TypeError, AttributeError):
            raise ResponseParseError(response, "list response without data") from None
        guard.page(response, items)
        for item in items:
            if max_items is not None and seen >= max_items:
                return
            seen += 1
            yield item
        if not (isinstance(following, str) and following and items):
            return
        request = http.build_request("GET", following)
        if _origin_of(request.url) != home:
            raise ForeignLinkError(response, request.url)
        guard.follow(response, following)
