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
