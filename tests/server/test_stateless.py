"""Operations the server doesn't implement are answered from the spec: checked requests, valid answers."""

from __future__ import annotations

import copy
import json
import warnings
from collections.abc import Iterator
from typing import Any

import jsonschema_rs
import pytest

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

from attentive_toolkit.paths import ProjectPaths
from attentive_toolkit.server.app import HANDLERS, create_app
from attentive_toolkit.server.operations import is_stateful, read_operations
from attentive_toolkit.server.settings import FaultConfig, OperationFaults, ServerSettings
from attentive_toolkit.spec.effective import load_project_overlays
from attentive_toolkit.spec.overlay import apply_overlays

from ..project_copy import REPO
from ..upgrade import specs

AUTH = {"Authorization": "Bearer dev-token"}
# The server answers only loopback Host names (a guard against DNS rebinding).
LOOPBACK = "http://127.0.0.1"
EVENT = {"events": [{"type": "Order Shipped", "user": {"phone": "+15008675309"}}]}


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    vendor = json.loads((REPO / "openapi.json").read_text(encoding="utf-8"))
    effective, _ = apply_overlays(
        specs.variant(vendor, specs.operations_with_gaps), load_project_overlays(ProjectPaths(REPO))
    )
    result: dict[str, Any] = effective
    return result


@pytest.fixture
def client(document: dict[str, Any]) -> Iterator[TestClient]:
    with TestClient(create_app(ServerSettings(), copy.deepcopy(document)), base_url=LOOPBACK) as test_client:
        yield test_client


def _valid(document: dict[str, Any], schema_name: str, body: Any) -> bool:
    schema = {"$ref": f"#/components/schemas/{schema_name}", "components": document["components"]}
    return bool(jsonschema_rs.Draft4Validator(schema).is_valid(body))


def test_without_resources_the_stateful_operations_are_the_hand_written_ones(document: dict[str, Any]) -> None:
    # No operation of this document is resource-shaped (no create answers 201): the one list is HANDLERS.
    stateful = {operation_id for operation_id, op in read_operations(document).items() if is_stateful(op)}
    assert stateful == set(HANDLERS)


def test_a_new_operation_answers_its_documented_success_with_a_schema_valid_body(
    client: TestClient, document: dict[str, Any]
) -> None:
    response = client.get("/v2/segments/gold/members", params={"limit": "10"}, headers=AUTH)
    assert response.status_code == 200
    assert _valid(document, "SegmentMembers", response.json())
    assert response.json()["segmentId"] == "loyalty_gold_2025"  # the spec's example, not invented data
    assert response.headers["x-ratelimit-limit"] == "100"  # "Default Rate Limit: 100" via the class overlay
    posted = client.post("/v2/events/custom", json=EVENT, headers=AUTH)
    assert posted.status_code == 202 and _valid(document, "Success", posted.json())


@pytest.mark.parametrize(
    ("method", "url", "body", "pointer"),
    [
        ("GET", "/v2/segments/gold/members?limit=abc", None, "/query/limit"),
        ("GET", "/v2/segments/gold/members?limit=0", None, "/query/limit"),
        ("POST", "/v2/events/custom", {"events": []}, "/events"),
        (
            "POST",
            "/v2/events/custom",
            {"events": [{"type": "x", "user": {"phone": "5008675309"}}]},
            "/events/0/user/phone",
        ),
    ],
)
def test_a_request_the_spec_refuses_gets_a_400_naming_the_field(
    client: TestClient, method: str, url: str, body: Any, pointer: str
) -> None:
    response = client.request(method, url, json=body, headers=AUTH)
    assert response.status_code == 400
    assert pointer in [error["pointer"] for error in response.json()["errors"]]
    assert response.headers["x-ratelimit-remaining"].isdigit()


def test_auth_and_scopes_follow_the_operations_security(document: dict[str, Any]) -> None:
    settings = ServerSettings(tokens={"dev-token": frozenset({"attributes:write"})})
    with TestClient(create_app(settings, copy.deepcopy(document)), base_url=LOOPBACK) as limited:
        assert limited.post("/v2/events/custom", json=EVENT).status_code == 401
        refused = limited.post("/v2/events/custom", json=EVENT, headers=AUTH)
        assert refused.status_code == 403 and "events:write" in refused.json()["message"]


