"""``attentive me``, ``attentive upsert`` and ``attentive job status``: try the API from a shell.

The token comes from ``ATTENTIVE_API_TOKEN`` and the base URL from ``ATTENTIVE_BASE_URL``; the token is never
printed.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from typing import Any, TypeVar

import click
import httpx
from attentive_client import AuthenticatedClient, errors
from attentive_client.api.bulk_status import get_bulk_job_status
from attentive_client.api.test_authentication_v2 import get_me_v2
from attentive_client.api.user_properties import post_user_attributes
from attentive_client.models.create_user_attributes_request_dto_v2 import CreateUserAttributesRequestDtoV2
from attentive_client.runtime import DEFAULT_BASE_URL

from .outcome import CommandError, HelpfulGroup

TOKEN_VARIABLE = "ATTENTIVE_API_TOKEN"
BASE_URL_VARIABLE = "ATTENTIVE_BASE_URL"
# The token has no flag on purpose: a flag would leave it in shell history and in `ps` output.
ENVIRONMENT_HELP = (
    f"Environment: {TOKEN_VARIABLE} is the API token (required, never printed); "
    f"{BASE_URL_VARIABLE} is the API's URL (default {DEFAULT_BASE_URL}; --base-url overrides it)."
)

Command = TypeVar("Command", bound=Callable[..., Any])


def checked_base_url(ctx: click.Context | None, param: click.Parameter | None, value: str) -> str:
    """An http(s) URL with a host, refused here as a usage error rather than deep inside httpx."""
    text = (value or "").strip() or DEFAULT_BASE_URL
    try:
        url = httpx.URL(text)
        usable = url.scheme in ("http", "https") and bool(url.host)
    except (httpx.InvalidURL, TypeError, ValueError):
        usable = False
    if not usable:
        raise click.BadParameter(f"{text!r} is not an http(s) URL with a host, e.g. http://127.0.0.1:8080", ctx, param)
    return text


def api_options(command: Command) -> Command:
    """The options every command that calls the API shares: where to send it, and errors as JSON."""
    command = click.option(
        "--json",
        "as_json",
        is_flag=True,
        help="Print errors as JSON on stdout as well (the result is always JSON).",
    )(command)
    return click.option(
        "--base-url",
        envvar=BASE_URL_VARIABLE,
        show_envvar=True,
        default=DEFAULT_BASE_URL,
        show_default=True,
        callback=checked_base_url,
        help="The API's URL, e.g. http://127.0.0.1:8080 for `attentive serve`.",
    )(command)


def base_url_from_env() -> str:
    """``ATTENTIVE_BASE_URL`` (or the default) for commands without ``--base-url``, checked as that option is."""
    try:
        return checked_base_url(None, None, os.environ.get(BASE_URL_VARIABLE, ""))
    except click.BadParameter as error:
        raise click.UsageError(f"{BASE_URL_VARIABLE}: {error.message}") from None


def client_from_env(base_url: str | None = None) -> AuthenticatedClient:
    token = os.environ.get(TOKEN_VARIABLE, "").strip()
    if not token:
        raise click.UsageError(f"set {TOKEN_VARIABLE} to your API token (and {BASE_URL_VARIABLE} to the API's URL)")
    try:
        return AuthenticatedClient(base_url=(base_url or "").strip() or base_url_from_env(), token=token)
    except errors.MissingTokenError as error:
        raise click.UsageError(f"{TOKEN_VARIABLE}: {error}") from None


def emit(document: Any) -> None:
    click.echo(json.dumps(document, indent=2, ensure_ascii=False))


def connection_hint(error: errors.APIConnectionError) -> str:
    """What to do when nothing answered: on loopback, that is usually a reference server not started yet."""
    url = httpx.URL(error.url)
    if url.host in ("127.0.0.1", "localhost", "::1"):
        port = url.port or 80
        return (
            f"nothing answers at {url.scheme}://{url.netloc.decode()}: start the reference server there with "
            f"`attentive serve --port {port}`, or set {BASE_URL_VARIABLE} (or --base-url) to the API's URL"
        )
    return f"no answer from {url.host}: check {BASE_URL_VARIABLE} (or --base-url) and your network"


def api_error(error: errors.AttentiveError) -> CommandError:
    # The client scrubs its token from every message it builds.
    details: dict[str, Any] = {"error_type": type(error).__name__}
    for name in ("operation_id", "status_code"):
        value = getattr(error, name, None)
        if value is not None:
            details[name] = value
    message = str(error)
    if isinstance(error, errors.APIConnectionError) and not isinstance(error, errors.APITimeoutError):
        message += f"\nhint: {connection_hint(error)}"
    return CommandError(message, kind="api", **details)


@click.command(epilog=ENVIRONMENT_HELP)
@api_options
def me(base_url: str, as_json: bool) -> None:
    """Check the token: who the API says you are (GET /v2/me)."""
    with client_from_env(base_url) as client:
        try:
            emit(get_me_v2.sync(client=client).to_dict())
        except errors.AttentiveError as error:
            raise api_error(error) from error


def parse_custom(values: tuple[str, ...]) -> dict[str, Any]:
    custom: dict[str, Any] = {}
    for item in values:
        key, sep, text = item.partition("=")
        if not sep or not key:
            raise click.BadParameter(
                f"{item!r}: use KEY=VALUE (the value is read as JSON when it parses)", param_hint="--custom"
            )
        if key in custom:  # the last would win without a word
            raise click.BadParameter(f"{key!r} is given twice", param_hint="--custom")
        try:
            value: Any = json.loads(text)
        except ValueError:
            value = text
        custom[key] = value
    return custom


@click.command(epilog=ENVIRONMENT_HELP)
@api_options
@click.option("--email")
@click.option("--phone", help="E.164, e.g. +15005550006")
@click.option("--client-user-id")
@click.option("--shopify-id")
@click.option("--klaviyo-id")
@click.option("--first-name")
@click.option("--last-name")
@click.option("--custom", multiple=True, metavar="KEY=VALUE", help="A custom attribute; repeat for more.")
@click.option(
    "--subscribe",
    type=click.Choice(["TEXT", "EMAIL"]),
    help="Opt in on this channel (MARKETING); needs --sign-up-source-id or --locale.",
)
@click.option("--sign-up-source-id")
@click.option("--locale", help="language-COUNTRY, e.g. en-US")
def upsert(
    base_url: str,
    as_json: bool,
    email: str | None,
    phone: str | None,
    client_user_id: str | None,
    shopify_id: str | None,
    klaviyo_id: str | None,
    first_name: str | None,
    last_name: str | None,
    custom: tuple[str, ...],
    subscribe: str | None,
    sign_up_source_id: str | None,
    locale: str | None,
) -> None:
    """Create or update one user from flags (POST /v2/user/attributes)."""
    identifiers = {
        key: value
        for key, value in {
            "email": email,
            "phone": phone,
            "clientUserId": client_user_id,
            "shopifyId": shopify_id,
            "klaviyoId": klaviyo_id,
        }.items()
        if value
    }
    if not identifiers:
        raise click.UsageError("give at least one identifier: --email, --phone, --client-user-id, ...")
    record: dict[str, Any] = {"identifiers": identifiers}
    attributes: dict[str, Any] = {
        key: value for key, value in {"firstName": first_name, "lastName": last_name}.items() if value
    }
    if custom:
        attributes["custom"] = parse_custom(custom)
    if attributes:
        record["attributes"] = attributes
    if not subscribe and (sign_up_source_id or locale):  # they describe a subscription: alone, they'd be dropped
        raise click.UsageError("--sign-up-source-id and --locale describe a subscription: add --subscribe TEXT|EMAIL")
    if subscribe and not (sign_up_source_id or locale):
        raise click.UsageError(
            f"--subscribe {subscribe} needs --sign-up-source-id ID or --locale LANGUAGE-COUNTRY (e.g. en-US): "
            "a subscription says where the person signed up"
        )
    if subscribe:
        subscription: dict[str, Any] = {"channel": subscribe, "subscriptionType": "MARKETING"}
        if sign_up_source_id:
            subscription["signUpSourceId"] = sign_up_source_id
        if locale:
            language, _, country = locale.partition("-")
            subscription["locale"] = {"language": language, "country": country}
        record["subscriptions"] = [subscription]
    with client_from_env(base_url) as client:
        try:
            body = CreateUserAttributesRequestDtoV2.from_dict(record)
            emit(post_user_attributes.sync(client=client, body=body).to_dict())
        except errors.AttentiveError as error:
            raise api_error(error) from error


@click.group(cls=HelpfulGroup)
def job() -> None:
    """Bulk jobs."""


@job.command("status", epilog=ENVIRONMENT_HELP)
@api_options
@click.argument("job_id")
def job_status(base_url: str, as_json: bool, job_id: str) -> None:
    """A bulk job's status and, once finished, its results URL (GET /v2/bulk/job/{id})."""
    with client_from_env(base_url) as client:
        try:
            emit(get_bulk_job_status.sync(job_id, client=client).to_dict())
        except errors.AttentiveError as error:
            raise api_error(error) from error
