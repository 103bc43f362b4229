"""The runtime's body check: one dialect, formats checked, and a verdict (never an exception) for any input."""

from __future__ import annotations

from typing import Any

import pytest
from attentive_client.runtime import ApiSpec

from attentive_toolkit.spec.effective import load_effective_spec

API = ApiSpec.from_document(load_effective_spec())
UPSERT = API.operation("postUserAttributes")


def nested(depth: int) -> dict[str, Any]:
    root: dict[str, Any] = {}
    node = root
    for _ in range(depth):
        node["a"] = {}
        node = node["a"]
    return root


@pytest.mark.parametrize(
    ("body", "pointer", "words"),
    [
        ({"identifiers": {"email": "a@example.com"}, "attributes": {"demographic": {"dateOfBirth": "not-a-date"}}},
         "/attributes/demographic/dateOfBirth", "date"),
        ({"identifiers": {"email": "a\ud800"}}, "/identifiers/email", "lone UTF-16 surrogate"),
        ({"identifiers": {"email": "a@example.com"}, "attributes": {"custom": {"x": float("nan")}}},
         "/attributes/custom/x", "not a JSON number"),
        ({"identifiers": {"email": "a@example.com"}, "attributes": {"custom": nested(10_000)}},
         "/attributes/custom", "nested deeper"),
        ({"identifiers": {"email": "a@example.com"}, "attributes": {"custom": {"x": {1, 2}}}},
         "/attributes/custom/x", "set is not a JSON value"),
        ({"identifiers": {"Phone": "+15005550006"}}, "/identifiers", "unknown field(s) 'Phone'"),
        ({"identifiers": {"email": " \t"}}, "/identifiers/email", "does not match"),
    ],
)  # fmt: skip
def test_broken_bodies_get_a_pointer_and_a_reason(body: Any, pointer: str, words: str) -> None:
    errors = UPSERT.validate_body(body)
    assert errors, "the body should have been refused"
    assert any(error.path.startswith(pointer) and words in error.message for error in errors), errors


def test_a_valid_body_passes() -> None:
    body = {
        "identifiers": {"email": "a@example.com", "customIdentifiers": [{"key": "k", "value": "v"}]},
        "attributes": {"demographic": {"dateOfBirth": "1990-02-28"}, "custom": {"n": 1, "ok": True}},
        "subscriptions": [{"channel": "TEXT", "subscriptionType": "MARKETING", "signUpSourceId": "1"}],
    }
    assert UPSERT.validate_body(body) == []


def test_the_dialect_follows_the_openapi_version() -> None:
    document = load_effective_spec()
    assert document["openapi"].startswith("3.0")
    # Draft 4's exclusiveMinimum is a boolean; 2020-12's is a number. The 3.0 spec gets draft 4.
    schema = {"type": "integer", "minimum": 0, "exclusiveMinimum": True}
    assert API.schema_check(schema).errors(0) and not API.schema_check(schema).errors(1)
    later = ApiSpec.from_document({**document, "openapi": "3.1.0"})
    assert later.schema_check({"type": "integer", "exclusiveMinimum": 0}).errors(0)
    with pytest.raises(ValueError, match="not supported"):
        ApiSpec.from_document({**document, "openapi": "2.0"}).schema_check({"type": "string"})


def test_nullable_means_null_is_allowed_in_3_0() -> None:
    check = API.schema_check({"type": "string", "nullable": True})
    assert check.errors(None) == [] and check.errors(1)


def test_resend_rules_come_from_the_spec_extensions() -> None:
    bulk = API.operation("postBulkUserAttributes")
    plain = {"identifiers": {"email": "a@example.com"}}
    texting = {**plain, "subscriptions": [{"channel": "TEXT", "subscriptionType": "MARKETING", "signUpSourceId": "1"}]}
    assert UPSERT.idempotent and bulk.idempotent
    assert UPSERT.is_resendable(plain) and not UPSERT.is_resendable(texting)
    assert bulk.is_resendable({"users": [plain]}) and not bulk.is_resendable({"users": [plain, texting]})
    assert bulk.is_item_resendable(plain, "users", "*") and not bulk.is_item_resendable(texting, "users", "*")
    assert UPSERT.is_resendable({**plain, "subscriptions": []})
    assert API.operation("getMeV2").is_resendable()
    assert UPSERT.resend_guards() == (("subscriptions",),)
    assert bulk.resend_guards() == (("users", "*", "subscriptions"),)


def test_an_operation_without_the_marker_is_never_resent() -> None:
    document = load_effective_spec()
    post = dict(document["paths"]["/v2/user/attributes"]["post"])
    post.pop("x-attentive-idempotent")
    changed = {**document, "paths": {**document["paths"], "/v2/user/attributes": {"post": post}}}
    assert not ApiSpec.from_document(changed).operation("postUserAttributes").is_resendable({})
