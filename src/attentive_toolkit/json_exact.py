"""Fast JSON parsing that never changes a value: orjson, except where orjson would.

orjson turns an integer beyond 64 bits into a float without a word (2699126561863404262571114496 becomes
2.699126561863404e+27), and a negative one below -2**63 from 19 digits on (-9223372036854775809 becomes
-9.223372036854776e+18), so text holding a run of 19 or more digits is left to the standard parser, which keeps
integers exact. Callers fall back to ``json`` for that text and for anything orjson refuses, which also gives
their users the standard parser's line-and-column error messages.
"""

from __future__ import annotations

import json
from typing import Any, Final

import orjson

# Every digit becomes "0" and every other byte a space, so a run of 19 digits is a plain substring search: both
# steps run in C, many times faster than a regular expression over a 60 KB bulk body.
_DIGITS_AS_ZEROS: Final = bytes(0x30 if 0x30 <= byte <= 0x39 else 0x20 for byte in range(256))
_LONG_DIGIT_RUN: Final = b"0" * 19


class _NotParsed:
    """The fast path declined: parse with the standard library instead."""


NOT_PARSED: Final = _NotParsed()


def has_long_digit_run(raw: bytes) -> bool:
    return _LONG_DIGIT_RUN in raw.translate(_DIGITS_AS_ZEROS)


def fast_loads(raw: bytes) -> Any:
    """The parsed value, or ``NOT_PARSED`` when orjson refuses ``raw`` or could not keep its numbers exact."""
    if has_long_digit_run(raw):
        return NOT_PARSED
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError:
        return NOT_PARSED


def encode_exact(value: Any) -> bytes:
    """``value`` as compact UTF-8 JSON, as a request body carries it (orjson; the standard encoder for what orjson
    refuses, such as an integer beyond 64 bits)."""
    try:
        return orjson.dumps(value)
    except TypeError:
        return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8", "surrogatepass")


def encoded_size(value: Any) -> int:
    return len(encode_exact(value))
