"""Every non-2xx answer raises a typed error carrying what a caller needs; *_detailed still returns it raw."""

from __future__ import annotations

import pickle

import httpx
import pytest
from attentive_client import errors
from attentive_client.api.bulk_status import get_bulk_job_status
from attentive_client.api.test_authentication_v2 import get_me_v2

from .conftest import TOKEN, MakeClient, answers


@pytest.mark.parametrize(
    ("status", "error_class"),
    [
        (400, errors.BadRequestError),
        (401, errors.UnauthorizedError),
        (403, errors.ForbiddenError),
        (404, errors.NotFoundError),
        (429, errors.RateLimitError),
        (500, errors.ServerError),
        (502, errors.ServerError),
        (409, errors.UnexpectedStatus),
    ],
)
def test_each_status_raises_its_class(make_client: MakeClient, status: int, error_class: type[Exception]) -> None:
    client, _ = make_client(answers(httpx.Response(status, json={"message": "nope"})), max_retries=0)
    with pytest.raises(error_class) as raised:
        get_bulk_job_status.sync("job-1", client=client)
    assert isinstance(raised.value, errors.APIStatusError)
    assert isinstance(raised.value, errors.AttentiveError)


def test_the_error_carries_status_headers_body_json_and_operation(make_client: MakeClient) -> None:
    answer = httpx.Response(404, json={"message": "no such job"}, headers={"x-request-id": "r-1"})
    client, _ = make_client(answers(answer))
    with pytest.raises(errors.NotFoundError) as raised:
        get_bulk_job_status.sync("job-1", client=client)
    error = raised.value
    assert error.status_code == 404
    assert error.headers["x-request-id"] == "r-1"
    assert error.body == b'{"message":"no such job"}'
    assert error.json == {"message": "no such job"}
    assert error.operation_id == "getBulkJobStatus"
    assert error.method == "GET"
    assert error.url == "https://api.attentivemobile.com/v2/bulk/job/job-1"
    assert "getBulkJobStatus: HTTP 404 Not Found" in str(error)
    assert "no such job" in str(error)
    # An error a worker pickles (multiprocessing, a task queue) arrives whole.
    restored = pickle.loads(pickle.dumps(error))
    assert type(restored) is errors.NotFoundError and str(restored) == str(error)
    assert (restored.status_code, restored.json, restored.headers["x-request-id"]) == (404, error.json, "r-1")


def test_a_body_that_is_not_json_is_kept_raw(make_client: MakeClient) -> None:
    client, _ = make_client(answers(httpx.Response(400, text="<html>bad</html>")))
    with pytest.raises(errors.BadRequestError) as raised:
        get_me_v2.sync(client=client)
    assert raised.value.json is None
    assert raised.value.body == b"<html>bad</html>"


def test_an_undocumented_success_status_raises_rather_than_returning_nothing(make_client: MakeClient) -> None:
    client, _ = make_client(answers(httpx.Response(204)))
    with pytest.raises(errors.UnexpectedStatus) as raised:
        get_me_v2.sync(client=client)
    assert raised.value.status_code == 204
    assert raised.value.content == b""


def test_detailed_returns_the_raw_response_for_any_status(make_client: MakeClient) -> None:
    client, _ = make_client(answers(httpx.Response(403, json={"message": "scope"})))
    response = get_me_v2.sync_detailed(client=client)
    assert response.status_code == 403
    assert response.content == b'{"message":"scope"}'
    assert response.parsed is None


def test_timeouts_have_their_own_class_under_the_base(make_client: MakeClient) -> None:
    client, _ = make_client(answers(httpx.ConnectTimeout("connect timed out")), max_retries=0)
    with pytest.raises(errors.APITimeoutError) as raised:
        get_me_v2.sync(client=client)
    assert isinstance(raised.value, errors.APIConnectionError)
    assert isinstance(raised.value, errors.AttentiveError)
    assert "getMeV2: GET https://api.attentivemobile.com/v2/me: timed out after 1 attempt(s)" in str(raised.value)


def test_old_style_unexpected_status_still_constructs() -> None:
    error = errors.UnexpectedStatus(418, b"teapot")
    assert error.status_code == 418
    assert error.content == b"teapot"
    assert pickle.loads(pickle.dumps(error)).content == b"teapot"


@pytest.mark.parametrize(
    ("answer", "reason"),
    [
        (httpx.Response(200, text="<html>gateway</html>", headers={"content-type": "text/html"}), "JSONDecodeError"),
        (httpx.Response(200, json={"bulkJobId": "job-1"}), "KeyError: 'status'"),
    ],
)
def test_a_2xx_body_the_model_cannot_read_raises_a_typed_error(
    make_client: MakeClient, answer: httpx.Response, reason: str
) -> None:
    client, _ = make_client(answers(answer))
    with pytest.raises(errors.MalformedResponseError) as raised:
        get_bulk_job_status.sync("job-1", client=client)
    error = raised.value
    assert isinstance(error, errors.AttentiveError)
    assert not isinstance(error, errors.APIStatusError)
    assert (error.status_code, error.operation_id, error.body) == (200, "getBulkJobStatus", answer.content)
    assert reason in error.reason
    assert "getBulkJobStatus: the HTTP 200 answer does not match the spec" in str(error)


@pytest.mark.parametrize(("body", "kind"), [(b"[]", "an array"), (b'"me"', "a string"), (b"null", "null")])
def test_an_answer_of_the_wrong_json_type_is_refused_not_read_as_empty(
    make_client: MakeClient, body: bytes, kind: str
) -> None:
    """`GetMeResponseDtoV2.from_dict([])` alone gives an empty model: the call would succeed with nothing in it."""
    answer = httpx.Response(200, content=body, headers={"content-type": "application/json"})
    client, _ = make_client(answers(answer))
    with pytest.raises(errors.MalformedResponseError) as raised:
        get_me_v2.sync(client=client)
    assert f"TypeError: the answer is {kind}; the spec's schema is an object" in raised.value.reason
    assert get_me_v2.sync_detailed(client=client).parsed is None


def test_detailed_returns_a_2xx_body_the_model_cannot_read_unparsed(make_client: MakeClient) -> None:
    client, _ = make_client(answers(httpx.Response(200, json={"bulkJobId": "job-1"})))
    response = get_bulk_job_status.sync_detailed("job-1", client=client)
    assert response.status_code == 200
    assert response.parsed is None
    assert response.content == b'{"bulkJobId":"job-1"}'


def test_a_malformed_answer_echoing_the_token_does_not_show_it(make_client: MakeClient) -> None:
    client, _ = make_client(answers(httpx.Response(200, text=f"oops {TOKEN}")))
    with pytest.raises(errors.MalformedResponseError) as raised:
        get_bulk_job_status.sync("job-1", client=client)
    assert TOKEN not in str(raised.value)
    assert TOKEN not in repr(raised.value)
