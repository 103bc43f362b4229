from collections.abc import Mapping
from http import HTTPStatus
from typing import Any, cast

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client, Sent
from ...models.create_user_attributes_request_dto_v2 import CreateUserAttributesRequestDtoV2
from ...models.success import Success
from ...runtime.validation import json_kind
from ...types import Response

# The runtime reads everything about this operation, its method and path included, from the spec by this id.
_OPERATION_ID = "postUserAttributes"


def _get_kwargs(
    *,
    body: CreateUserAttributesRequestDtoV2,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {}

    _kwargs["json"] = body.to_dict()

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Any | Success | None:
    if response.status_code == 202:
        body = response.json()
        if not isinstance(body, dict):
            raise TypeError(f"the answer is {json_kind(body)}; the spec's schema is an object")
        response_202 = Success.from_dict(body)

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
        # Redacted like every other error: a server may echo the token in the answer.
        raise errors.UnexpectedStatus(
            response.status_code, response.content, headers=response.headers, secrets=client.redactor().secrets
        )
    else:
        return None


def _parse_success(*, client: AuthenticatedClient | Client, sent: Sent) -> Success:
    """The typed body of a documented 2xx answer; any other answer raises its typed error."""
    response = sent.response
    try:
        if response.status_code == 202:
            body = response.json()
            if not isinstance(body, dict):
                raise TypeError(f"the answer is {json_kind(body)}; the spec's schema is an object")
            response_202 = Success.from_dict(body)

            return response_202

    except (ValueError, KeyError, TypeError) as error:
        # Not JSON, a required field missing, a value of the wrong kind: a typed error, not a bare KeyError.
        raise client.malformed_response(sent, error) from error
    raise client.error_for(sent)


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Any | Success]:
    try:
        parsed = _parse_response(client=client, response=response)
    except (ValueError, KeyError, TypeError):
        # The detailed functions return the raw answer whatever it holds: a body the model can't read stays
        # unparsed (``content`` has it) instead of failing the call.
        parsed = None
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=parsed,
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: CreateUserAttributesRequestDtoV2,
    max_retries: int | None = None,
    timeout: float | httpx.Timeout | None = None,
    extra_headers: Mapping[str, str] | None = None,
) -> Response[Any | Success]:
    """Create or update a single user with attributes, subscriptions, and identifiers

     Creates or updates a single user record, including associated attributes, subscriptions, and
    identifiers. If a user with the provided identifiers already exists, their information will be
    updated; otherwise, a new user will be created.

    There is a limit of 100 of custom attributes that can be created. If intending to update an existing
    attribute, the name of the key must match the name of the existing attribute. If an existing
    attribute does not exist, a new attribute will be created with the given key as the name. Attributes
    with enumerated values must have a value that matches an existing enum value; new enum values will
    not be created.  Attempting to pass custom attributes as an array or a map such as `["New York
    City]` or `{"favorite city": "Boston"}` will result in a 400 error.

    Default Rate Limit: 150 requests per second

    Args:
        body (CreateUserAttributesRequestDtoV2):
        max_retries (int | None): retries for this call; None means the client's ``max_retries``.
        timeout (float | httpx.Timeout | None): this call's timeout for each attempt; None means the client's.
        extra_headers (Mapping[str, str] | None): headers added to this call's requests.

    Raises:
        errors.RequestValidationError: If the request breaks the spec (nothing is sent; see
            ``client.validate_requests``).
        errors.APIConnectionError: If no answer arrives after the retries allowed (``errors.APITimeoutError`` when
            a timeout or the client's ``deadline`` ran out).

    Returns:
        Response[Any | Success]: the last answer, whatever its status.
    """

    kwargs = _get_kwargs(
        body=body,
    )

    sent = client.send(_OPERATION_ID, kwargs, max_retries=max_retries, timeout=timeout, extra_headers=extra_headers)

    return _build_response(client=client, response=sent.response)


