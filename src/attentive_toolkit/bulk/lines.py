"""Physical lines read in bounded pieces: a line longer than a request body may be is measured, never held.

A line that no request could carry is refused by its size alone. Reading it whole first would cost memory in
proportion to the line (one 300 MB line took 1.2 GB): instead at most ``limit`` bytes of it are kept, the rest
is only counted as it streams past.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import BinaryIO

CHUNK_BYTES = 1 << 20
# Bytes read at once by ``line_blocks``: the lines they hold are then split, measured and scanned in C together.
# 16 KiB: the CPU per line of 64 KiB, at a quarter of the records parsed ahead (64 KiB raised the peak by 3 MiB).
BLOCK_BYTES = 1 << 14
HEAD_BYTES = 200  # what a reject shows of a line too long to keep


class LongLine(bytes):
    """The start of a line longer than ``limit`` (its line ending excluded); ``size`` is its full length."""

    size: int
    limit: int

    def __new__(cls, head: bytes, size: int, limit: int) -> LongLine:
        line = super().__new__(cls, head)
        line.size = size
        line.limit = limit
        return line

    @property
    def reason(self) -> str:
        return (
            f"the line is {self.size} bytes, over the {self.limit} bytes one record may take in a request body "
            "(x-max-body-bytes): not sent"
        )


def read_line(stream: BinaryIO, limit: int | None, start: bytes = b"") -> bytes | None:
    """The next line with its ending (as ``readline``), a ``LongLine`` past ``limit`` bytes, None at the end.
    ``start``: the line's first bytes, already read (shorter than ``limit``)."""
    if limit is None:
        return start + stream.readline() or None
    # Two bytes more than the limit: room for "\r\n" after a line of exactly ``limit`` bytes.
    data = start + stream.readline(max(limit + 2 - len(start), 0)) if start else stream.readline(limit + 2)
    if not data:
        return None
    if data.endswith(b"\n"):
        content = len(data.rstrip(b"\r\n"))
        return data if content <= limit else LongLine(data[:HEAD_BYTES], content, limit)
    if len(data) <= limit:
        return data  # the file's last line, without a line ending
    size = len(data)
    head = data[:HEAD_BYTES]
    del data
    ending = 0
    while piece := stream.readline(CHUNK_BYTES):
        size += len(piece)
        if piece.endswith(b"\n"):
            ending = len(piece) - len(piece.rstrip(b"\r\n"))
            break
    return LongLine(head, size - ending, limit)


def line_blocks(stream: BinaryIO, limit: int | None, block_bytes: int = 0) -> Iterator[tuple[list[bytes], bool]]:
    """The stream's lines, a block at a time, without their endings (``\\n``, and any ``\\r`` before it): the
    same lines ``read_line`` gives one by one, in the same order, a line over ``limit`` as a ``LongLine``. A block
    is read whole and split in C; only its unfinished last line is completed by ``read_line``. With each block,
    whether it is whole: no line in it is a ``LongLine``. ``block_bytes``: 0 for ``BLOCK_BYTES``."""
    while block := stream.read(block_bytes or BLOCK_BYTES):
        lines = block.split(b"\n")
        tail = lines.pop()  # the start of a line that goes on past the block (b"" when the block ends one)
        if b"\r" in block:
            lines = [line.rstrip(b"\r") for line in lines]
        whole = limit is None or not lines or max(map(len, lines)) <= limit
        if limit is not None and not whole:
            lines = [line if len(line) <= limit else LongLine(line[:HEAD_BYTES], len(line), limit) for line in lines]
        if tail:
            last = read_line(stream, limit, tail)
            assert last is not None
            if isinstance(last, LongLine):
                whole = False
                lines.append(last)
            else:
                lines.append(last.rstrip(b"\r\n"))
        yield lines, whole
