"""`attentive spec audit`: the vendor spec's gaps are listed by rule with JSON pointers; the effective spec is clean."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from attentive_toolkit.cli.main import cli
from attentive_toolkit.spec.audit import audit
from attentive_toolkit.spec.effective import load_json

REPO = Path(__file__).resolve().parents[2]
VENDOR = load_json(REPO / "openapi.json")


def findings_by_rule(document: dict[str, Any]) -> dict[str, set[str]]:
    rules: dict[str, set[str]] = {}
    for finding in audit(document):
        rules.setdefault(finding.rule, set()).add(finding.pointer)
    return rules


def test_vendor_spec_gaps_are_listed_by_rule_with_pointers() -> None:
    items = "/properties/subscriptions/items/required"
    assert findings_by_rule(VENDOR) == {
        "required-undeclared": {
            f"/components/schemas/CreateUserAttributesRequestDtoV2{items}",
            f"/components/schemas/CreateUserAttributesRequestDtoV21{items}",
        },
        "undeclared-oauth-scope": {"/paths/~1v2~1user~1attributes/post/security/0/OAuthFlow"},
        "schema-without-type": {"/components/schemas/UserAttributes"},
        "operation-without-4xx": {"/paths/~1v2~1bulk~1job~1{bulkJobId}/get/responses"},
        "ignored-header-parameter": {"/paths/~1v2~1bulk~1user~1attributes/post/parameters/0"},
        "prose-rate-limit": {
            "/paths/~1v2~1user~1attributes/post",
            "/paths/~1v2~1bulk~1user~1attributes/post",
            "/paths/~1v2~1bulk~1job~1{bulkJobId}/get",
        },
    }


def test_cli_exits_non_zero_on_the_vendor_spec_and_zero_on_the_effective_spec() -> None:
    runner = CliRunner()
    vendor = runner.invoke(cli, ["spec", "audit", str(REPO / "openapi.json")])
    assert vendor.exit_code == 1
    assert "required-undeclared" in vendor.output and "'subscriptionType' is required" in vendor.output
    effective = runner.invoke(cli, ["spec", "audit", str(REPO / "generated" / "openapi.json")])
    assert effective.exit_code == 0, effective.output
    as_json = runner.invoke(cli, ["spec", "audit", "--json", str(REPO / "openapi.json")])
    assert {f["rule"] for f in json.loads(as_json.stdout)} == set(findings_by_rule(VENDOR))


def test_dangling_links_and_refs_are_found() -> None:
    document = copy.deepcopy(VENDOR)
    response = document["paths"]["/v2/bulk/user/attributes"]["post"]["responses"]["202"]
    response["links"] = {
        "Gone": {"operationId": "getBulkJob", "parameters": {"bulkJobId": "$response.body#/batchJobId"}},
        "WrongField": {"operationId": "getBulkJobStatus", "parameters": {"bulkJobId": "$response.body#/jobId"}},
        "WrongParameter": {"operationId": "getBulkJobStatus", "parameters": {"jobId": "$response.body#/batchJobId"}},
    }
    document["components"]["schemas"]["Success"]["properties"]["extra"] = {"$ref": "#/components/schemas/Nope"}
    messages = {f.pointer.rsplit("/", 1)[-1]: f.message for f in audit(document) if f.rule == "dangling-link"}
    assert "does not exist" in messages["Gone"]
    assert "names no property of the 202 response body" in messages["WrongField"]
    assert "'jobId' is not a parameter of 'getBulkJobStatus'" in messages["WrongParameter"]
    refs = [f.pointer for f in audit(document) if f.rule == "dangling-ref"]
    assert refs == ["/components/schemas/Success/properties/extra/$ref"]


def test_a_combinator_the_generator_would_degrade_to_any_is_found() -> None:
    document = copy.deepcopy(VENDOR)
    item = document["components"]["schemas"]["CreateUserAttributesRequestDtoV2"]["properties"]["subscriptions"]["items"]
    item["anyOf"] = [{"required": ["signUpSourceId"]}, {"required": ["locale"]}]
    degrading = [f.pointer for f in audit(document) if f.rule == "degrading-combinator"]
    assert degrading == ["/components/schemas/CreateUserAttributesRequestDtoV2/properties/subscriptions/items/anyOf"]
    item["allOf"] = [{"anyOf": item.pop("anyOf")}]
    assert not [f for f in audit(document) if f.rule == "degrading-combinator"]


def test_a_spec_that_is_not_json_is_a_clear_error(tmp_path: Path) -> None:
    broken = tmp_path / "spec.json"
    broken.write_text("{not json", encoding="utf-8")
    result = CliRunner().invoke(cli, ["spec", "audit", str(broken)])
    assert result.exit_code == 1
    assert "line 1, column 2: not valid JSON" in result.output
