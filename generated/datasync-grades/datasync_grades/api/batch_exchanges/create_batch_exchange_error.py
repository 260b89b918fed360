from http import HTTPStatus
from typing import Any
from urllib.parse import quote
from uuid import UUID

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.batch_exchange_error_create import BatchExchangeErrorCreate
from ...models.batch_exchange_error_envelope import BatchExchangeErrorEnvelope
from ...models.error_response import ErrorResponse
from ...types import Response


def _get_kwargs(
    id: UUID,
    *,
    body: BatchExchangeErrorCreate,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/batch/{id}/error".format(
            id=quote(str(id), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> BatchExchangeErrorEnvelope | ErrorResponse | None:
    if response.status_code == 200:
        response_200 = BatchExchangeErrorEnvelope.from_dict(response.json())

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
) -> Response[BatchExchangeErrorEnvelope | ErrorResponse]:
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
    body: BatchExchangeErrorCreate,
) -> Response[BatchExchangeErrorEnvelope | ErrorResponse]:
    """Report an error on a batch exchange

     The producer reports that it cannot answer a batch exchange.

    Args:
        id (UUID):
        body (BatchExchangeErrorCreate): Body of `createBatchExchangeError`.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[BatchExchangeErrorEnvelope | ErrorResponse]
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
    body: BatchExchangeErrorCreate,
) -> BatchExchangeErrorEnvelope | ErrorResponse | None:
    """Report an error on a batch exchange

     The producer reports that it cannot answer a batch exchange.

    Args:
        id (UUID):
        body (BatchExchangeErrorCreate): Body of `createBatchExchangeError`.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        BatchExchangeErrorEnvelope | ErrorResponse
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
    body: BatchExchangeErrorCreate,
) -> Response[BatchExchangeErrorEnvelope | ErrorResponse]:
    """Report an error on a batch exchange

     The producer reports that it cannot answer a batch exchange.

    Args:
        id (UUID):
        body (BatchExchangeErrorCreate): Body of `createBatchExchangeError`.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[BatchExchangeErrorEnvelope | ErrorResponse]
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
    body: BatchExchangeErrorCreate,
) -> BatchExchangeErrorEnvelope | ErrorResponse | None:
    """Report an error on a batch exchange

     The producer reports that it cannot answer a batch exchange.

    Args:
        id (UUID):
        body (BatchExchangeErrorCreate): Body of `createBatchExchangeError`.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        BatchExchangeErrorEnvelope | ErrorResponse
    """

    return (
        await asyncio_detailed(
            id=id,
            client=client,
            body=body,
        )
    ).parsed
