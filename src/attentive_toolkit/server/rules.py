"""The vendor's documented rules that the schema cannot express."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable, Mapping
from datetime import date, datetime
from typing import Any

from attentive_client.runtime import FieldError
from attentive_client.runtime.validation import json_pointer

from .settings import SignUpUnit

_NUMBER = re.compile(r"^-?(0|[1-9][0-9]*)(\.[0-9]+)?$")
_DATE_START = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _is_iso_date(text: str) -> bool:
    if not _DATE_START.match(text):
        return False
    try:
        if len(text) == 10:
            date.fromisoformat(text)
        else:
            datetime.fromisoformat(text)
    except ValueError:
        return False
    return True


def value_type(value: Any) -> str:
    """The custom attribute type a value implies. The vendor types "24" as a number and ISO-8601 as a date."""
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int | float):
        return "number"
    text = str(value)
    if _NUMBER.match(text):
        return "number"
    if _is_iso_date(text):
        return "date"
    return "string"


def accepts(attribute_type: str, value: Any) -> bool:
    # Any string fits a string attribute (a zip code like "02134" stays a string once typed so).
    if attribute_type == "string":
        return isinstance(value, str)
    return value_type(value) == attribute_type


def resolve_sign_up_units(
    subscriptions: list[dict[str, Any]], units: tuple[SignUpUnit, ...]
) -> tuple[list[str], list[FieldError]]:
    """The sign-up source of each subscription: its own ``signUpSourceId``, or the one API unit whose locale and
    subscription type match exactly (none or several matching is a 400)."""
    resolved: list[str] = []
    violations: list[FieldError] = []
    for position, subscription in enumerate(subscriptions):
        source = subscription.get("signUpSourceId")
        if source:
            resolved.append(source)
            continue
        locale = subscription.get("locale") or {}
        language, country = locale.get("language"), locale.get("country")
        kind = subscription.get("subscriptionType")
        matches = [
            unit.id
            for unit in units
            if unit.language == language and unit.country == country and unit.subscription_type == kind
        ]
        if len(matches) == 1:
            resolved.append(matches[0])
            continue
        described = f"locale {language}-{country} and subscriptionType {kind}"
        if matches:
            message = f"{described} match {len(matches)} API sign-up units ({', '.join(matches)}); give signUpSourceId"
        else:
            message = f"no API sign-up unit matches {described}; give signUpSourceId or a configured locale"
        violations.append(FieldError(json_pointer(["subscriptions", position, "locale"]), "sign-up-unit", message))
    return resolved, violations


def check_custom_attributes(
    custom: dict[str, Any], known: Mapping[str, str], count: Callable[[], int], limit: int
) -> tuple[list[FieldError], dict[str, str]]:
    """Check each custom value against its attribute's type (``known``: name -> type); a new attribute is typed by
    its first value, up to ``limit`` attributes in all (``count``: how many exist, asked only when one is new).
    Returns the violations and the new attributes, in the order met."""
    violations: list[FieldError] = []
    created: dict[str, str] = {}
    existing = -1
    for name, value in custom.items():
        attribute_type = known.get(name)
        if attribute_type is not None:
            if not accepts(attribute_type, value):
                violations.append(
                    FieldError(
                        json_pointer(["attributes", "custom", name]),
                        "custom-attribute-type",
                        f"custom attribute '{name}' is typed {attribute_type} by its first value; "
                        f"{value!r} is a {value_type(value)}",
                    )
                )
            continue
        if existing < 0:
            existing = count()
        if existing + len(created) >= limit:
            violations.append(
                FieldError(
                    json_pointer(["attributes", "custom", name]),
                    "custom-attribute-limit",
                    f"cannot create custom attribute '{name}': the limit of {limit} is reached",
                )
            )
            continue
        created[name] = value_type(value)
    return violations, created


def type_custom_attributes(db: sqlite3.Connection, custom: dict[str, Any], limit: int) -> list[FieldError]:
    """Check each custom value against its attribute's type and register new attributes, typed by their first
    value, up to ``limit`` attributes in all. Runs inside the caller's transaction."""
    if not custom:
        return []
    names = list(custom)
    known = {
        row[0]: row[1]
        for row in db.execute(
            f"SELECT name, type FROM custom_attributes WHERE name IN ({', '.join('?' for _ in names)})", names
        )
    }
    violations, created = check_custom_attributes(
        custom, known, lambda: int(db.execute("SELECT COUNT(*) FROM custom_attributes").fetchone()[0]), limit
    )
    db.executemany("INSERT INTO custom_attributes (name, type) VALUES (?, ?)", created.items())
    return violations
