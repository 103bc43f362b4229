"""The runtime has one import name: the generated client's. Two names would mean two class identities at run time
(an ``isinstance`` of one failing on the other's errors)."""

from __future__ import annotations

import importlib
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def test_the_toolkit_has_no_runtime_of_its_own() -> None:
    with pytest.raises(ModuleNotFoundError):
        importlib.import_module("attentive_toolkit.runtime")


def test_importing_it_fails_in_a_fresh_interpreter() -> None:
    result = subprocess.run(
        [sys.executable, "-c", "import attentive_toolkit.runtime"], capture_output=True, text=True, check=False
    )
    assert result.returncode != 0
    assert "No module named 'attentive_toolkit.runtime'" in result.stderr


def test_the_shipped_runtime_is_the_top_level_folder() -> None:
    import attentive_client.runtime as shipped

    source = sorted(p.name for p in (ROOT / "runtime").glob("*.py"))
    copied = sorted(p.name for p in Path(shipped.__file__).parent.glob("*.py"))
    assert source and source == copied


def test_the_public_surface_has_no_server_parts() -> None:
    import attentive_client.runtime as shipped

    assert not {"WindowBudget", "Budget"} & set(shipped.__all__)
