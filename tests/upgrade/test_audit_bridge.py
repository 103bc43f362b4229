"""The update runs the spec audit when the checkout has one, and says plainly when it does not."""

from __future__ import annotations

import sys
import types
from dataclasses import dataclass
from typing import Any

import pytest

from attentive_toolkit.upgrade.audit_bridge import run_audit

AUDIT_MODULE = "attentive_toolkit.spec.audit"


def test_missing_audit_module_degrades_to_a_message(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, AUDIT_MODULE, None)  # makes the import fail
    outcome = run_audit({"openapi": "3.0.1"})
    assert not outcome.available
    assert outcome.message.startswith(f"spec audit not run: {AUDIT_MODULE} is not available")


@dataclass(frozen=True)
class FakeFinding:
    rule: str
    pointer: str

    def line(self) -> str:
        return f"{self.rule} {self.pointer}"


def test_findings_the_previous_spec_did_not_have_are_marked_new(monkeypatch: pytest.MonkeyPatch) -> None:
    def audit(document: dict[str, Any]) -> list[FakeFinding]:
        return [FakeFinding("operation-without-4xx", path) for path in document["paths"]]

    module = types.ModuleType(AUDIT_MODULE)
    module.audit = audit  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, AUDIT_MODULE, module)
    outcome = run_audit({"paths": {"/a": {}, "/b": {}}}, previous={"paths": {"/a": {}}})
    assert outcome.available
    assert outcome.findings == ["operation-without-4xx /a", "operation-without-4xx /b"]
    assert outcome.new == ["operation-without-4xx /b"]
