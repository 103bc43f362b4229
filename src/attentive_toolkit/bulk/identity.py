"""The identity rule: which lines of a file are the same user.

Two lines are the same user when they share any identifier: the same ``email`` (compared without case and
surrounding spaces), ``phone``, ``shopifyId``, ``klaviyoId`` or ``clientUserId``, or the same custom identifier
(key and value). The vendor resolves a user by any of its identifiers and merges users that a request bridges, so
any shared identifier can make two lines touch one user. Erring towards "same" costs only waiting, never order.

Keys are 64-bit hashes: a collision only makes two lines wait for each other, which is always safe. A key is the
hash of the value mixed with a constant per identifier (no tuple made per key), so one value under two names gives
two keys.
"""

from __future__ import annotations

from typing import Any

SINGLE = ("phone", "shopifyId", "klaviyoId", "clientUserId")
# A distinct 62-bit constant per identifier name (multiples of the golden ratio's 64-bit fraction).
SALTS = {name: (index * 0x9E3779B97F4A7C15) % (1 << 62) for index, name in enumerate(("email", *SINGLE), start=1)}
EMAIL_SALT = SALTS.pop("email")


def identity_keys(record: dict[str, Any]) -> list[int]:
    identifiers = record.get("identifiers")
    if not isinstance(identifiers, dict):
        return []
    keys: list[int] = []
    # One pass over the identifiers a record has (one or two, most often), not one look-up per possible name.
    for name, value in identifiers.items():
        if name == "email":
            if isinstance(value, str):
                keys.append(hash(value.strip().lower()) ^ EMAIL_SALT)
        elif (salt := SALTS.get(name)) is not None:
            if value is not None:
                keys.append(hash(value if type(value) is str else str(value)) ^ salt)
        elif name == "customIdentifiers" and isinstance(value, list):
            for item in value:
                if isinstance(item, dict):
                    keys.append(hash(("custom", str(item.get("key")), str(item.get("value")))))
    return keys
