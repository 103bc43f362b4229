from http import HTTPStatus
from typing import Any, cast

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.bulk_success_response import BulkSuccessResponse
from ...models.user_attributes import UserAttributes
from ...types import Response


def _get_kwargs(
    *,
    body: UserAttributes,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v2/bulk/user/attributes",
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Any | BulkSuccessResponse | None:
    if response.status_code == 202:
        response_202 = BulkSuccessResponse.from_dict(response.json())

        return response_202

    if response.status_code == 400:
        response_400 = cast(Any, None)
        return response_400

    if response.status_code == 401:
        response_401 = cast(Any, None)
        return response_401

    if response.status_code == 403:
        response_403 = cast(Any, None)
        return response_403

    if response.status_code == 404:
        response_404 = cast(Any, None)
        return response_404

    if response.status_code == 429:
        response_429 = cast(Any, None)
        return response_429

    if response.status_code == 500:
        response_500 = cast(Any, None)
        return response_500

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[Any | BulkSuccessResponse]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: UserAttributes,
) -> Response[Any | BulkSuccessResponse]:
    """Bulk User Attributes

     This endpoint allows clients to submit multiple user attribute updates in bulk, accepting up to 256
    payloads per request. Each request is validated, and a unique batch ID is returned for tracking the
    status of the batch.

    Scopes Required: [attributes:write subscriptions:write]

    Default Rate Limit: 100 requests per second

    Args:
        body (UserAttributes): Up to 256 user upserts submitted as one asynchronous bulk job.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | BulkSuccessResponse]
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
    client: AuthenticatedClient,
    body: UserAttributes,
) -> Any | BulkSuccessResponse | None:
    """Bulk User Attributes

     This endpoint allows clients to submit multiple user attribute updates in bulk, accepting up to 256
    payloads per request. Each request is validated, and a unique batch ID is returned for tracking the
    status of the batch.

    Scopes Required: [attributes:write subscriptions:write]

    Default Rate Limit: 100 requests per second

    Args:
        body (UserAttributes): Up to 256 user upserts submitted as one asynchronous bulk job.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | BulkSuccessResponse
    """

    return sync_detailed(
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: UserAttributes,
) -> Response[Any | BulkSuccessResponse]:
    """Bulk User Attributes

     This endpoint allows clients to submit multiple user attribute updates in bulk, accepting up to 256
    payloads per request. Each request is validated, and a unique batch ID is returned for tracking the
    status of the batch.

    Scopes Required: [attributes:write subscriptions:write]

    Default Rate Limit: 100 requests per second

    Args:
        body (UserAttributes): Up to 256 user upserts submitted as one asynchronous bulk job.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Any | BulkSuccessResponse]
    """

    kwargs = _get_kwargs(
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    body: UserAttributes,
) -> Any | BulkSuccessResponse | None:
    """Bulk User Attributes

     This endpoint allows clients to submit multiple user attribute updates in bulk, accepting up to 256
    payloads per request. Each request is validated, and a unique batch ID is returned for tracking the
    status of the batch.

    Scopes Required: [attributes:write subscriptions:write]

    Default Rate Limit: 100 requests per second

    Args:
        body (UserAttributes): Up to 256 user upserts submitted as one asynchronous bulk job.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Any | BulkSuccessResponse
    """

    return (
        await asyncio_detailed(
            client=client,
            body=body,
        )
    ).parsed
