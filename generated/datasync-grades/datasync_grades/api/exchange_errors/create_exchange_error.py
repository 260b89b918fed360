from http import HTTPStatus
from typing import Any
from urllib.parse import quote
from uuid import UUID

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_response import ErrorResponse
from ...models.exchange_error_create import ExchangeErrorCreate
from ...models.exchange_error_envelope import ExchangeErrorEnvelope
from ...types import Response


def _get_kwargs(
    id: UUID,
    *,
    body: ExchangeErrorCreate,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/exchanges/{id}/errors".format(
            id=quote(str(id), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorResponse | ExchangeErrorEnvelope | None:
    if response.status_code == 200:
        response_200 = ExchangeErrorEnvelope.from_dict(response.json())

        return response_200

    if response.status_code == 400:
        response_400 = ErrorResponse.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = ErrorResponse.from_dict(response.json())

        return response_401

    if response.status_code == 404:
        response_404 = ErrorResponse.from_dict(response.json())

        return response_404

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[ErrorResponse | ExchangeErrorEnvelope]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    id: UUID,
    *,
    client: AuthenticatedClient | Client,
    body: ExchangeErrorCreate,
) -> Response[ErrorResponse | ExchangeErrorEnvelope]:
    """Report an error on an exchange

     The producer reports that it cannot answer the exchange (for example, the query type is not
    supported). The server assigns `id`, timestamps and a human-readable `message`.

    Decision: the docs' summary says "a list of errors" but both the body and the response examples
    are a single error object; this spec follows the examples (one error per request).

    Args:
        id (UUID):
        body (ExchangeErrorCreate): Body of `createExchangeError` (the writable fields of
            `ExchangeError`).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | ExchangeErrorEnvelope]
    """

    kwargs = _get_kwargs(
        id=id,
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    id: UUID,
    *,
    client: AuthenticatedClient | Client,
    body: ExchangeErrorCreate,
) -> ErrorResponse | ExchangeErrorEnvelope | None:
    """Report an error on an exchange

     The producer reports that it cannot answer the exchange (for example, the query type is not
    supported). The server assigns `id`, timestamps and a human-readable `message`.

    Decision: the docs' summary says "a list of errors" but both the body and the response examples
    are a single error object; this spec follows the examples (one error per request).

    Args:
        id (UUID):
        body (ExchangeErrorCreate): Body of `createExchangeError` (the writable fields of
            `ExchangeError`).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | ExchangeErrorEnvelope
    """

    return sync_detailed(
        id=id,
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    id: UUID,
    *,
    client: AuthenticatedClient | Client,
    body: ExchangeErrorCreate,
) -> Response[ErrorResponse | ExchangeErrorEnvelope]:
    """Report an error on an exchange

     The producer reports that it cannot answer the exchange (for example, the query type is not
    supported). The server assigns `id`, timestamps and a human-readable `message`.

    Decision: the docs' summary says "a list of errors" but both the body and the response examples
    are a single error object; this spec follows the examples (one error per request).

    Args:
        id (UUID):
        body (ExchangeErrorCreate): Body of `createExchangeError` (the writable fields of
            `ExchangeError`).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | ExchangeErrorEnvelope]
    """

    kwargs = _get_kwargs(
        id=id,
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    id: UUID,
    *,
    client: AuthenticatedClient | Client,
    body: ExchangeErrorCreate,
) -> ErrorResponse | ExchangeErrorEnvelope | None:
    """Report an error on an exchange

     The producer reports that it cannot answer the exchange (for example, the query type is not
    supported). The server assigns `id`, timestamps and a human-readable `message`.

    Decision: the docs' summary says "a list of errors" but both the body and the response examples
    are a single error object; this spec follows the examples (one error per request).

    Args:
        id (UUID):
        body (ExchangeErrorCreate): Body of `createExchangeError` (the writable fields of
            `ExchangeError`).

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | ExchangeErrorEnvelope
    """

    return (
        await asyncio_detailed(
            id=id,
            client=client,
            body=body,
        )
    ).parsed
