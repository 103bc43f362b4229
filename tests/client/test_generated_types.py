"""The generator degrades silently (a combinator became list[Any] once): no model field may be Any where the
effective spec declares a schema for it."""

from __future__ import annotations

import inspect
import sys
import typing
from typing import Any

import attentive_client.models as models
import attrs

from attentive_toolkit.spec.effective import load_effective_spec

# Where the spec itself leaves a value open: properties whose schema is empty ({}), and the generator's bag for
# properties the spec does not name.
OPEN_BY_DESIGN = {"additional_properties"}


def model_classes() -> list[type]:
    return [cls for _, cls in inspect.getmembers(models, inspect.isclass) if attrs.has(cls)]


def mentions_any(annotation: object) -> bool:
    if annotation is Any:
        return True
    return any(mentions_any(argument) for argument in typing.get_args(annotation))


def empty_schema_properties(spec: dict[str, Any]) -> set[str]:
    found: set[str] = set()

    def walk(node: object) -> None:
        if isinstance(node, dict):
            for name, schema in (node.get("properties") or {}).items():
                if schema == {}:
                    found.add(name)
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(spec)
    return found


def test_the_models_are_there() -> None:
    names = {cls.__name__ for cls in model_classes()}
    assert {"CreateUserAttributesRequestDtoV2SubscriptionsItem", "UserAttributes", "BulkJobStatusResponse"} <= names


def test_no_model_field_is_any_where_the_spec_declares_a_schema() -> None:
    untyped_in_spec = empty_schema_properties(load_effective_spec_document())
    offenders = []
    for cls in model_classes():
        # Models import each other only for type checking: resolve names against all of them.
        hints = typing.get_type_hints(cls, {**vars(sys.modules[cls.__module__]), **vars(models)})
        for field in attrs.fields(cls):
            if field.name in OPEN_BY_DESIGN:
                continue
            if mentions_any(hints[field.name]) and field.alias not in untyped_in_spec:
                offenders.append(f"{cls.__name__}.{field.name}: {hints[field.name]}")
    assert offenders == []


def load_effective_spec_document() -> dict[str, Any]:
    spec = load_effective_spec()
    return spec if isinstance(spec, dict) else spec.document
