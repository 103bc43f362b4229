"""Each generated module names its operation by operationId; the runtime reads its method and path from the spec."""

from __future__ import annotations

import importlib
import pkgutil
import re
from pathlib import Path

import attentive_client.api
import httpx
from attentive_client import AuthenticatedClient
from attentive_client.api.bulk_status import get_bulk_job_status
from attentive_client.runtime import ApiSpec

from ..test_spec_facts_once import literals
from .conftest import MakeClient, answers


def _endpoint_modules() -> list[str]:
    return [
        info.name
        for info in pkgutil.walk_packages(attentive_client.api.__path__, "attentive_client.api.")
        if not info.ispkg
    ]


def test_every_generated_module_names_an_operation_of_the_spec_once() -> None:
    api = AuthenticatedClient(base_url="http://127.0.0.1", token="t").spec()
    named = [importlib.import_module(name)._OPERATION_ID for name in _endpoint_modules()]
    assert sorted(named) == sorted(operation.operation_id for operation in api.operations)


def test_no_generated_module_states_a_method_or_path_of_the_spec() -> None:
    api = AuthenticatedClient(base_url="http://127.0.0.1", token="t").spec()
    # Paths compared by shape: the generator renames path parameters ({bulkJobId} -> {bulk_job_id}).
    paths = {_shape(operation.path) for operation in api.operations}
    methods = {operation.method for operation in api.operations}
    for name in _endpoint_modules():
        module_file = Path(str(importlib.import_module(name).__file__))
        found = [(line, text) for line, text in literals(module_file) if _shape(text) in paths or text in methods]
        assert found == [], f"{name} states what the spec says: {found}"


def _shape(path: str) -> str:
    return re.sub(r"\{[^}/]*\}", "{}", path)


def test_a_path_parameter_is_encoded_whole_into_the_spec_path(make_client: MakeClient) -> None:
    client, seen = make_client(answers(httpx.Response(200, json={"status": "COMPLETED"})))
    get_bulk_job_status.sync_detailed("a/b c?", client=client)
    assert seen.requests[0].method == "GET"
    assert seen.requests[0].url.raw_path == b"/v2/bulk/job/a%2Fb%20c%3F"


def test_a_path_with_braces_and_odd_parameter_names_is_filled_in_order() -> None:
    document = {
        "openapi": "3.0.3",
        "paths": {"/v1/{first-id}/x/{2nd}": {"get": {"operationId": "odd", "responses": {"200": {"description": ""}}}}},
    }
    operation = ApiSpec.from_document(document).operation("odd")
    assert operation.request_path({"2nd": "b", "first-id": "a/1"}) == "/v1/a%2F1/x/b"
    assert operation.path_parameter_names == ("first-id", "2nd")
