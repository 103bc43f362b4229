"""The examples of the Overlay Specification (1.0.0 and 1.1.0 texts), applied as written."""

from __future__ import annotations

from typing import Any

import yaml

from attentive_toolkit.spec.overlay import apply_overlay
from attentive_toolkit.spec.overlay_document import parse_overlay


def apply(document: Any, overlay_yaml: str) -> Any:
    overlay = parse_overlay(yaml.safe_load(overlay_yaml), "example.yaml", require_descriptions=False)
    result, _reports = apply_overlay(document, overlay)
    return result


def test_structured_overlay_merges_from_the_root() -> None:
    document = {"openapi": "3.1.0", "info": {"title": "Pets", "version": "1"}, "paths": {"/": {"get": {}}}}
    result = apply(
        document,
        """
overlay: 1.0.0
info: {title: Structured Overlay, version: 1.0.0}
actions:
  - target: '$'
    update:
      info:
        x-overlay-applied: structured-overlay
      paths:
        '/':
          summary: 'The root resource'
          get:
            summary: 'Retrieve the root resource'
            x-rate-limit: 100
        '/pets':
          get:
            summary: 'Retrieve a list of pets'
            x-rate-limit: 100
""",
    )
    assert result["info"] == {"title": "Pets", "version": "1", "x-overlay-applied": "structured-overlay"}
    assert result["paths"]["/"] == {
        "get": {"summary": "Retrieve the root resource", "x-rate-limit": 100},
        "summary": "The root resource",
    }
    assert result["paths"]["/pets"]["get"]["x-rate-limit"] == 100


def test_targeted_overlay_replaces_primitives_and_merges_objects() -> None:
    document = {"paths": {"/foo": {"get": {"description": "old"}}, "/bar": {"get": {"description": "old"}}}}
    result = apply(
        document,
        """
overlay: 1.1.0
info: {title: Targeted Overlay, version: 1.0.0}
actions:
  - target: $.paths['/foo'].get.description
    update: This is the new description
  - target: $.paths['/bar'].get.description
    update: This is the updated description
  - target: $.paths['/bar']
    update:
      post:
        description: This is an updated description of a child object
        x-safe: false
""",
    )
    assert result["paths"]["/foo"]["get"]["description"] == "This is the new description"
    assert result["paths"]["/bar"] == {
        "get": {"description": "This is the updated description"},
        "post": {"description": "This is an updated description of a child object", "x-safe": False},
    }


def test_wildcard_and_filter_targets_update_every_match() -> None:
    document = {
        "paths": {
            "/a": {"get": {"parameters": [{"name": "filter", "in": "query"}, {"name": "filter", "in": "header"}]}},
            "/b": {"get": {"parameters": []}, "post": {}},
        }
    }
    result = apply(
        document,
        """
overlay: 1.0.0
info: {title: Update many objects at once, version: 1.0.0}
actions:
  - target: $.paths.*.get
    update:
      x-safe: true
  - target: $.paths.*.get.parameters[?@.name=='filter' && @.in=='query']
    update:
      schema:
        $ref: '#/components/schemas/filterSchema'
""",
    )
    assert result["paths"]["/a"]["get"]["x-safe"] is True
    assert result["paths"]["/b"]["get"]["x-safe"] is True
    assert "x-safe" not in result["paths"]["/b"]["post"]
    query, header = result["paths"]["/a"]["get"]["parameters"]
    assert query["schema"] == {"$ref": "#/components/schemas/filterSchema"}
    assert "schema" not in header


def test_array_elements_are_added_by_update_and_deleted_by_remove() -> None:
    document = {"paths": {"/a": {"get": {"parameters": [{"name": "dummy"}], "tags": ["dummy", "keep"]}}}}
    added = apply(
        document,
        """
overlay: 1.0.0
info: {title: Add an array element, version: 1.0.0}
actions:
  - target: $.paths.*.get.parameters
    update:
      name: newParam
      in: query
""",
    )
    assert added["paths"]["/a"]["get"]["parameters"] == [{"name": "dummy"}, {"name": "newParam", "in": "query"}]
    removed = apply(
        added,
        """
overlay: 1.1.0
info: {title: Remove array elements, version: 1.0.0}
actions:
  - target: $.paths.*.get.parameters[?@.name == 'dummy']
    remove: true
  - target: $.paths.*.get.tags[?@ == 'dummy']
    remove: true
""",
    )
    assert removed["paths"]["/a"]["get"] == {"parameters": [{"name": "newParam", "in": "query"}], "tags": ["keep"]}


def test_traits_example_gives_the_documented_result() -> None:
    document = yaml.safe_load(
        """
openapi: 3.1.0
info: {title: API with a paged collection, version: 1.0.0}
paths:
  /items:
    get:
      x-oai-traits: ['paged']
      responses: {'200': {description: OK}}
  /items/{id}/subitems:
    get:
      x-oai-traits: ['paged']
      parameters:
        - {name: id, in: path, required: true}
      responses: {'200': {description: OK}}
  /other:
    get:
      responses: {'200': {description: OK}}
"""
    )
    result = apply(
        document,
        """
overlay: 1.0.0
info: {title: Apply Traits, version: 1.0.0}
actions:
  - target: $.paths[?(@.get['x-oai-traits'][?(@ == 'paged')])].get
    update:
      parameters:
        - {name: top, in: query}
        - {name: skip, in: query}
""",
    )
    paging = [{"name": "top", "in": "query"}, {"name": "skip", "in": "query"}]
    assert result["paths"]["/items"]["get"]["parameters"] == paging
    assert result["paths"]["/items/{id}/subitems"]["get"]["parameters"] == [
        {"name": "id", "in": "path", "required": True},
        *paging,
    ]
    assert "parameters" not in result["paths"]["/other"]["get"]


MOVE_SOURCE = {
    "openapi": "3.1.0",
    "paths": {
        "/items": {"get": {"responses": {"200": {"description": "OK"}}}},
        "/some-items": {"delete": {"responses": {"200": {"description": "OK"}}}},
    },
}


def test_copy_merges_a_source_node_into_the_target() -> None:
    result = apply(
        MOVE_SOURCE,
        """
overlay: 1.1.0
info: {title: Copy, version: 1.0.0}
actions:
  - target: '$.paths["/some-items"]'
    copy: '$.paths["/items"]'
""",
    )
    assert result["paths"]["/some-items"] == {
        "delete": {"responses": {"200": {"description": "OK"}}},
        "get": {"responses": {"200": {"description": "OK"}}},
    }


def test_move_example_renames_a_path_item() -> None:
    result = apply(
        MOVE_SOURCE,
        """
overlay: 1.1.0
info: {title: Update the path for an API endpoint, version: 1.0.0}
actions:
  - target: '$.paths'
    update: { "/new-items": {} }
  - target: '$.paths["/new-items"]'
    copy: '$.paths["/items"]'
  - target: '$.paths["/items"]'
    remove: true
""",
    )
    assert result["paths"] == {
        "/some-items": {"delete": {"responses": {"200": {"description": "OK"}}}},
        "/new-items": {"get": {"responses": {"200": {"description": "OK"}}}},
    }
