"""The single upsert: users found by any identifier, attributes merged, subscriptions recorded."""

from __future__ import annotations

from starlette.testclient import TestClient

from .conftest import AUTH, upsert, users


def test_a_user_upserted_by_email_is_found_by_phone_after_an_upsert_carrying_both(client: TestClient) -> None:
    assert upsert(client, {"identifiers": {"email": "ada@example.com"}}).status_code == 202
    second = upsert(client, {"identifiers": {"email": "ada@example.com", "phone": "+15005550006"}})

    assert second.status_code == 202
    assert second.json()["success"] is True
    [by_phone] = users(client, phone="+15005550006")
    assert by_phone["identifiers"] == {"email": "ada@example.com", "phone": "+15005550006"}
    assert len(users(client)) == 1


def test_attributes_merge_across_upserts(client: TestClient) -> None:
    upsert(client, {"identifiers": {"clientUserId": "c-1"}, "attributes": {"firstName": "Ada", "custom": {"a": 1}}})
    upsert(client, {"identifiers": {"clientUserId": "c-1"}, "attributes": {"lastName": "L", "custom": {"b": "x"}}})

    [user] = users(client, clientUserId="c-1")
    assert user["attributes"] == {"firstName": "Ada", "lastName": "L", "custom": {"a": 1, "b": "x"}}


def test_subscriptions_are_recorded_with_the_resolved_sign_up_unit_every_time(client: TestClient) -> None:
    subscription = {"channel": "TEXT", "subscriptionType": "MARKETING", "locale": {"language": "en", "country": "US"}}
    body = {"identifiers": {"phone": "+15005550006"}, "subscriptions": [subscription]}
    upsert(client, body)
    upsert(client, body)
    upsert(client, {**body, "subscriptions": [{"channel": "EMAIL", "subscriptionType": "MARKETING",
                                               "signUpSourceId": "12345"}]})  # fmt: skip

    [user] = users(client)
    sources = [item["signUpSourceId"] for item in user["subscriptions"]]
    assert sources == ["api-en-us-marketing", "api-en-us-marketing", "12345"]


def test_identifiers_of_two_users_in_one_request_bridge_them_into_the_oldest(client: TestClient) -> None:
    upsert(client, {"identifiers": {"email": "a@example.com"}, "attributes": {"firstName": "A"}})
    upsert(client, {"identifiers": {"phone": "+15005550006"}, "attributes": {"lastName": "B"}})

    response = upsert(client, {"identifiers": {"email": "a@example.com", "phone": "+15005550006"}})

    assert "merged users 2" in response.json()["message"]
    [user] = users(client)
    assert user["id"] == 1
    assert user["attributes"] == {"firstName": "A", "lastName": "B"}


def test_a_bridged_users_identifier_that_gets_dropped_is_named_in_the_answer(client: TestClient) -> None:
    upsert(client, {"identifiers": {"email": "a@example.com"}})
    upsert(client, {"identifiers": {"email": "b@example.com", "phone": "+15005550006"}})

    response = upsert(client, {"identifiers": {"email": "a@example.com", "phone": "+15005550006"}})

    assert response.json()["message"] == "updated user 1 and merged users 2 into it (superseded: user 2's email)"
    [user] = users(client)
    assert user["identifiers"] == {"email": "a@example.com", "phone": "+15005550006"}


def test_a_bridged_users_identifier_the_request_keeps_is_not_named_as_superseded(client: TestClient) -> None:
    upsert(client, {"identifiers": {"email": "a@example.com", "phone": "+15005550001"}})
    upsert(client, {"identifiers": {"email": "b@example.com", "phone": "+15005550002"}})

    response = upsert(client, {"identifiers": {"email": "a@example.com", "phone": "+15005550002"}})

    assert response.json()["message"] == "updated user 1 and merged users 2 into it (superseded: user 2's email)"
    [user] = users(client)
    assert user["identifiers"] == {"email": "a@example.com", "phone": "+15005550002"}


def test_me_answers_the_configured_company(client: TestClient) -> None:
    response = client.get("/v2/me", headers=AUTH)

    assert response.status_code == 200
    assert response.json()["companyName"] == "Sandbox Company"


def test_a_number_beyond_64_bits_is_valid_json_and_kept_exactly(client: TestClient) -> None:
    body = (
        b'{"identifiers": {"email": "big@example.com"}, '
        b'"attributes": {"demographic": {"age": 2699126561863404262571114496}, '
        b'"custom": {"n": 1000000000000000000000}}}'
    )

    response = client.post("/v2/user/attributes", content=body, headers={**AUTH, "content-type": "application/json"})

    assert response.status_code == 202, response.text
    attributes = users(client)[0]["attributes"]
    assert attributes["demographic"]["age"] == 2699126561863404262571114496
    assert isinstance(attributes["custom"]["n"], int)
    assert attributes["custom"]["n"] == 10**21
