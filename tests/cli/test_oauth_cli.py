"""``attentive oauth`` runs the whole code flow against ``attentive serve``: a code from the sandbox, the exchange
at the spec's token path on the local base URL, and the token proven on ``GET /v2/me``; the token is printed only
when asked for, alone on stdout, and the client secret never."""

from __future__ import annotations

import json
from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from click.testing import CliRunner, Result

from attentive_toolkit.cli.main import cli
from attentive_toolkit.server.runner import running_server
from attentive_toolkit.server.settings import ServerSettings

SECRET = "app-secret-5d4c3b2a19080706"
REDIRECT = "http://127.0.0.1:9999/callback"


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    with running_server(ServerSettings(run_jobs_in_background=False)) as url:
        yield url


def attentive(*args: str, secret: str | None = SECRET) -> Result:
    env = {"ATTENTIVE_OAUTH_CLIENT_SECRET": secret or "", "ATTENTIVE_API_TOKEN": "", "ATTENTIVE_BASE_URL": ""}
    return CliRunner().invoke(cli, list(args), env=env)


def code_from(base_url: str, *scopes: str) -> str:
    options = [f"--scope={scope}" for scope in scopes]
    done = attentive(
        "oauth", "sandbox-code", "--base-url", base_url, "--client-id", "app-1", "--redirect-uri", REDIRECT, *options
    )
    assert done.exit_code == 0, done.output
    return done.stdout.strip()


def exchange(base_url: str, code: str, *extra: str, secret: str | None = SECRET) -> Result:
    return attentive(
        "oauth", "exchange", "--base-url", base_url, "--client-id", "app-1", "--redirect-uri", REDIRECT,
        "--code", code, *extra, secret=secret,
    )  # fmt: skip


def test_the_exchanged_token_calls_get_me_and_is_not_printed(base_url: str) -> None:
    code = code_from(base_url)
    done = exchange(base_url, code)

    assert done.exit_code == 0, done.output
    assert json.loads(done.stdout)["companyName"] == "Sandbox Company"
    assert f"{base_url}/v1/authorization-codes/tokens" in done.stderr
    assert code not in done.output and SECRET not in done.output


def test_the_token_is_printed_alone_on_stdout_when_asked_for(base_url: str) -> None:
    done = exchange(base_url, code_from(base_url, "subscriptions:write"), "--print-token")

    assert done.exit_code == 0, done.output
    token = done.stdout.strip()
    me = httpx.get(f"{base_url}/v2/me", headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 200


def test_a_spent_code_fails_with_a_message_not_a_traceback(base_url: str) -> None:
    code = code_from(base_url)
    assert exchange(base_url, code).exit_code == 0

    again = exchange(base_url, code)
    assert again.exit_code != 0
    assert "HTTP 400" in again.output and "Traceback" not in again.output
    assert code not in again.output


def test_the_secret_comes_only_from_the_environment(base_url: str) -> None:
    done = exchange(base_url, "any-code", secret=None)

    assert done.exit_code == 2
    assert "ATTENTIVE_OAUTH_CLIENT_SECRET" in done.output


def test_the_install_url_names_the_scopes_and_a_state(base_url: str) -> None:
    done = attentive(
        "oauth", "authorize-url", "--base-url", base_url, "--client-id", "app-1", "--redirect-uri", REDIRECT,
        "--scope", "subscriptions:write",
    )  # fmt: skip

    assert done.exit_code == 0, done.output
    shown = json.loads(done.stdout)
    assert parse_qs(urlsplit(shown["url"]).query)["state"] == [shown["state"]]


@pytest.mark.parametrize("command", ["authorize-url", "sandbox-code"])
def test_a_redirect_uri_that_is_not_a_uri_is_refused_before_anything_is_asked(command: str) -> None:
    # Nothing listens at this base URL: a refusal that came from a request would say so instead.
    done = attentive(
        "oauth", command, "--base-url", "http://127.0.0.1:9", "--client-id", "app-1", "--redirect-uri", "not a url",
        "--scope", "subscriptions:write",
    )  # fmt: skip

    assert done.exit_code == 2
    assert "--redirect-uri" in done.output and "absolute" in done.output
