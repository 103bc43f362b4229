"""``attentive oauth``: the authorization-code flow of the effective spec, from a shell.

``authorize-url`` prints where to send a user; ``sandbox-code`` gets a code from ``attentive serve`` (which stands in
for the vendor's install page); ``exchange`` trades a code for a token and proves it with ``GET /v2/me``. The client
secret comes from ``ATTENTIVE_OAUTH_CLIENT_SECRET`` only (a flag would stay in shell history and in ``ps``), and the
token is printed only when ``--print-token`` asks for it, alone on stdout.
"""

from __future__ import annotations

import os

import click
import httpx
from attentive_client import AuthenticatedClient, Client, errors
from attentive_client.api.test_authentication_v2 import get_me_v2
from attentive_client.runtime import OAuth, OAuthError, Redactor
from attentive_client.runtime.clients import token_problem
from attentive_client.runtime.oauth import redirect_uri_problem

from ..server.oauth import CODES_ROUTE
from ..server.settings import DEV_TOKEN
from .api_commands import Command, api_error, api_options, emit
from .outcome import CommandError, HelpfulGroup

SECRET_VARIABLE = "ATTENTIVE_OAUTH_CLIENT_SECRET"
SANDBOX_TOKEN_VARIABLE = "ATTENTIVE_API_TOKEN"
ENVIRONMENT_HELP = (
    f"Environment: {SECRET_VARIABLE} is the app's client secret (never printed); ATTENTIVE_BASE_URL is the API's "
    "URL (--base-url overrides it). The token URL is taken on that base URL, so a local flow never reaches "
    "production."
)


def _oauth(base_url: str, client_id: str, redirect_uri: str, secret: str | None = None) -> OAuth:
    return OAuth(Client(base_url=base_url), client_id, redirect_uri, client_secret=secret)


def _redirect_uri(_context: click.Context, _parameter: click.Parameter, value: str) -> str:
    if (problem := redirect_uri_problem(value)) is not None:
        raise click.BadParameter(problem)
    return value


def _client_options(command: Command) -> Command:
    command = click.option(
        "--redirect-uri", required=True, callback=_redirect_uri, help="Exactly as registered for the app."
    )(command)
    return click.option("--client-id", required=True, help="The app's client id.")(command)


@click.group(cls=HelpfulGroup)
def oauth() -> None:
    """The OAuth authorization-code flow (install URL, code exchange)."""


@oauth.command("authorize-url", epilog=ENVIRONMENT_HELP)
@api_options
@_client_options
@click.option("--scope", "scopes", multiple=True, required=True, help="A scope the spec names; repeat for more.")
@click.option("--state", help="The value to expect back on the redirect; generated when not given.")
def authorize_url(
    base_url: str, as_json: bool, client_id: str, redirect_uri: str, scopes: tuple[str, ...], state: str | None
) -> None:
    """Print the install URL to send a user to, and the state to check on the redirect."""
    try:
        request = _oauth(base_url, client_id, redirect_uri).authorization_url(scopes, state)
    except OAuthError as error:
        raise CommandError(str(error), kind="usage") from None
    emit({"url": request.url, "state": request.state})


@oauth.command("sandbox-code", epilog=ENVIRONMENT_HELP)
@api_options
@_client_options
@click.option("--scope", "scopes", multiple=True, help="A scope to grant; repeat for more (default: every scope).")
def sandbox_code(base_url: str, as_json: bool, client_id: str, redirect_uri: str, scopes: tuple[str, ...]) -> None:
    """Get a one-time code from `attentive serve` (it stands in for the vendor's install page); printed alone on
    stdout. Uses the sandbox token in ATTENTIVE_API_TOKEN (`attentive serve`'s development token by default)."""
    token = os.environ.get(SANDBOX_TOKEN_VARIABLE, "").strip() or DEV_TOKEN
    body: dict[str, object] = {"clientId": client_id, "redirectUri": redirect_uri}
    if scopes:
        body["scopes"] = list(scopes)
    problem = token_problem(token)
    if problem is not None:
        raise click.UsageError(f"{SANDBOX_TOKEN_VARIABLE}: {problem}")
    redact = Redactor([token])
    try:
        response = httpx.post(
            base_url.rstrip("/") + CODES_ROUTE, json=body, headers={"Authorization": f"Bearer {token}"}, timeout=10
        )
    except httpx.HTTPError as error:
        message = f"no answer from {base_url}: {error}; is `attentive serve` running?"
        raise CommandError(redact(message), kind="api") from None
    code = _issued_code(response)
    if code is None:
        raise CommandError(
            redact(
                f"{base_url} did not issue a code (HTTP {response.status_code}); only `attentive serve` can: "
                f"{response.text[:500]}"
            ),
            kind="api",
        )
    click.echo(code)


def _issued_code(response: httpx.Response) -> str | None:
    """The code of a 201 answer ``{"code": "..."}``; None for any other answer."""
    if response.status_code != 201:
        return None
    try:
        code = response.json().get("code")
    except (ValueError, AttributeError):  # not JSON, or JSON that is not an object
        return None
    return code if isinstance(code, str) and code else None


@oauth.command("exchange", epilog=ENVIRONMENT_HELP)
@api_options
@_client_options
@click.option("--code", required=True, help="The code the redirect brought back (it works once).")
@click.option("--print-token", is_flag=True, help="Print the token, alone, on stdout (it is never printed otherwise).")
def exchange(base_url: str, as_json: bool, client_id: str, redirect_uri: str, code: str, print_token: bool) -> None:
    """Trade a code for a token at the spec's token URL, then check the token with GET /v2/me."""
    secret = os.environ.get(SECRET_VARIABLE, "").strip()
    if not secret:
        raise click.UsageError(f"set {SECRET_VARIABLE} to the app's client secret")
    flow = _oauth(base_url, client_id, redirect_uri, secret)
    try:
        token = flow.exchange(code)
        with flow.authenticated(token, AuthenticatedClient) as client:
            me = get_me_v2.sync(client=client)
    except errors.AttentiveError as error:
        raise api_error(error) from error
    if print_token:
        click.echo(token.access_token)
        return
    click.echo(f"token obtained at {flow.token_url} (not shown: --print-token prints it); GET /v2/me:", err=True)
    emit(me.to_dict())
