"""The single-user upsert, shared by ``POST /v2/user/attributes`` and each record of a bulk job."""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from typing import Any

from attentive_client.runtime import FieldError

from .responses import field_error_json
from .rules import resolve_sign_up_units, type_custom_attributes
from .settings import SignUpUnit
from .storage import Store

# Identifier pairs looked up per statement: two parameters each, well under SQLite's 32,766.
LOOKUP_CHUNK = 4000
SINGLE_VALUED_IDENTIFIERS = ("email", "phone", "shopifyId", "klaviyoId", "clientUserId")


@dataclass(frozen=True)
class UpsertResult:
    """What one upsert came to: the answer's status and message, and the rules it broke (a 400)."""

    status: int
    message: str
    violations: tuple[FieldError, ...] = ()

    def result_line(self, request: Any) -> dict[str, Any]:
        line: dict[str, Any] = {"request": request, "status": self.status, "message": self.message}
        if self.violations:
            line["errors"] = [field_error_json(error) for error in self.violations]
        return line


class _Refused(Exception):
    pass


def deep_merge(base: dict[str, Any], update: dict[str, Any]) -> dict[str, Any]:
    merged = dict(base)
    for key, value in update.items():
        current = merged.get(key)
        merged[key] = deep_merge(current, value) if isinstance(current, dict) and isinstance(value, dict) else value
    return merged


def identifier_pairs(identifiers: dict[str, Any]) -> list[tuple[str, str]]:
    pairs = [(kind, identifiers[kind]) for kind in SINGLE_VALUED_IDENTIFIERS if kind in identifiers]
    pairs += [("custom:" + item["key"], item["value"]) for item in identifiers.get("customIdentifiers", [])]
    return pairs


def rules_summary(violations: list[FieldError]) -> str:
    noun = "rule" if len(violations) == 1 else "rules"
    return f"the request breaks {len(violations)} documented {noun}: " + "; ".join(v.message for v in violations)


INSERT_SUBSCRIPTION = (
    "INSERT INTO subscriptions (user_id, channel, subscription_type, sign_up_source_id, single_opt_in, locale, "
    "recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?)"
)


def owners_of(db: sqlite3.Connection, pairs: list[tuple[str, str]]) -> dict[tuple[str, str], int]:
    """The user holding each of ``pairs`` that someone holds. A join on a VALUES list, not ``(kind, value) IN``:
    SQLite answers the IN form by scanning every identifier, the join by one index lookup per pair."""
    owners: dict[tuple[str, str], int] = {}
    for start in range(0, len(pairs), LOOKUP_CHUNK):
        chunk = pairs[start : start + LOOKUP_CHUNK]
        rows = db.execute(
            "SELECT i.kind, i.value, i.user_id FROM (VALUES "
            + ", ".join("(?, ?)" for _ in chunk)
            + ") AS wanted JOIN identifiers AS i ON i.kind = wanted.column1 AND i.value = wanted.column2",
            [item for pair in chunk for item in pair],
        )
        owners.update(((kind, value), user_id) for kind, value, user_id in rows)
    return owners


def refused(violations: list[FieldError]) -> UpsertResult:
    return UpsertResult(400, rules_summary(violations), tuple(violations))


def _accepted(user_id: int, merged: list[int] | None, superseded: list[str]) -> UpsertResult:
    if merged is None:
        return UpsertResult(202, f"created user {user_id}")
    bridged = f" and merged users {', '.join(map(str, merged))} into it" if merged else ""
    # A bridged user's identifier that this user already has a value for is dropped: say so, never silently.
    dropped = f" (superseded: {', '.join(superseded)})" if superseded else ""
    return UpsertResult(202, f"updated user {user_id}{bridged}{dropped}")


