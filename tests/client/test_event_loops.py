"""One client across several ``asyncio.run`` calls, as a script does it: each run has a loop of its own, and the
connections the first opened died with its loop. The client opens new ones instead of failing with "Event loop is
closed"; a client that the caller entered with ``async with`` stays the caller's."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest
from attentive_client import AuthenticatedClient, errors
from attentive_client.api.test_authentication_v2 import get_me_v2

from attentive_toolkit.server.runner import running_server
from attentive_toolkit.server.settings import DEV_TOKEN, ServerSettings


@pytest.fixture(scope="module")
def base_url() -> Iterator[str]:
    with running_server(ServerSettings(run_jobs_in_background=False)) as url:
        yield url


def test_one_client_answers_in_each_asyncio_run(base_url: str) -> None:
    client = AuthenticatedClient(base_url=base_url, token=DEV_TOKEN)

    first = asyncio.run(get_me_v2.asyncio(client=client))
    second = asyncio.run(get_me_v2.asyncio(client=client))

    assert first == second


def test_a_client_entered_with_async_with_is_closed_after_its_block(base_url: str) -> None:
    client = AuthenticatedClient(base_url=base_url, token=DEV_TOKEN)

    async def within_block() -> None:
        async with client:
            await get_me_v2.asyncio(client=client)

    asyncio.run(within_block())
    with pytest.raises(errors.ClientClosedError):
        asyncio.run(get_me_v2.asyncio(client=client))
