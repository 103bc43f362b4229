"""The runtime reads the facts a new release states: scopes, request media types, integer formats."""

from __future__ import annotations

from attentive_client.runtime import ApiSpec, media

from ..server.synthetic_release import NEW_SCOPES, TOKENS, synthetic_release


def test_scopes_are_those_operations_require_and_schemes_declare() -> None:
    document = synthetic_release()
    flows = document["components"]["securitySchemes"]["OAuthFlow"]["flows"]["authorizationCode"]
    flows["scopes"]["reports:read"] = "declared, required by no operation yet"

    scopes = ApiSpec.from_document(document).scopes

    assert {"reports:read", *NEW_SCOPES, "attributes:write"} <= scopes


def test_a_form_body_is_known_as_one_and_validated_after_decoding() -> None:
    api = ApiSpec.from_document(synthetic_release())
    operation = api.operation("createToken")
    assert operation.body_media_type == "application/x-www-form-urlencoded"
    assert operation.body_schema is not None

    body, problems = media.decode_form(
        b"grant_type=authorization_code&count=3&tags=a&tags=b", operation.body_schema, api.resolve
    )
    repeated, repeated_problems = media.decode_form(b"count=1&count=2", operation.body_schema, api.resolve)

    assert problems == [] and body == {"grant_type": "authorization_code", "count": 3, "tags": ["a", "b"]}
    assert operation.validate_body(body) == []
    assert repeated == {} and "'count' is given 2 times" in repeated_problems[0]
    assert [error.path for error in operation.validate_body({"grant_type": "authorization_code"})] == ["/count"]
    assert operation.path == TOKENS


def test_integer_formats_are_ranges() -> None:
    tree = ApiSpec.from_document(synthetic_release()).operation("postTree")

    assert tree.validate_body({"kind": "leaf", "value": 2**31 - 1}) == []
    assert tree.validate_body({"kind": "leaf", "value": 2**31}) != []