class Upserter:
    def __init__(self, store: Store, sign_up_units: tuple[SignUpUnit, ...], max_custom_attributes: int) -> None:
        self._store = store
        self._units = sign_up_units
        self._max_custom_attributes = max_custom_attributes

    def apply(self, record: dict[str, Any], now: str) -> UpsertResult:
        """Upsert one schema-valid record; on any broken rule nothing is stored and the outcome is a 400."""
        sources, violations = self.check(record)
        attributes = record.get("attributes", {})
        try:
            with self._store.transaction() as db:
                violations += type_custom_attributes(db, attributes.get("custom", {}), self._max_custom_attributes)
                if violations:
                    raise _Refused
                return self.write(db, record, sources, now)
        except _Refused:
            return refused(violations)

    def check(
        self, record: dict[str, Any], pairs: list[tuple[str, str]] | None = None
    ) -> tuple[list[str], list[FieldError]]:
        """The sign-up source of each subscription, and the rules the record breaks that need no stored state
        (``pairs``: the record's identifier pairs, when the caller has them already)."""
        sources, violations = resolve_sign_up_units(record.get("subscriptions", []), self._units)
        if not (identifier_pairs(record["identifiers"]) if pairs is None else pairs):
            # The schema's minProperties is met by an empty customIdentifiers list, which still names nobody.
            violations.append(
                FieldError("/identifiers", "identifiers", "the identifiers name no one: give at least one identifier")
            )
        return sources, violations

    def write(self, db: sqlite3.Connection, record: dict[str, Any], sources: list[str], now: str) -> UpsertResult:
        """Store a record that breaks no rule, inside the caller's transaction."""
        user_id, merged, superseded = self._find_or_create(db, identifier_pairs(record["identifiers"]), now)
        self._update_user(db, user_id, record["identifiers"], record.get("attributes", {}), now)
        for subscription, source in zip(record.get("subscriptions", []), sources, strict=True):
            self._record_subscription(db, user_id, subscription, source, now)
        return _accepted(user_id, merged, superseded)

    def _find_or_create(
        self, db: sqlite3.Connection, pairs: list[tuple[str, str]], now: str
    ) -> tuple[int, list[int] | None, list[str]]:
        """The user any identifier belongs to, created when none does. Identifiers of several users bridge them:
        they merge into the oldest, as the vendor warns duplicate values do. ``None`` means created; the last
        item names the merged users' identifiers that the oldest user's own values superseded."""
        found = set(owners_of(db, pairs).values())
        if not found:
            cursor = db.execute(
                "INSERT INTO users (attributes, created_at, updated_at) VALUES ('{}', ?, ?)", (now, now)
            )
            return int(cursor.lastrowid or 0), None, []
        target, *others = sorted(found)
        requested = dict(pairs)
        superseded = [
            f"user {other}'s {kind}" for other in others for kind in self._merge_into(db, target, other, requested)
        ]
        return target, others, superseded

    @staticmethod
    def _merge_into(db: sqlite3.Connection, target: int, other: int, requested: dict[str, str]) -> list[str]:
        rows = db.execute("SELECT id, attributes FROM users WHERE id IN (?, ?)", (target, other)).fetchall()
        documents = {row[0]: json.loads(row[1]) for row in rows}
        merged = deep_merge(documents[other], documents[target])
        db.execute("UPDATE users SET attributes = ? WHERE id = ?", (json.dumps(merged), target))
        # The target keeps its own value for a single-valued identifier; the other user's custom ones all move.
        # A value the request itself carries is not superseded: the update right after gives it to the target.
        superseded = []
        for kind in SINGLE_VALUED_IDENTIFIERS:
            held = db.execute("SELECT 1 FROM identifiers WHERE user_id = ? AND kind = ?", (target, kind)).fetchone()
            if held is not None:
                dropped = db.execute(
                    "DELETE FROM identifiers WHERE user_id = ? AND kind = ? RETURNING value", (other, kind)
                ).fetchall()
                if any(row[0] != requested.get(kind) for row in dropped):
                    superseded.append(kind)
        db.execute("UPDATE identifiers SET user_id = ? WHERE user_id = ?", (target, other))
        db.execute("UPDATE subscriptions SET user_id = ? WHERE user_id = ?", (target, other))
        db.execute("DELETE FROM users WHERE id = ?", (other,))
        return superseded

    @staticmethod
    def _update_user(
        db: sqlite3.Connection, user_id: int, identifiers: dict[str, Any], attributes: dict[str, Any], now: str
    ) -> None:
        held = {
            (row[0], row[1]) for row in db.execute("SELECT kind, value FROM identifiers WHERE user_id = ?", (user_id,))
        }
        for kind, value in identifier_pairs(identifiers):
            if (kind, value) in held:
                continue
            if kind in SINGLE_VALUED_IDENTIFIERS and any(held_kind == kind for held_kind, _ in held):
                db.execute("DELETE FROM identifiers WHERE user_id = ? AND kind = ?", (user_id, kind))
            db.execute(
                "INSERT OR REPLACE INTO identifiers (kind, value, user_id) VALUES (?, ?, ?)", (kind, value, user_id)
            )
        row = db.execute("SELECT attributes FROM users WHERE id = ?", (user_id,)).fetchone()
        merged = deep_merge(json.loads(row[0]), attributes)
        db.execute("UPDATE users SET attributes = ?, updated_at = ? WHERE id = ?", (json.dumps(merged), now, user_id))

    @staticmethod
    def subscription_row(
        user_id: int, subscription: dict[str, Any], source: str, now: str
    ) -> tuple[int, str, str, str, int, str | None, str]:
        locale = subscription.get("locale")
        return (
            user_id,
            subscription["channel"],
            subscription["subscriptionType"],
            source,
            int(bool(subscription.get("singleOptIn", False))),
            json.dumps(locale) if locale is not None else None,
            now,
        )

    @staticmethod
    def _record_subscription(
        db: sqlite3.Connection, user_id: int, subscription: dict[str, Any], source: str, now: str
    ) -> None:
        # Every attempt is recorded, repeats included: the vendor records (and may act on) each one.
        db.execute(INSERT_SUBSCRIPTION, Upserter.subscription_row(user_id, subscription, source, now))
