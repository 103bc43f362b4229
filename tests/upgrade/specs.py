"""New vendor spec versions, each made from ours by the one change a vendor release might bring."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from typing import Any

Spec = dict[str, Any]

JOB = "BulkJobStatusResponse"


def _schemas(spec: Spec) -> dict[str, Any]:
    schemas: dict[str, Any] = spec["components"]["schemas"]
    return schemas


def field_added(spec: Spec) -> None:
    """The job status gains an optional creation time."""
    _schemas(spec)[JOB]["properties"]["createdAt"] = {
        "type": "string",
        "format": "date-time",
        "description": "When the job was submitted.",
    }


def field_removed(spec: Spec) -> None:
    """The job status no longer has a results URL."""
    del _schemas(spec)[JOB]["properties"]["url"]


def enum_value_added(spec: Spec) -> None:
    """Subscriptions can use a new channel."""
    subscription = _schemas(spec)["CreateUserAttributesRequestDtoV2"]["properties"]["subscriptions"]["items"]
    subscription["properties"]["channel"]["enum"].append("PUSH")


def gap_fixed(spec: Spec) -> None:
    """The vendor now requires bulkJobId and status, as overlay 05 actions[1] does."""
    _schemas(spec)[JOB]["required"] = ["bulkJobId", "status"]


def schema_renamed(spec: Spec) -> None:
    """BulkJobStatusResponse becomes BulkJobStatus; the overlays that target the old name have nothing to fix."""
    schemas = _schemas(spec)
    renamed = {("BulkJobStatus" if name == JOB else name): value for name, value in schemas.items()}
    spec["components"]["schemas"] = renamed
    text = json.dumps(spec).replace(f'"#/components/schemas/{JOB}"', '"#/components/schemas/BulkJobStatus"')
    spec.clear()
    spec.update(json.loads(text))


def operation_added(spec: Spec) -> None:
    """A new operation lists the caller's recent bulk jobs."""
    spec["paths"]["/v2/bulk/jobs"] = {
        "get": {
            "operationId": "listBulkJobs",
            "summary": "List recent bulk jobs",
            "tags": ["Bulk Status"],
            "parameters": [{"name": "limit", "in": "query", "required": False, "schema": {"type": "integer"}}],
            "responses": {
                "200": {
                    "description": "The caller's recent bulk jobs",
                    "content": {
                        "application/json": {
                            "schema": {"type": "array", "items": {"$ref": f"#/components/schemas/{JOB}"}}
                        }
                    },
                }
            },
        }
    }


def variant(base: Spec, change: Callable[[Spec], None]) -> Spec:
    spec = copy.deepcopy(base)
    change(spec)
    return spec


# --- vendor releases for issue 11: new operations with the known gap classes, gaps fixed in the vendor's words ----

NEW_OPERATIONS = ("postCustomEvents", "getSegmentMembers")


def operations_with_gaps(spec: Spec) -> None:
    """Two new operations, each carrying gap classes the overlays fix for every operation: an explicit Authorization
    header (any case, operation or path level), OAuth-only security, no error responses, no rate-limit headers,
    the rate limit in prose only."""
    header = {"name": "Authorization", "in": "header", "required": True, "schema": {"type": "string"}}
    spec["paths"]["/v2/events/custom"] = {
        "post": {
            "operationId": "postCustomEvents",
            "summary": "Submit custom events",
            "description": "Submits custom events for users.\n\nDefault Rate Limit: 150 requests per second\n",
            "tags": ["Custom Events"],
            "security": [{"OAuthFlow": ["events:write"]}],
            "parameters": [header],
            "requestBody": {
                "required": True,
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/CustomEvents"}}},
            },
            "responses": {
                "202": {
                    "description": "Accepted",
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Success"}}},
                }
            },
        }
    }
    spec["paths"]["/v2/segments/{segmentId}/members"] = {
        "parameters": [{**header, "name": "authorization"}],
        "get": {
            "operationId": "getSegmentMembers",
            "summary": "List a segment's members",
            "description": "Lists the members of a segment.\n\nDefault Rate Limit: 100 requests per second\n",
            "tags": ["Segments"],
            "parameters": [
                {"name": "segmentId", "in": "path", "required": True, "schema": {"type": "string", "minLength": 1}},
                {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 1000}},
            ],
            "responses": {
                "200": {
                    "description": "The segment's members",
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/SegmentMembers"}}},
                }
            },
        },
    }


# The gaps ``gaps_fixed_in_other_words`` fixes, and how the report must judge each.
FIXED_GAPS = {
    "G5": "retire",
    "G15": "retire",
    "G16": "retire",
    "G14": "retire",
    "G19": "retire",
    "G23": "retire",
    "G26": "retire",
}


def gaps_fixed_in_other_words(spec: Spec) -> None:
    """The vendor fixes seven gaps its own way: the subscription's rule that our overlay states by removing and
    re-adding `required`, with the names in another order (G5), the scope declared with its own description (G14),
    the Authorization header parameter dropped (G15), bearer tokens accepted on the upsert with the requirements in
    another order (G16), the job status' required list in the other order (G19), the job status' error responses
    (G23) and the server URL without its trailing slash (G26)."""
    subscription = _schemas(spec)["CreateUserAttributesRequestDtoV2"]["properties"]["subscriptions"]["items"]
    subscription["required"] = ["subscriptionType", "channel"]
    subscription["allOf"] = [{"anyOf": [{"required": ["signUpSourceId"]}, {"required": ["locale"]}]}]
    scopes = spec["components"]["securitySchemes"]["OAuthFlow"]["flows"]["authorizationCode"]["scopes"]
    scopes["attributes:write"] = "Write user attributes"
    bulk = spec["paths"]["/v2/bulk/user/attributes"]["post"]
    del bulk["parameters"]
    upsert = spec["paths"]["/v2/user/attributes"]["post"]
    upsert["security"] = [{"bearerAuth": []}, *upsert["security"]]
    _schemas(spec)[JOB]["required"] = ["status", "bulkJobId"]
    status = spec["paths"]["/v2/bulk/job/{bulkJobId}"]["get"]
    for code, name in (
        ("400", "InvalidParameter"),
        ("401", "Unauthorized"),
        ("403", "AccessDenied"),
        ("404", "NotFound"),
        ("429", "TooManyRequests"),
        ("500", "InternalError"),
    ):
        status["responses"][code] = {"$ref": f"#/components/responses/{name}"}
    spec["servers"][0]["url"] = "https://api.attentivemobile.com"
