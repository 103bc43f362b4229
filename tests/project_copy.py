"""A throwaway copy of the spec pipeline's inputs and outputs, for tests that regenerate, update or break it."""

from __future__ import annotations

import shutil
from pathlib import Path

from attentive_toolkit.paths import ProjectPaths

REPO = Path(__file__).resolve().parents[1]
PROJECT_FILES = ("openapi.json", "overlays", "generator-config.yaml", "templates", "runtime", "generated")


def copy_project(root: Path) -> ProjectPaths:
    """The pipeline's inputs and outputs copied to ``root``: tests change the copy, never the checkout."""
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
    """Every file (with its bytes) and folder under ``root``, caches excluded: the state a failed step keeps."""
    state = {}
    for path in sorted(root.rglob("*")):
        if "__pycache__" not in path.parts:
            name = path.relative_to(root).as_posix()
            state[name if path.is_file() else f"{name}/"] = path.read_bytes() if path.is_file() else b""
    return state
