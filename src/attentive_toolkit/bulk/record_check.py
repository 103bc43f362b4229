"""Every record is checked before anything is sent, by the runtime: a line of the input is a single-upsert body,
so it gets exactly the verdict the client's local check and the reference server give that body."""

from __future__ import annotations

from typing import Any

from attentive_client.runtime import ApiSpec, FieldError

UPSERT_OPERATION = "postUserAttributes"
MAX_REASONS = 3


def describe(errors: list[FieldError]) -> str:
    """Up to ``MAX_REASONS`` broken rules, each as ``/json/pointer: message``."""
    shown = [f"{error.path or '/'}: {error.message}" for error in errors[:MAX_REASONS]]
    if len(errors) > MAX_REASONS:
        shown.append(f"and {len(errors) - MAX_REASONS} more")
    return "; ".join(shown)


class RecordValidator:
    """Validates one upsert; ``reason`` is ``None`` for a valid record, else a short message naming the field."""

    def __init__(self, api: ApiSpec) -> None:
        self._operation = api.operation(UPSERT_OPERATION)
        schema = self._operation.body_schema
        # The same schema over a list of bodies: valid exactly when each body is (JSON Schema's ``items``), in
        # one call into jsonschema-rs for a run of lines instead of one call per line.
        self._many = None if schema is None else api.schema_check({"type": "array", "items": schema})

    def reason(self, record: Any) -> str | None:
        errors = self._operation.validate_body(record)
        return describe(errors) if errors else None

    def all_valid(self, records: list[Any]) -> bool:
        """True when every one of ``records`` is valid (each one's ``reason`` is None); False says only that one
        is not, so ask ``reason`` of each."""
        return self._many is None or self._many.is_valid(records)
