"""Explicit defaults: the vendor's base URL, timeouts, and a User-Agent naming package, version and spec."""

from __future__ import annotations

import asyncio
import json

import httpx
from attentive_client import AuthenticatedClient, Client
from attentive_client._provenance import EFFECTIVE_SPEC_SHA256
from attentive_client.api.test_authentication_v2 import get_me_v2
from attentive_client.api.user_properties import post_user_attributes
from attentive_client.models import CreateUserAttributesRequestDtoV2

from .conftest import ACCEPTED, MakeClient, answers


def test_the_production_base_url_is_the_default(make_client: MakeClient) -> None:
    client, seen = make_client(answers(ACCEPTED))
    get_me_v2.sync_detailed(client=client)
    assert str(seen.requests[0].url) == "https://api.attentivemobile.com/v2/me"
    assert str(Client().get_httpx_client().base_url) == "https://api.attentivemobile.com"


def test_requests_go_below_the_base_url_path_and_follow_a_changed_base_url(make_client: MakeClient) -> None:
    client, seen = make_client(answers(ACCEPTED), base_url="http://127.0.0.1:8080/prefix")
    get_me_v2.sync_detailed(client=client)
    get_me_v2.sync_detailed(client=client)
    client.get_httpx_client().base_url = httpx.URL("http://127.0.0.1:9090/other/")
    get_me_v2.sync_detailed(client=client)
    assert [str(request.url) for request in seen.requests] == [
        "http://127.0.0.1:8080/prefix/v2/me",
        "http://127.0.0.1:8080/prefix/v2/me",
        "http://127.0.0.1:9090/other/v2/me",
    ]


def test_the_async_client_s_own_base_url_is_used(make_client: MakeClient) -> None:
    client, seen = make_client(answers(ACCEPTED), base_url="http://127.0.0.1:8080")
    seen_async: list[httpx.Request] = []

    def record(request: httpx.Request) -> httpx.Response:
        seen_async.append(request)
        return httpx.Response(202, json={"success": True})

    client.set_async_httpx_client(
        httpx.AsyncClient(base_url="http://127.0.0.1:9090/v", transport=httpx.MockTransport(record))
    )
    get_me_v2.sync_detailed(client=client)
    asyncio.run(get_me_v2.asyncio_detailed(client=client))
    get_me_v2.sync_detailed(client=client)
    assert [str(request.url) for request in seen.requests] == ["http://127.0.0.1:8080/v2/me"] * 2
    assert [str(request.url) for request in seen_async] == ["http://127.0.0.1:9090/v/v2/me"]


def test_connect_and_read_timeouts_are_set() -> None:
    timeout = AuthenticatedClient(token="t").get_httpx_client().timeout
    assert timeout.connect == 5.0
    assert timeout.read == 30.0


def test_the_user_agent_names_package_version_and_spec_digest(make_client: MakeClient) -> None:
    client, seen = make_client(answers(ACCEPTED))
    get_me_v2.sync_detailed(client=client)
    agent = seen.requests[0].headers["User-Agent"]
    assert agent.startswith("attentive-client/0.1.0 ")
    assert EFFECTIVE_SPEC_SHA256[:12] in agent


def test_a_caller_can_still_choose_its_own_settings() -> None:
    client = AuthenticatedClient(
        base_url="http://127.0.0.1:9", token="t", timeout=httpx.Timeout(1.0), headers={"User-Agent": "mine/1"}
    )
    http = client.get_httpx_client()
    assert str(http.base_url) == "http://127.0.0.1:9"
    assert http.timeout.read == 1.0
    assert http.headers["User-Agent"] == "mine/1"


def test_json_bodies_go_out_as_json(make_client: MakeClient) -> None:
    client, seen = make_client(answers(ACCEPTED))
    body = CreateUserAttributesRequestDtoV2.from_dict({"identifiers": {"email": "ada@example.com"}})
    post_user_attributes.sync(client=client, body=body)
    assert seen.requests[0].headers["Content-Type"] == "application/json"
    assert json.loads(seen.requests[0].content) == {"identifiers": {"email": "ada@example.com"}}
