"""G14 is a class: every scope an operation requires that its OAuth scheme doesn't declare. The audit finds V1's
nine, and G14's one action (``x-update-from: used-oauth-scopes``) declares them, reading them from the spec."""

from __future__ import annotations

from pathlib import Path

from attentive_toolkit.paths import ProjectPaths
from attentive_toolkit.spec.audit import audit
from attentive_toolkit.spec.effective import build_effective_spec

from ..project_copy import REPO
from . import vendor_specs

V1_UNDECLARED = {
    "webhooks:write",
    "offers:write",
    "subscriptions:read",
    "product_catalogs:read",
    "product_catalogs:write",
    "privacy_requests:write",
    "privacy_requests:read",
    "identity:write",
}


def _undeclared(document: vendor_specs.Spec) -> set[str]:
    return {f.message.split("'")[1] for f in audit(document) if f.rule == "undeclared-oauth-scope"}


def test_the_audit_finds_the_scopes_v1_uses_but_does_not_declare() -> None:
    # The issue counted nine; the vendor's V1 names these eight distinct undeclared scopes (on 12 requirements).
    assert _undeclared(vendor_specs.v1()) == V1_UNDECLARED
    assert _undeclared(vendor_specs.merged_v1_v2()) == V1_UNDECLARED


def test_the_class_action_declares_every_used_scope_and_keeps_the_vendors_words(tmp_path: Path) -> None:
    merged = vendor_specs.merged_v1_v2()
    vendor_words = dict(merged["components"]["securitySchemes"]["OAuthFlow"]["flows"]["authorizationCode"]["scopes"])
    source = vendor_specs.write_spec(merged, tmp_path / "merged.json")
    effective = build_effective_spec(ProjectPaths(REPO), source).document
    assert _undeclared(effective) == set()
    scopes = effective["components"]["securitySchemes"]["OAuthFlow"]["flows"]["authorizationCode"]["scopes"]
    assert {name: scopes[name] for name in vendor_words} == vendor_words
    assert scopes["identity:write"] == "required by identify (declared by the overlays)"


def test_on_the_seed_the_class_action_declares_what_both_operations_use() -> None:
    effective = build_effective_spec(ProjectPaths(REPO)).document
    scopes = effective["components"]["securitySchemes"]["OAuthFlow"]["flows"]["authorizationCode"]["scopes"]
    assert (
        scopes["attributes:write"]
        == "required by postUserAttributes, postBulkUserAttributes (declared by the overlays)"
    )
