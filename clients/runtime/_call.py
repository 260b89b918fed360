"""A generated operation's parsed 2xx body, or one typed error: the runtime's one check of a response's shape.

The generated models check what they parse (``from_dict`` raises ``ModelParseError`` naming the field, the value
and what was expected: see the package's ``errors``); this module turns that error into the runtime's
``ResponseParseError`` with a JSON path into the body (``data[2].id`` becomes ``$.data[2].id``). Nothing walks a
parsed body a second time.
"""

from __future__ import annotations

import contextlib
import json
from typing import Any

import httpx

from ..client import AuthenticatedClient, Client
from ..errors import ModelParseError
from ..types import Unset
from ._errors import MISSING, ResponseParseError, error_for

_PARSE_ERRORS = (KeyError, TypeError, ValueError, AttributeError)
_SHOWN_CHARS = 80


def call(endpoint: Any, *args: Any, client: Client | AuthenticatedClient, **kwargs: Any) -> Any:
    """Call a generated operation module and return its parsed 2xx body: ``call(get_exchange, id, client=c)``.

    Any other status raises ``ApiError`` (with the request and the error envelope). A 2xx body the generated
    models cannot read raises ``ResponseParseError`` naming the field and the value (``$.data.id``, ``123``).
    ``null`` for an optional field reads as absent, and fields the spec does not know are kept
    (``additional_properties``), not refused.
    """
    response = client.get_httpx_client().request(**endpoint._get_kwargs(*args, **kwargs))
    return parsed_2xx(endpoint, client, response)


async def acall(endpoint: Any, *args: Any, client: Client | AuthenticatedClient, **kwargs: Any) -> Any:
    """The async twin of ``call``."""
    response = await client.get_async_httpx_client().request(**endpoint._get_kwargs(*args, **kwargs))
    return parsed_2xx(endpoint, client, response)


def parsed_2xx(endpoint: Any, client: Client | AuthenticatedClient, response: httpx.Response) -> Any:
    """What the generated operation parses from a 2xx ``response`` (``None``: a 2xx it does not document), or
    ``error_for(response)`` for any other status; ``ResponseParseError`` when the body does not parse."""
    if not 200 <= response.status_code < 300:
        # The generated parser raises UnexpectedStatus for an undocumented status if the client says so; an
        # error body the models cannot read is still the error its status says.
        with contextlib.suppress(*_PARSE_ERRORS):
            endpoint._build_response(client=client, response=response)
        raise error_for(response, endpoint)
    try:
        return endpoint._build_response(client=client, response=response).parsed
    except ModelParseError as exc:
        raise unreadable(response, exc) from None
    except (json.JSONDecodeError, UnicodeDecodeError):  # not JSON, or not UTF-8 text at all
        raise unreadable(response, ModelParseError("", response.text, "expected JSON")) from None
    except _PARSE_ERRORS as exc:
        raise ResponseParseError(response, f"response body does not match the spec: {exc!r}") from exc


def unreadable(response: httpx.Response, error: ModelParseError) -> ResponseParseError:
    """The ``ResponseParseError`` for a model's parse error: its field as a JSON path into the body (``$`` for
    the body itself), its value (``MISSING`` for an absent required field) and what was expected."""
    field = error.field
    path = "$" if not field else "$" + field if field.startswith("[") else "$." + field
    value = MISSING if isinstance(error.value, Unset) else error.value
    problem = error.reason if value is MISSING else f"{error.reason}, got {_shown(value)}"
    return ResponseParseError(
        response, f"response body does not match the spec at {path}: {problem}", path=path, value=value
    )


def _shown(value: Any) -> str:
    try:
        text = json.dumps(value, ensure_ascii=False, default=str)
    except (TypeError, ValueError):
        text = repr(value)
    return text if len(text) <= _SHOWN_CHARS else text[: _SHOWN_CHARS - 3] + "..."


__all__ = ["acall", "call", "parsed_2xx", "unreadable"]
