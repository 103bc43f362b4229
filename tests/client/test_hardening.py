"""What protects a caller from a hostile or broken server, and from a body that can't be sent."""

from __future__ import annotations

import asyncio
import logging
import socket
import threading
import time
from collections.abc import Iterator

import httpx
import pytest
from attentive_client import AuthenticatedClient, errors
from attentive_client.api.test_authentication_v2 import get_me_v2
from attentive_client.api.user_properties import post_user_attributes
from attentive_client.models import CreateUserAttributesRequestDtoV2

from .conftest import TOKEN, MakeClient, answers, upsert_body

TRICKLE_INTERVAL = 0.05
TRICKLE_MAX_BYTES = 400  # a bounded trickle: 20 s at most, far past any deadline below


@pytest.fixture
def trickling_server() -> Iterator[str]:
    """A loopback server that sends its headers, then one body byte every 50 ms: each read succeeds, so only a
    total deadline can end the call."""
    listener = socket.create_server(("127.0.0.1", 0))
    stop = threading.Event()

    def serve() -> None:
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                connection, _ = listener.accept()
            except TimeoutError:
                continue
            with connection:
                connection.recv(65536)
                connection.sendall(
                    b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n"
                )
                for _ in range(TRICKLE_MAX_BYTES):
                    if stop.wait(TRICKLE_INTERVAL):
                        break
                    try:
                        connection.sendall(b" ")
                    except OSError:
                        break

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{listener.getsockname()[1]}"
    stop.set()
    thread.join(timeout=5)
    listener.close()


def test_a_trickling_server_cannot_keep_a_call_past_its_deadline(trickling_server: str) -> None:
    client = AuthenticatedClient(base_url=trickling_server, token=TOKEN, deadline=0.5, max_retries=0)
    started = time.monotonic()
    with pytest.raises(errors.APITimeoutError, match=r"deadline of 0\.5 s"):
        get_me_v2.sync(client=client)
    assert time.monotonic() - started < TRICKLE_MAX_BYTES * TRICKLE_INTERVAL / 4


def test_the_deadline_holds_for_async_calls_too(trickling_server: str) -> None:
    client = AuthenticatedClient(base_url=trickling_server, token=TOKEN, deadline=0.5, max_retries=0)
    with pytest.raises(errors.APITimeoutError, match="deadline"):
        asyncio.run(get_me_v2.asyncio(client=client))


def test_a_retry_that_would_outlive_the_deadline_is_not_waited_for(make_client: MakeClient) -> None:
    client, seen = make_client(answers(httpx.Response(429, headers={"retry-after": "30"})), deadline=10.0)
    with pytest.raises(errors.RateLimitError):
        get_me_v2.sync(client=client)
    assert seen.sleeps == []


def test_answers_past_the_size_cap_are_refused(make_client: MakeClient) -> None:
    big = httpx.Response(200, json={"companyName": "x" * 5000})
    client, _ = make_client(answers(big), max_response_bytes=1000)
    with pytest.raises(errors.ResponseTooLargeError, match="1000 bytes"):
        get_me_v2.sync(client=client)


@pytest.mark.parametrize(
    ("custom", "pointer"),
    [({"x": float("nan")}, "/attributes/custom/x"), ({"x": "\ud800"}, "/attributes/custom/x")],
)
@pytest.mark.parametrize("validate", [True, False])
def test_a_body_that_cannot_be_encoded_is_a_validation_error(
    make_client: MakeClient, custom: dict[str, object], pointer: str, validate: bool
) -> None:
    client, seen = make_client(answers(httpx.Response(202, json={})), validate_requests=validate)
    body = CreateUserAttributesRequestDtoV2.from_dict(upsert_body(attributes={"custom": custom}))
    with pytest.raises(errors.RequestValidationError) as raised:
        post_user_attributes.sync(client=client, body=body)
    assert [error.path for error in raised.value.errors] == [pointer]
    assert seen.requests == []


def test_per_call_options_reach_the_wire(make_client: MakeClient) -> None:
    client, seen = make_client(answers(httpx.Response(200, json={})))
    get_me_v2.sync(client=client, extra_headers={"X-Trace": "t-1"}, timeout=3.0, max_retries=0)
    sent = seen.requests[0]
    assert sent.headers["X-Trace"] == "t-1"
    assert sent.extensions["timeout"]["read"] <= 3.0


def test_debug_logging_masks_the_token_and_personal_data(
    make_client: MakeClient, caplog: pytest.LogCaptureFixture
) -> None:
    client, _ = make_client(answers(httpx.Response(202, json={"success": True})))
    body = CreateUserAttributesRequestDtoV2.from_dict(
        {"identifiers": {"email": "ada@example.com", "phone": "+15005550006", "clientUserId": TOKEN}}
    )
    with caplog.at_level(logging.DEBUG, logger="attentive_client"):
        post_user_attributes.sync(client=client, body=body)
    logged = caplog.text
    assert "POST" in logged and "HTTP 202" in logged
    for secret in (TOKEN, "ada@example.com", "+15005550006"):
        assert secret not in logged
