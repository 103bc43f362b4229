from collections.abc import Mapping
from http import HTTPStatus
from typing import Any, cast

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client, Sent
from ...models.get_me_response_dto_v2 import GetMeResponseDtoV2
from ...runtime.validation import json_kind
from ...types import Response

# The runtime reads everything about this operation, its method and path included, from the spec by this id.
_OPERATION_ID = "getMeV2"


def _get_kwargs() -> dict[str, Any]:

    _kwargs: dict[str, Any] = {}

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Any | GetMeResponseDtoV2 | None:
    if response.status_code == 200:
        body = response.json()
        if not isinstance(body, dict):
            raise TypeError(f"the answer is {json_kind(body)}; the spec's schema is an object")
        response_200 = GetMeResponseDtoV2.from_dict(body)

        return response_200

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


def _parse_success(*, client: AuthenticatedClient | Client, sent: Sent) -> GetMeResponseDtoV2:
    """The typed body of a documented 2xx answer; any other answer raises its typed error."""
    response = sent.response
    try:
        if response.status_code == 200:
            body = response.json()
            if not isinstance(body, dict):
                raise TypeError(f"the answer is {json_kind(body)}; the spec's schema is an object")
            response_200 = GetMeResponseDtoV2.from_dict(body)

            return response_200

    except (ValueError, KeyError, TypeError) as error:
        # Not JSON, a required field missing, a value of the wrong kind: a typed error, not a bare KeyError.
        raise client.malformed_response(sent, error) from error
    raise client.error_for(sent)


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[Any | GetMeResponseDtoV2]:
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
    client: AuthenticatedClient | Client,
    max_retries: int | None = None,
    timeout: float | httpx.Timeout | None = None,
    extra_headers: Mapping[str, str] | None = None,
) -> Response[Any | GetMeResponseDtoV2]:
    """Me

     Make a call to this endpoint to test your unique token that you generate in the Attentive product.

    Args:
        max_retries (int | None): retries for this call; None means the client's ``max_retries``.
        timeout (float | httpx.Timeout | None): this call's timeout for each attempt; None means the client's.
        extra_headers (Mapping[str, str] | None): headers added to this call's requests.

    Raises:
        errors.RequestValidationError: If the request breaks the spec (nothing is sent; see
            ``client.validate_requests``).
        errors.APIConnectionError: If no answer arrives after the retries allowed (``errors.APITimeoutError`` when
            a timeout or the client's ``deadline`` ran out).

    Returns:
        Response[Any | GetMeResponseDtoV2]: the last answer, whatever its status.
    """

    kwargs = _get_kwargs()

    sent = client.send(_OPERATION_ID, kwargs, max_retries=max_retries, timeout=timeout, extra_headers=extra_headers)

    return _build_response(client=client, response=sent.response)


def sync(
    *,
    client: AuthenticatedClient | Client,
    max_retries: int | None = None,
    timeout: float | httpx.Timeout | None = None,
    extra_headers: Mapping[str, str] | None = None,
) -> GetMeResponseDtoV2:
    """Me

     Make a call to this endpoint to test your unique token that you generate in the Attentive product.

    Args:
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
        GetMeResponseDtoV2
    """

    kwargs = _get_kwargs()

    sent = client.send(_OPERATION_ID, kwargs, max_retries=max_retries, timeout=timeout, extra_headers=extra_headers)

    return _parse_success(client=client, sent=sent)


async def asyncio_detailed(
    *,
    client: AuthenticatedClient | Client,
    max_retries: int | None = None,
    timeout: float | httpx.Timeout | None = None,
    extra_headers: Mapping[str, str] | None = None,
) -> Response[Any | GetMeResponseDtoV2]:
    """Me

     Make a call to this endpoint to test your unique token that you generate in the Attentive product.

    Args:
        max_retries (int | None): retries for this call; None means the client's ``max_retries``.
        timeout (float | httpx.Timeout | None): this call's timeout for each attempt; None means the client's.
        extra_headers (Mapping[str, str] | None): headers added to this call's requests.

    Raises:
        errors.RequestValidationError: If the request breaks the spec (nothing is sent; see
            ``client.validate_requests``).
        errors.APIConnectionError: If no answer arrives after the retries allowed (``errors.APITimeoutError`` when
            a timeout or the client's ``deadline`` ran out).

    Returns:
        Response[Any | GetMeResponseDtoV2]: the last answer, whatever its status.
    """

    kwargs = _get_kwargs()

    sent = await client.send_async(
        _OPERATION_ID, kwargs, max_retries=max_retries, timeout=timeout, extra_headers=extra_headers
    )

    return _build_response(client=client, response=sent.response)


async def asyncio(
    *,
    client: AuthenticatedClient | Client,
    max_retries: int | None = None,
    timeout: float | httpx.Timeout | None = None,
    extra_headers: Mapping[str, str] | None = None,
) -> GetMeResponseDtoV2:
    """Me

     Make a call to this endpoint to test your unique token that you generate in the Attentive product.

    Args:
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
        GetMeResponseDtoV2
    """

    kwargs = _get_kwargs()

    sent = await client.send_async(
        _OPERATION_ID, kwargs, max_retries=max_retries, timeout=timeout, extra_headers=extra_headers
    )

    return _parse_success(client=client, sent=sent)
