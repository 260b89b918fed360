from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_response import ErrorResponse
from ...models.exchange_state_known import ExchangeStateKnown
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    course_app_id: str | Unset = UNSET,
    state: ExchangeStateKnown | str | Unset = UNSET,
    posted_by: str | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["course_app_id"] = course_app_id

    json_state: str | Unset
    if isinstance(state, Unset):
        json_state = UNSET
    elif isinstance(state, ExchangeStateKnown):
        json_state = state.value
    else:
        json_state = state
    params["state"] = json_state

    params["posted_by"] = posted_by

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/exchanges/count",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorResponse | int | None:
    if response.status_code == 200:
        response_200 = response.json()
        if type(response_200) is not int:
            raise errors.ModelParseError("", response_200, "expected an integer")

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
) -> Response[ErrorResponse | int]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    course_app_id: str | Unset = UNSET,
    state: ExchangeStateKnown | str | Unset = UNSET,
    posted_by: str | Unset = UNSET,
) -> Response[ErrorResponse | int]:
    """Count exchanges

     Returns, as a bare JSON integer, how many exchanges match the same filters as `listExchanges`.
    Divide by the page size to find the number of pages.

    Args:
        course_app_id (str | Unset):
        state (ExchangeStateKnown | str | Unset): Lifecycle state of an exchange. Open
            enumeration.
        posted_by (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | int]
    """

    kwargs = _get_kwargs(
        course_app_id=course_app_id,
        state=state,
        posted_by=posted_by,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    course_app_id: str | Unset = UNSET,
    state: ExchangeStateKnown | str | Unset = UNSET,
    posted_by: str | Unset = UNSET,
) -> ErrorResponse | int | None:
    """Count exchanges

     Returns, as a bare JSON integer, how many exchanges match the same filters as `listExchanges`.
    Divide by the page size to find the number of pages.

    Args:
        course_app_id (str | Unset):
        state (ExchangeStateKnown | str | Unset): Lifecycle state of an exchange. Open
            enumeration.
        posted_by (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | int
    """

    return sync_detailed(
        client=client,
        course_app_id=course_app_id,
        state=state,
        posted_by=posted_by,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    course_app_id: str | Unset = UNSET,
    state: ExchangeStateKnown | str | Unset = UNSET,
    posted_by: str | Unset = UNSET,
) -> Response[ErrorResponse | int]:
    """Count exchanges

     Returns, as a bare JSON integer, how many exchanges match the same filters as `listExchanges`.
    Divide by the page size to find the number of pages.

    Args:
        course_app_id (str | Unset):
        state (ExchangeStateKnown | str | Unset): Lifecycle state of an exchange. Open
            enumeration.
        posted_by (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | int]
    """

    kwargs = _get_kwargs(
        course_app_id=course_app_id,
        state=state,
        posted_by=posted_by,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    course_app_id: str | Unset = UNSET,
    state: ExchangeStateKnown | str | Unset = UNSET,
    posted_by: str | Unset = UNSET,
) -> ErrorResponse | int | None:
    """Count exchanges

     Returns, as a bare JSON integer, how many exchanges match the same filters as `listExchanges`.
    Divide by the page size to find the number of pages.

    Args:
        course_app_id (str | Unset):
        state (ExchangeStateKnown | str | Unset): Lifecycle state of an exchange. Open
            enumeration.
        posted_by (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | int
    """

    return (
        await asyncio_detailed(
            client=client,
            course_app_id=course_app_id,
            state=state,
            posted_by=posted_by,
        )
    ).parsed
