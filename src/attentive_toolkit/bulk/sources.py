"""Input lines as a stream: every physical line of a JSON Lines file becomes exactly one ``SourceLine``."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Any

from ..json_exact import fast_loads

BOM = b"\xef\xbb\xbf"
RAW_TEXT_LIMIT = 2000


class LineKind(Enum):
    RECORD = "record"
    BLANK = "blank"
    BROKEN = "broken"


@dataclass(frozen=True, slots=True)
class SourceLine:
    """One input unit: a line of JSON Lines or a row of CSV, numbered from 1 as an editor shows it."""

    line_no: int
    kind: LineKind
    record: dict[str, Any] | None = None
    reason: str = ""
    raw: str = ""


def raw_excerpt(text: str) -> str:
    return text if len(text) <= RAW_TEXT_LIMIT else text[:RAW_TEXT_LIMIT] + "..."


def _reject_constant(name: str) -> Any:
    # NaN and Infinity are not JSON; the server would refuse the whole batch.
    raise ValueError(f"{name} is not valid JSON")


DECODER = json.JSONDecoder(parse_constant=_reject_constant)


def parse_json_line(line_no: int, data: bytes) -> SourceLine:
    """Classify one line's bytes (line ending already removed)."""
    value = fast_loads(data)
    if isinstance(value, dict):
        return SourceLine(line_no, LineKind.RECORD, record=value)
    # Anything else (blank, broken, not an object) takes the standard parser, whose errors say where.
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raw = raw_excerpt(data.decode("utf-8", errors="replace"))
        return SourceLine(line_no, LineKind.BROKEN, reason=f"not valid UTF-8 at byte {exc.start + 1}", raw=raw)
    if not text.strip():
        return SourceLine(line_no, LineKind.BLANK)
    try:
        value = DECODER.decode(text)
    except json.JSONDecodeError as exc:
        return SourceLine(
            line_no, LineKind.BROKEN, reason=f"invalid JSON at column {exc.colno}: {exc.msg}", raw=raw_excerpt(text)
        )
    except ValueError as exc:
        return SourceLine(line_no, LineKind.BROKEN, reason=f"invalid JSON: {exc}", raw=raw_excerpt(text))
    if not isinstance(value, dict):
        kind = "array" if isinstance(value, list) else type(value).__name__
        return SourceLine(
            line_no, LineKind.BROKEN, reason=f"a line must hold one JSON object, not {kind}", raw=raw_excerpt(text)
        )
    return SourceLine(line_no, LineKind.RECORD, record=value)


def read_jsonl(path: Path) -> Iterator[SourceLine]:
    """Stream ``path`` line by line. A UTF-8 BOM and CRLF line endings are tolerated; blank lines are reported
    as BLANK so they can be counted, never silently dropped."""
    with path.open("rb") as stream:
        for line_no, data in enumerate(stream, start=1):
            if line_no == 1 and data.startswith(BOM):
                data = data[len(BOM) :]
            yield parse_json_line(line_no, data.rstrip(b"\r\n"))
