"""The gap table of ``overlays/README.md``: every overlay action names a row of it with ``x-gap``.

The table is the one list of what is wrong with the vendor spec; tying actions to its ids lets ``spec update``
judge a gap as a whole (all of its actions together) instead of one action at a time.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from .overlay_document import OverlayDocument, OverlayDocumentError

GAP_TABLE_FILE = "README.md"
# A table row whose first cell is a gap id: "| G15 | what is wrong | evidence | fix |".
_ROW = re.compile(r"^\|\s*(G[1-9][0-9]*)\s*\|\s*([^|]*?)\s*\|", re.MULTILINE)


def read_gap_table(overlays: Path) -> dict[str, str]:
    """Gap id -> the gap's one-line title, from the audit table of ``overlays/README.md``."""
    path = overlays / GAP_TABLE_FILE
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise OverlayDocumentError(str(path), "(document)", "missing: the audit table of gap ids lives here") from None
    table: dict[str, str] = {}
    for match in _ROW.finditer(text):
        gap, title = match.groups()
        if gap in table:
            raise OverlayDocumentError(str(path), gap, "the gap id appears in two rows of the audit table")
        table[gap] = title
    return table


def check_gap_ids(overlays: Iterable[OverlayDocument], table: dict[str, str], table_file: str) -> None:
    """Every action's ``x-gap`` must be a row of the table: an id nobody can look up explains nothing."""
    for overlay in overlays:
        for action in overlay.actions:
            if action.gap not in table:
                raise OverlayDocumentError(
                    overlay.file,
                    f"actions[{action.index}].x-gap",
                    f"{action.gap!r} is not a row of the audit table in {table_file}",
                )
