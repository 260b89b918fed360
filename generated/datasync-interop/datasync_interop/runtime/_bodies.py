# Copied from clients/runtime/_bodies.py by clients/generate.py: edit that file, not this copy.
"""Bodies read whole or streamed, never past a cap (``download``, ``streamed``); an error status's body cut short."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any, Final

import httpx

from ..client import AuthenticatedClient, Client
from ._codecs import MiB
from ._errors import BodyTooLarge, error_for

DEFAULT_MAX_DOWNLOAD: Final = 32 * MiB
"""The default cap on a body ``download`` and ``streamed`` read (an artifact as sent, or the CSV report).
Compressed JSON is a fraction of the text it holds, so an artifact within ``DEFAULT_MAX_DECOMPRESSED``
downloads well within this, and the course IDs report is one short line per course. Pass ``max_bytes=``."""
_ERROR_BODY_BYTES = 64 * 1024  # what is kept of an error status's body: an error envelope fits many times


def httpx_client(client: Client | AuthenticatedClient | httpx.Client) -> httpx.Client:
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
    with httpx_client(client).stream("GET", url, **kwargs) as response:
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


__all__ = ["DEFAULT_MAX_DOWNLOAD", "download", "httpx_client", "streamed"]
