"""One conformance run: its options, its target (the embedded reference server or a given URL), its safety
policy, the token redactor and the statistics. The pytest plugin creates it before collection, because the
schemathesis schema the test modules build at import time depends on it."""

from __future__ import annotations

import contextlib
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from attentive_client.runtime.redaction import Redactor

from ..loopback import is_loopback_host
from .options import ConformanceOptions
from .safety import HostCheck, SafetyPolicy, decide_policy
from .stats import RunStats

# The embedded server enforces the spec's per-second limits too; a generous limit keeps a fast local run from
# turning into a run of 429s, while every answer still carries the rate-limit headers.
EMBEDDED_RATE_LIMIT = 100_000


@dataclass
class ConformanceSession:
    options: ConformanceOptions
    base_url: str
    policy: SafetyPolicy
    api_token: str = field(repr=False)
    oauth_token: str = field(repr=False)
    redactor: Redactor
    stats: RunStats
    exit_stack: contextlib.ExitStack = field(default_factory=contextlib.ExitStack, repr=False)
    # Operation labels whose schemathesis tests were selected for this run, filled in after collection.
    selected_operations: list[str] = field(default_factory=list)
    token_problem: str | None = None
    # Test outcomes by name ("passed", "failed", "skipped") and the summary once computed.
    outcomes: Counter[str] = field(default_factory=Counter)
    summary: dict[str, Any] | None = None
    schema: Any = field(default=None, repr=False)
    # The run's HTTP connection pool (``running.http_session``), closed with the session.
    http: Any = field(default=None, repr=False)
    # Waits before each case when the policy paces to the spec (``pacing.SpecPacing``); None: no waiting.
    pacing: Any = field(default=None, repr=False)

    def close(self) -> None:
        self.exit_stack.close()


_current: ConformanceSession | None = None


def current_session() -> ConformanceSession:
    if _current is None:
        raise RuntimeError(
            "no conformance session: run the suite through pytest (e.g. `tox -e conformance`), whose "
            "conformance_tests/conftest.py starts one"
        )
    return _current


def start_embedded_server(stack: contextlib.ExitStack, tokens: list[str]) -> str:
    """The reference server on a free loopback port, accepting exactly ``tokens``, each with every scope the
    effective spec names."""
    from attentive_client.runtime import ApiSpec

    from attentive_toolkit.server.runner import running_server
    from attentive_toolkit.server.settings import ServerSettings

    from ..spec.effective import load_effective_spec
    from .operations import operation_ids

    every_scope = ApiSpec.from_document(load_effective_spec()).scopes
    settings = ServerSettings(
        tokens=dict.fromkeys(tokens, every_scope),
        rate_limits=dict.fromkeys(operation_ids(), EMBEDDED_RATE_LIMIT),
    )
    url: Any = stack.enter_context(running_server(settings=settings, host="127.0.0.1", port=0))
    return str(url).rstrip("/")


def open_session(options: ConformanceOptions, host_is_loopback: HostCheck | None = None) -> ConformanceSession:
    """Start the embedded server when no URL is given, and decide what the run may send."""
    global _current
    stack = contextlib.ExitStack()
    try:
        if options.base_url is None:
            from attentive_toolkit.server.settings import DEV_TOKEN

            # The user's own token when set (ATTENTIVE_API_TOKEN): the run then proves the same token a real
            # target would get is the one the checks send.
            api_token = options.api_token or DEV_TOKEN
            embedded_tokens = [api_token] + ([options.oauth_token] if options.oauth_token else [])
            base_url = start_embedded_server(stack, embedded_tokens)
        else:
            base_url = options.base_url
            assert options.api_token is not None  # resolve_options refuses a URL without a token
            api_token = options.api_token
        oauth_token = options.oauth_token or api_token
        if host_is_loopback is None:
            host_is_loopback = (lambda _host: False) if options.assume_remote else is_loopback_host
        policy = decide_policy(
            base_url,
            allow_writes=options.allow_writes,
            rate_limit=options.rate_limit,
            host_is_loopback=host_is_loopback,
            embedded=options.embedded,
        )
    except BaseException:
        stack.close()
        raise
    redactor = Redactor([api_token, oauth_token])
    _current = ConformanceSession(
        options=options,
        base_url=base_url,
        policy=policy,
        api_token=api_token,
        oauth_token=oauth_token,
        redactor=redactor,
        stats=new_stats(options, redactor),
        exit_stack=stack,
    )
    if policy.paced_to_spec:
        from .pacing import SpecPacing

        _current.pacing = SpecPacing()
    return _current


def new_stats(options: ConformanceOptions, redactor: Redactor) -> RunStats:
    from ..spec.effective import load_effective_spec
    from .coverage import CoverageRecorder

    return RunStats(redactor, max_failures=options.max_failures, coverage=CoverageRecorder(load_effective_spec()))


def close_session() -> None:
    global _current
    if _current is not None:
        _current.close()
        _current = None
