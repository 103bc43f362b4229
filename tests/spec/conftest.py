from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from attentive_toolkit.paths import ProjectPaths

REPO = Path(__file__).resolve().parents[2]
PIPELINE_INPUTS = ("openapi.json", "overlays", "generator-config.yaml", "templates", "generated")


@pytest.fixture
def project_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> ProjectPaths:
    """A copy of the pipeline's inputs and outputs that a test may break; the checkout stays untouched."""
    root = tmp_path / "project"
    root.mkdir()
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", ".mypy_cache")
    for name in PIPELINE_INPUTS:
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, root / name, ignore=ignore)
        else:
            shutil.copy2(source, root / name)
    monkeypatch.setenv("ATTENTIVE_PROJECT_ROOT", str(root))
    return ProjectPaths(root)
