"""The token appears in no repr, str, log line, error message or request dump the client makes."""

from __future__ import annotations

import asyncio
import logging

import httpx
import pytest
from attentive_client import AuthenticatedClient, errors
from attentive_client.api.bulk_status import get_bulk_job_status
from attentive_client.api.user_properties import post_user_attributes
from attentive_client.models import CreateUserAttributesRequestDtoV2

from .conftest import ACCEPTED, TOKEN, MakeClient, answers


def test_the_token_is_sent(make_client: MakeClient) -> None:
    on_the_wire: list[str] = []

    def handle(request: httpx.Request) -> httpx.Response:
        # Read as it goes out: once sent, the kept request no longer holds the credential (see below).
        on_the_wire.append(request.headers["Authorization"])
        return answers(ACCEPTED)(request)

    client, _ = make_client(handle)
    get_bulk_job_status.sync_detailed("job-1", client=client)
    assert on_the_wire == [f"Bearer {TOKEN}"]


def test_no_repr_shows_the_token_before_or_after_a_request(make_client: MakeClient) -> None:
    client, _ = make_client(answers(ACCEPTED), headers={"X-Trace": "on"})
    shown = [repr(client), str(client)]
    get_bulk_job_status.sync_detailed("job-1", client=client)
    asyncio.run(get_bulk_job_status.asyncio_detailed("job-1", client=client))
    http = client.get_httpx_client()
    shown += [repr(client), str(client), repr(http.headers), repr(client.get_async_httpx_client().headers)]
    shown += [repr(http.auth), str(http.auth), repr(client.with_headers({"X-Other": "1"}))]
    for text in shown:
        assert TOKEN not in text


def test_a_token_passed_as_a_header_is_redacted_in_repr() -> None:
    client = AuthenticatedClient(token=TOKEN, headers={"Authorization": f"Bearer {TOKEN}"})
    assert TOKEN not in repr(client)
    assert "[redacted]" in repr(client)


def test_a_custom_auth_header_is_redacted_in_request_dumps(caplog: pytest.LogCaptureFixture) -> None:
    transport = httpx.MockTransport(answers(ACCEPTED))
    client = AuthenticatedClient(
        token=TOKEN, prefix="", auth_header_name="X-Api-Token", httpx_args={"transport": transport}
    )
    with caplog.at_level(logging.DEBUG):
        get_bulk_job_status.sync_detailed("job-1", client=client)
    assert "x-api-token" in caplog.text.lower()
    assert TOKEN not in caplog.text
    assert TOKEN not in repr(client)


def test_no_log_line_shows_the_token(make_client: MakeClient, caplog: pytest.LogCaptureFixture) -> None:
    client, _ = make_client(answers(httpx.Response(429), httpx.ConnectError("refused"), httpx.Response(500)))
    # At DEBUG, for every logger: this client's, httpx's, httpcore's.
    with caplog.at_level(logging.DEBUG), pytest.raises(errors.ServerError):
        get_bulk_job_status.sync("job-1", client=client)
    assert "retry 1 of 2" in caplog.text  # the retries were logged...
    assert "[redacted]" in caplog.text  # ...and so was the request, with its credentials hidden
    assert TOKEN not in caplog.text


def test_no_error_text_shows_the_token_even_when_the_server_echoes_it(make_client: MakeClient) -> None:
    echo = httpx.Response(401, json={"message": f"bad token Bearer {TOKEN}"})
    client, _ = make_client(answers(echo))
    with pytest.raises(errors.UnauthorizedError) as raised:
        get_bulk_job_status.sync("job-1", client=client)
    assert TOKEN not in str(raised.value)
    assert TOKEN not in repr(raised.value)
    assert "[redacted]" in str(raised.value)


def test_connection_and_validation_errors_do_not_show_the_token(make_client: MakeClient) -> None:
    client, _ = make_client(answers(httpx.ConnectError(f"refused while sending {TOKEN}")), max_retries=0)
    with pytest.raises(errors.APIConnectionError) as connection:
        get_bulk_job_status.sync("job-1", client=client)
    body = CreateUserAttributesRequestDtoV2.from_dict({"identifiers": {"clientUserId": TOKEN * 3}})
    with pytest.raises(errors.RequestValidationError) as validation:
        post_user_attributes.sync(client=client, body=body)
    for error in (connection.value, validation.value):
        assert TOKEN not in str(error)
        assert TOKEN not in repr(error)


@pytest.mark.parametrize("header_name", ["Authorization", "X-Api-Token"])
def test_the_httpx_request_kept_on_a_connection_error_holds_no_token(header_name: str) -> None:
    # The error chains httpx's own exception, and that carries the request as it was sent: anyone dumping its
    # headers (an error reporter, a debugging session) must not find the credential there.
    transport = httpx.MockTransport(answers(httpx.ReadTimeout("read timed out")))
    client = AuthenticatedClient(
        token=TOKEN, auth_header_name=header_name, max_retries=0, httpx_args={"transport": transport}
    )
    with pytest.raises(errors.APITimeoutError) as sync_error:
        get_bulk_job_status.sync("job-1", client=client)
    with pytest.raises(errors.APITimeoutError) as async_error:
        asyncio.run(get_bulk_job_status.asyncio("job-1", client=client))
    for raised in (sync_error, async_error):
        cause = raised.value.__cause__
        assert isinstance(cause, httpx.RequestError)
        assert TOKEN not in str(dict(cause.request.headers))
        assert cause.request.headers[header_name] == "[redacted]"


def test_the_httpx_request_behind_an_answer_holds_no_token(make_client: MakeClient) -> None:
    client, seen = make_client(answers(ACCEPTED))
    sent = client.send("getBulkJobStatus", {"path_params": {"bulkJobId": "job-1"}})
    assert seen.requests[0] is sent.response.request
    assert TOKEN not in str(dict(sent.response.request.headers))
