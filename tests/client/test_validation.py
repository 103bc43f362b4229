"""A request that breaks the effective spec raises, naming each field and rule, and nothing is sent."""

from __future__ import annotations

from typing import Any

import pytest
from attentive_client import errors
from attentive_client.api.bulk_user_operations import post_bulk_user_attributes
from attentive_client.api.user_properties import post_user_attributes
from attentive_client.models import (
    CreateUserAttributesRequestDtoV2,
    CreateUserAttributesRequestDtoV2SubscriptionsItemChannel,
    UserAttributes,
)

from .conftest import ACCEPTED, MakeClient, answers, upsert_body


def rejected(make_client: MakeClient, body: dict[str, Any]) -> list[tuple[str, str]]:
    """The (path, rule) pairs the client reports for ``body``; asserts nothing reached the transport."""
    client, seen = make_client(answers(ACCEPTED))
    with pytest.raises(errors.RequestValidationError) as raised:
        post_user_attributes.sync(client=client, body=CreateUserAttributesRequestDtoV2.from_dict(body))
    assert seen.requests == []
    for error in raised.value.errors:
        assert f"{error.path}: {error.rule}: " in str(raised.value)
    return [(error.path, error.rule) for error in raised.value.errors]


@pytest.mark.parametrize("phone", ["19148440001", "+1---914---844---0001", "1 () 914 844 0001", "+0123"])
def test_a_phone_not_in_e164_is_refused(make_client: MakeClient, phone: str) -> None:
    assert rejected(make_client, {"identifiers": {"phone": phone}}) == [("/identifiers/phone", "pattern")]


def test_empty_identifiers_are_refused(make_client: MakeClient) -> None:
    assert rejected(make_client, {"identifiers": {}}) == [("/identifiers", "minProperties")]
    assert rejected(make_client, {"identifiers": {"email": ""}}) == [
        ("/identifiers/email", "minLength"),
        ("/identifiers/email", "pattern"),
    ]
    assert rejected(make_client, {"identifiers": {"email": "  "}}) == [("/identifiers/email", "pattern")]


@pytest.mark.parametrize("value", [["New York City"], {"favorite city": "Boston"}])
def test_a_custom_attribute_that_is_an_array_or_object_is_refused(make_client: MakeClient, value: object) -> None:
    body = upsert_body(attributes={"custom": {"city": value}})
    assert rejected(make_client, body) == [("/attributes/custom/city", "anyOf")]


def test_an_over_long_client_user_id_is_refused(make_client: MakeClient) -> None:
    body = {"identifiers": {"clientUserId": "x" * 101}}
    assert rejected(make_client, body) == [("/identifiers/clientUserId", "maxLength")]


def test_an_unknown_enum_value_is_refused(make_client: MakeClient) -> None:
    body = upsert_body(subscriptions=[{"channel": "FAX", "subscriptionType": "MARKETING", "signUpSourceId": "1"}])
    assert rejected(make_client, body) == [("/subscriptions/0/channel", "enum")]


def test_an_unknown_enum_member_built_in_code_is_refused_too(make_client: MakeClient) -> None:
    model = CreateUserAttributesRequestDtoV2.from_dict(
        upsert_body(subscriptions=[{"channel": "TEXT", "subscriptionType": "MARKETING", "signUpSourceId": "1"}])
    )
    assert isinstance(model.subscriptions, list)
    model.subscriptions[0].channel = CreateUserAttributesRequestDtoV2SubscriptionsItemChannel("PIGEON")
    client, seen = make_client(answers(ACCEPTED))
    with pytest.raises(errors.RequestValidationError, match="/subscriptions/0/channel: enum"):
        post_user_attributes.sync(client=client, body=model)
    assert seen.requests == []


def test_a_subscription_with_neither_sign_up_source_nor_locale_is_refused(make_client: MakeClient) -> None:
    body = upsert_body(subscriptions=[{"channel": "TEXT", "subscriptionType": "MARKETING"}])
    client, seen = make_client(answers(ACCEPTED))
    with pytest.raises(errors.RequestValidationError) as raised:
        post_user_attributes.sync(client=client, body=CreateUserAttributesRequestDtoV2.from_dict(body))
    assert seen.requests == []
    [error] = raised.value.errors
    assert (error.path, error.rule) == ("/subscriptions/0", "anyOf")
    assert error.message == "needs at least one of: signUpSourceId, locale"


def test_every_failing_field_is_named_at_once(make_client: MakeClient) -> None:
    body = {"identifiers": {"phone": "555", "clientUserId": "x" * 101}}
    assert sorted(rejected(make_client, body)) == [
        ("/identifiers/clientUserId", "maxLength"),
        ("/identifiers/phone", "pattern"),
    ]


def test_more_than_256_users_are_refused(make_client: MakeClient) -> None:
    client, seen = make_client(answers(ACCEPTED))
    body = UserAttributes.from_dict({"users": [upsert_body() for _ in range(257)]})
    with pytest.raises(errors.RequestValidationError) as raised:
        post_bulk_user_attributes.sync(client=client, body=body)
    assert seen.requests == []
    assert [(e.path, e.rule) for e in raised.value.errors] == [("/users", "maxItems")]
    assert raised.value.operation_id == "postBulkUserAttributes"


def test_a_bulk_user_is_named_by_its_index(make_client: MakeClient) -> None:
    client, _ = make_client(answers(ACCEPTED))
    body = UserAttributes.from_dict({"users": [upsert_body(), {"identifiers": {"phone": "555"}}]})
    with pytest.raises(errors.RequestValidationError, match="/users/1/identifiers/phone: pattern"):
        post_bulk_user_attributes.sync(client=client, body=body)


def test_a_valid_request_is_sent(make_client: MakeClient) -> None:
    client, seen = make_client(answers(ACCEPTED))
    body = upsert_body(subscriptions=[{"channel": "TEXT", "subscriptionType": "MARKETING", "signUpSourceId": "1"}])
    assert post_user_attributes.sync(client=client, body=CreateUserAttributesRequestDtoV2.from_dict(body)).success
    assert len(seen.requests) == 1


def test_validation_can_be_switched_off(make_client: MakeClient) -> None:
    client, seen = make_client(answers(ACCEPTED), validate_requests=False)
    body = CreateUserAttributesRequestDtoV2.from_dict({"identifiers": {"phone": "555"}})
    assert post_user_attributes.sync(client=client, body=body).success
    assert len(seen.requests) == 1
