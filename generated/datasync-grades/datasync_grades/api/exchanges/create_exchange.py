from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_response import ErrorResponse
from ...models.exchange_create import ExchangeCreate
from ...models.exchange_envelope import ExchangeEnvelope
from ...types import Response


def _get_kwargs(
    *,
    body: ExchangeCreate,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/exchanges",
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
    *,
    client: AuthenticatedClient | Client,
    body: ExchangeCreate,
) -> Response[ErrorResponse | ExchangeEnvelope]:
    """Create an exchange

     Starts a new Grades Exchange for the given query. A new exchange is in state `created` until its
    producer answers it.

    Decision: the docs list only `metadata` as a body field but their example also sends `query`;
    both are accepted and neither is required, as documented.

    Args:
        body (ExchangeCreate): Body of `createExchange`.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | ExchangeEnvelope]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    body: ExchangeCreate,
) -> ErrorResponse | ExchangeEnvelope | None:
    """Create an exchange

     Starts a new Grades Exchange for the given query. A new exchange is in state `created` until its
    producer answers it.

    Decision: the docs list only `metadata` as a body field but their example also sends `query`;
    both are accepted and neither is required, as documented.

    Args:
        body (ExchangeCreate): Body of `createExchange`.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | ExchangeEnvelope
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: ExchangeCreate,
) -> Response[ErrorResponse | ExchangeEnvelope]:
    """Create an exchange

     Starts a new Grades Exchange for the given query. A new exchange is in state `created` until its
    producer answers it.

    Decision: the docs list only `metadata` as a body field but their example also sends `query`;
    both are accepted and neither is required, as documented.

    Args:
        body (ExchangeCreate): Body of `createExchange`.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | ExchangeEnvelope]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    body: ExchangeCreate,
) -> ErrorResponse | ExchangeEnvelope | None:
    """Create an exchange

     Starts a new Grades Exchange for the given query. A new exchange is in state `created` until its
    producer answers it.

    Decision: the docs list only `metadata` as a body field but their example also sends `query`;
    both are accepted and neither is required, as documented.

    Args:
        body (ExchangeCreate): Body of `createExchange`.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | ExchangeEnvelope
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
