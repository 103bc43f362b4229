"""Input lines as a stream: every physical line of a JSON Lines file becomes exactly one ``SourceLine``.

Reading a line never raises: whatever goes wrong (invalid UTF-8 or JSON, a duplicate key, nesting too deep for
the parser, a stray byte order mark) becomes a BROKEN line with its number and the reason.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Any

from ..json_exact import fast_loads
from .lines import LongLine, read_line
from .strict import BOM, DECODER, StrictError, bom_column, compact_json, has_lone_surrogate, surely_unique_keys

RAW_TEXT_LIMIT = 2000


class LineKind(Enum):
    RECORD = "record"
    BLANK = "blank"
    BROKEN = "broken"
    SKIPPED = "skipped"  # not data: a CSV header row


# Not frozen: one is made per input line, and a frozen dataclass pays a call per field to be built.
@dataclass(slots=True)
class SourceLine:
    """One input unit: a line of JSON Lines or a record of CSV, numbered from 1 as an editor shows it.

    ``last_line`` is the last physical line the unit covers (a CSV value may span lines); every physical line
    from ``line_no`` to ``last_line`` shares this unit's outcome. ``encoded`` is the record as compact JSON when
    reading it already encoded it (empty otherwise): its size in a request body, and the bytes the body is made of.
    """

    line_no: int
    kind: LineKind
    record: dict[str, Any] | None = None
    reason: str = ""
    raw: str = ""
    last_line: int = 0
    encoded: bytes = b""

    @property
    def span(self) -> int:
        return max(self.last_line, self.line_no) - self.line_no + 1


def raw_excerpt(text: str) -> str:
    return text if len(text) <= RAW_TEXT_LIMIT else text[:RAW_TEXT_LIMIT] + "..."


def broken(line_no: int, reason: str, raw: str = "", last_line: int = 0) -> SourceLine:
    return SourceLine(line_no, LineKind.BROKEN, reason=reason, raw=raw_excerpt(raw), last_line=last_line)


def parse_json_line(line_no: int, data: bytes) -> SourceLine:
    """Classify one line's bytes (line ending and a leading file BOM already removed)."""
    # The fast path: orjson, when the line is an object that cannot have held a duplicate key, has no stray BOM
    # and no escape that could make a lone surrogate. orjson refuses invalid UTF-8, NaN and deep nesting itself.
    value = fast_loads(data)
    if isinstance(value, dict) and BOM not in data:
        encoded = compact_json(value)  # once: it also gives the record's size in a request body
        if encoded is not None and surely_unique_keys(data, encoded):
            return SourceLine(line_no, LineKind.RECORD, record=value, encoded=encoded)
    return _parse_strictly(line_no, data)


def _parse_strictly(line_no: int, data: bytes) -> SourceLine:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return broken(line_no, f"not valid UTF-8 at byte {exc.start + 1}", data.decode("utf-8", errors="replace"))
    if not text.strip():
        return SourceLine(line_no, LineKind.BLANK)
    if (column := bom_column(data)) is not None:
        return broken(line_no, f"byte order mark (U+FEFF) at column {column}: only the file's start may hold one", text)
    try:
        value = DECODER.decode(text)
    except json.JSONDecodeError as exc:
        return broken(line_no, f"invalid JSON at column {exc.colno}: {exc.msg}", text)
    except StrictError as exc:
        return broken(line_no, f"invalid JSON: {exc}", text)
    except RecursionError:
        return broken(line_no, "nested too deeply to read", text)
    except (ValueError, MemoryError) as exc:
        return broken(line_no, f"invalid JSON: {exc}", text)
    if not isinstance(value, dict):
        kind = "array" if isinstance(value, list) else type(value).__name__
        return broken(line_no, f"a line must hold one JSON object, not {kind}", text)
    # Only a \\u escape can make a lone surrogate (UTF-8 cannot encode one): look only when there is one.
    if b"\\u" in data and has_lone_surrogate(value):
        return broken(line_no, "a string holds a lone surrogate (an unpaired \\uD800-\\uDFFF escape)", text)
    return SourceLine(line_no, LineKind.RECORD, record=value)


def read_jsonl(path: Path, max_line_bytes: int | None = None) -> Iterator[SourceLine]:
    """Stream ``path`` line by line. A UTF-8 BOM at the start and CRLF line endings are tolerated; blank lines are
    reported as BLANK so they can be counted, never silently dropped. A line over ``max_line_bytes`` is BROKEN
    by its size, without being held whole."""
    with path.open("rb") as stream:
        line_no = 0
        while (data := read_line(stream, max_line_bytes)) is not None:
            line_no += 1
            if isinstance(data, LongLine):
                yield broken(line_no, data.reason, data.decode("utf-8", "replace"))
                continue
            if line_no == 1 and data.startswith(BOM):
                data = data[len(BOM) :]
            data = data.rstrip(b"\r\n")
            try:
                line = parse_json_line(line_no, data)
            except Exception as exc:  # a line the rules above did not foresee is still only this line's reject
                line = broken(line_no, f"unreadable: {type(exc).__name__}: {exc}", data.decode("utf-8", "replace"))
            yield line
