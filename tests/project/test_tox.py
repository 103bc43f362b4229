"""tox.ini keeps the promises of docs/development.md: plain tox on one Python, e2e tests once, pins in one voice."""

from __future__ import annotations

import configparser
import re
import tomllib
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[2]
TOX = configparser.ConfigParser(interpolation=None)
TOX.read(REPO / "tox.ini", encoding="utf-8")
PYPROJECT = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))


def commands(env: str) -> str:
    section = f"testenv:{env}"
    return TOX.get(section, "commands") if TOX.has_option(section, "commands") else TOX.get("testenv", "commands")


def test_plain_tox_needs_only_the_python_it_runs_on() -> None:
    env_list = [name.strip() for name in TOX.get("tox", "env_list").split(",")]
    assert env_list == ["lint", "types", "tests", "drift", "conformance", "docs"]
    assert not any(re.fullmatch(r"py3\d+", name) for name in env_list)
    assert TOX.get("tox", "skip_missing_interpreters").strip() == "true"


def test_the_end_to_end_tests_run_once_not_per_python() -> None:
    markers = PYPROJECT["tool"]["pytest"]["ini_options"]["markers"]
    assert any(marker.startswith("e2e:") for marker in markers)
    assert '-m "not e2e"' in commands("py312")
    assert "-m" not in commands("tests").split()
    assert "-m e2e" in commands("e2e")


def test_the_linter_in_tox_is_the_one_the_codegen_extra_pins() -> None:
    [pin] = [dep for dep in PYPROJECT["project"]["optional-dependencies"]["codegen"] if dep.startswith("ruff==")]
    assert TOX.get("testenv:lint", "deps").strip() == pin


def test_the_readme_and_the_ci_example_install_the_same_tox_uv() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    workflow = yaml.safe_load((REPO / "docs" / "ci-example.yml").read_text(encoding="utf-8"))
    pins = set(re.findall(r'"tox-uv==([\d.]+)"', readme))
    assert pins == {workflow["env"]["TOX_UV_VERSION"]}
