"""Physical lines read in bounded pieces: a line longer than a request body may be is measured, never held.

A line that no request could carry is refused by its size alone. Reading it whole first would cost memory in
proportion to the line (one 300 MB line took 1.2 GB): instead at most ``limit`` bytes of it are kept, the rest
is only counted as it streams past.
"""

from __future__ import annotations

from typing import BinaryIO

CHUNK_BYTES = 1 << 20
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


def read_line(stream: BinaryIO, limit: int | None) -> bytes | None:
    """The next line with its ending (as ``readline``), a ``LongLine`` past ``limit`` bytes, None at the end."""
    if limit is None:
        return stream.readline() or None
    # Two bytes more than the limit: room for "\r\n" after a line of exactly ``limit`` bytes.
    data = stream.readline(limit + 2)
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
