# Copied from clients/runtime/_pagination.py by clients/generate.py: edit that file, not this copy.
"""Every item of a list operation, page by page, with one guard against pages that repeat or never end."""

from __future__ import annotations

import hashlib
import json
from collections.abc import AsyncIterator, Iterator
from typing import Any, Final
from uuid import UUID

import httpx

from ..client import AuthenticatedClient, Client
from ._bodies import httpx_client
from ._call import parsed_2xx
from ._errors import ApiError, ForeignLinkError, PaginationLoop, ResponseParseError
from ._urls import origin_of, shown_url

DEFAULT_MAX_PAGES: Final = 10_000
"""The default cap on the pages one ``paginate``/``apaginate``/``paginate_json`` reads: more pages than any
list of the API at a page size of a hundred or more; what stops a server that keeps inventing new items
(repeats are stopped sooner: ``PaginationLoop``). Pass ``max_pages=`` (``None``: no cap) for longer lists."""


_ItemKey = tuple[str, str | int]


def _item_key(item: Any) -> _ItemKey:
    """What tells two list items apart: their ``id`` when they have one (a UUID by its number: formatting it as
    text for every item was a measurable share of ``paginate``), else a digest of their JSON."""
    ident = item.get("id") if isinstance(item, dict) else getattr(item, "id", None)
    if isinstance(ident, UUID):
        return "uuid", ident.int
    if isinstance(ident, str | int) and not isinstance(ident, bool):
        return "id", ident
    data = item.to_dict() if callable(getattr(item, "to_dict", None)) else item
    text = json.dumps(data, sort_keys=True, default=str, separators=(",", ":"))
    return "json", hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


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
        self._items: set[_ItemKey] = set()

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
                response, f"paging.next links back to a page already read: {shown_url(url)}", self.pages
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
        items, following = _page_items(parsed_2xx(endpoint, client, response))
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
        items, following = _page_items(parsed_2xx(endpoint, client, response))
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
    http = httpx_client(client)
    guard = _PageGuard(http, max_pages)
    request = http.build_request("GET", path, params={k: v for k, v in params.items() if v is not None})
    home = origin_of(request.url)
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
        if origin_of(request.url) != home:
            raise ForeignLinkError(response, request.url)
        guard.follow(response, following)


__all__ = ["DEFAULT_MAX_PAGES", "apaginate", "paginate", "paginate_json"]
