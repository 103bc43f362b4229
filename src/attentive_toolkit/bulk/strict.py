"""Strict reading of one record: what JSON and CSV let through but an import must not.

- a duplicate key in a JSON object (the standard parser keeps the last value without a word);
- a lone surrogate (``"\\ud800"``), which no request can carry;
- a byte order mark anywhere but at the very start of the file (it would end up inside a value);
- control and invisible format characters in an identifier (a NUL or a zero-width space makes a different user).
"""

from __future__ import annotations

import json
import unicodedata
from typing import Any

import orjson

BOM = b"\xef\xbb\xbf"
# Control (Cc), format (Cf: zero-width spaces, U+FEFF), surrogate (Cs) and line/paragraph separators.
FORBIDDEN_IN_IDENTIFIERS = frozenset({"Cc", "Cf", "Cs", "Zl", "Zp"})
SINGLE_IDENTIFIERS = ("email", "phone", "shopifyId", "klaviyoId", "clientUserId")


class StrictError(ValueError):
    """The line is refused; the message says what and where."""


def _unique_object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    record = dict(pairs)
    if len(record) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise StrictError(f"duplicate key {key!r} in one JSON object")
            seen.add(key)
    return record


def _no_constants(name: str) -> Any:
    # NaN and Infinity are not JSON; the server would refuse the whole batch.
    raise StrictError(f"{name} is not valid JSON")


DECODER = json.JSONDecoder(object_pairs_hook=_unique_object, parse_constant=_no_constants)


def compact_json(value: Any) -> bytes | None:
    """``value`` as compact UTF-8 JSON by orjson; None for what orjson refuses (an integer beyond 64 bits)."""
    try:
        return orjson.dumps(value)
    except orjson.JSONEncodeError:
        return None


def surely_unique_keys(data: bytes, encoded: bytes) -> bool:
    """True when the value ``encoded`` (written out again by ``compact_json``), parsed from ``data`` by a parser
    that keeps the last of duplicate keys, cannot have lost one. Written out again, a value that lost a key loses
    that key's colon; every other colon (a key's, or one inside a string) is written again as a colon, whether the
    text spelled it as one or as the escape ``\\u003a``: so a count of the colons in ``data`` and of those
    escapes equal to the count in ``encoded`` means nothing was dropped. (An escaped backslash before ``u003a`` is
    counted too, wrongly: that only sends the line to the strict parser.) Unequal counts send the caller to the
    strict parser, which names the key."""
    return data.count(b":") + spelled_colons(data) == encoded.count(b":")


def spelled_colons(data: bytes) -> int:
    """How many colons ``data`` may spell as a ``\\u003a`` escape (at least as many as it does)."""
    if b"\\u" not in data:
        return 0
    return data.count(b"\\u003a") + data.count(b"\\u003A")


def bom_column(data: bytes) -> int | None:
    """1-based column of a byte order mark in ``data``, or None."""
    at = data.find(BOM)
    return None if at < 0 else len(data[:at].decode("utf-8", errors="replace")) + 1


def nul_column(text: str) -> int | None:
    at = text.find("\x00")
    return None if at < 0 else at + 1


def has_lone_surrogate(value: Any) -> bool:
    """True when some string in ``value`` holds an unpaired surrogate (only a ``\\uD8xx`` escape can make one)."""
    try:
        json.dumps(value, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def printable_text(data: bytes) -> bool:
    """Whether every string JSON ``data`` holds is printable ASCII, from its bytes alone: ASCII with no escape and
    no DEL (JSON refuses other control bytes inside a string). ``identifier_problem`` finds nothing in such text."""
    return data.isascii() and b"\\" not in data and b"\x7f" not in data


def _bad_character(text: str) -> str | None:
    for position, char in enumerate(text, start=1):
        if unicodedata.category(char) in FORBIDDEN_IN_IDENTIFIERS:
            return f"U+{ord(char):04X} at character {position}"
    return None


def identifier_problem(record: dict[str, Any]) -> str | None:
    """A control or invisible character in an identifier, named with where it is; None when clean."""
    identifiers = record.get("identifiers")
    if not isinstance(identifiers, dict):
        return None
    custom = identifiers.get("customIdentifiers")
    if not custom:
        for value in identifiers.values():
            if type(value) is str and not value.isprintable():
                break
        else:
            return None  # the common case: no custom identifier, every value printable
    for name in SINGLE_IDENTIFIERS:
        value = identifiers.get(name)
        if isinstance(value, str) and not value.isprintable() and (bad := _bad_character(value)):
            return f"/identifiers/{name}: control or invisible character {bad}"
    for index, item in enumerate(custom if isinstance(custom, list) else []):
        for part in ("key", "value"):
            value = item.get(part) if isinstance(item, dict) else None
            if isinstance(value, str) and not value.isprintable() and (bad := _bad_character(value)):
                return f"/identifiers/customIdentifiers/{index}/{part}: control or invisible character {bad}"
    return None
