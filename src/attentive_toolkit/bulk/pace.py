"""The importer's pacing, in one place: per operation, the runtime's pacer (``pacer_for``, shared by every call of
that operation through the client) and a ``ShareController`` that follows what the server says is left of each
window when others spend the same token."""

from __future__ import annotations

import time
from collections.abc import Mapping

import attrs
from attentive_client import AuthenticatedClient
from attentive_client.runtime import Operation, Pacer
from attentive_client.runtime.sharing import ShareController

from .exchange import NoAnswer, Reply, TooLarge
from .ledger import ImportAborted
from .stopping import StopSwitch


class OperationPace:
    def __init__(self, client: AuthenticatedClient, operation: Operation, rate_limits: Mapping[str, float]) -> None:
        paced = attrs.evolve(client, rate_limit=True, rate_limits={**client.rate_limits, **rate_limits})
        pacer = paced.pacer_for(operation)
        if pacer is None:
            raise ImportAborted(
                f"the spec gives {operation.operation_id} no rate limit; pass one in ImportOptions.rate_limits"
            )
        self.pacer: Pacer = pacer
        self.share = ShareController(pacer, pacer.rate)
        self._policy = client.retry_policy()

    async def slot(self, stop: StopSwitch) -> float | None:
        """Wait for this operation's next slot; when the request leaves (monotonic), None if the run stopped."""
        if not await stop.wait_unless_stopped(self.pacer.acquire_async()):
            return None
        sent_at = time.monotonic()
        self.share.sent(sent_at)
        return sent_at

    def observe(self, answer: Reply | NoAnswer | TooLarge, sent_at: float) -> None:
        """Learn from an answer to a request that left at ``sent_at``."""
        if isinstance(answer, Reply):
            retry_after = self._policy.retry_after(answer.headers)
            self.pacer.observe(answer.status, answer.headers, retry_after)
            self.share.observe(answer.status, answer.headers, sent_at)
