"""Everything the reference server can be configured with; plain data, no behaviour."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

DEV_TOKEN = "dev-token"
JOB_RETENTION = timedelta(days=14)
# How long a signed bulk results link works, like a storage provider's pre-signed URL.
RESULTS_LINK_LIFETIME = timedelta(hours=1)


@dataclass(frozen=True)
class CompanyInfo:
    """What ``GET /v2/me`` answers."""

    application_name: str = "Attentive Toolkit Sandbox"
    attentive_domain_name: str = "sandbox.attn.tv"
    company_name: str = "Sandbox Company"
    contact_email: str = "sandbox@example.com"
    company_id: str = "MDc6Q29tcGFueTA"


@dataclass(frozen=True)
class SignUpUnit:
    """An API sign-up unit: a subscription without ``signUpSourceId`` resolves to the one unit whose locale and
    subscription type match exactly."""

    id: str
    language: str
    country: str
    subscription_type: str


DEFAULT_SIGN_UP_UNITS: tuple[SignUpUnit, ...] = (
    SignUpUnit("api-en-us-marketing", "en", "US", "MARKETING"),
    SignUpUnit("api-en-us-transactional", "en", "US", "TRANSACTIONAL"),
    SignUpUnit("api-fr-ca-marketing", "fr", "CA", "MARKETING"),
    # Two units for one locale and type: resolving en-GB MARKETING is ambiguous, as the vendor documents can happen.
    SignUpUnit("api-en-gb-marketing-a", "en", "GB", "MARKETING"),
    SignUpUnit("api-en-gb-marketing-b", "en", "GB", "MARKETING"),
)


@dataclass(frozen=True)
class OperationFaults:
    """Probabilities (0..1) of each injected fault for one operation; latency is added before answering."""

    rate_429: float = 0.0
    rate_500: float = 0.0
    rate_503: float = 0.0
    drop_rate: float = 0.0
    latency_rate: float = 0.0
    latency_seconds: float = 0.0
    # Bulk jobs only: the share of jobs the worker marks FAILED instead of processing.
    job_failure_rate: float = 0.0

    @property
    def error_rate(self) -> float:
        return self.rate_429 + self.rate_500 + self.rate_503 + self.drop_rate


@dataclass(frozen=True)
class FaultConfig:
    """Faults per operationId; the key ``"*"`` applies to operations without their own entry."""

    seed: int = 0
    operations: Mapping[str, OperationFaults] = field(default_factory=dict)

    def for_operation(self, operation_id: str) -> OperationFaults:
        return self.operations.get(operation_id) or self.operations.get("*") or OperationFaults()


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class ServerSettings:
    # token -> scopes. None: only the development token ``DEV_TOKEN``, holding every scope the effective spec names
    # (``ApiSpec.scopes``), so it can call every operation of whatever release the project is on.
    tokens: Mapping[str, frozenset[str]] | None = None
    # SQLite file that survives restarts; None keeps state in memory.
    db_path: Path | None = None
    # Seconds the bulk worker waits before each job transition (PENDING -> IN_PROGRESS -> COMPLETED).
    job_pace_seconds: float = 0.0
    # False: jobs stay PENDING until driven through ``POST /_sandbox/jobs/run`` or ``/_sandbox/jobs/{id}/advance``.
    run_jobs_in_background: bool = True
    # operationId -> requests per second per token; overrides the spec's ``x-rate-limit-per-second``.
    rate_limits: Mapping[str, int] = field(default_factory=dict)
    faults: FaultConfig = field(default_factory=FaultConfig)
    company: CompanyInfo = field(default_factory=CompanyInfo)
    sign_up_units: tuple[SignUpUnit, ...] = DEFAULT_SIGN_UP_UNITS
    max_custom_attributes: int = 100
    job_retention: timedelta = JOB_RETENTION
    # Injectable clocks: wall time for job ages, monotonic seconds for rate-limit windows.
    clock: Callable[[], datetime] = utc_now
    monotonic: Callable[[], float] = time.monotonic
    # How injected latency waits; a test can record the delays instead of waiting them out.
    sleep: Callable[[float], Awaitable[None]] = asyncio.sleep
    # Limits against hostile or broken clients (see docs/server-security.md). The body limit applies in process
    # too; the others need a real listener (``running_server`` or ``attentive serve``).
    # None: each operation's ``x-max-body-bytes`` in the effective spec (a number overrides it for every request).
    max_body_bytes: int | None = None
    header_timeout_seconds: float = 10.0
    body_timeout_seconds: float = 30.0
    max_connections: int = 100
    # Seconds a stopping server waits for requests in flight before cancelling them.
    shutdown_timeout_seconds: float = 3.0
    # Host names accepted besides the loopback ones (localhost, 127.x.y.z, [::1]): a guard against DNS rebinding.
    allowed_hosts: tuple[str, ...] = ()
    results_link_lifetime: timedelta = RESULTS_LINK_LIFETIME
    # Key of the results links' signatures; None: a random one per server (links die with the server).
    link_secret: bytes | None = field(default=None, repr=False)

    def __repr__(self) -> str:
        # Tokens are secrets: never show them.
        return (
            f"ServerSettings(tokens=<{len(self.tokens or {DEV_TOKEN: ()})} redacted>, db_path={self.db_path!r}, "
            f"job_pace_seconds={self.job_pace_seconds}, run_jobs_in_background={self.run_jobs_in_background}, "
            f"rate_limits={dict(self.rate_limits)!r}, faults={self.faults!r})"
        )
