from http import HTTPStatus
from typing import Any
from urllib.parse import quote
from uuid import UUID

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.batch_context_data import BatchContextData
from ...models.batch_context_data_envelope import BatchContextDataEnvelope
from ...models.error_response import ErrorResponse
from ...types import Response


def _get_kwargs(
    id: UUID,
    *,
    body: BatchContextData,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/batch/{id}/data".format(
            id=quote(str(id), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> BatchContextDataEnvelope | ErrorResponse | None:
    if response.status_code == 200:
        response_200 = BatchContextDataEnvelope.from_dict(response.json())

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
) -> Response[BatchContextDataEnvelope | ErrorResponse]:
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
    body: BatchContextData,
) -> Response[BatchContextDataEnvelope | ErrorResponse]:
    """Post context data for a batch exchange

     The producer tells the batch exchange which courses it covers. Decision: posting replaces the
    batch exchange's course ids (the docs do not say replace or append).

    Args:
        id (UUID):
        body (BatchContextData): Context data of a batch exchange.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[BatchContextDataEnvelope | ErrorResponse]
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
    body: BatchContextData,
) -> BatchContextDataEnvelope | ErrorResponse | None:
    """Post context data for a batch exchange

     The producer tells the batch exchange which courses it covers. Decision: posting replaces the
    batch exchange's course ids (the docs do not say replace or append).

    Args:
        id (UUID):
        body (BatchContextData): Context data of a batch exchange.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        BatchContextDataEnvelope | ErrorResponse
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
    body: BatchContextData,
) -> Response[BatchContextDataEnvelope | ErrorResponse]:
    """Post context data for a batch exchange

     The producer tells the batch exchange which courses it covers. Decision: posting replaces the
    batch exchange's course ids (the docs do not say replace or append).

    Args:
        id (UUID):
        body (BatchContextData): Context data of a batch exchange.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[BatchContextDataEnvelope | ErrorResponse]
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
    body: BatchContextData,
) -> BatchContextDataEnvelope | ErrorResponse | None:
    """Post context data for a batch exchange

     The producer tells the batch exchange which courses it covers. Decision: posting replaces the
    batch exchange's course ids (the docs do not say replace or append).

    Args:
        id (UUID):
        body (BatchContextData): Context data of a batch exchange.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        BatchContextDataEnvelope | ErrorResponse
    """

    return (
        await asyncio_detailed(
            id=id,
            client=client,
            body=body,
        )
    ).parsed
