from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from attentive_toolkit.paths import ProjectPaths

REPO = Path(__file__).resolve().parents[2]
PROJECT_FILES = ("openapi.json", "overlays", "generator-config.yaml", "templates", "generated")


def copy_project(root: Path) -> ProjectPaths:
    """The pipeline's inputs and outputs copied to ``root``: tests update the copy, never the checkout."""
    root.mkdir(parents=True)
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", ".mypy_cache")
    for name in PROJECT_FILES:
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, root / name, ignore=ignore)
        else:
            shutil.copy2(source, root / name)
    return ProjectPaths(root)


def tree_bytes(root: Path) -> dict[str, bytes]:
    """Every file (with its bytes) and folder under ``root``, caches excluded: the state a failed update keeps."""
    state = {}
    for path in sorted(root.rglob("*")):
        if "__pycache__" not in path.parts:
            name = path.relative_to(root).as_posix()
            state[name if path.is_file() else f"{name}/"] = path.read_bytes() if path.is_file() else b""
    return state


@pytest.fixture(scope="session")
def our_spec() -> dict[str, Any]:
    spec: dict[str, Any] = json.loads((REPO / "openapi.json").read_text(encoding="utf-8"))
    return spec
