"""toxfile.py finds pyenv's interpreters when its shims are not on PATH, without overriding PATH."""

from __future__ import annotations

import importlib.util
import os
import sys
import types
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def load_toxfile() -> types.ModuleType:
    if importlib.util.find_spec("tox") is None:  # the test envs don't install tox; the hook marker is all it needs
        plugin = types.ModuleType("tox.plugin")
        plugin.impl = lambda function: function  # type: ignore[attr-defined]
        sys.modules.setdefault("tox", types.ModuleType("tox"))
        sys.modules.setdefault("tox.plugin", plugin)
    spec = importlib.util.spec_from_file_location("toxfile_under_test", REPO / "toxfile.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


toxfile = load_toxfile()


def make_pyenv(root: Path, *versions: str) -> None:
    for version in versions:
        (root / "versions" / version / "bin").mkdir(parents=True)


def test_pyenv_versions_come_after_path_newest_first(tmp_path: Path) -> None:
    make_pyenv(tmp_path, "3.12.1", "3.13.0", "3.12.10", "miniconda3-latest")
    path = os.pathsep.join(["/usr/local/bin", "/usr/bin"])
    extended = toxfile.extended_path(path, tmp_path).split(os.pathsep)
    versions = tmp_path / "versions"
    assert extended == [
        "/usr/local/bin",
        "/usr/bin",
        str(versions / "3.13.0" / "bin"),
        str(versions / "3.12.10" / "bin"),
        str(versions / "3.12.1" / "bin"),
    ]


def test_no_pyenv_leaves_path_alone(tmp_path: Path) -> None:
    assert toxfile.extended_path("/usr/bin", tmp_path / "missing") == "/usr/bin"


def test_a_folder_already_on_path_is_not_added_twice(tmp_path: Path) -> None:
    make_pyenv(tmp_path, "3.12.1")
    folder = str(tmp_path / "versions" / "3.12.1" / "bin")
    assert toxfile.extended_path(folder, tmp_path) == folder
