"""What makes our applier stricter than the Overlay spec: no silent misses, reported no-ops, clear errors."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from attentive_toolkit.spec.overlay import OverlayActionError, apply_overlay, apply_overlays
from attentive_toolkit.spec.overlay_document import OverlayDocumentError, load_overlay, overlay_files, parse_overlay

DOCUMENT: dict[str, Any] = {
    "components": {
        "schemas": {
            "Item": {"type": "object", "properties": {"a": {"type": "string"}}, "required": ["a"]},
        }
    }
}


def overlay(actions: list[dict[str, Any]], version: str = "1.0.0", file: str = "overlays/10-test.yaml") -> Any:
    data = {"overlay": version, "info": {"title": "t", "version": "1"}, "actions": actions}
    return parse_overlay(data, file)


def test_a_target_that_matches_nothing_fails_with_file_index_and_description() -> None:
    doc = overlay(
        [
            {"target": "$.components.schemas.Item", "description": "first", "update": {"x-a": 1}},
            {"target": "$.components.schemas.Itme", "description": "Gap: typo here", "update": {"x-b": 1}},
        ]
    )
    with pytest.raises(OverlayActionError) as caught:
        apply_overlay(DOCUMENT, doc)
    message = str(caught.value)
    assert "overlays/10-test.yaml" in message
    assert "actions[1]" in message
    assert "Gap: typo here" in message
    assert "matches nothing" in message
    assert caught.value.index == 1


def test_an_action_that_changes_nothing_is_reported_as_a_no_op() -> None:
    doc = overlay(
        [
            {"target": "$.components.schemas.Item", "description": "already typed", "update": {"type": "object"}},
            {"target": "$.components.schemas.Item", "description": "already required", "update": {"required": ["a"]}},
            {"target": "$.components.schemas.Item", "description": "new", "update": {"required": ["b"]}},
        ]
    )
    result, reports = apply_overlay(DOCUMENT, doc)
    assert [r.outcome for r in reports] == ["no-op", "no-op", "applied"]
    assert result["components"]["schemas"]["Item"]["required"] == ["a", "b"]
    assert "no-op" in reports[0].line() and "actions[0]" in reports[0].line()


def test_the_input_document_is_never_modified() -> None:
    before = yaml.safe_dump(DOCUMENT)
    apply_overlays(DOCUMENT, [overlay([{"target": "$.components", "description": "d", "remove": True}])])
    assert yaml.safe_dump(DOCUMENT) == before


def test_remove_of_several_array_entries_removes_exactly_those() -> None:
    document = {"list": [{"n": 1}, {"n": 2}, {"n": 3}, {"n": 4}]}
    result, _ = apply_overlay(
        document, overlay([{"target": "$.list[?@.n > 1 && @.n < 4]", "description": "d", "remove": True}])
    )
    assert result == {"list": [{"n": 1}, {"n": 4}]}


@pytest.mark.parametrize(
    ("action", "problem"),
    [
        ({"target": "$.components[", "update": {}}, "not an RFC 9535 JSONPath query"),
        ({"target": "$.components.schemas.Item", "update": "text"}, "selects an object but the value is a primitive"),
        ({"target": "$.components.schemas.Item.type", "update": "array"}, "only Overlay 1.1 may update"),
        (
            {"target": "$.components.schemas.Item", "update": {"properties": "x"}},
            "cannot merge a primitive into an object",
        ),
        ({"target": "$", "remove": True}, "would remove the whole document"),
    ],
)
def test_actions_that_cannot_apply_say_why(action: dict[str, Any], problem: str) -> None:
    with pytest.raises(OverlayActionError, match="actions\\[0\\]") as caught:
        apply_overlay(DOCUMENT, overlay([{**action, "description": "d"}]))
    assert problem in str(caught.value)


def test_copy_needs_exactly_one_source_node() -> None:
    doc = overlay([{"target": "$.components.schemas.Item", "description": "d", "copy": "$..type"}], version="1.1.0")
    with pytest.raises(OverlayActionError, match="matches 2 nodes, not 1"):
        apply_overlay(DOCUMENT, doc)


@pytest.mark.parametrize(
    ("data", "field", "problem"),
    [
        ({"info": {"title": "t", "version": "1"}, "actions": []}, "(document)", "'overlay' is a required property"),
        ({"overlay": "2.0.0", "info": {"title": "t", "version": "1"}, "actions": [{}]}, "overlay", "does not match"),
        ({"overlay": "1.0.0", "info": {"title": "t"}, "actions": [{"target": "$"}]}, "info", "'version' is a required"),
        ({"overlay": "1.0.0", "info": {"title": "t", "version": "1"}, "actions": []}, "actions", "should be non-empty"),
        (
            {"overlay": "1.0.0", "info": {"title": "t", "version": "1"}, "actions": [{"target": "$", "remove": "yes"}]},
            "actions[0].remove",
            "is not of type 'boolean'",
        ),
        (
            {"overlay": "1.0.0", "info": {"title": "t", "version": "1"}, "actions": [{"target": "$", "updat": {}}]},
            "actions[0]",
            "unknown field(s) 'updat'",
        ),
        (
            {
                "overlay": "1.0.0",
                "info": {"title": "t", "version": "1"},
                "actions": [{"target": "$", "description": "d"}],
            },
            "actions[0]",
            "has no update, remove or copy",
        ),
        (
            {
                "overlay": "1.0.0",
                "info": {"title": "t", "version": "1"},
                "actions": [{"target": "$", "description": "d", "update": {}, "remove": True}],
            },
            "actions[0]",
            "mixes update and remove",
        ),
        (
            {
                "overlay": "1.0.0",
                "info": {"title": "t", "version": "1"},
                "actions": [{"target": "$", "copy": "$.a", "description": "d"}],
            },
            "actions[0].copy",
            "copy needs overlay 1.1.x",
        ),
        (
            {"overlay": "1.0.0", "info": {"title": "t", "version": "1"}, "actions": [{"target": "$", "update": {}}]},
            "actions[0].description",
            "every action must say which gap it fixes",
        ),
    ],
)
def test_malformed_overlay_documents_name_the_file_and_the_field(data: Any, field: str, problem: str) -> None:
    with pytest.raises(OverlayDocumentError) as caught:
        parse_overlay(data, "overlays/99-bad.yaml")
    assert caught.value.file == "overlays/99-bad.yaml"
    assert caught.value.field == field
    assert problem in caught.value.problem


def test_broken_yaml_names_the_file_and_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.overlay.yaml"
    bad.write_text("overlay: 1.0.0\ninfo: {title: t\n", encoding="utf-8")
    with pytest.raises(OverlayDocumentError, match=r"bad.overlay.yaml: line \d+, column \d+: not valid YAML"):
        load_overlay(bad)


def test_overlay_files_apply_in_name_order(tmp_path: Path) -> None:
    for name in ("20-b.yaml", "10-a.overlay.yaml", "notes.txt", "03-c.json"):
        (tmp_path / name).write_text("{}", encoding="utf-8")
    assert [p.name for p in overlay_files(tmp_path)] == ["03-c.json", "10-a.overlay.yaml", "20-b.yaml"]
