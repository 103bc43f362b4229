"""CSV records out of physical lines, so that every physical line is accounted for.

``csv.reader`` loses lines: one unbalanced quote swallows the rows after it, and past its field size limit it
resumes in the middle of a value. Here a record starts on a physical line and is accepted only when it is whole:

- a line without an open quote is one record;
- a quoted value may run over several lines; the record then covers all of them;
- a quote that never closes (before the end of the file or within ``MAX_QUOTED_CHARS``), or a multi-line record
  that does not parse, is not a record: its first line is rejected and reading resumes at the very next line,
  which gets the same chance to start a record. A rows after a stray quote are kept, never swallowed;
- a well-formed record whose quoted value is longer than ``MAX_QUOTED_CHARS`` is rejected as a whole, all of its
  lines together, and reading goes on after it. A cap produces a reject, never a skip.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

from .lines import LongLine, read_line
from .strict import BOM, bom_column, nul_column

MAX_QUOTED_CHARS = 128 * 1024
_QUOTED = re.compile(r'"((?:[^"]|"")*+)"')
_PLAIN = re.compile(r'[^,"]*')


class CsvSyntaxError(ValueError):
    def __init__(self, kind: str, position: int) -> None:
        super().__init__(f"{kind} at column {position + 1}")
        self.kind = kind
        self.position = position

    def where(self, text: str, first: int) -> str:
        """Line and column in the file, for a record's text that starts on line ``first``."""
        before = text[: self.position]
        return f"line {first + before.count(chr(10))}, column {self.position - before.rfind(chr(10))}"


class OpenQuote(Exception):
    """The text ends inside a quoted value: the record may go on on the next line."""

    def __init__(self, column: int) -> None:
        super().__init__(column)
        self.column = column


def split_fields(text: str) -> tuple[list[str], int]:
    """The fields of one record's text (line breaks inside quoted values included) and the longest quoted value.
    Raises ``OpenQuote`` when the text ends inside quotes, ``CsvSyntaxError`` for anything else malformed."""
    if '"' not in text:
        return text.split(","), 0
    fields: list[str] = []
    longest = 0
    position, end = 0, len(text)
    while True:
        if position < end and text[position] == '"':
            match = _QUOTED.match(text, position)
            if match is None:
                raise OpenQuote(position + 1)
            value = match.group(1)
            longest = max(longest, len(value))
            fields.append(value.replace('""', '"'))
        else:
            match = _PLAIN.match(text, position)
            assert match is not None  # the pattern matches the empty string
            fields.append(match.group(0))
        position = match.end()
        if position == end:
            return fields, longest
        if text[position] != ",":
            kind = "a quote inside an unquoted value" if text[position] == '"' else "text after a closing quote"
            raise CsvSyntaxError(kind, position)
        position += 1


@dataclass(frozen=True, slots=True)
class CsvRecord:
    """Lines ``first``..``last``: either ``fields`` or, when not a usable record, ``error`` and the text."""

    first: int
    last: int
    fields: list[str] | None
    error: str = ""
    text: str = ""


class PhysicalLines:
    """The file's lines, numbered from 1, with a look-ahead that can be given back."""

    def __init__(self, stream: BinaryIO, max_line_bytes: int | None = None) -> None:
        self._stream = stream
        self._limit = max_line_bytes
        self._line_no = 0
        self._back: deque[tuple[int, bytes]] = deque()

    def next(self) -> tuple[int, bytes] | None:
        if self._back:
            return self._back.popleft()
        data = read_line(self._stream, self._limit)
        if data is None:
            return None
        self._line_no += 1
        if isinstance(data, LongLine):
            return self._line_no, data  # refused by ``_line_problem``: it was never read whole
        if self._line_no == 1 and data.startswith(BOM):
            data = data[len(BOM) :]
        return self._line_no, data.rstrip(b"\r\n")

    def give_back(self, lines: list[tuple[int, bytes]]) -> None:
        self._back.extendleft(reversed(lines))


