"""A future release of our own: the seed's effective spec plus operations that reach what the vendor's real
releases have and the seed doesn't: a scope no operation used before, several methods on one path, a hyphenated
path parameter, ``PUT``/``DELETE`` with bodies, a form-encoded body, and a recursive, discriminated schema."""

from __future__ import annotations

import copy
from typing import Any

from attentive_toolkit.spec.effective import load_effective_spec

WIDGET = "/v9/widgets/{widget-id}"
TOKENS = "/v9/tokens"
TREES = "/v9/trees"
NEW_SCOPES = ("widgets:read", "widgets:write")

NODE_SCHEMAS: dict[str, Any] = {
    # A tree: a node is a leaf or a branch (by `kind`), and a branch holds nodes.
    "Node": {
        "oneOf": [{"$ref": "#/components/schemas/Leaf"}, {"$ref": "#/components/schemas/Branch"}],
        "discriminator": {
            "propertyName": "kind",
            "mapping": {"leaf": "#/components/schemas/Leaf", "branch": "#/components/schemas/Branch"},
        },
    },
    "Leaf": {
        "type": "object",
        "required": ["kind", "value"],
        "properties": {"kind": {"type": "string", "enum": ["leaf"]}, "value": {"type": "integer", "format": "int32"}},
        "additionalProperties": False,
    },
    "Branch": {
        "type": "object",
        "required": ["kind", "children"],
        "properties": {
            "kind": {"type": "string", "enum": ["branch"]},
            "children": {"type": "array", "minItems": 1, "items": {"$ref": "#/components/schemas/Node"}},
        },
        "additionalProperties": False,
    },
}


def _json(schema: dict[str, Any]) -> dict[str, Any]:
    return {"content": {"application/json": {"schema": schema}}}


def _secured(scope: str) -> list[dict[str, list[str]]]:
    return [{"OAuthFlow": [scope]}]


def synthetic_release(base: dict[str, Any] | None = None) -> dict[str, Any]:
    """``base`` (the effective spec when not given; the vendor's ``openapi.json`` for ``spec update``) with the
    new operations."""
    document = copy.deepcopy(base if base is not None else load_effective_spec())
    document["components"]["schemas"].update(copy.deepcopy(NODE_SCHEMAS))
    widget_id = {
        "name": "widget-id",
        "in": "path",
        "required": True,
        "schema": {"type": "string", "pattern": "^w-[0-9]+$"},
    }
    widget = {"type": "object", "required": ["name"], "properties": {"name": {"type": "string", "minLength": 1}}}
    document["paths"][WIDGET] = {
        "parameters": [widget_id],
        "get": {
            "operationId": "getWidget",
            "security": _secured("widgets:read"),
            "responses": {"200": {"description": "the widget", **_json(widget)}},
        },
        "put": {
            "operationId": "putWidget",
            "security": _secured("widgets:write"),
            "requestBody": {"required": True, **_json(widget)},
            "responses": {"200": {"description": "stored", **_json(widget)}},
        },
        "delete": {
            "operationId": "deleteWidget",
            "security": _secured("widgets:write"),
            "requestBody": {"required": True, **_json({**widget, "additionalProperties": False})},
            "responses": {"204": {"description": "deleted"}},
        },
    }
    form = {
        "type": "object",
        "required": ["grant_type", "count"],
        "properties": {
            "grant_type": {"type": "string", "enum": ["authorization_code"]},
            "count": {"type": "integer", "minimum": 1},
            "tags": {"type": "array", "items": {"type": "string"}},
        },
    }
    token = {"type": "object", "required": ["access_token"], "properties": {"access_token": {"type": "string"}}}
    document["paths"][TOKENS] = {
        "post": {
            "operationId": "createToken",
            "requestBody": {"required": True, "content": {"application/x-www-form-urlencoded": {"schema": form}}},
            "responses": {"200": {"description": "a token", **_json(token)}},
        }
    }
    node = {"$ref": "#/components/schemas/Node"}
    document["paths"][TREES] = {
        "post": {
            "operationId": "postTree",
            "requestBody": {"required": True, **_json(node)},
            "responses": {"200": {"description": "the tree as stored", **_json(node)}},
        }
    }
    return document


def nested_tree(depth: int) -> dict[str, Any]:
    tree: dict[str, Any] = {"kind": "leaf", "value": depth}
    for level in range(depth):
        tree = {"kind": "branch", "children": [tree, {"kind": "leaf", "value": level}]}
    return tree
