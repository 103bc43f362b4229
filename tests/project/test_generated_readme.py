"""generated/README.md shows this client, not the generator's placeholders, and its examples import for real."""

from __future__ import annotations

import ast
import importlib
import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
README = (REPO / "generated" / "README.md").read_text(encoding="utf-8")
BLOCKS = re.findall(r"```python\n(.*?)```", README, flags=re.DOTALL)


def test_no_placeholders_of_the_generator() -> None:
    for placeholder in ("MyDataModel", "my_tag", "api.example.com", "SuperSecretToken", "proxies="):
        assert placeholder not in README


def test_the_dependencies_are_listed() -> None:
    assert "`httpx`, `attrs` and `jsonschema-rs`" in README


@pytest.mark.parametrize("block", BLOCKS, ids=[f"block{index}" for index in range(len(BLOCKS))])
def test_every_example_parses_and_imports_what_exists(block: str) -> None:
    tree = ast.parse(block)
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("attentive_client"):
            module = importlib.import_module(node.module)
            for alias in node.names:
                assert hasattr(module, alias.name) or importlib.util.find_spec(f"{node.module}.{alias.name}"), (
                    f"{node.module}.{alias.name}"
                )


def test_the_examples_use_keywords_the_client_takes() -> None:
    from attentive_client import AuthenticatedClient

    fields = {field.alias for field in AuthenticatedClient.__attrs_attrs__}
    calls = [
        node
        for block in BLOCKS
        for node in ast.walk(ast.parse(block))
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "AuthenticatedClient"
    ]
    keywords = {keyword.arg for call in calls for keyword in call.keywords}
    assert {"token", "base_url", "timeout", "verify_ssl", "httpx_args"} <= keywords
    assert keywords <= fields
