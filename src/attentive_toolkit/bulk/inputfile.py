"""What the importer knows about its input before reading a record: its digest, its physical line count, and
(for CSV) whether the header maps. All of it is checked before a journal exists, so a command that cannot run
leaves nothing behind that would refuse the corrected one."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from .csv_source import read_csv


@dataclass(frozen=True)
class InputFacts:
    sha256: str
    lines: int  # physical lines, as an editor numbers them (a last line without a newline counts)
    size: int


def input_facts(path: Path) -> InputFacts:
    digest = hashlib.sha256()
    lines = size = 0
    last = b"\n"
    with path.open("rb") as stream:
        while chunk := stream.read(1 << 20):
            digest.update(chunk)
            lines += chunk.count(b"\n")
            size += len(chunk)
            last = chunk[-1:]
    if last != b"\n":
        lines += 1
    return InputFacts(digest.hexdigest(), lines, size)


def check_csv_header(path: Path, columns: list[str] | None) -> None:
    """Raises ``MappingError`` when the header row or the column mapping is unusable."""
    next(iter(read_csv(path, columns)), None)
