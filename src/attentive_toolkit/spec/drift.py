"""Compare a freshly generated tree with the committed ``generated/`` and show the difference."""

from __future__ import annotations

import difflib
from pathlib import Path

from ..paths import ProjectPaths
from .effective import EffectiveSpec
from .generation import scratch_generation

# Build and tool by-products that are not generator output.
_IGNORED_PARTS = {"__pycache__", ".mypy_cache", ".ruff_cache", ".pytest_cache", "build", "dist"}


def tree_files(root: Path) -> dict[str, Path]:
    files = {}
    for path in root.rglob("*"):
        relative = path.relative_to(root)
        if path.is_file() and not (_IGNORED_PARTS & set(relative.parts)) and ".egg-info" not in str(relative):
            files[relative.as_posix()] = path
    return files


def _text(path: Path) -> list[str]:
    try:
        return path.read_text(encoding="utf-8").splitlines(keepends=True)
    except UnicodeDecodeError:
        return [f"<binary file, {path.stat().st_size} bytes>\n"]


def diff_trees(expected: Path, actual: Path, label: str = "generated") -> str:
    """A unified diff from ``actual`` (committed) to ``expected`` (what the inputs produce); empty when equal."""
    want, have = tree_files(expected), tree_files(actual)
    chunks: list[str] = []
    for name in sorted(want.keys() | have.keys()):
        before = _text(have[name]) if name in have else []
        after = _text(want[name]) if name in want else []
        if before != after:
            chunks.extend(
                difflib.unified_diff(
                    before,
                    after,
                    fromfile=f"{label}/{name} (committed)" if name in have else "/dev/null",
                    tofile=f"{label}/{name} (regenerated)" if name in want else "/dev/null",
                )
            )
    return "".join(chunks)


def drift(paths: ProjectPaths, spec: EffectiveSpec | None = None) -> str:
    """What ``generated/`` would need to change to be what the spec, overlays, config and templates produce."""
    with scratch_generation(paths, spec) as fresh:
        return diff_trees(fresh, paths.generated)