def sync(
    *,
    client: AuthenticatedClient,
    body: CreateUserAttributesRequestDtoV2,
    max_retries: int | None = None,
    timeout: float | httpx.Timeout | None = None,
    extra_headers: Mapping[str, str] | None = None,
) -> Success:
    """Create or update a single user with attributes, subscriptions, and identifiers

     Creates or updates a single user record, including associated attributes, subscriptions, and
    identifiers. If a user with the provided identifiers already exists, their information will be
    updated; otherwise, a new user will be created.

    There is a limit of 100 of custom attributes that can be created. If intending to update an existing
    attribute, the name of the key must match the name of the existing attribute. If an existing
    attribute does not exist, a new attribute will be created with the given key as the name. Attributes
    with enumerated values must have a value that matches an existing enum value; new enum values will
    not be created.  Attempting to pass custom attributes as an array or a map such as `["New York
    City]` or `{"favorite city": "Boston"}` will result in a 400 error.

    Default Rate Limit: 150 requests per second

    Args:
        body (CreateUserAttributesRequestDtoV2):
        max_retries (int | None): retries for this call; None means the client's ``max_retries``.
        timeout (float | httpx.Timeout | None): this call's timeout for each attempt; None means the client's.
        extra_headers (Mapping[str, str] | None): headers added to this call's requests.

    Raises:
        errors.RequestValidationError: If the request breaks the spec (nothing is sent; see
            ``client.validate_requests``).
        errors.APIStatusError: For a non-2xx answer after the retries allowed, as the subclass for its status
            (``errors.BadRequestError``, ``errors.RateLimitError``, ``errors.ServerError``, ...).
        errors.APIConnectionError: If no answer arrives after the retries allowed (``errors.APITimeoutError`` when
            a timeout or the client's ``deadline`` ran out).

    Returns:
        Success
    """

    kwargs = _get_kwargs(
        body=body,
    )

    sent = client.send(_OPERATION_ID, kwargs, max_retries=max_retries, timeout=timeout, extra_headers=extra_headers)

    return _parse_success(client=client, sent=sent)


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: CreateUserAttributesRequestDtoV2,
    max_retries: int | None = None,
    timeout: float | httpx.Timeout | None = None,
    extra_headers: Mapping[str, str] | None = None,
) -> Response[Any | Success]:
    """Create or update a single user with attributes, subscriptions, and identifiers

     Creates or updates a single user record, including associated attributes, subscriptions, and
    identifiers. If a user with the provided identifiers already exists, their information will be
    updated; otherwise, a new user will be created.

    There is a limit of 100 of custom attributes that can be created. If intending to update an existing
    attribute, the name of the key must match the name of the existing attribute. If an existing
    attribute does not exist, a new attribute will be created with the given key as the name. Attributes
    with enumerated values must have a value that matches an existing enum value; new enum values will
    not be created.  Attempting to pass custom attributes as an array or a map such as `["New York
    City]` or `{"favorite city": "Boston"}` will result in a 400 error.

    Default Rate Limit: 150 requests per second

    Args:
        body (CreateUserAttributesRequestDtoV2):
        max_retries (int | None): retries for this call; None means the client's ``max_retries``.
        timeout (float | httpx.Timeout | None): this call's timeout for each attempt; None means the client's.
        extra_headers (Mapping[str, str] | None): headers added to this call's requests.

    Raises:
        errors.RequestValidationError: If the request breaks the spec (nothing is sent; see
            ``client.validate_requests``).
        errors.APIConnectionError: If no answer arrives after the retries allowed (``errors.APITimeoutError`` when
            a timeout or the client's ``deadline`` ran out).

    Returns:
        Response[Any | Success]: the last answer, whatever its status.
    """

    kwargs = _get_kwargs(
        body=body,
    )

    sent = await client.send_async(
        _OPERATION_ID, kwargs, max_retries=max_retries, timeout=timeout, extra_headers=extra_headers
    )

    return _build_response(client=client, response=sent.response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    body: CreateUserAttributesRequestDtoV2,
    max_retries: int | None = None,
    timeout: float | httpx.Timeout | None = None,
    extra_headers: Mapping[str, str] | None = None,
) -> Success:
    """Create or update a single user with attributes, subscriptions, and identifiers

     Creates or updates a single user record, including associated attributes, subscriptions, and
    identifiers. If a user with the provided identifiers already exists, their information will be
    updated; otherwise, a new user will be created.

    There is a limit of 100 of custom attributes that can be created. If intending to update an existing
    attribute, the name of the key must match the name of the existing attribute. If an existing
    attribute does not exist, a new attribute will be created with the given key as the name. Attributes
    with enumerated values must have a value that matches an existing enum value; new enum values will
    not be created.  Attempting to pass custom attributes as an array or a map such as `["New York
    City]` or `{"favorite city": "Boston"}` will result in a 400 error.

    Default Rate Limit: 150 requests per second

    Args:
        body (CreateUserAttributesRequestDtoV2):
        max_retries (int | None): retries for this call; None means the client's ``max_retries``.
        timeout (float | httpx.Timeout | None): this call's timeout for each attempt; None means the client's.
        extra_headers (Mapping[str, str] | None): headers added to this call's requests.

    Raises:
        errors.RequestValidationError: If the request breaks the spec (nothing is sent; see
            ``client.validate_requests``).
        errors.APIStatusError: For a non-2xx answer after the retries allowed, as the subclass for its status
            (``errors.BadRequestError``, ``errors.RateLimitError``, ``errors.ServerError``, ...).
        errors.APIConnectionError: If no answer arrives after the retries allowed (``errors.APITimeoutError`` when
            a timeout or the client's ``deadline`` ran out).

    Returns:
        Success
    """

    kwargs = _get_kwargs(
        body=body,
    )

    sent = await client.send_async(
        _OPERATION_ID, kwargs, max_retries=max_retries, timeout=timeout, extra_headers=extra_headers
    )

    return _parse_success(client=client, sent=sent)
