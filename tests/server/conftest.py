"""In-process clients of the reference server; every response is checked for the rate-limit headers."""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import jsonschema_rs
import pytest
from starlette.exceptions import StarletteDeprecationWarning

with warnings.catch_warnings():
    # Starlette 1.x nudges towards httpx2 for its TestClient; the httpx-based one works and is what we pin.
    warnings.simplefilter("ignore", StarletteDeprecationWarning)
    from starlette.testclient import TestClient

from attentive_toolkit.server.app import ServerState, create_app
from attentive_toolkit.server.settings import ServerSettings
from attentive_toolkit.spec.effective import load_effective_spec

AUTH = {"Authorization": "Bearer dev-token"}


@dataclass
class FakeTime:
    """Both clocks the server reads, moved only by the test."""

    wall: datetime = field(default_factory=lambda: datetime(2026, 1, 1, tzinfo=UTC))
    seconds: float = 1000.0

    def advance(self, seconds: float) -> None:
        self.wall += timedelta(seconds=seconds)
        self.seconds += seconds


def require_rate_limit_headers(response: httpx.Response) -> None:
    for name in ("x-ratelimit-limit", "x-ratelimit-remaining"):
        assert response.headers.get(name, "").isdigit(), f"{response.request.url}: no {name} header"


class SpecResponses:
    """Checks an answer of a vendor operation against the effective spec: documented status, body schema."""

    def __init__(self) -> None:
        document = load_effective_spec()
        self.components = document["components"]
        self.routes: list[tuple[str, re.Pattern[str], dict[str, Any]]] = []
        for path, item in document["paths"].items():
            pattern = re.compile("^" + re.sub(r"\\{[^}]+\\}", "[^/]+", re.escape(path)) + "$")
            for method, operation in item.items():
                if isinstance(operation, dict) and "responses" in operation:
                    self.routes.append((method.upper(), pattern, operation["responses"]))

    def check(self, response: httpx.Response) -> None:
        request = response.request
        matching = [
            documented
            for method, pattern, documented in self.routes
            if method == request.method and pattern.match(request.url.path)
        ]
        if not matching:
            return
        responses = matching[0]
        response.read()
        documented = responses.get(str(response.status_code))
        # 503 is injected only when a test asks for it; the vendor documents none.
        assert documented is not None or response.status_code == 503, f"undocumented {response.status_code}"
        schema = (documented or {}).get("content", {}).get("application/json", {}).get("schema")
        if schema is not None:
            validator = jsonschema_rs.Draft4Validator({**schema, "components": self.components})
            errors = [error.message for error in validator.iter_errors(response.json())]
            assert not errors, f"{request.method} {request.url.path} {response.status_code}: {errors}"


SPEC_RESPONSES = SpecResponses()


def check_response(response: httpx.Response) -> None:
    require_rate_limit_headers(response)
    SPEC_RESPONSES.check(response)


def sandbox_token(request: httpx.Request) -> None:
    """The sandbox API needs a token; these tests exercise other behaviour, so its calls carry the dev token
    unless a test sets its own (tests/server/test_hostile.py proves the refusals)."""
    if request.url.path.startswith("/_sandbox") and "authorization" not in request.headers:
        request.headers["Authorization"] = AUTH["Authorization"]


@pytest.fixture
def fake_time() -> FakeTime:
    return FakeTime()


@pytest.fixture
def make_client(fake_time: FakeTime) -> Iterator[Callable[..., TestClient]]:
    """Build a client for an app with the given settings; jobs move only when driven, clocks are fake."""
    opened: list[TestClient] = []

    def build(**overrides: Any) -> TestClient:
        options: dict[str, Any] = {
            "run_jobs_in_background": False,
            "clock": lambda: fake_time.wall,
            "monotonic": lambda: fake_time.seconds,
        }
        options.update(overrides)
        # A loopback Host: the server refuses other names (DNS rebinding); TestClient's default is "testserver".
        client = TestClient(
            create_app(ServerSettings(**options)), base_url="http://127.0.0.1", raise_server_exceptions=False
        )
        client.__enter__()
        client.event_hooks = {"request": [sandbox_token], "response": [check_response]}
        opened.append(client)
        return client

    yield build
    for client in opened:
        client.__exit__(None, None, None)


@pytest.fixture
def client(make_client: Callable[..., TestClient]) -> TestClient:
    return make_client()


def server_state(client: TestClient) -> ServerState:
    state: ServerState = client.app.state.server  # type: ignore[attr-defined]
    return state


def users(client: TestClient, **filters: str) -> list[dict[str, Any]]:
    response = client.get("/_sandbox/users", params=filters)
    assert response.status_code == 200
    found: list[dict[str, Any]] = response.json()["users"]
    return found


def upsert(client: TestClient, body: Any, headers: dict[str, str] | None = None) -> httpx.Response:
    response: httpx.Response = client.post("/v2/user/attributes", json=body, headers=headers or AUTH)
    return response
