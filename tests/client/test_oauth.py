"""The client's side of the spec's OAuth flow: the install URL, the code exchange at the token URL (rebased on any
base URL that is not production's), a client with the token, and the code, the secret and the token kept out of
every repr, error and log line."""

from __future__ import annotations

import logging
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from attentive_client import AuthenticatedClient, Client, errors
from attentive_client.api.test_authentication_v2 import get_me_v2
from attentive_client.runtime import OAuth, OAuthError, OAuthToken

CODE = "code_8f2b1c9d7e6a5f4b3c2d1e0f"
SECRET = "secret_0a1b2c3d4e5f6a7b8c9d0e1f"
ACCESS = "access_9z8y7x6w5v4u3t2s1r0q"
REDIRECT = "https://app.example/callback"
LOCAL = "http://127.0.0.1:8080"


def flow(base_url: str = LOCAL, transport: httpx.MockTransport | None = None) -> OAuth:
    client = Client(base_url=base_url, httpx_args={"transport": transport} if transport else {})
    return OAuth(client, "app-1", REDIRECT, client_secret=SECRET)


def test_the_install_url_comes_from_the_spec_with_the_scopes_and_a_state() -> None:
    first = flow().authorization_url(["subscriptions:write", "attributes:write"])
    second = flow().authorization_url(["subscriptions:write"])

    url = urlsplit(first.url)
    query = parse_qs(url.query)
    assert f"{url.scheme}://{url.netloc}{url.path}" == "https://ui-devel.attentivemobile.com/integrations/oauth-install"
    assert query == {
        "client_id": ["app-1"],
        "redirect_uri": [REDIRECT],
        "scope": ["subscriptions:write attributes:write"],
        "state": [first.state],
    }
    assert len(first.state) >= 32 and first.state != second.state
    assert flow().authorization_url(["events:write"], state="mine").state == "mine"


@pytest.mark.parametrize("scopes", [["admin:everything"], []], ids=["unknown scope", "no scope"])
def test_a_scope_the_spec_doesnt_name_is_refused_before_any_url(scopes: list[str]) -> None:
    with pytest.raises(OAuthError):
        flow().authorization_url(scopes)


@pytest.mark.parametrize(
    ("base_url", "token_url"),
    [
        ("https://api.attentivemobile.com", "https://api.attentivemobile.com/v1/authorization-codes/tokens"),
        (LOCAL, f"{LOCAL}/v1/authorization-codes/tokens"),
        ("http://127.0.0.1:8080/prefix/", "http://127.0.0.1:8080/prefix/v1/authorization-codes/tokens"),
        ("https://staging.example", "https://staging.example/v1/authorization-codes/tokens"),
    ],
    ids=["production", "local", "local with a prefix", "another host"],
)
def test_the_token_url_is_rebased_on_any_base_url_but_production(base_url: str, token_url: str) -> None:
    assert flow(base_url).token_url == token_url


def test_the_exchange_posts_a_form_to_the_local_token_url_and_gives_a_working_client() -> None:
    seen: list[httpx.Request] = []

    def server(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        if request.url.path == "/v2/me":
            assert request.headers["authorization"] == f"Bearer {ACCESS}"
            return httpx.Response(200, json={"companyName": "Local Co"})
        return httpx.Response(200, json={"access_token": ACCESS, "id_token": "id_1234567890", "token_type": "Bearer"})

    transport = httpx.MockTransport(server)
    oauth = flow(transport=transport)
    token = oauth.exchange(CODE)

    request = seen[0]
    assert (request.method, str(request.url)) == ("POST", f"{LOCAL}/v1/authorization-codes/tokens")
    assert request.headers["content-type"] == "application/x-www-form-urlencoded"
    assert parse_qs(request.content.decode()) == {
        "grant_type": ["authorization_code"],
        "code": [CODE],
        "redirect_uri": [REDIRECT],
        "client_id": ["app-1"],
        "client_secret": [SECRET],
    }
    assert ACCESS not in repr(token) + str(token)
    assert SECRET not in repr(oauth) and CODE not in repr(oauth)
    with oauth.authenticated(token, AuthenticatedClient, httpx_args={"transport": transport}) as client:
        assert get_me_v2.sync(client=client).company_name == "Local Co"
        assert ACCESS not in repr(client)


def test_a_refused_exchange_shows_neither_code_nor_secret_even_echoed(caplog: pytest.LogCaptureFixture) -> None:
    def echo(request: httpx.Request) -> httpx.Response:
        return httpx.Response(400, json={"message": f"bad request {request.content.decode()}"})

    caplog.set_level(logging.DEBUG)
    with pytest.raises(errors.BadRequestError) as raised:
        flow(transport=httpx.MockTransport(echo)).exchange(CODE)

    error = raised.value
    shown = str(error) + repr(error) + error.body.decode() + str(error.json) + caplog.text
    assert "bad request" in shown
    assert CODE not in shown and SECRET not in shown


@pytest.mark.parametrize("access", ["a" * 10_000_000, "two\nlines", "has space", "tök"])
def test_an_access_token_no_header_can_carry_is_refused_and_not_shown(access: str) -> None:
    """A 10 MB token took minutes to become a secret of the redactor (one regular expression) before it was used."""
    answer = httpx.Response(200, json={"access_token": access, "token_type": "Bearer"})
    with pytest.raises(errors.MalformedResponseError) as raised:
        flow(transport=httpx.MockTransport(lambda _request: answer)).exchange(CODE)
    assert "access_token is not a bearer token (RFC 6750 characters, at most 8192)" in str(raised.value)
    assert access not in str(raised.value) + repr(raised.value)


def test_a_token_never_shows_in_repr() -> None:
    assert repr(OAuthToken(access_token=ACCESS, token_type="Bearer")) == (
        "OAuthToken(access_token='[redacted]', token_type='Bearer')"
    )


def test_the_exchange_needs_the_client_secret() -> None:
    oauth = OAuth(Client(base_url=LOCAL), "app-1", REDIRECT)

    with pytest.raises(OAuthError, match="client secret"):
        oauth.exchange(CODE)


def test_the_async_exchange_sends_the_same_form() -> None:
    import asyncio

    seen: list[httpx.Request] = []

    def server(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json={"access_token": ACCESS, "token_type": "Bearer"})

    token = asyncio.run(flow(transport=httpx.MockTransport(server)).aexchange(CODE))

    assert token.access_token == ACCESS
    assert str(seen[0].url) == f"{LOCAL}/v1/authorization-codes/tokens"
    assert parse_qs(seen[0].content.decode())["code"] == [CODE]


@pytest.mark.parametrize(
    ("redirect", "problem"),
    [
        ("not a url", "absolute"),
        ("/callback", "absolute"),
        ("https:///callback", "host"),
        ("https://app.example/callback#done", "fragment"),
    ],
    ids=["words", "a path alone", "https without a host", "a fragment"],
)
def test_a_redirect_uri_not_absolute_is_refused_when_the_flow_is_made(redirect: str, problem: str) -> None:
    with pytest.raises(OAuthError, match=problem):
        OAuth(Client(base_url=LOCAL), "app-1", redirect)


def test_a_native_app_redirect_with_its_own_scheme_is_taken() -> None:
    assert OAuth(Client(base_url=LOCAL), "app-1", "com.example.app:/oauth").redirect_uri == "com.example.app:/oauth"