def test_faults_apply_to_stateless_operations_too(document: dict[str, Any]) -> None:
    faults = FaultConfig(seed=1, operations={"getSegmentMembers": OperationFaults(rate_500=1.0)})
    with TestClient(create_app(ServerSettings(faults=faults), copy.deepcopy(document)), base_url=LOOPBACK) as faulty:
        assert faulty.get("/v2/segments/gold/members", headers=AUTH).status_code == 500


def test_the_sandbox_says_which_operations_are_stateful(client: TestClient) -> None:
    listed = client.get("/_sandbox/operations", headers=AUTH).json()["operations"]
    modes = {op["operationId"]: op["mode"] for op in listed}
    assert modes == {
        **dict.fromkeys(HANDLERS, "stateful"),
        **dict.fromkeys(specs.NEW_OPERATIONS, "stateless"),
    }


def test_the_serve_banner_names_stateful_and_stateless_operations(document: dict[str, Any]) -> None:
    from attentive_toolkit.cli.serve import describe_operations
    from attentive_toolkit.server.operations import read_operations

    banner = "\n".join(describe_operations(read_operations(document).values()))
    assert "4 stateful (getMeV2, postUserAttributes, getBulkJobStatus, postBulkUserAttributes)" in banner
    assert "2 stateless" in banner and "postCustomEvents, getSegmentMembers" in banner


def _answer_for(schema: dict[str, Any], components: dict[str, Any] | None = None) -> Any:
    from attentive_client.runtime import ApiSpec

    from attentive_toolkit.server.stateless import AnswerBuilder, RequestChecker

    response = {"description": "ok", "content": {"application/json": {"schema": schema}}}
    document = {
        "openapi": "3.0.1",
        "paths": {"/x": {"get": {"operationId": "x", "responses": {"200": response}}}},
        "components": {"schemas": components or {}},
    }
    api = ApiSpec.from_document(document)
    checker = RequestChecker(api)
    answer = AnswerBuilder(api, checker).answer(api.operation("x"))
    assert not answer.problem, answer.problem
    assert checker.is_valid(schema, answer.body), answer.body
    return answer.body


@pytest.mark.parametrize(
    "schema",
    [
        {
            "type": "object",
            "required": ["at", "id", "n"],
            "properties": {
                "at": {"type": "string", "format": "date-time"},
                "id": {"type": "string", "pattern": "^[A-Z]{2}$"},
                "n": {"type": "integer", "minimum": 5, "exclusiveMinimum": True},
            },
        },
        {
            "allOf": [
                {"$ref": "#/components/schemas/Base"},
                {
                    "type": "object",
                    "required": ["extra"],
                    "properties": {"extra": {"type": "array", "minItems": 2, "items": {"type": "boolean"}}},
                },
            ]
        },
        {"oneOf": [{"type": "string", "enum": ["A", "B"]}, {"type": "number"}]},
        {"type": "object", "required": ["maybe"], "properties": {"maybe": {"type": "string", "nullable": True}}},
        {"type": "array", "items": {"$ref": "#/components/schemas/Base"}},
    ],
)
def test_answers_built_from_a_schema_without_examples_are_valid_against_it(schema: dict[str, Any]) -> None:
    base = {
        "type": "object",
        "required": ["phone"],
        "properties": {"phone": {"type": "string", "pattern": r"^\+[1-9][0-9]{1,14}$"}},
    }
    _answer_for(schema, {"Base": base})


def test_an_operation_no_answer_can_be_built_for_answers_501_and_the_rest_still_work(document: dict[str, Any]) -> None:
    broken = copy.deepcopy(document)
    response = broken["paths"]["/v2/segments/{segmentId}/members"]["get"]["responses"]["200"]
    response["content"]["application/json"]["schema"] = {"type": "string", "pattern": "^z{40}$", "minLength": 41}
    with TestClient(create_app(ServerSettings(), broken), base_url=LOOPBACK) as client:
        refused = client.get("/v2/segments/gold/members", headers=AUTH)
        assert refused.status_code == 501 and "add an example to the spec" in refused.json()["message"]
        assert client.post("/v2/events/custom", json=EVENT, headers=AUTH).status_code == 202


def test_a_schema_that_refers_to_itself_still_gets_a_valid_answer() -> None:
    node = {"type": "object", "properties": {"next": {"$ref": "#/components/schemas/Node"}, "id": {"type": "integer"}},
            "required": ["id"], "allOf": [{"$ref": "#/components/schemas/Node"}]}  # fmt: skip
    assert _answer_for({"$ref": "#/components/schemas/Node"}, {"Node": node}) == {"id": 0}
