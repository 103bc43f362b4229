"""A client wired to an in-process transport, with sleeps and jitter recorded instead of taken."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from attentive_client import AuthenticatedClient

TOKEN = "tok_live_5f0e1d2c3b4a59687766554433221100"
Handler = Callable[[httpx.Request], httpx.Response]


@dataclass
class Recorder:
    """Every request the transport saw and every wait the client asked for."""

    requests: list[httpx.Request] = field(default_factory=list)
    sleeps: list[float] = field(default_factory=list)

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)

    async def async_sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)


def answers(*responses: httpx.Response | Exception) -> Handler:
    """A handler that gives ``responses`` in order (raising the exceptions) and repeats the last one."""
    queue = list(responses)

    def handle(request: httpx.Request) -> httpx.Response:
        item = queue.pop(0) if len(queue) > 1 else queue[0]
        if isinstance(item, Exception):
            raise item
        # A fresh response each time: an httpx response can be read by only one client.
        return httpx.Response(item.status_code, headers=item.headers, content=item.content)

    return handle


MakeClient = Callable[..., tuple[AuthenticatedClient, Recorder]]


@pytest.fixture
def make_client() -> Iterator[MakeClient]:
    clients: list[AuthenticatedClient] = []

    def make(handler: Handler, **settings: Any) -> tuple[AuthenticatedClient, Recorder]:
        recorder = Recorder()

        def record(request: httpx.Request) -> httpx.Response:
            recorder.requests.append(request)
            return handler(request)

        settings.setdefault("sleep", recorder.sleep)
        settings.setdefault("async_sleep", recorder.async_sleep)
        settings.setdefault("random_source", lambda: 0.0)
        # MockTransport serves the sync and the async httpx client alike.
        client = AuthenticatedClient(token=TOKEN, httpx_args={"transport": httpx.MockTransport(record)}, **settings)
        clients.append(client)
        return client, recorder

    yield make
    for client in clients:
        client.get_httpx_client().close()


def upsert_body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"identifiers": {"phone": "+15005550006"}}
    body.update(overrides)
    return body


TEXT_SUBSCRIPTION = {"channel": "TEXT", "subscriptionType": "MARKETING", "signUpSourceId": "12345"}
ACCEPTED = httpx.Response(202, json={"success": True})
