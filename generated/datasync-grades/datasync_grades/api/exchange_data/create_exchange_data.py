from http import HTTPStatus
from typing import Any
from urllib.parse import quote
from uuid import UUID

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_response import ErrorResponse
from ...models.exchange_data import ExchangeData
from ...models.exchange_envelope import ExchangeEnvelope
from ...types import Response


def _get_kwargs(
    id: UUID,
    *,
    body: ExchangeData,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/exchanges/{id}/data".format(
            id=quote(str(id), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorResponse | ExchangeEnvelope | None:
    if response.status_code == 200:
        response_200 = ExchangeEnvelope.from_dict(response.json())

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

    if response.status_code == 409:
        response_409 = ErrorResponse.from_dict(response.json())

        return response_409

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[ErrorResponse | ExchangeEnvelope]:
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
    body: ExchangeData,
) -> Response[ErrorResponse | ExchangeEnvelope]:
    """Post grade data for an exchange

     The producer answers an exchange with assignments, scores and summaries. Large answers are sent
    in several chunks, each under the exchange's `max_data_content_length` bytes; the last chunk has
    `final: true`, which completes the exchange.

    Args:
        id (UUID):
        body (ExchangeData): Body of `createExchangeData`, one chunk of the producer's answer.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | ExchangeEnvelope]
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
    body: ExchangeData,
) -> ErrorResponse | ExchangeEnvelope | None:
    """Post grade data for an exchange

     The producer answers an exchange with assignments, scores and summaries. Large answers are sent
    in several chunks, each under the exchange's `max_data_content_length` bytes; the last chunk has
    `final: true`, which completes the exchange.

    Args:
        id (UUID):
        body (ExchangeData): Body of `createExchangeData`, one chunk of the producer's answer.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | ExchangeEnvelope
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
    body: ExchangeData,
) -> Response[ErrorResponse | ExchangeEnvelope]:
    """Post grade data for an exchange

     The producer answers an exchange with assignments, scores and summaries. Large answers are sent
    in several chunks, each under the exchange's `max_data_content_length` bytes; the last chunk has
    `final: true`, which completes the exchange.

    Args:
        id (UUID):
        body (ExchangeData): Body of `createExchangeData`, one chunk of the producer's answer.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | ExchangeEnvelope]
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
    body: ExchangeData,
) -> ErrorResponse | ExchangeEnvelope | None:
    """Post grade data for an exchange

     The producer answers an exchange with assignments, scores and summaries. Large answers are sent
    in several chunks, each under the exchange's `max_data_content_length` bytes; the last chunk has
    `final: true`, which completes the exchange.

    Args:
        id (UUID):
        body (ExchangeData): Body of `createExchangeData`, one chunk of the producer's answer.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | ExchangeEnvelope
    """

    return (
        await asyncio_detailed(
            id=id,
            client=client,
            body=body,
        )
    ).parsed
