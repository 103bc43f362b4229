"""What `pip install` of a checkout gets: supported Pythons, a light core, the codegen tools as an extra."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]


def load(path: Path) -> dict[str, Any]:
    return tomllib.loads(path.read_text(encoding="utf-8"))


TOOLKIT = load(REPO / "pyproject.toml")["project"]
CLIENT = load(REPO / "generated" / "pyproject.toml")["project"]


def names(requirements: list[str]) -> set[str]:
    return {re.split(r"[ <>=!~;@\[]", requirement, maxsplit=1)[0].lower() for requirement in requirements}


def test_no_upper_bound_on_python() -> None:
    assert TOOLKIT["requires-python"] == ">=3.11"
    assert CLIENT["requires-python"] == ">=3.11"
    for version in ("3.11", "3.12", "3.13"):
        assert f"Programming Language :: Python :: {version}" in TOOLKIT["classifiers"]


def test_the_code_generation_tools_are_an_extra() -> None:
    core = names(TOOLKIT["dependencies"])
    codegen = names(TOOLKIT["optional-dependencies"]["codegen"])
    heavy = {"openapi-python-client", "ruff", "griffe", "openapi-spec-validator"}
    assert heavy <= codegen
    assert not heavy & core


def test_tools_that_change_output_are_pinned_exactly() -> None:
    codegen = TOOLKIT["optional-dependencies"]["codegen"]
    assert "openapi-python-client==0.29.1" in codegen
    assert any(re.fullmatch(r"ruff==\d+\.\d+\.\d+", requirement) for requirement in codegen)


def test_jsonschema_rs_accepts_newer_releases_in_both_packages() -> None:
    for requirements in (TOOLKIT["dependencies"], CLIENT["dependencies"]):
        assert "jsonschema-rs>=0.60,<1" in requirements


def test_the_client_dependencies_are_what_the_docs_list() -> None:
    assert names(CLIENT["dependencies"]) == {"httpx", "attrs", "jsonschema-rs"}
    vendoring = (REPO / "docs" / "vendoring.md").read_text(encoding="utf-8")
    for name in ("httpx", "attrs", "jsonschema-rs"):
        assert f"`{name}`" in vendoring
