"""A fact the spec states is read from the effective spec, never written a second time in code.

Scans the string literals (not docstrings or comments) of the code that serves, checks and calls the API for
the facts the spec states: scope names, operation paths and ``METHOD /path`` labels, and request media types.
Facts come from the project's effective spec and from the vendor's other releases (tests/upgrade/fixtures), so
a name that only a newer release states is caught too.
"""

from __future__ import annotations

import ast
import functools
import json
from pathlib import Path

from attentive_client.runtime import ApiSpec

from attentive_toolkit.spec.effective import load_effective_spec

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "src" / "attentive_toolkit"
RUNTIME = ROOT / "runtime"
FIXTURES = Path(__file__).resolve().parent / "upgrade" / "fixtures"
SCANNED = [SOURCE / part for part in ("server", "conformance", "cli/serve.py", "bulk")] + [RUNTIME]
# The one module that knows how each media type is encoded (not which operation takes which), and the Fetch
# standard's list of content types a cross-site form may send, which is about browsers, not the spec.
MEDIA_TYPE_CODECS = {RUNTIME / "media.py", SOURCE / "server" / "security.py"}
# The server's own error and results bodies are JSON whatever the spec says; JSON is not counted as a fact.
NOT_A_FACT = {"application/json"}


@functools.cache
def spec_facts() -> dict[str, set[str]]:
    documents = [load_effective_spec()] + [json.loads(path.read_text("utf-8")) for path in FIXTURES.glob("*.json")]
    facts: dict[str, set[str]] = {"scope": set(), "path": set(), "media type": set()}
    for document in documents:
        api = ApiSpec.from_document(document)
        facts["scope"] |= api.scopes
        for operation in api.operations:
            facts["path"] |= {operation.path, operation.label}
            # The literal part of a templated path, as an f-string or a startswith() would write it.
            literal = operation.path.split("{")[0]
            if "{" in operation.path and literal.strip("/"):
                facts["path"] |= {literal, operation.label.split("{")[0]}
            facts["media type"] |= set(operation.body_media_types) - NOT_A_FACT
    return facts


def literals(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text("utf-8"))
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    return [
        (node.lineno, node.value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings
    ]


def scanned_files() -> list[Path]:
    files: list[Path] = []
    for target in SCANNED:
        files += sorted(target.rglob("*.py")) if target.is_dir() else [target]
    return files


def test_no_spec_fact_is_written_in_the_code() -> None:
    facts = spec_facts()
    assert facts["scope"] and facts["path"] and facts["media type"], "the scan must have facts to look for"
    written_twice = []
    for path in scanned_files():
        for line, text in literals(path):
            for kind, values in facts.items():
                if kind == "media type" and path in MEDIA_TYPE_CODECS:
                    continue
                if text.strip() in values:
                    written_twice.append(f"{path.relative_to(ROOT)}:{line}: {kind} {text!r}")
    assert not written_twice, "read these from the effective spec (ApiSpec) instead:\n" + "\n".join(written_twice)


def test_the_scan_finds_a_fact_written_in_code(tmp_path: Path) -> None:
    planted = tmp_path / "planted.py"
    planted.write_text('REQUIRED = "segments:write"\nPATH = "/v2/me"\nJOB = f"/v2/bulk/job/{job_id}"\n', "utf-8")
    found = {text for _, text in literals(planted)}
    facts = spec_facts()
    assert "segments:write" in facts["scope"] & found
    assert "/v2/me" in facts["path"] & found
    assert "/v2/bulk/job/" in facts["path"] & found
