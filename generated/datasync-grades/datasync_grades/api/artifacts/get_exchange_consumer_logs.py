from http import HTTPStatus
from io import BytesIO
from typing import Any
from urllib.parse import quote
from uuid import UUID

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_response import ErrorResponse
from ...types import UNSET, File, Response, Unset


def _get_kwargs(
    id: UUID,
    *,
    course_app_id: str | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["course_app_id"] = course_app_id

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/exchanges/{id}/artifacts/consumerlogs".format(
            id=quote(str(id), safe=""),
        ),
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorResponse | File | None:
    if response.status_code == 200:
        response_200 = File(payload=BytesIO(response.content))

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
) -> Response[ErrorResponse | File]:
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
    course_app_id: str | Unset = UNSET,
) -> Response[ErrorResponse | File]:
    """Download an exchange's consumer-log artifact

     Downloads the consumer logs of a completed exchange: a gzip-compressed JSON document (`.json.gz`),
    returned as raw bytes that the client does not decompress. When nothing was sent to the SIS there
    are no logs: the answer is then 404.

    Args:
        id (UUID):
        course_app_id (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | File]
    """

    kwargs = _get_kwargs(
        id=id,
        course_app_id=course_app_id,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    id: UUID,
    *,
    client: AuthenticatedClient | Client,
    course_app_id: str | Unset = UNSET,
) -> ErrorResponse | File | None:
    """Download an exchange's consumer-log artifact

     Downloads the consumer logs of a completed exchange: a gzip-compressed JSON document (`.json.gz`),
    returned as raw bytes that the client does not decompress. When nothing was sent to the SIS there
    are no logs: the answer is then 404.

    Args:
        id (UUID):
        course_app_id (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | File
    """

    return sync_detailed(
        id=id,
        client=client,
        course_app_id=course_app_id,
    ).parsed


async def asyncio_detailed(
    id: UUID,
    *,
    client: AuthenticatedClient | Client,
    course_app_id: str | Unset = UNSET,
) -> Response[ErrorResponse | File]:
    """Download an exchange's consumer-log artifact

     Downloads the consumer logs of a completed exchange: a gzip-compressed JSON document (`.json.gz`),
    returned as raw bytes that the client does not decompress. When nothing was sent to the SIS there
    are no logs: the answer is then 404.

    Args:
        id (UUID):
        course_app_id (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | File]
    """

    kwargs = _get_kwargs(
        id=id,
        course_app_id=course_app_id,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    id: UUID,
    *,
    client: AuthenticatedClient | Client,
    course_app_id: str | Unset = UNSET,
) -> ErrorResponse | File | None:
    """Download an exchange's consumer-log artifact

     Downloads the consumer logs of a completed exchange: a gzip-compressed JSON document (`.json.gz`),
    returned as raw bytes that the client does not decompress. When nothing was sent to the SIS there
    are no logs: the answer is then 404.

    Args:
        id (UUID):
        course_app_id (str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | File
    """

    return (
        await asyncio_detailed(
            id=id,
            client=client,
            course_app_id=course_app_id,
        )
    ).parsed
