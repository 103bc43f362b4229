"""Signed, expiring links to bulk results, like a storage provider's pre-signed URL: whoever holds the link may
read the file without a token until it expires, and nobody can forge or extend one without the server's key.

``signature = hex(HMAC-SHA256(key, "<job id>\\n<expiry as Unix seconds>"))``; the expiry is read on the sandbox
clock, so shifting the clock through ``/_sandbox/clock`` shows a link expiring without waiting.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta

from starlette.requests import Request

from .clock import SandboxClock

# The route name of ``GET /_files/bulk-results/{job_id}.jsonl``.
RESULTS_ROUTE = "bulk_results"


@dataclass(frozen=True)
class LinkCheck:
    ok: bool
    message: str = ""


class LinkSigner:
    def __init__(self, key: bytes | None, clock: SandboxClock, lifetime: timedelta) -> None:
        # A random key per server unless configured: links from a previous run stop working, as they should.
        self._key = key if key else secrets.token_bytes(32)
        self._clock = clock
        self._lifetime = lifetime

    def __repr__(self) -> str:
        return f"LinkSigner(lifetime={self._lifetime})"

    def _signature(self, job_id: str, expires: int) -> str:
        return hmac.new(self._key, f"{job_id}\n{expires}".encode(), hashlib.sha256).hexdigest()

    def sign(self, job_id: str) -> dict[str, str]:
        """The query parameters of a fresh link to ``job_id``'s results."""
        expires = int((self._clock.now() + self._lifetime).timestamp())
        return {"expires": str(expires), "signature": self._signature(job_id, expires)}

    def check(self, job_id: str, expires: str | None, signature: str | None) -> LinkCheck:
        fresh = f"ask GET /v2/bulk/job/{job_id} for a fresh link"
        if not expires or not signature:
            return LinkCheck(False, f"this results link is not signed; {fresh}")
        if not expires.isascii() or not expires.isdigit() or len(expires) > 12:
            return LinkCheck(False, f"this results link has a malformed expiry; {fresh}")
        expected = self._signature(job_id, int(expires)).encode()
        if not hmac.compare_digest(expected, signature.encode("utf-8", "replace")):
            return LinkCheck(False, f"the signature of this results link does not match; {fresh}")
        if self._clock.now().timestamp() >= int(expires):
            return LinkCheck(False, f"this results link has expired; {fresh}")
        return LinkCheck(True)


def results_url(request: Request, signer: LinkSigner, job_id: str) -> str:
    """An absolute, freshly signed link to a job's results on the origin the request came in on."""
    return str(request.url_for(RESULTS_ROUTE, job_id=job_id).include_query_params(**signer.sign(job_id)))
