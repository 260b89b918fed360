from http import HTTPStatus
from typing import Any
from uuid import UUID

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_response import ErrorResponse
from ...models.tenant_info_list import TenantInfoList
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    accounts: list[UUID] | Unset = UNSET,
    integrations: list[str] | Unset = UNSET,
    page: int | Unset = 0,
    page_size: int | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    json_accounts: list[str] | Unset = UNSET
    if not isinstance(accounts, Unset):
        json_accounts = []
        for accounts_item_data in accounts:
            accounts_item = str(accounts_item_data)
            json_accounts.append(accounts_item)

    params["accounts"] = json_accounts

    json_integrations: list[str] | Unset = UNSET
    if not isinstance(integrations, Unset):
        json_integrations = integrations

    params["integrations"] = json_integrations

    params["page"] = page

    params["page_size"] = page_size

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/tenants",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorResponse | TenantInfoList | None:
    if response.status_code == 200:
        response_200 = TenantInfoList.from_dict(response.json())

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
) -> Response[ErrorResponse | TenantInfoList]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    accounts: list[UUID] | Unset = UNSET,
    integrations: list[str] | Unset = UNSET,
    page: int | Unset = 0,
    page_size: int | Unset = UNSET,
) -> Response[ErrorResponse | TenantInfoList]:
    """List tenants

     Returns one page of the tenants of your licensed and authorized integrations, optionally only
    those of some accounts or integrations. This account-level call authenticates with HTTP Basic
    (the account API key as user name, its secret as password), as the docs' example shows.

    Decision: array parameters are sent in form style, exploded (`accounts=a&accounts=b`); the docs
    do not say.

    Args:
        accounts (list[UUID] | Unset):
        integrations (list[str] | Unset):
        page (int | Unset):  Default: 0.
        page_size (int | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | TenantInfoList]
    """

    kwargs = _get_kwargs(
        accounts=accounts,
        integrations=integrations,
        page=page,
        page_size=page_size,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    accounts: list[UUID] | Unset = UNSET,
    integrations: list[str] | Unset = UNSET,
    page: int | Unset = 0,
    page_size: int | Unset = UNSET,
) -> ErrorResponse | TenantInfoList | None:
    """List tenants

     Returns one page of the tenants of your licensed and authorized integrations, optionally only
    those of some accounts or integrations. This account-level call authenticates with HTTP Basic
    (the account API key as user name, its secret as password), as the docs' example shows.

    Decision: array parameters are sent in form style, exploded (`accounts=a&accounts=b`); the docs
    do not say.

    Args:
        accounts (list[UUID] | Unset):
        integrations (list[str] | Unset):
        page (int | Unset):  Default: 0.
        page_size (int | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | TenantInfoList
    """

    return sync_detailed(
        client=client,
        accounts=accounts,
        integrations=integrations,
        page=page,
        page_size=page_size,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    accounts: list[UUID] | Unset = UNSET,
    integrations: list[str] | Unset = UNSET,
    page: int | Unset = 0,
    page_size: int | Unset = UNSET,
) -> Response[ErrorResponse | TenantInfoList]:
    """List tenants

     Returns one page of the tenants of your licensed and authorized integrations, optionally only
    those of some accounts or integrations. This account-level call authenticates with HTTP Basic
    (the account API key as user name, its secret as password), as the docs' example shows.

    Decision: array parameters are sent in form style, exploded (`accounts=a&accounts=b`); the docs
    do not say.

    Args:
        accounts (list[UUID] | Unset):
        integrations (list[str] | Unset):
        page (int | Unset):  Default: 0.
        page_size (int | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | TenantInfoList]
    """

    kwargs = _get_kwargs(
        accounts=accounts,
        integrations=integrations,
        page=page,
        page_size=page_size,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    accounts: list[UUID] | Unset = UNSET,
    integrations: list[str] | Unset = UNSET,
    page: int | Unset = 0,
    page_size: int | Unset = UNSET,
) -> ErrorResponse | TenantInfoList | None:
    """List tenants

     Returns one page of the tenants of your licensed and authorized integrations, optionally only
    those of some accounts or integrations. This account-level call authenticates with HTTP Basic
    (the account API key as user name, its secret as password), as the docs' example shows.

    Decision: array parameters are sent in form style, exploded (`accounts=a&accounts=b`); the docs
    do not say.

    Args:
        accounts (list[UUID] | Unset):
        integrations (list[str] | Unset):
        page (int | Unset):  Default: 0.
        page_size (int | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | TenantInfoList
    """

    return (
        await asyncio_detailed(
            client=client,
            accounts=accounts,
            integrations=integrations,
            page=page,
            page_size=page_size,
        )
    ).parsed
