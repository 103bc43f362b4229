"""Each fact of issue 21's table is defined once: a search of the hand-written code finds one definition.

The searched code is the runtime's source (``runtime/``) and the toolkit (``src/attentive_toolkit/``); the
runtime's copy in ``generated/`` is the drift check's business. Where two definitions are a real difference, the
test says why and proves they agree.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from attentive_client.runtime.spec import HTTP_METHODS as RUNTIME_HTTP_METHODS

from attentive_toolkit.spec.audit import HTTP_METHODS as SPEC_TOOLING_HTTP_METHODS

ROOT = Path(__file__).resolve().parents[1]
SEARCHED = [ROOT / "runtime", ROOT / "src" / "attentive_toolkit"]

# fact -> the pattern of its definition (at the start of a line, so uses and comments don't count)
DEFINED_ONCE = {
    "redaction": r"^class Redactor\b",
    "what a redacted value reads": r"^REDACTED\s*=",
    "loopback": r"^def is_loopback\w*\(",
    "safe methods": r"^SAFE_METHODS\s*=",
    "JSON pointer": r"^def json_pointer\(",
    "one broken rule": r"^class (FieldError|Violation)\b",
    "a bulk job's terminal states": r"^TERMINAL_STATES\s*=",
    "same origin (where the credential may go)": r"^def (_?same_origin|_origin)\(",
    "users per bulk job": r"^def users_per_job\(|^(MAX_BATCH_SIZE|MAX_USERS_PER_JOB)\s*=",
    "the retry decision (Retry-After, backoff, an exhausted window)": r"^class RetryPolicy\b|^def \w*retry_after\w*\(",
    "stateful operations": r"^(HANDLERS|STATEFUL_OPERATIONS)\b",
    "a failure's JSON shape on the CLI": r"^def echo_json_error\(|\{\"error\": (msg|message)\b",
}


def definitions(pattern: str) -> list[str]:
    found = []
    compiled = re.compile(pattern, re.MULTILINE)
    for folder in SEARCHED:
        for path in sorted(folder.rglob("*.py")):
            text = path.read_text("utf-8")
            found += [
                f"{path.relative_to(ROOT)}:{text.count(chr(10), 0, m.start()) + 1}" for m in compiled.finditer(text)
            ]
    return found


@pytest.mark.parametrize("fact", list(DEFINED_ONCE))
def test_each_fact_has_one_definition(fact: str) -> None:
    found = definitions(DEFINED_ONCE[fact])
    assert len(found) == 1, f"{fact}: defined at {found or 'nowhere'}"


def test_the_search_finds_a_second_definition(tmp_path: Path) -> None:
    """The test can fail: a copy of the safe methods in another module is found."""
    planted = tmp_path / "planted.py"
    planted.write_text('SAFE_METHODS = frozenset({"get"})\n', "utf-8")
    compiled = re.compile(DEFINED_ONCE["safe methods"], re.MULTILINE)
    assert compiled.search(planted.read_text("utf-8"))


def test_the_http_methods_agree() -> None:
    """Two definitions on purpose: ``attentive spec regen`` must run while the generated client it repairs is stale
    or broken, so spec tooling can't import the runtime's. They must name the same methods."""
    assert sorted(RUNTIME_HTTP_METHODS) == sorted(SPEC_TOOLING_HTTP_METHODS)
    assert len(definitions(r"^HTTP_METHODS\s*=")) == 2
