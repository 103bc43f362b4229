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

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .csv_records import CsvRecord, RecordReader
from .sources import LineKind, SourceLine, broken, raw_excerpt

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


def read_csv(path: Path, columns: list[str] | None = None, max_line_bytes: int | None = None) -> Iterator[SourceLine]:
    """Stream the records after the header, each numbered by the physical line it starts on and covering every
    line it spans (``last_line``); the header's lines come first, as SKIPPED. Raises ``MappingError`` before the
    first row when the header or the mapping is unusable. A physical line over ``max_line_bytes`` is refused by
    its size, without being held whole."""
    with path.open("rb") as stream:
        reader = RecordReader(stream, max_line_bytes)
        records = iter(reader)
        header = next(records, None)
        if header is None:
            return
        where = f"{path}: header row (line {header.first})"
        if header.fields is None:
            raise MappingError(f"{where}: {header.error}")
        if not any(name.strip() for name in header.fields) and columns is None:
            raise MappingError(f"{where}: empty; the first line of a CSV names its columns (or pass --columns)")
        try:
            targets = build_mapping(header.fields, columns)
        except MappingError as exc:
            raise MappingError(f"{where}: {exc}") from None
        reader.width = len(targets)
        yield SourceLine(header.first, LineKind.SKIPPED, reason="header row", last_line=header.last)
        for record in records:
            yield _source_line(record, targets)


def _source_line(record: CsvRecord, targets: list[ColumnTarget | None]) -> SourceLine:
    start, end = record.first, record.last
    if record.fields is None:
        return broken(start, record.error, record.text, end)
    row = record.fields
    if len(row) == 1 and not row[0].strip():
        return SourceLine(start, LineKind.BLANK, last_line=end)
    if len(row) != len(targets):
        return broken(start, f"row has {len(row)} fields but the header has {len(targets)}", record.text, end)
    try:
        record_of_row = row_to_record(row, targets)
        return SourceLine(start, LineKind.RECORD, record=record_of_row, raw=raw_excerpt(record.text), last_line=end)
    except ValueError as exc:
        return broken(start, str(exc), record.text, end)
