from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.error_response import ErrorResponse
from ...models.scoping_school_envelope import ScopingSchoolEnvelope
from ...models.scoping_schools_create import ScopingSchoolsCreate
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    body: ScopingSchoolsCreate,
    replace: bool | Unset = True,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    params: dict[str, Any] = {}

    params["replace"] = replace

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/tenant/scoping/schools",
        "params": params,
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> ErrorResponse | ScopingSchoolEnvelope | None:
    if response.status_code == 200:
        response_200 = ScopingSchoolEnvelope.from_dict(response.json())

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
) -> Response[ErrorResponse | ScopingSchoolEnvelope]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: ScopingSchoolsCreate,
    replace: bool | Unset = True,
) -> Response[ErrorResponse | ScopingSchoolEnvelope]:
    """Set or add scoping schools

     Stores the given scoping schools: with `replace=true` (the default) they replace all existing
    scoping schools, with `replace=false` they are appended to them. The answer carries one scoping
    school, as the docs' example shows. Decision: it is the first school of the request.

    Args:
        replace (bool | Unset):  Default: True.
        body (ScopingSchoolsCreate): Body of `createScopingSchools`.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | ScopingSchoolEnvelope]
    """

    kwargs = _get_kwargs(
        body=body,
        replace=replace,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    body: ScopingSchoolsCreate,
    replace: bool | Unset = True,
) -> ErrorResponse | ScopingSchoolEnvelope | None:
    """Set or add scoping schools

     Stores the given scoping schools: with `replace=true` (the default) they replace all existing
    scoping schools, with `replace=false` they are appended to them. The answer carries one scoping
    school, as the docs' example shows. Decision: it is the first school of the request.

    Args:
        replace (bool | Unset):  Default: True.
        body (ScopingSchoolsCreate): Body of `createScopingSchools`.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | ScopingSchoolEnvelope
    """

    return sync_detailed(
        client=client,
        body=body,
        replace=replace,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    body: ScopingSchoolsCreate,
    replace: bool | Unset = True,
) -> Response[ErrorResponse | ScopingSchoolEnvelope]:
    """Set or add scoping schools

     Stores the given scoping schools: with `replace=true` (the default) they replace all existing
    scoping schools, with `replace=false` they are appended to them. The answer carries one scoping
    school, as the docs' example shows. Decision: it is the first school of the request.

    Args:
        replace (bool | Unset):  Default: True.
        body (ScopingSchoolsCreate): Body of `createScopingSchools`.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ErrorResponse | ScopingSchoolEnvelope]
    """

    kwargs = _get_kwargs(
        body=body,
        replace=replace,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    body: ScopingSchoolsCreate,
    replace: bool | Unset = True,
) -> ErrorResponse | ScopingSchoolEnvelope | None:
    """Set or add scoping schools

     Stores the given scoping schools: with `replace=true` (the default) they replace all existing
    scoping schools, with `replace=false` they are appended to them. The answer carries one scoping
    school, as the docs' example shows. Decision: it is the first school of the request.

    Args:
        replace (bool | Unset):  Default: True.
        body (ScopingSchoolsCreate): Body of `createScopingSchools`.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ErrorResponse | ScopingSchoolEnvelope
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
            replace=replace,
        )
    ).parsed
