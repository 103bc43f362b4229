"""One verdict per body: the client's local check, the bulk importer's per-line check and the reference server
accept or refuse exactly the same bodies, because all three ask the runtime.

Bodies are generated around the rules that matter: valid ones, schema-breaking ones, format-breaking ones
(``dateOfBirth``), values JSON can't carry (NaN, lone surrogates) and odd Unicode. Rules that depend on the
account's state (which sign-up units exist, the type a custom attribute took from its first value) are the
server's alone; the strategy keeps clear of them and the server starts each body from empty state.
"""

from __future__ import annotations

import json
import math
import warnings
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from attentive_client import AuthenticatedClient, errors
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from starlette.testclient import TestClient

from attentive_toolkit.bulk.record_check import RecordValidator
from attentive_toolkit.bulk.sources import LineKind, parse_json_line
from attentive_toolkit.server.app import ServerState, create_app
from attentive_toolkit.server.settings import DEV_TOKEN, ServerSettings

ODD_TEXT = st.sampled_from(
    ["Ada", "", "   ", "\t\n", "Zoë", "名前", "\u202eevil", "a\u0000b", "\ud800", "x\udfff", "😀", "a" * 101]
)
TEXT = st.one_of(ODD_TEXT, st.text(max_size=12))
EMAIL = st.one_of(st.sampled_from(["ada@example.com", "", " ", "a\ud800@example.com"]), TEXT)
PHONE = st.sampled_from(["+15005550006", "5005550006", "+1", "", "+15005550006\ud800", "+4420718387501234567"])
DATE = st.sampled_from(["1990-02-28", "not-a-date", "2022-02-30", "1990-2-28", "", "2022-11-08T00:00:00Z"])
SCALAR: st.SearchStrategy[Any] = st.one_of(
    TEXT,
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.none(),
)
CUSTOM_VALUE = st.one_of(SCALAR, st.lists(SCALAR, max_size=2), st.dictionaries(st.text(max_size=3), SCALAR, max_size=2))


@st.composite
def identifiers(draw: st.DrawFn) -> dict[str, Any]:
    chosen: dict[str, Any] = {}
    if draw(st.booleans()):
        chosen["email"] = draw(EMAIL)
    if draw(st.booleans()):
        chosen["phone"] = draw(PHONE)
    if draw(st.integers(0, 4)) == 0:
        chosen["clientUserId"] = draw(TEXT)
    if draw(st.integers(0, 5)) == 0:
        chosen["customIdentifiers"] = draw(st.lists(st.fixed_dictionaries({"key": TEXT, "value": TEXT}), max_size=2))
    if draw(st.integers(0, 8)) == 0:
        chosen["Phone"] = "+15005550006"  # a misspelled key
    return chosen


@st.composite
def subscription(draw: st.DrawFn) -> dict[str, Any]:
    item: dict[str, Any] = {
        "channel": draw(st.sampled_from(["TEXT", "EMAIL", "SMS"])),
        "subscriptionType": draw(st.sampled_from(["MARKETING", "TRANSACTIONAL", "CHECKOUT_ABANDONED"])),
    }
    if draw(st.booleans()):
        item["signUpSourceId"] = draw(st.sampled_from(["12345", ""]))
    else:
        # Only the en-US units exist once per type on the reference server: a locale that resolves exactly.
        item["locale"] = draw(
            st.sampled_from([{"language": "en", "country": "US"}, {"language": "EN", "country": "US"}])
        )
    if draw(st.integers(0, 3)) == 0:
        del item["channel"]
    return item


@st.composite
def bodies(draw: st.DrawFn) -> dict[str, Any]:
    body: dict[str, Any] = {}
    if draw(st.integers(0, 9)) != 0:
        body["identifiers"] = draw(identifiers())
    if draw(st.booleans()):
        attributes: dict[str, Any] = {}
        if draw(st.booleans()):
            attributes["firstName"] = draw(TEXT)
        if draw(st.booleans()):
            attributes["demographic"] = {"dateOfBirth": draw(DATE), "age": draw(st.sampled_from([29, 29.5, "29"]))}
        if draw(st.booleans()):
            keys = st.text(min_size=1, max_size=6).filter(lambda key: key.isprintable())
            attributes["custom"] = draw(st.dictionaries(keys, CUSTOM_VALUE, max_size=3))
        body["attributes"] = attributes
    if draw(st.booleans()):
        body["subscriptions"] = draw(st.lists(subscription(), max_size=2))
    if draw(st.integers(0, 9)) == 0:
        body["atributes"] = {}
    return body


class Verdicts:
    """The three places a body is judged, each driven the way a user drives it."""

    def __init__(self, server: TestClient) -> None:
        self.server = server
        self.state: ServerState = server.app.state.server  # type: ignore[attr-defined]
        self.sent: list[httpx.Request] = []
        self.client = AuthenticatedClient(
            token=DEV_TOKEN,
            max_retries=0,
            httpx_args={"transport": httpx.MockTransport(self._accept)},
        )
        self.importer = RecordValidator(self.client.spec())

    def _accept(self, request: httpx.Request) -> httpx.Response:
        self.sent.append(request)
        return httpx.Response(202, json={"success": True})

    def client_accepts(self, body: dict[str, Any]) -> bool:
        before = len(self.sent)
        try:
            self.client.send("postUserAttributes", {"json": body})
        except errors.RequestValidationError:
            assert len(self.sent) == before, "a refused body must not be sent"
            return False
        return True

    def importer_accepts(self, body: dict[str, Any]) -> bool:
        # A line of the input file, as the user would have written it (non-ASCII escaped, as json.dumps does).
        line = parse_json_line(1, json.dumps(body).encode("utf-8"))
        if line.kind is not LineKind.RECORD:
            return False
        return self.importer.reason(line.record) is None

    def server_accepts(self, body: dict[str, Any]) -> bool:
        self.state.reset()
        answer = self.server.post(
            "/v2/user/attributes",
            content=json.dumps(body).encode("utf-8"),
            headers={"Authorization": f"Bearer {DEV_TOKEN}", "Content-Type": "application/json"},
        )
        assert answer.status_code in (202, 400), answer.text
        return answer.status_code == 202


@pytest.fixture(scope="module")
def verdicts() -> Iterator[Verdicts]:
    with TestClient(create_app(ServerSettings(run_jobs_in_background=False)), base_url="http://127.0.0.1") as server:
        yield Verdicts(server)


def carries_non_json(value: Any) -> bool:
    if isinstance(value, float):
        return not math.isfinite(value)
    if isinstance(value, dict):
        return any(carries_non_json(item) for item in value.values())
    if isinstance(value, list):
        return any(carries_non_json(item) for item in value)
    return False


@settings(max_examples=400, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
@given(body=bodies())
def test_client_importer_and_server_agree(verdicts: Verdicts, body: dict[str, Any]) -> None:
    by_client = verdicts.client_accepts(body)
    by_importer = verdicts.importer_accepts(body)
    by_server = verdicts.server_accepts(body)
    assert by_client == by_importer == by_server, f"client {by_client}, importer {by_importer}, server {by_server}"
    if carries_non_json(body):
        assert not by_client


def test_the_strategy_reaches_both_verdicts(verdicts: Verdicts) -> None:
    """Guard against a vacuous pass: the generated bodies include accepted and refused ones."""
    seen: set[bool] = set()

    @settings(max_examples=200, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
    @given(body=bodies())
    def collect(body: dict[str, Any]) -> None:
        seen.add(verdicts.client_accepts(body))

    collect()
    assert seen == {True, False}
