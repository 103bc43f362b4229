"""The runtime's single attempt for callers that run their own (the bulk importer): the checked, encoded body is
sent as it is, once, and the answer comes back unparsed whatever its status."""

from __future__ import annotations

import asyncio
import copy

import httpx
import pytest
from attentive_client import AuthenticatedClient
from attentive_client.runtime import ApiSpec, errors
from attentive_client.runtime.calls import EncodedJson

from attentive_toolkit.spec.effective import load_effective_spec

BASE = "http://mock.test"
ENCODED = b'{"users":[{"identifiers":{"email":"a@example.com"}}]}'


def client_for(handler: httpx.MockTransport, cap: int | None = None) -> AuthenticatedClient:
    document = copy.deepcopy(load_effective_spec())
    if cap is not None:
        document["paths"]["/v2/bulk/user/attributes"]["post"]["x-max-body-bytes"] = cap
    return AuthenticatedClient(
        base_url=BASE, token="t0ken-xyz", api=ApiSpec.from_document(document), httpx_args={"transport": handler}
    )


def test_the_body_goes_as_encoded_once_and_a_500_comes_back_unparsed() -> None:
    seen: list[bytes] = []

    def server(request: httpx.Request) -> httpx.Response:
        seen.append(request.content)
        return httpx.Response(500, content=b"not json")

    # The value is deliberately not what the bytes say: only the bytes may be sent, never a re-encoding.
    body = EncodedJson({"users": []}, ENCODED)
    sent = asyncio.run(client_for(httpx.MockTransport(server)).send_once_async("postBulkUserAttributes", body=body))
    assert seen == [ENCODED]  # once: no retry, although the operation may be resent
    assert sent.response.status_code == 500 and sent.response.content == b"not json" and sent.attempts == 1


def test_a_body_over_the_cap_is_never_sent() -> None:
    seen: list[bytes] = []

    def server(request: httpx.Request) -> httpx.Response:
        seen.append(request.content)
        return httpx.Response(202, json={"batchJobId": "j"})

    client = client_for(httpx.MockTransport(server), cap=len(ENCODED) - 1)
    with pytest.raises(errors.RequestTooLargeError):
        asyncio.run(client.send_once_async("postBulkUserAttributes", body=EncodedJson({}, ENCODED)))
    assert seen == []


def test_no_answer_is_one_typed_error_with_its_cause() -> None:
    calls: list[int] = []

    def server(request: httpx.Request) -> httpx.Response:
        calls.append(1)
        raise httpx.ConnectError("refused", request=request)

    client = client_for(httpx.MockTransport(server))
    with pytest.raises(errors.APIConnectionError) as raised:
        asyncio.run(client.send_once_async("getBulkJobStatus", path_params={"bulkJobId": "abc"}))
    assert calls == [1] and isinstance(raised.value.__cause__, httpx.ConnectError)
    assert "t0ken-xyz" not in str(raised.value)
