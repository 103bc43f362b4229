"""The server takes every fact from the effective spec: a release of our own with what the seed lacks (a new
scope, several methods on one path, a hyphenated path parameter, bodies on PUT/DELETE, a form body, a recursive
discriminated schema) is served without a line of code changed."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from attentive_client.runtime import ApiSpec
from click.testing import CliRunner
from starlette.testclient import TestClient

from attentive_toolkit.cli.main import cli
from attentive_toolkit.server.app import create_app
from attentive_toolkit.server.settings import ServerSettings

from .conftest import AUTH
from .synthetic_release import NEW_SCOPES, TOKENS, TREES, nested_tree, synthetic_release

FORM = {"Content-Type": "application/x-www-form-urlencoded"}


@pytest.fixture(scope="module")
def api() -> ApiSpec:
    return ApiSpec.from_document(synthetic_release())


@pytest.fixture(scope="module")
def client() -> Iterator[TestClient]:
    app = create_app(ServerSettings(run_jobs_in_background=False), document=synthetic_release())
    with TestClient(app, base_url="http://127.0.0.1", raise_server_exceptions=False) as client:
        yield client


def test_the_dev_token_holds_the_scopes_a_new_release_requires(client: TestClient, api: ApiSpec) -> None:
    assert set(NEW_SCOPES) <= api.scopes

    answer = client.get("/v9/widgets/w-1", headers=AUTH)

    assert answer.status_code == 200, answer.text


def test_a_token_narrowed_to_some_scopes_is_refused_the_others() -> None:
    tokens = {"dev-token": frozenset({"widgets:read"})}
    app = create_app(ServerSettings(tokens=tokens, run_jobs_in_background=False), document=synthetic_release())
    with TestClient(app, base_url="http://127.0.0.1") as narrow:
        allowed = narrow.get("/v9/widgets/w-1", headers=AUTH)
        refused = narrow.put("/v9/widgets/w-1", headers=AUTH, json={"name": "x"})

    assert allowed.status_code == 200
    assert refused.status_code == 403
    assert "widgets:write" in refused.json()["message"]


def test_serve_refuses_an_unknown_scope_naming_the_ones_the_spec_has() -> None:
    result = CliRunner().invoke(cli, ["serve", "--port", "0", "--token", "mine=attributes:write,nope:read"])

    assert result.exit_code == 2
    assert "nope:read" in result.output
    assert "attributes:write" in result.output and "subscriptions:write" in result.output


def test_every_path_answers_405_with_exactly_its_methods(client: TestClient, api: ApiSpec) -> None:
    methods: dict[str, set[str]] = {}
    for operation in api.operations:
        methods.setdefault(operation.path, set()).add(operation.method.upper())
    for path, expected in methods.items():
        concrete = path.replace("{widget-id}", "w-1").replace("{bulkJobId}", "job")

        answer = client.options(concrete, headers=AUTH)

        assert answer.status_code == 405, path
        allowed = {method.strip() for method in answer.headers["allow"].split(",")}
        assert allowed - {"HEAD"} == expected, path


def test_a_hyphenated_path_parameter_is_checked_under_its_own_name(client: TestClient) -> None:
    answer = client.get("/v9/widgets/not-a-widget", headers=AUTH)

    assert answer.status_code == 400
    assert answer.json()["errors"][0]["pointer"] == "/path/widget-id"


def test_put_and_delete_bodies_are_validated(client: TestClient) -> None:
    assert client.put("/v9/widgets/w-1", headers=AUTH, json={"name": "blue"}).status_code == 200
    assert client.request("DELETE", "/v9/widgets/w-1", headers=AUTH, json={"name": "blue"}).status_code == 204

    refused = client.request("DELETE", "/v9/widgets/w-1", headers=AUTH, json={"name": "blue", "extra": 1})

    assert refused.status_code == 400
    assert "extra" in refused.text


def test_a_form_body_is_parsed_validated_and_answered(client: TestClient) -> None:
    accepted = client.post(
        TOKENS, headers={**AUTH, **FORM}, content="grant_type=authorization_code&count=2&tags=a&tags=b"
    )
    not_a_number = client.post(TOKENS, headers={**AUTH, **FORM}, content="grant_type=authorization_code&count=two")
    too_small = client.post(TOKENS, headers={**AUTH, **FORM}, content="grant_type=authorization_code&count=0")
    as_json = client.post(TOKENS, headers=AUTH, json={"grant_type": "authorization_code", "count": 2})

    assert accepted.status_code == 200, accepted.text
    assert isinstance(accepted.json()["access_token"], str)
    assert not_a_number.status_code == 400 and "'count'" in not_a_number.text
    assert too_small.status_code == 400 and too_small.json()["errors"][0]["pointer"] == "/count"
    assert as_json.status_code == 400 and "application/x-www-form-urlencoded" in as_json.json()["message"]


def test_a_recursive_discriminated_body_is_validated_and_answered_with_a_valid_tree(
    client: TestClient, api: ApiSpec
) -> None:
    deep = nested_tree(40)
    broken = nested_tree(3)
    broken["children"][0]["children"][0]["kind"] = "twig"

    accepted = client.post(TREES, headers=AUTH, json=deep)
    refused = client.post(TREES, headers=AUTH, json=broken)

    assert accepted.status_code == 200
    assert api.operation("postTree").validate_response(200, accepted.json()) == []
    assert refused.status_code == 400
    assert api.operation("postTree").validate_body(deep) == []
    assert api.operation("postTree").validate_body(broken) != []
