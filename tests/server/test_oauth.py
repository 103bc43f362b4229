"""The OAuth code exchange runs locally: codes issued through the sandbox, traded once, before they expire, for
the redirect URI they were issued for, at the token URL's path the effective spec declares; the token is then
accepted with the scopes granted, and no more."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
from starlette.testclient import TestClient

from attentive_toolkit.paths import ProjectPaths
from attentive_toolkit.server.app import create_app
from attentive_toolkit.server.oauth import CODE_LIFETIME
from attentive_toolkit.server.settings import ServerSettings
from attentive_toolkit.spec.effective import build_effective_spec, load_effective_spec

from ..project_copy import REPO
from ..upgrade import vendor_specs
from .conftest import FakeTime, sandbox_token

TOKEN_PATH = "/v1/authorization-codes/tokens"  # the checked-in spec's tokenUrl, below its server URL
REDIRECT = "https://app.example/callback"
USER = {"identifiers": {"email": "ada@example.com"}}


def issue(client: TestClient, **body: Any) -> str:
    body = {"clientId": "app-1", "redirectUri": REDIRECT, **body}
    response = client.post("/_sandbox/oauth/codes", json=body)
    assert response.status_code == 201, response.text
    code: str = response.json()["code"]
    return code


def exchange(client: TestClient, code: str, path: str = TOKEN_PATH, **changes: str) -> Any:
    form = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": REDIRECT,
        "client_id": "app-1",
        "client_secret": "s3cret-of-the-app",
        **changes,
    }
    return client.post(path, data=form)


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_a_code_becomes_a_token_the_server_accepts(client: TestClient) -> None:
    response = exchange(client, issue(client))

    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"
    token = response.json()["access_token"]
    assert response.json()["token_type"] == "Bearer"
    assert client.get("/v2/me", headers=bearer(token)).status_code == 200


def test_the_token_holds_the_scopes_granted_and_no_more(client: TestClient) -> None:
    narrow = exchange(client, issue(client, scopes=["subscriptions:write"])).json()["access_token"]
    broad = exchange(client, issue(client, scopes=["attributes:write", "subscriptions:write"])).json()["access_token"]

    assert client.post("/v2/user/attributes", json=USER, headers=bearer(narrow)).status_code == 403
    assert client.post("/v2/user/attributes", json=USER, headers=bearer(broad)).status_code == 202


def test_a_code_works_once(client: TestClient) -> None:
    code = issue(client)
    assert exchange(client, code).status_code == 200

    again = exchange(client, code)
    assert again.status_code == 400
    assert again.json()["errors"] == [{"pointer": "/code", "message": "unknown, or already used"}]


def test_a_code_expires(client: TestClient, fake_time: FakeTime) -> None:
    code = issue(client)
    fake_time.advance(CODE_LIFETIME.total_seconds())

    assert exchange(client, code).json()["errors"][0] == {"pointer": "/code", "message": "expired"}


@pytest.mark.parametrize(
    ("changes", "pointer"),
    [
        ({"redirect_uri": REDIRECT + "/"}, "/redirect_uri"),
        ({"redirect_uri": REDIRECT.upper()}, "/redirect_uri"),
        ({"client_id": "app-2"}, "/client_id"),
        ({"grant_type": "client_credentials"}, "/grant_type"),
        ({"client_secret": ""}, "/client_secret"),
    ],
    ids=["trailing slash", "other case", "other client", "other grant", "no secret"],
)
def test_anything_but_the_exact_request_is_refused(client: TestClient, changes: dict[str, str], pointer: str) -> None:
    response = exchange(client, issue(client), **changes)

    assert response.status_code == 400
    assert [error["pointer"] for error in response.json()["errors"]] == [pointer]


def test_a_secret_set_when_the_code_was_issued_must_match(client: TestClient) -> None:
    code = issue(client, clientSecret="the-real-secret")

    assert exchange(client, code, client_secret="a-wrong-secret").json()["errors"][0]["pointer"] == "/client_secret"


def test_the_sandbox_refuses_a_scope_the_spec_doesnt_name(client: TestClient) -> None:
    response = client.post(
        "/_sandbox/oauth/codes", json={"clientId": "a", "redirectUri": REDIRECT, "scopes": ["admin:everything"]}
    )

    assert response.status_code == 400
    assert response.json()["errors"][0]["pointer"] == "/scopes/0"


def test_reset_forgets_the_tokens_it_minted_but_not_the_configured_ones(client: TestClient) -> None:
    token = exchange(client, issue(client)).json()["access_token"]
    client.post("/_sandbox/reset")

    assert client.get("/v2/me", headers=bearer(token)).status_code == 401
    assert client.get("/v2/me", headers=bearer("dev-token")).status_code == 200


def test_the_token_path_is_read_from_the_spec() -> None:
    document = copy.deepcopy(load_effective_spec())
    flow = document["components"]["securitySchemes"]["OAuthFlow"]["flows"]["authorizationCode"]
    flow["tokenUrl"] = "https://api.attentivemobile.com/oauth/token"
    app = create_app(ServerSettings(run_jobs_in_background=False), document)

    with TestClient(app, base_url="http://127.0.0.1") as moved:
        moved.event_hooks = {"request": [sandbox_token]}
        assert exchange(moved, issue(moved), path="/oauth/token").status_code == 200
        assert exchange(moved, issue(moved)).status_code == 404


def test_where_the_token_endpoint_is_an_operation_it_takes_no_bearer_token(tmp_path: Path) -> None:
    # The merged V1+V2 document has it as an operation; overlay G43 makes it need no bearer token.
    source = vendor_specs.write_spec(vendor_specs.merged_v1_v2(), tmp_path / "merged.json")
    document = build_effective_spec(ProjectPaths(REPO), source).document
    assert document["paths"][TOKEN_PATH]["post"]["security"] == []
    app = create_app(ServerSettings(run_jobs_in_background=False), document)

    with TestClient(app, base_url="http://127.0.0.1") as merged:
        merged.event_hooks = {"request": [sandbox_token]}
        response = exchange(merged, issue(merged))
        assert response.status_code == 200
        assert merged.get("/v1/me", headers=bearer(response.json()["access_token"])).status_code == 200


@pytest.mark.parametrize(
    ("body", "pointer"),
    [(b"\xff\xfe=\x00", ""), (b"grant_type", ""), (b"code=a&code=b", "/code"), (b"", "/grant_type")],
    ids=["not UTF-8", "not a form", "a field twice", "empty"],
)
def test_a_broken_form_is_refused_naming_where(client: TestClient, body: bytes, pointer: str) -> None:
    response = client.post(TOKEN_PATH, content=body, headers={"content-type": "application/x-www-form-urlencoded"})

    assert response.status_code == 400
    assert response.json()["errors"][0]["pointer"] == pointer


def test_with_a_database_a_restart_keeps_minted_tokens_valid_and_spent_codes_spent(
    make_client: Any, tmp_path: Path
) -> None:
    database = tmp_path / "state.sqlite3"
    first = make_client(db_path=database)
    spent, waiting = issue(first), issue(first, clientSecret="the-real-secret")
    token = exchange(first, spent).json()["access_token"]
    first.__exit__(None, None, None)

    second = make_client(db_path=database)

    assert second.get("/v2/me", headers=bearer(token)).status_code == 200
    assert exchange(second, spent).json()["errors"][0] == {"pointer": "/code", "message": "unknown, or already used"}
    assert exchange(second, waiting, client_secret="a-wrong-secret").json()["errors"][0]["pointer"] == "/client_secret"


def test_without_a_database_a_restart_forgets_them(make_client: Any) -> None:
    first = make_client()
    token = exchange(first, issue(first)).json()["access_token"]
    code = issue(first)
    first.__exit__(None, None, None)

    second = make_client()

    assert second.get("/v2/me", headers=bearer(token)).status_code == 401
    assert exchange(second, code).json()["errors"][0]["message"] == "unknown, or already used"


def test_the_database_holds_no_code_or_token_a_reader_could_present(make_client: Any, tmp_path: Path) -> None:
    database = tmp_path / "state.sqlite3"
    client = make_client(db_path=database)
    code = issue(client, clientSecret="the-real-secret")
    unused = issue(client)
    token = exchange(client, code, client_secret="the-real-secret").json()["access_token"]
    client.__exit__(None, None, None)

    stored = b"".join(path.read_bytes() for path in tmp_path.iterdir() if path.name.startswith("state.sqlite3"))

    for secret in (code, unused, token, "the-real-secret"):
        assert secret.encode() not in stored
