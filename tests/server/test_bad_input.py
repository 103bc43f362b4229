"""Bad input gets the documented status and a body naming the problem, and nothing is stored."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from starlette.testclient import TestClient

from .conftest import AUTH, EVERY_SCOPE, upsert

USER = {"identifiers": {"email": "ada@example.com"}}
LIMITED = {"Authorization": "Bearer limited"}


def state_snapshot(client: TestClient) -> dict[str, Any]:
    return {
        path: client.get(path).json() for path in ("/_sandbox/users", "/_sandbox/jobs", "/_sandbox/custom-attributes")
    }


@pytest.fixture
def seeded(make_client: Callable[..., TestClient]) -> TestClient:
    client = make_client(tokens={"dev-token": EVERY_SCOPE, "limited": frozenset({"attributes:write"})})
    assert upsert(
        client, {"identifiers": {"email": "old@example.com"}, "attributes": {"custom": {"Age": 30}}}
    ).is_success
    return client


def subscription(language: str, country: str) -> dict[str, Any]:
    return {"channel": "TEXT", "subscriptionType": "MARKETING", "locale": {"language": language, "country": country}}


# (name, path, request options, status, what the body must name)
CASES: list[tuple[str, str, dict[str, Any], int, str]] = [
    ("wrong type", "/v2/user/attributes", {"json": {"identifiers": {"email": 5}}}, 400, "/identifiers/email"),
    (
        "identifiers naming no one",
        "/v2/user/attributes",
        {"json": {"identifiers": {"customIdentifiers": []}}},
        400,
        "/identifiers/customIdentifiers",
    ),
    (
        "array custom value",
        "/v2/user/attributes",
        {"json": {**USER, "attributes": {"custom": {"cities": ["New York City"]}}}},
        400,
        "/attributes/custom/cities",
    ),
    (
        "map custom value",
        "/v2/user/attributes",
        {"json": {**USER, "attributes": {"custom": {"favorite": {"city": "Boston"}}}}},
        400,
        "/attributes/custom/favorite",
    ),
    ("257 users", "/v2/bulk/user/attributes", {"json": {"users": [USER] * 257}}, 400, '"pointer":"/users"'),
    (
        "non-E.164 phone",
        "/v2/user/attributes",
        {"json": {"identifiers": {"phone": "19148440001"}}},
        400,
        "/identifiers/phone",
    ),
    (
        "non-E.164 phone in a bulk record",
        "/v2/bulk/user/attributes",
        {"json": {"users": [USER, {"identifiers": {"phone": "+1---914"}}]}},
        400,
        "/users/1/identifiers/phone",
    ),
    ("no identifiers", "/v2/user/attributes", {"json": {"attributes": {}}}, 400, "identifiers"),
    ("no token", "/v2/user/attributes", {"json": USER, "headers": {}}, 401, "Authorization"),
    ("unknown token", "/v2/user/attributes", {"json": USER, "headers": {"Authorization": "Bearer nope"}}, 401, "token"),
    ("wrong scope", "/v2/user/attributes", {"json": USER, "headers": LIMITED}, 403, "subscriptions:write"),
    ("wrong scope on bulk", "/v2/bulk/user/attributes", {"json": {"users": [USER]}, "headers": LIMITED}, 403, "scope"),
    (
        "malformed JSON",
        "/v2/user/attributes",
        {"content": b'{"identifiers": {', "headers": {**AUTH, "content-type": "application/json"}},
        400,
        "malformed JSON at line 1",
    ),
    (
        "wrong content type",
        "/v2/user/attributes",
        {"content": json.dumps(USER), "headers": {**AUTH, "content-type": "text/plain"}},
        400,
        "content type",
    ),
    (
        "lone surrogate",
        "/v2/user/attributes",
        {"content": b'{"identifiers": {"email": "\\ud800"}}', "headers": {**AUTH, "content-type": "application/json"}},
        400,
        "surrogate",
    ),
    (
        "nested too deeply",
        "/v2/user/attributes",
        {"content": b"[" * 100_000 + b"]" * 100_000, "headers": {**AUTH, "content-type": "application/json"}},
        400,
        "nested too deeply",
    ),
    (
        "locale without a sign-up unit",
        "/v2/user/attributes",
        {"json": {**USER, "subscriptions": [subscription("de", "DE")]}},
        400,
        "/subscriptions/0/locale",
    ),
    (
        "locale matching two sign-up units",
        "/v2/user/attributes",
        {"json": {**USER, "subscriptions": [subscription("en", "GB")]}},
        400,
        "match 2 API sign-up units",
    ),
    (
        "custom value of another type than the first",
        "/v2/user/attributes",
        {"json": {**USER, "attributes": {"custom": {"Brand New": 1, "Age": "old"}}}},
        400,
        "typed number by its first value",
    ),
]


@pytest.mark.parametrize(
    ("path", "options", "status", "named"), [case[1:] for case in CASES], ids=[c[0] for c in CASES]
)
def test_bad_input_is_refused_with_a_named_problem_and_nothing_stored(
    seeded: TestClient, path: str, options: dict[str, Any], status: int, named: str
) -> None:
    before = state_snapshot(seeded)
    options.setdefault("headers", AUTH)

    response = seeded.post(path, **options)

    assert response.status_code == status, response.text
    assert named in response.text
    body = response.json()
    assert body["status"] == status and body["message"]
    if status == 400:
        assert all({"pointer", "message"} <= set(error) for error in body["errors"])
    assert state_snapshot(seeded) == before


def test_every_violation_is_listed_with_its_pointer(client: TestClient) -> None:
    response = upsert(client, {"identifiers": {"email": 5, "phone": "555"}, "attributes": {"firstName": 1}})

    pointers = {error["pointer"] for error in response.json()["errors"]}
    assert pointers == {"/identifiers/email", "/identifiers/phone", "/attributes/firstName"}


def test_at_most_100_custom_attributes(client: TestClient) -> None:
    hundred = {f"attribute {n}": n for n in range(100)}
    assert upsert(client, {**USER, "attributes": {"custom": hundred}}).status_code == 202

    response = upsert(client, {**USER, "attributes": {"custom": {"one too many": "x"}}})

    assert response.status_code == 400
    assert response.json()["errors"][0]["pointer"] == "/attributes/custom/one too many"
    assert len(client.get("/_sandbox/custom-attributes").json()["custom"]) == 100


def test_a_string_that_reads_as_a_number_types_the_attribute_as_a_number(client: TestClient) -> None:
    upsert(client, {**USER, "attributes": {"custom": {"Age": "24", "Zip": "Boston"}}})

    assert client.get("/_sandbox/custom-attributes").json()["custom"] == {"Age": "number", "Zip": "string"}
    assert upsert(client, {**USER, "attributes": {"custom": {"Age": 25, "Zip": "02134"}}}).status_code == 202
    assert upsert(client, {**USER, "attributes": {"custom": {"Zip": 2134}}}).status_code == 400
