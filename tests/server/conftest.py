"""In-process clients of the reference server; every response is checked for the rate-limit headers."""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from attentive_client.runtime import ApiSpec
from starlette.exceptions import StarletteDeprecationWarning

with warnings.catch_warnings():
    # Starlette 1.x nudges towards httpx2 for its TestClient; the httpx-based one works and is what we pin.
    warnings.simplefilter("ignore", StarletteDeprecationWarning)
    from starlette.testclient import TestClient

from attentive_toolkit.server.app import ServerState, create_app
from attentive_toolkit.server.settings import ServerSettings
from attentive_toolkit.spec.effective import load_effective_spec

AUTH = {"Authorization": "Bearer dev-token"}
# Every scope the effective spec names: what the development token holds.
EVERY_SCOPE = ApiSpec.from_document(load_effective_spec()).scopes


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
    """Checks an answer of a vendor operation against the effective spec (through the runtime, as everything
    else does): documented status, body schema."""

    def __init__(self) -> None:
        self.api = ApiSpec.from_document(load_effective_spec())

    def check(self, response: httpx.Response) -> None:
        request = response.request
        found = self.api.match(request.method, request.url.path)
        if found is None:
            return
        operation = found[0]
        response.read()
        # 503 is injected only when a test asks for it; the vendor documents none.
        documented = operation.response(response.status_code)
        assert documented is not None or response.status_code == 503, f"undocumented {response.status_code}"
        if operation.response_schema(response.status_code) is not None:
            errors = [str(error) for error in operation.validate_response(response.status_code, response.json())]
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
