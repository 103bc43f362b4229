"""Tokens, echoed Bearer credentials and personal data are kept out of text, without shredding it."""

from __future__ import annotations

import json

from attentive_client.runtime import REDACTED, Redactor
from attentive_client.runtime.redaction import mask_personal_data, redact_auth_headers, redact_header_items, scrub


def test_a_one_character_token_does_not_shred_messages() -> None:
    text = "postUserAttributes: POST /v2/user/attributes: timed out after 3 attempts"
    assert scrub(text, ["a"]) == text
    assert scrub("token a was refused", ["a"]) == f"token {REDACTED} was refused"


def test_a_long_token_is_found_even_inside_other_text() -> None:
    token = "tok_live_5f0e1d2c3b4a5968"
    assert token not in scrub(f"id={token}{token}", [token])


def test_any_bearer_credential_echoed_by_a_server_is_removed() -> None:
    echoed = "unknown bearer token (you sent Bearer sk_other_person_123456)"
    assert scrub(echoed) == f"unknown bearer token (you sent Bearer {REDACTED})"
    assert "abcdefgh12" not in Redactor(["mine-123456"]).redact("authorization: bearer%20abcdefgh12")


def test_personal_data_is_masked_for_debug_logs() -> None:
    masked = mask_personal_data('{"email": "ada@example.com", "phone": "+15005550006"}')
    assert "ada@example.com" not in masked and "+15005550006" not in masked


def test_the_redactor_does_not_show_its_secrets() -> None:
    assert "s3cret-value" not in repr(Redactor(["s3cret-value"]))


def test_header_lists_keep_repeated_names_and_hide_credentials_and_echoes() -> None:
    token = "tok_live_5f0e1d2c3b4a5968"
    items = [("Authorization", f"Bearer {token}"), ("X-Echo", token), ("X-Echo", "plain"), ("Set-Cookie", "s=1")]
    redactor = Redactor([token])
    assert redact_header_items(items, redactor, keep_scheme=True) == [
        ("Authorization", f"Bearer {REDACTED}"),
        ("X-Echo", REDACTED),
        ("X-Echo", "plain"),
        ("Set-Cookie", REDACTED),
    ]
    assert redact_header_items(items[:1], redactor)[0] == ("Authorization", REDACTED)


def test_bytes_that_are_not_utf8_keep_their_other_bytes() -> None:
    token = "tok_live_5f0e1d2c3b4a5968"
    assert Redactor([token]).redact_bytes(b"\xff\xfe " + token.encode() + b" \x80") == b"\xff\xfe [redacted] \x80"


def test_a_rendered_credential_header_is_masked_whoever_it_belongs_to() -> None:
    command = "curl -H 'Authorization: Bearer abc.def.ghi' -H 'X-Api-Key: k-1' https://x.example/v2/me"
    assert redact_auth_headers(command) == (
        f"curl -H 'Authorization: Bearer {REDACTED}' -H 'X-Api-Key: {REDACTED}' https://x.example/v2/me"
    )


def test_oauth_credentials_are_removed_whoever_they_belong_to() -> None:
    answer = '{"access_token": "at_9z8y7x6w", "id_token": "it_\\"quoted", "token_type": "Bearer"}'
    form = "curl -d 'grant_type=authorization_code&code=c_1234&client_id=app&client_secret=s_5678' http://x"
    redirect = "https://app.example/callback?code=c_1234&state=st_1"

    assert scrub(answer) == f'{{"access_token": "{REDACTED}", "id_token": "{REDACTED}", "token_type": "Bearer"}}'
    assert scrub(form) == (
        f"curl -d 'grant_type=authorization_code&code={REDACTED}&client_id=app&client_secret={REDACTED}' http://x"
    )
    assert scrub(redirect) == f"https://app.example/callback?code={REDACTED}&state=st_1"


def test_code_is_a_credential_only_as_a_field_of_its_own() -> None:
    text = 'exit code=1, zipcode=12345, error_code=7, {"code": "INVALID_GRANT"}'
    assert scrub(text) == text


def test_an_exception_and_those_chained_to_it_are_redacted_in_place() -> None:
    token = "tok_live_5f0e1d2c3b4a5968"
    try:
        try:
            json.loads(f"not json; token={token}")
        except ValueError as decoding:
            raise ValueError(f"{token!r} is not a valid Channel") from decoding
    except ValueError as raised:
        error = raised
    Redactor([token]).redact_exception(error)
    cause = error.__cause__
    assert isinstance(cause, json.JSONDecodeError)
    assert error.args == (f"'{REDACTED}' is not a valid Channel",)
    assert cause.doc == f"not json; token={REDACTED}" and cause.pos == 0
