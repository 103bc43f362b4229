"""Where the suite's test files are, and running them with pytest: ``attentive conformance run``.

A wheel carries them inside the package (``attentive_toolkit/conformance_suite``, see pyproject.toml); a checkout
or an editable install has them in ``conformance_tests/`` beside ``src/``.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

PACKAGED = Path(__file__).resolve().parents[1] / "conformance_suite"
CHECKOUT = Path(__file__).resolve().parents[3] / "conformance_tests"


class SuiteMissing(RuntimeError):
    """Neither the packaged suite nor a checkout's ``conformance_tests/`` is there."""


def suite_dir() -> Path:
    for folder in (PACKAGED, CHECKOUT):
        if (folder / "conftest.py").is_file():
            return folder
    raise SuiteMissing(f"the conformance suite is missing (looked in {PACKAGED} and {CHECKOUT}): reinstall the toolkit")


def pytest_arguments(suite: Path, extra: Sequence[str]) -> list[str]:
    """The suite's own settings, whatever the current folder holds: no project's pytest configuration (``-c``
    an empty file) and no cache folder written beside the installed suite."""
    return [
        str(suite),
        "-c",
        os.devnull,
        "--rootdir",
        str(suite),
        "-p",
        "no:cacheprovider",
        "--import-mode=importlib",
        "-ra",
        *extra,
    ]


def run_suite(extra: Sequence[str]) -> int:
    import pytest

    return int(pytest.main(pytest_arguments(suite_dir(), extra)))
