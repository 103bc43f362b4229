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

import orjson

from ..json_exact import fast_loads, has_long_digit_run
from .lines import LongLine, line_blocks
from .strict import (
    BOM,
    DECODER,
    StrictError,
    bom_column,
    compact_json,
    has_lone_surrogate,
    printable_text,
    spelled_colons,
    surely_unique_keys,
)

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


@dataclass(slots=True)
class RecordRun:
    """Consecutive physical lines that are each one record, read together on the fast path: line
    ``first_line + i`` holds ``records[i]``, which is ``encoded[i]`` as compact JSON. Nothing in them needed a
    closer look than orjson's; ``lines()`` gives them one by one, as ``parse_json_line`` would."""

    first_line: int
    records: list[dict[str, Any]]
    encoded: list[bytes]
    printable: bool = False  # every string in the lines is printable ASCII (``strict.printable_text``)

    def lines(self) -> list[SourceLine]:
        return [
            SourceLine(self.first_line + index, LineKind.RECORD, record=record, encoded=encoded)
            for index, (record, encoded) in enumerate(zip(self.records, self.encoded, strict=True))
        ]


def raw_excerpt(text: str) -> str:
    return text if len(text) <= RAW_TEXT_LIMIT else text[:RAW_TEXT_LIMIT] + "..."


def broken(line_no: int, reason: str, raw: str = "", last_line: int = 0) -> SourceLine:
    return SourceLine(line_no, LineKind.BROKEN, reason=reason, raw=raw_excerpt(raw), last_line=last_line)


def parse_json_line(line_no: int, data: bytes) -> SourceLine:
    """Classify one line's bytes (line ending and a leading file BOM already removed)."""
    # The fast path: orjson, when the line is an object that cannot have held a duplicate key and has no stray
    # BOM. orjson refuses invalid UTF-8, lone surrogates, NaN and deep nesting itself.
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
    for item in read_jsonl_runs(path, max_line_bytes):
        if isinstance(item, RecordRun):
            yield from item.lines()
        else:
            yield item


def read_jsonl_runs(path: Path, max_line_bytes: int | None = None) -> Iterator[SourceLine | RecordRun]:
    """``read_jsonl``'s lines, a block at a time: the plain records of a block come in ``RecordRun``s, every
    other line on its own as ``parse_json_line`` reads it (its own outcome, number and reason)."""
    with path.open("rb") as stream:
        line_no = 0
        for lines, whole in line_blocks(stream, max_line_bytes):
            if line_no == 0 and lines[0].startswith(BOM) and not isinstance(lines[0], LongLine):
                lines[0] = lines[0][len(BOM) :]
            if whole:
                yield from _block(line_no + 1, lines)
            else:
                yield from map(_one_line, range(line_no + 1, line_no + 1 + len(lines)), lines)
            line_no += len(lines)


def _block(first_line: int, lines: list[bytes]) -> Iterator[SourceLine | RecordRun]:
    """The lines of a block, from ``first_line`` on: ``parse_json_line``'s rules, checked once for the block
    where they can be (the scans run in C over all its bytes). A line orjson does not read as an object is read
    again on its own; anything else that needs a closer look sends the whole block line by line."""
    text = b"\n".join(lines)
    try:
        parsed = None if BOM in text or has_long_digit_run(text) else _parsed(lines)
    except Exception:  # what orjson was not foreseen to raise: each line is read again, and gets its own reason
        parsed = None
    if parsed is None:
        yield from map(_one_line, range(first_line, first_line + len(lines)), lines)
        return
    records, encoded, odd = parsed
    # No line lost a duplicate key (see ``surely_unique_keys``): written out again, none lost a colon. No line
    # can gain one, so equal totals mean equal counts line by line.
    colons = text.count(b":") + spelled_colons(text) - sum(lines[index].count(b":") for index in odd)
    if colons != b"".join(encoded).count(b":"):
        yield from map(_one_line, range(first_line, first_line + len(lines)), lines)
        return
    printable, start, at = printable_text(text), 0, 0  # ``at``: the records before line ``start``
    for index in [*odd, len(lines)]:
        if index > start:
            count = index - start
            yield RecordRun(first_line + start, records[at : at + count], encoded[at : at + count], printable)
            at += count
        if index < len(lines):
            yield _one_line(first_line + index, lines[index])
        start = index + 1


def _parsed(lines: list[bytes]) -> tuple[list[dict[str, Any]], list[bytes], list[int]] | None:
    """Each line orjson reads as an object, that object written out again, and the indexes of the other lines;
    None when orjson cannot write one out again."""
    records: list[dict[str, Any]] = []
    encoded: list[bytes] = []
    odd: list[int] = []
    loads, dumps = orjson.loads, orjson.dumps
    for index, data in enumerate(lines):
        try:
            value = loads(data)
        except orjson.JSONDecodeError:
            odd.append(index)
            continue
        if type(value) is not dict:
            odd.append(index)
            continue
        records.append(value)
        try:
            encoded.append(dumps(value))
        except orjson.JSONEncodeError:
            return None
    return records, encoded, odd


def _one_line(line_no: int, data: bytes) -> SourceLine:
    if isinstance(data, LongLine):
        return broken(line_no, data.reason, data.decode("utf-8", "replace"))
    try:
        return parse_json_line(line_no, data)
    except Exception as exc:  # a line the rules above did not foresee is still only this line's reject
        return broken(line_no, f"unreadable: {type(exc).__name__}: {exc}", data.decode("utf-8", "replace"))