def _line_problem(data: bytes) -> tuple[str | None, str]:
    """``(problem, text)`` for one physical line: too long, invalid UTF-8, a stray BOM or a NUL refuse the line."""
    if isinstance(data, LongLine):
        return data.reason, data.decode("utf-8", errors="replace")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return f"not valid UTF-8 at byte {exc.start + 1}", data.decode("utf-8", errors="replace")
    if (column := bom_column(data)) is not None:
        return f"byte order mark (U+FEFF) at column {column}: only the file's start may hold one", text
    if (column := nul_column(text)) is not None:
        return f"NUL character at column {column}", text
    return None, text


class RecordReader:
    """Records from a binary stream. Set ``width`` (the header's field count) once known: a multi-line record
    with another number of fields is then not taken as a record, and its lines get their own chance."""

    def __init__(self, stream: BinaryIO, max_line_bytes: int | None = None) -> None:
        self._lines = PhysicalLines(stream, max_line_bytes)
        self.width: int | None = None

    def __iter__(self) -> Iterator[CsvRecord]:
        lines = self._lines
        while (head := lines.next()) is not None:
            first, data = head
            problem, text = _line_problem(data)
            if problem is not None:
                yield CsvRecord(first, first, None, problem, text)
                continue
            taken: list[tuple[int, bytes]] = []
            record = _assemble(first, text, lines, taken)
            if record.fields is not None and taken and self.width is not None and len(record.fields) != self.width:
                reason = (
                    f"a quoted value opened here runs to line {record.last}, but that record has "
                    f"{len(record.fields)} fields, not {self.width}: an unbalanced quote?"
                )
                record = CsvRecord(first, first, None, reason, text)
            if record.fields is None and record.last == first and taken:
                lines.give_back(taken)  # not a record after all: each following line gets its own chance
            yield record


def _assemble(first: int, text: str, lines: PhysicalLines, taken: list[tuple[int, bytes]]) -> CsvRecord:
    """The record starting on line ``first``, reading on (into ``taken``) while a quoted value is open."""
    open_at = 0
    while True:
        try:
            fields, longest = split_fields(text)
        except OpenQuote as open_quote:
            column = open_at = open_quote.column
            following = lines.next() if len(text) <= MAX_QUOTED_CHARS else None
            problem = None
            if following is not None:
                taken.append(following)
                problem, more = _line_problem(following[1])
            if following is None or problem is not None:
                where = "the end of the file" if following is None else f"line {following[0]} ({problem})"
                if len(text) > MAX_QUOTED_CHARS:
                    where = f"{MAX_QUOTED_CHARS} characters"
                reason = f"the quote opened at column {column} is not closed before {where}"
                return CsvRecord(first, first, None, reason, text.split("\n", 1)[0])
            text = text + "\n" + more
            # A line without a quote cannot close the open value: no need to split again (keeps this linear).
            while '"' not in more and len(text) <= MAX_QUOTED_CHARS and (following := lines.next()) is not None:
                taken.append(following)
                problem, more = _line_problem(following[1])
                if problem is not None:
                    reason = f"the quote opened at column {open_at} is not closed before line {following[0]}"
                    reason += f" ({problem})"
                    return CsvRecord(first, first, None, reason, text.split("\n", 1)[0])
                text = text + "\n" + more
            continue
        except CsvSyntaxError as exc:
            reason = f"CSV syntax: {exc}"
            if taken:
                reason = (
                    f"the quote opened at column {open_at} is not closed on this line, and the lines after it do not "
                    f"complete a record ({exc.kind} at {exc.where(text, first)})"
                )
            return CsvRecord(first, first, None, reason, text.split("\n", 1)[0])
        last = taken[-1][0] if taken else first
        if longest > MAX_QUOTED_CHARS:
            reason = f"a quoted value of {longest} characters is longer than the {MAX_QUOTED_CHARS} allowed"
            return CsvRecord(first, last, None, reason, text[:200])
        return CsvRecord(first, last, fields, text=text)
