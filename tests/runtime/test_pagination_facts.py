"""Which lists page, and how, is read from the effective spec (overlay G41), never from an operation's name."""

from __future__ import annotations

from typing import Any

import pytest
from attentive_client.runtime import ApiSpec, Pagination

from attentive_toolkit.paths import ProjectPaths
from attentive_toolkit.spec.effective import build_effective_spec
from attentive_toolkit.spec.template_facts import operation_ids, pagination_facts

from ..project_copy import REPO
from ..upgrade.vendor_specs import NEWER_V2


@pytest.fixture(scope="module")
def newer_release() -> ApiSpec:
    return ApiSpec.from_document(build_effective_spec(ProjectPaths(REPO), NEWER_V2).document)


def test_the_newer_release_lists_segments_by_cursor(newer_release: ApiSpec) -> None:
    pages = newer_release.operation("listSegments").pagination
    assert pages == Pagination(
        cursor_parameter="cursor",
        cursor_field="cursor",
        items_field="segments",
        limit_parameter="limit",
        has_more_field="hasMore",
    )


def test_nothing_else_pages(newer_release: ApiSpec) -> None:
    assert [op.operation_id for op in newer_release.operations if op.pagination] == ["listSegments"]


def test_todays_spec_has_no_paginated_operation() -> None:
    api = ApiSpec.from_document(build_effective_spec(ProjectPaths(REPO)).document)
    assert not [op.operation_id for op in api.operations if op.pagination]


def _listing(extension: Any, response_properties: dict[str, Any]) -> ApiSpec:
    schema = {"type": "object", "properties": response_properties}
    operation = {
        "operationId": "listThings",
        "x-attentive-pagination": extension,
        "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": schema}}}},
    }
    return ApiSpec.from_document({"openapi": "3.0.3", "paths": {"/things": {"get": operation}}})


@pytest.mark.parametrize(
    ("extension", "properties"),
    [
        ({"cursorParameter": "cursor", "cursorField": "next"}, {"a": {"type": "array"}, "b": {"type": "array"}}),
        ({"cursorParameter": "cursor", "cursorField": "next"}, {"a": {"type": "string"}}),
        ({"cursorField": "next"}, {"a": {"type": "array"}}),
        ("yes", {"a": {"type": "array"}}),
    ],
    ids=["two arrays", "no array", "no cursor parameter", "not an object"],
)
def test_a_list_the_runtime_cant_page_is_not_paginated(extension: Any, properties: dict[str, Any]) -> None:
    assert _listing(extension, properties).operation("listThings").pagination is None


def test_the_templates_are_told_which_lists_page(newer_release: ApiSpec) -> None:
    assert pagination_facts(newer_release) == {
        "get /v2/segments": {
            "cursor_parameter": "cursor",
            "items_field": "segments",
            "cursor_field": "cursor",
            "has_more_field": "hasMore",
        }
    }
    assert operation_ids(newer_release)["get /v2/segments"] == "listSegments"
    assert pagination_facts(ApiSpec.from_document(build_effective_spec(ProjectPaths(REPO)).document)) == {}
