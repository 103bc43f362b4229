"""What the suite may do to a target: a host that is not loopback gets no writes unless allowed, and a rate
limit below the vendor's unless one is given; a loopback target other than the embedded server is paced to the
spec's per-operation limits unless a rate limit is given."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

from ..loopback import is_loopback_host

WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
# The vendor allows 100 requests/s on bulk submit and job status and 150/s elsewhere; stay well below both.
DEFAULT_REMOTE_RATE_LIMIT = "25/s"

HostCheck = Callable[[str], bool]


def host_of(base_url: str) -> str:
    host = urlsplit(base_url).hostname
    if not host:
        raise ValueError(f"target URL {base_url!r} has no host; expected e.g. https://api.example.com")
    return host


@dataclass(frozen=True)
class SafetyPolicy:
    host: str
    remote: bool
    writes_allowed: bool
    rate_limit: str | None
    # Each operation paced to its documented limit (``pacing.SpecPacing``): a separate `attentive serve` enforces
    # those limits, where the embedded server is started with limits no run reaches.
    paced_to_spec: bool = False

    def allows(self, method: str) -> bool:
        return self.writes_allowed or method.upper() not in WRITE_METHODS

    def banner(self) -> list[str]:
        """The lines the run prints at its start, so nobody is surprised by what it sends."""
        where = "remote (not loopback)" if self.remote else "loopback"
        if self.writes_allowed:
            writes = "writes ALLOWED: POST operations will create or change users on this target"
        else:
            writes = "writes SKIPPED: POST operations are not sent (allow them with --allow-writes)"
        if self.rate_limit:
            limit = f"rate limit {self.rate_limit}"
        elif self.paced_to_spec:
            limit = "each operation paced to its documented rate limit (override with --rate-limit)"
        else:
            limit = "no client-side rate limit"
        return [f"target host {self.host}: {where}", writes, limit]


def decide_policy(
    base_url: str,
    *,
    allow_writes: bool,
    rate_limit: str | None,
    host_is_loopback: HostCheck = is_loopback_host,
    embedded: bool = False,
) -> SafetyPolicy:
    """Loopback targets get everything, paced to the spec unless embedded; any other host gets reads only and a
    gentle rate limit by default."""
    host = host_of(base_url)
    remote = not host_is_loopback(host)
    if remote:
        return SafetyPolicy(host, True, allow_writes, rate_limit or DEFAULT_REMOTE_RATE_LIMIT)
    return SafetyPolicy(host, False, True, rate_limit, paced_to_spec=not embedded and rate_limit is None)


class UnsafeWriteBlocked(RuntimeError):
    """Raised instead of sending a write the safety policy forbids."""
