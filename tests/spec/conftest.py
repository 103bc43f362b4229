from __future__ import annotations

from pathlib import Path

import pytest

from attentive_toolkit.paths import ProjectPaths

from ..project_copy import copy_project


@pytest.fixture
def project_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> ProjectPaths:
    """A copy of the pipeline's inputs and outputs that a test may break; the checkout stays untouched."""
    paths = copy_project(tmp_path / "project")
    monkeypatch.setenv("ATTENTIVE_PROJECT_ROOT", str(paths.root))
    return paths
