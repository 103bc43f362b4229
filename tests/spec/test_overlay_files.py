"""An overlay file the pipeline can't read is refused by name: never skipped (its actions would be lost), never a
bug report."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from attentive_toolkit.spec.overlay_document import OverlayDocumentError, load_overlay, overlay_files


def test_a_folder_named_like_an_overlay_is_refused_not_skipped(tmp_path: Path) -> None:
    (tmp_path / "01-first.overlay.yaml").write_text("overlay: 1.0.0\n", encoding="utf-8")
    (tmp_path / "02-second.overlay.yaml").mkdir()
    (tmp_path / "README.md").write_text("the gap table\n", encoding="utf-8")
    with pytest.raises(OverlayDocumentError, match=re.escape("02-second.overlay.yaml: (file): not a regular file")):
        overlay_files(tmp_path)


@pytest.mark.parametrize(
    ("data", "said"),
    [
        (b"\xff\xfe\x00", "byte 0: not UTF-8 text"),
        (b"a: " + b"[" * 10_000 + b"]" * 10_000, "(document): nested too deeply to read"),
    ],
)
def test_an_unreadable_overlay_is_named(tmp_path: Path, data: bytes, said: str) -> None:
    path = tmp_path / "03-broken.overlay.yaml"
    path.write_bytes(data)
    with pytest.raises(OverlayDocumentError) as refused:
        load_overlay(path, display_name="overlays/03-broken.overlay.yaml")
    assert str(refused.value) == f"overlays/03-broken.overlay.yaml: {said}"
