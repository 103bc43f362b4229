"""Coverage bookkeeping without a server: which keywords, properties, parameters, statuses and links a run
exercised, on a small spec of our own."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from attentive_toolkit.conformance.coverage import CoverageRecorder, keyword_locations, property_pointers

SPEC: dict[str, Any] = {
    "openapi": "3.0.3",
    "paths": {
        "/things/{id}": {
            "get": {
                "operationId": "getThing",
                "parameters": [{"in": "path", "name": "id", "required": True, "schema": {"type": "string"}}],
                "responses": {"200": {"description": "ok"}, "4XX": {"description": "refused"}},
            }
        },
        "/things": {
            "post": {
                "operationId": "makeThing",
                "requestBody": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Thing"}}}},
                "responses": {
                    "201": {"description": "made", "links": {"ReadIt": {"operationId": "getThing"}}},
                    "400": {"description": "refused"},
                },
            }
        },
    },
    "components": {
        "schemas": {
            "Thing": {
                "type": "object",
                "required": ["name"],
                "properties": {
                    "name": {"type": "string", "maxLength": 3},
                    "tags": {"type": "array", "items": {"$ref": "#/components/schemas/Tag"}},
                },
            },
            "Tag": {"type": "object", "properties": {"label": {"type": "string", "nullable": True}}},
        }
    },
}


@dataclass
class Operation:
    label: str


@dataclass
class Case:
    operation: Operation
    method: str
    body: Any = None
    path_parameters: dict[str, Any] = field(default_factory=dict)
    query: dict[str, Any] | None = None
    headers: dict[str, Any] | None = None
    cookies: dict[str, Any] | None = None


def test_keywords_are_listed_at_their_canonical_location_once() -> None:
    root = {"$ref": "#/components/schemas/Thing", "components": SPEC["components"]}
    assert keyword_locations(root) == [
        "/components/schemas/Tag/properties/label/type",
        "/components/schemas/Tag/type",
        "/components/schemas/Thing/properties/name/maxLength",
        "/components/schemas/Thing/properties/name/type",
        "/components/schemas/Thing/properties/tags/type",
        "/components/schemas/Thing/required",
        "/components/schemas/Thing/type",
    ]
    assert property_pointers(root) == ["/name", "/tags", "/tags/*/label"]


def test_a_run_is_counted_per_operation() -> None:
    recorder = CoverageRecorder(SPEC)
    make = Operation("POST /things")
    recorder.observe(Case(make, "POST", {"name": "abc", "tags": [{"label": None}]}), 201)
    recorder.observe(Case(make, "POST", {"name": "abcdef"}), 400)
    recorder.observe(Case(make, "POST", {"name": "abcdef"}), 418)
    recorder.observe(Case(make, "TRACE", {"name": "abcdef"}), 405)  # an undeclared-method probe: not counted
    recorder.observe(Case(Operation("GET /things/{id}"), "GET", path_parameters={"id": "1"}), 404)
    recorder.link_followed("POST /things -> [201] ReadIt -> GET /things/{id}")
    report = recorder.report()
    made = report["makeThing"]
    assert made["statuses"] == {
        "documented": ["201", "400"],
        "observed": {"201": 1, "400": 1},
        "never_observed": [],
        "undocumented_observed": {"418": 1},
    }
    assert made["body_properties"] == {"/name": 3, "/tags": 1, "/tags/*/label": 1}
    assert made["keywords"]["/components/schemas/Thing/properties/name/maxLength"] == {"satisfied": 1, "violated": 2}
    assert made["keywords"]["/components/schemas/Tag/properties/label/type"] == {"satisfied": 1, "violated": 0}
    assert made["links"] == {"ReadIt": {"target": "getThing", "followed": 1}}
    assert made["totals"]["keywords_both_ways"] == {"covered": 1, "total": 7}
    got = report["getThing"]
    assert got["statuses"]["observed"] == {"4XX": 1} and got["statuses"]["never_observed"] == ["200"]
    assert got["parameters"] == {"path.id": 1}
