"""The final swap of ``openapi.json`` and ``generated/`` is all or nothing."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from attentive_toolkit.paths import ProjectPaths
from attentive_toolkit.upgrade import update

from ..project_copy import tree_bytes


def _project(root: Path, spec: bytes, module: str) -> ProjectPaths:
    paths = ProjectPaths(root)
    (paths.generated / "attentive_client").mkdir(parents=True)
    (paths.generated / "attentive_client" / "models.py").write_text(module, encoding="utf-8")
    paths.vendor_spec.write_bytes(spec)
    return paths


def test_a_failure_while_swapping_puts_everything_back(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    paths = _project(tmp_path / "project", b'{"old": true}', "OLD = 1\n")
    staged = _project(tmp_path / "project" / ".generated-update-x", b'{"new": true}', "NEW = 1\n")
    before = {k: v for k, v in tree_bytes(paths.root).items() if not k.startswith(".generated-update-x")}

    def fail(*_args: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", fail)  # the last of the three renames fails
    changelog = tmp_path / "CHANGES.md"
    with pytest.raises(OSError, match="disk full"):
        update._swap(paths, staged, b'{"old": true}', changelog, "# changes\n")
    after = {k: v for k, v in tree_bytes(paths.root).items() if not k.startswith(".generated-update-x")}
    assert after == before
    assert not changelog.exists() and not list(tmp_path.glob(".CHANGES.md*"))


def test_a_successful_swap_installs_the_staged_tree_and_the_changelog(tmp_path: Path) -> None:
    paths = _project(tmp_path / "project", b'{"old": true}', "OLD = 1\n")
    staged = _project(tmp_path / "project" / ".generated-update-x", b'{"new": true}', "NEW = 1\n")
    changelog = tmp_path / "docs" / "CHANGES.md"
    update._swap(paths, staged, b'{"old": true}', changelog, "# changes\n")
    assert paths.vendor_spec.read_bytes() == b'{"new": true}'
    assert (paths.generated / "attentive_client" / "models.py").read_text(encoding="utf-8") == "NEW = 1\n"
    assert changelog.read_text(encoding="utf-8") == "# changes\n"
