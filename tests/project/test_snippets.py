"""Every Python snippet of README.md, generated/README.md, the docs' home page and the OAuth page runs, in order
and as written, against the reference server they name (`attentive serve` on 127.0.0.1:8080, here on a free
port): a broken snippet fails CI."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from attentive_client import AuthenticatedClient, errors
from attentive_client.api.test_authentication_v2 import get_me_v2

from attentive_toolkit.server.runner import running_server

REPO = Path(__file__).resolve().parents[2]
DOCUMENTED_SERVER = "http://127.0.0.1:8080"
PAGES = ("README.md", "generated/README.md", "docs/index.md", "docs/oauth.md")


def python_blocks(page: str) -> list[str]:
    return re.findall(r"^```python\n(.*?)^```", (REPO / page).read_text(encoding="utf-8"), flags=re.M | re.S)


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    with running_server() as url:
        yield url


@pytest.fixture
def loopback_only(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every request the snippets send, refused unless it goes to loopback: a quickstart never reaches production."""
    sent: list[str] = []
    send = httpx.HTTPTransport.handle_request
    send_async = httpx.AsyncHTTPTransport.handle_async_request

    def check(request: httpx.Request) -> None:
        sent.append(f"{request.method} {request.url}")
        assert request.url.host == "127.0.0.1", f"a snippet sent {request.method} {request.url}"

    def guarded(self: httpx.HTTPTransport, request: httpx.Request) -> httpx.Response:
        check(request)
        return send(self, request)

    async def guarded_async(self: httpx.AsyncHTTPTransport, request: httpx.Request) -> httpx.Response:
        check(request)
        return await send_async(self, request)

    monkeypatch.setattr(httpx.HTTPTransport, "handle_request", guarded)
    monkeypatch.setattr(httpx.AsyncHTTPTransport, "handle_async_request", guarded_async)
    for name in ("ATTENTIVE_BASE_URL", "ATTENTIVE_API_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    return sent


@pytest.mark.parametrize("page", PAGES)
def test_the_snippets_run_in_order_against_the_reference_server(
    page: str, server: str, loopback_only: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    blocks = python_blocks(page)
    assert blocks, f"{page} has no Python snippet"
    namespace: dict[str, object] = {"__name__": f"snippets_of_{page}"}
    for index, block in enumerate(blocks):
        assert DOCUMENTED_SERVER in block or index > 0, f"{page}: the first snippet names no local server"
        code = compile(block.replace(DOCUMENTED_SERVER, server), f"{page} snippet {index + 1}", "exec")
        exec(code, namespace)
    assert loopback_only, f"{page}: the snippets sent nothing"
    # The snippets print only in their error branches: against the reference server every call succeeds.
    assert capsys.readouterr().out == ""


def test_the_client_reads_its_target_and_token_from_the_environment(
    server: str, loopback_only: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ATTENTIVE_BASE_URL", server)
    monkeypatch.setenv("ATTENTIVE_API_TOKEN", "dev-token")
    client = AuthenticatedClient()
    assert client.base_url == server
    assert get_me_v2.sync(client=client) is not None
    assert loopback_only == [f"GET {server}/v2/me"]


def test_no_token_anywhere_is_a_typed_error_naming_the_variable(loopback_only: list[str]) -> None:
    with pytest.raises(errors.MissingTokenError, match="ATTENTIVE_API_TOKEN"):
        AuthenticatedClient(base_url="http://127.0.0.1:8080")


def test_a_closed_client_refuses_with_a_typed_error(server: str, loopback_only: list[str]) -> None:
    with AuthenticatedClient(base_url=server, token="dev-token") as client:
        get_me_v2.sync(client=client)
    with pytest.raises(errors.ClientClosedError, match="make a new client"):
        get_me_v2.sync(client=client)
    assert len(loopback_only) == 1, "nothing was sent through the closed client"


async def _closed_async(server: str) -> None:
    async with AuthenticatedClient(base_url=server, token="dev-token") as client:
        await get_me_v2.asyncio(client=client)
    await get_me_v2.asyncio(client=client)


def test_a_closed_async_client_refuses_with_a_typed_error(server: str, loopback_only: list[str]) -> None:
    import asyncio

    with pytest.raises(errors.ClientClosedError):
        asyncio.run(_closed_async(server))
