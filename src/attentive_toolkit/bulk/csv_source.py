"""CSV input: a column mapping turns each row into one upsert in the request schema.

Each column is mapped to a target (from the header row, or from ``--columns`` by position):

- identifiers: ``email``, ``phone``, ``shopifyId``, ``klaviyoId``, ``clientUserId``,
  ``customIdentifiers.<key>`` (one ``{key, value}`` entry);
- attributes: ``firstName``, ``lastName``, ``demographic.<field>``, ``location.<field>``, ``locale.language``,
  ``locale.country``, ``custom.<name>``;
- ``-`` ignores the column on purpose.

Values are sent as strings; a ``:number``, ``:integer`` or ``:boolean`` suffix (``custom.lucky_number:number``)
converts them, and ``demographic.age`` is always an integer. An empty cell means "not given" and is omitted.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .sources import BOM, LineKind, SourceLine, raw_excerpt

IDENTIFIERS = frozenset({"email", "phone", "shopifyId", "klaviyoId", "clientUserId"})
TOP_ATTRIBUTES = frozenset({"firstName", "lastName"})
DEMOGRAPHIC = frozenset({"language", "dateOfBirth", "age", "organization", "title", "website"})
LOCATION = frozenset(
    {"address1", "address2", "city", "state", "zip", "latitude", "longitude", "country", "region", "timezone"}
)
LOCALE = frozenset({"language", "country"})
IGNORE = "-"


class MappingError(ValueError):
    """The column mapping cannot be applied; raised before any row is read."""


def _to_number(text: str) -> int | float:
    try:
        return int(text)
    except ValueError:
        value = float(text)
        if value != value or value in (float("inf"), float("-inf")):
            raise ValueError(f"{text!r} is not a finite number") from None
        return value


def _to_boolean(text: str) -> bool:
    lowered = text.strip().lower()
    if lowered in ("true", "yes", "1"):
        return True
    if lowered in ("false", "no", "0"):
        return False
    raise ValueError(f"{text!r} is not a boolean (true/false, yes/no, 1/0)")


CONVERTERS: dict[str, Callable[[str], Any]] = {
    "string": str,
    "number": _to_number,
    "integer": int,
    "boolean": _to_boolean,
}


@dataclass(frozen=True)
class ColumnTarget:
    """Where one CSV column goes in the request: ``path`` inside the upsert and how to convert the text."""

    column: str
    path: tuple[str, ...]
    convert: Callable[[str], Any]
    type_name: str


def parse_target(column: str, spec: str) -> ColumnTarget | None:
    spec = spec.strip()
    if spec == IGNORE:
        return None
    name, _, type_name = spec.partition(":")
    type_name = type_name or "string"
    if type_name not in CONVERTERS:
        raise MappingError(f"column {column!r}: unknown type {type_name!r}; use one of {', '.join(CONVERTERS)}")
    head, dot, rest = name.partition(".")
    if not dot and name in IDENTIFIERS:
        path: tuple[str, ...] = ("identifiers", name)
    elif not dot and name in TOP_ATTRIBUTES:
        path = ("attributes", name)
    elif head == "customIdentifiers" and rest:
        path = ("identifiers", "customIdentifiers", rest)
    elif head == "custom" and rest:
        path = ("attributes", "custom", rest)
    elif head == "demographic" and rest in DEMOGRAPHIC:
        path = ("attributes", "demographic", rest)
        if rest == "age" and type_name == "string":
            type_name = "integer"
    elif head == "location" and rest in LOCATION:
        path = ("attributes", "location", rest)
    elif head == "locale" and rest in LOCALE:
        path = ("attributes", "locale", rest)
    else:
        raise MappingError(
            f"column {column!r} maps to {spec!r}, which is not a known field; see `attentive bulk import --help` "
            f"for the targets, or map it to '-' to ignore it"
        )
    return ColumnTarget(column=column, path=path, convert=CONVERTERS[type_name], type_name=type_name)


def build_mapping(header: list[str], columns: list[str] | None) -> list[ColumnTarget | None]:
    specs = columns if columns is not None else header
    if columns is not None and len(columns) != len(header):
        raise MappingError(f"--columns names {len(columns)} columns but the header row has {len(header)}")
    targets = [parse_target(header[index] or f"#{index + 1}", spec) for index, spec in enumerate(specs)]
    seen: dict[tuple[str, ...], str] = {}
    for target in targets:
        if target is None:
            continue
        if target.path in seen:
            raise MappingError(
                f"columns {seen[target.path]!r} and {target.column!r} both map to {'.'.join(target.path)}"
            )
        seen[target.path] = target.column
    if not any(target is not None and target.path[0] == "identifiers" for target in targets):
        raise MappingError("no column maps to an identifier (email, phone, shopifyId, klaviyoId, clientUserId, ...)")
    return targets


def row_to_record(row: list[str], targets: list[ColumnTarget | None]) -> dict[str, Any]:
    record: dict[str, Any] = {}
    for cell, target in zip(row, targets, strict=True):
        if target is None or cell == "":
            continue
        try:
            value = target.convert(cell)
        except ValueError as exc:
            raise ValueError(f"column {target.column!r}: {exc}") from None
        if target.path[:2] == ("identifiers", "customIdentifiers"):
            record.setdefault("identifiers", {}).setdefault("customIdentifiers", []).append(
                {"key": target.path[2], "value": value}
            )
            continue
        node = record
        for key in target.path[:-1]:
            node = node.setdefault(key, {})
        node[target.path[-1]] = value
    return record


class _DecodedLines:
    """Feeds decoded lines to ``csv.reader`` and remembers which physical lines were not valid UTF-8."""

    def __init__(self, stream: Any) -> None:
        self._stream = stream
        self.bad_lines: set[int] = set()
        self._line_no = 0

    def __iter__(self) -> Iterator[str]:
        for data in self._stream:
            self._line_no += 1
            if self._line_no == 1 and data.startswith(BOM):
                data = data[len(BOM) :]
            try:
                yield data.decode("utf-8")
            except UnicodeDecodeError:
                self.bad_lines.add(self._line_no)
                yield data.decode("utf-8", errors="replace")


def read_csv(path: Path, columns: list[str] | None = None) -> Iterator[SourceLine]:
    """Stream the rows after the header. Each row is numbered by the physical line it starts on; a quoted value
    spanning lines makes one row. Raises ``MappingError`` before the first row when the mapping is unusable."""
    with path.open("rb") as stream:
        lines = _DecodedLines(stream)
        reader = csv.reader(iter(lines), strict=True)
        try:
            header = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise MappingError(f"{path}: header row: {exc}") from None
        targets = build_mapping(header, columns)
        while True:
            start = reader.line_num + 1
            try:
                row = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                yield SourceLine(start, LineKind.BROKEN, reason=f"CSV syntax: {exc}")
                continue
            end = reader.line_num
            raw = raw_excerpt(",".join(row))
            if not row or (len(row) == 1 and not row[0].strip()):
                yield SourceLine(start, LineKind.BLANK)
            elif any(line in lines.bad_lines for line in range(start, end + 1)):
                yield SourceLine(start, LineKind.BROKEN, reason="not valid UTF-8", raw=raw)
            elif len(row) != len(targets):
                reason = f"row has {len(row)} fields but the header has {len(targets)}"
                yield SourceLine(start, LineKind.BROKEN, reason=reason, raw=raw)
            else:
                try:
                    yield SourceLine(start, LineKind.RECORD, record=row_to_record(row, targets))
                except ValueError as exc:
                    yield SourceLine(start, LineKind.BROKEN, reason=str(exc), raw=raw)
