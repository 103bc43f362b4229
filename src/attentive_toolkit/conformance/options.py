"""The suite's settings, from pytest options first and ``ATTENTIVE_*`` environment variables second.

Tokens come from the environment only: a token on a command line ends up in shell history, ``ps`` and CI logs.
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

DEFAULT_SEED = 20261128
DEFAULT_MAX_EXAMPLES = 25
DEFAULT_REPORT_DIR = Path("reports") / "conformance"
DEFAULT_JOB_TIMEOUT = 30.0
PHASES = ("examples", "coverage", "fuzzing", "stateful")

TRUE_WORDS = frozenset({"1", "true", "yes", "on"})
FALSE_WORDS = frozenset({"", "0", "false", "no", "off"})


class OptionError(ValueError):
    """A setting has a value the suite can't use; the message names the setting."""


@dataclass(frozen=True)
class ConformanceOptions:
    base_url: str | None
    api_token: str | None = field(repr=False)
    oauth_token: str | None = field(repr=False)
    allow_writes: bool
    assume_remote: bool
    rate_limit: str | None
    seed: int
    max_examples: int
    report_dir: Path
    job_timeout: float
    reference_server: bool
    # operationIds to test (empty: all) and the schemathesis phases to run.
    operations: tuple[str, ...] = ()
    phases: tuple[str, ...] = PHASES
    # An existing job for read-only runs: without writes, no job id of ours can reach the status success path.
    bulk_job_id: str | None = None
    # Distinct failures (check, operation, status) after which the run sends nothing more; None: no limit.
    max_failures: int | None = None

    @property
    def embedded(self) -> bool:
        return self.base_url is None


# (pytest option, environment variable, help). ``dest`` is the option name without dashes.
OPTION_TABLE: tuple[tuple[str, str, str], ...] = (
    ("--base-url", "ATTENTIVE_BASE_URL", "API to test (default: start the embedded reference server)"),
    ("--allow-writes", "ATTENTIVE_ALLOW_WRITES", "send POST operations to a non-loopback target"),
    ("--assume-remote", "ATTENTIVE_ASSUME_REMOTE", "apply the non-loopback safety rules to any target"),
    ("--rate-limit", "ATTENTIVE_RATE_LIMIT", "client-side limit such as 10/s (non-loopback default: 25/s)"),
    ("--seed", "ATTENTIVE_SEED", f"data generation seed (default {DEFAULT_SEED})"),
    ("--max-examples", "ATTENTIVE_MAX_EXAMPLES", f"fuzzed cases per operation (default {DEFAULT_MAX_EXAMPLES})"),
    ("--report-dir", "ATTENTIVE_REPORT_DIR", f"folder for junit.xml and the summary (default {DEFAULT_REPORT_DIR})"),
    ("--job-timeout", "ATTENTIVE_JOB_TIMEOUT", f"seconds a bulk job may take (default {DEFAULT_JOB_TIMEOUT:g})"),
    ("--reference-server", "ATTENTIVE_REFERENCE_SERVER", "the target is a reference server: use /_sandbox/"),
    ("--operations", "ATTENTIVE_OPERATIONS", "comma-separated operationIds to test (default: all)"),
    ("--bulk-job-id", "ATTENTIVE_BULK_JOB_ID", "an existing bulk job id for read-only runs of job status"),
    ("--phases", "ATTENTIVE_PHASES", f"comma-separated phases to run (default: {','.join(PHASES)})"),
    ("--max-failures", "ATTENTIVE_MAX_FAILURES", "stop sending cases after N distinct failures (default: no limit)"),
)
FLAGS = frozenset({"--allow-writes", "--assume-remote", "--reference-server"})


def dest(option: str) -> str:
    return option.lstrip("-").replace("-", "_")


def _flag(value: Any, env_name: str, environ: Mapping[str, str]) -> bool:
    if value:
        return True
    raw = environ.get(env_name, "").strip().lower()
    if raw in TRUE_WORDS:
        return True
    if raw in FALSE_WORDS:
        return False
    raise OptionError(f"{env_name}={environ[env_name]!r}: expected one of 1/0, true/false, yes/no, on/off")


def _number(raw: str, source: str, kind: Callable[[str], Any], minimum: float) -> Any:
    try:
        value = kind(raw)
    except ValueError:
        raise OptionError(f"{source}={raw!r}: expected a {kind.__name__}") from None
    if not value >= minimum or value == math.inf:  # written so that NaN, which compares false, is refused too
        raise OptionError(f"{source}={raw!r}: must be a finite number of at least {minimum:g}")
    return value


# schemathesis' rate limit syntax (schemathesis.core.rate_limit.parse_units): a whole number of requests per unit.
_RATE_LIMIT = re.compile(r"([1-9][0-9]*)/([smhd])")


def _rate_limit(raw: str | None, source: str) -> str | None:
    if raw is not None and not _RATE_LIMIT.fullmatch(raw):
        raise OptionError(f"{source}={raw!r}: expected N/s, N/m, N/h or N/d with N a whole number >= 1, e.g. 10/s")
    return raw


def _operations(raw: str | None, source: str) -> tuple[str, ...]:
    if not raw:
        return ()
    from .operations import operation_ids  # reads the effective spec: only when operations are named

    chosen, known = _words(raw), operation_ids()
    unknown = sorted(set(chosen) - set(known))
    if unknown or not chosen:
        named = f"unknown operationId(s) {', '.join(unknown)}" if unknown else "no operationId"
        raise OptionError(f"{source}={raw!r}: {named}; the spec has {', '.join(known)}")
    return chosen


def resolve_options(getoption: Callable[[str], Any], environ: Mapping[str, str] | None = None) -> ConformanceOptions:
    """Combine pytest options (``getoption(dest)``) with the environment; the option wins when both are set."""
    env = os.environ if environ is None else environ

    def text(option: str) -> tuple[str | None, str]:
        env_name = next(e for o, e, _ in OPTION_TABLE if o == option)
        value = getoption(dest(option))
        if value not in (None, ""):
            return str(value), option
        raw = env.get(env_name, "").strip()
        return (raw or None), env_name

    flags = {o: _flag(getoption(dest(o)), e, env) for o, e, _ in OPTION_TABLE if o in FLAGS}
    base_url, base_source = text("--base-url")
    if base_url is not None and not base_url.startswith(("http://", "https://")):
        raise OptionError(f"{base_source}={base_url!r}: expected an http:// or https:// URL")
    seed, seed_source = text("--seed")
    examples, examples_source = text("--max-examples")
    timeout, timeout_source = text("--job-timeout")
    report_dir, _ = text("--report-dir")
    rate_limit, rate_limit_source = text("--rate-limit")
    operations, operations_source = text("--operations")
    phases_text, phases_source = text("--phases")
    max_failures, max_failures_source = text("--max-failures")
    phases = _words(phases_text) if phases_text else PHASES
    unknown = sorted(set(phases) - set(PHASES))
    if unknown or not phases:
        raise OptionError(f"{phases_source}={phases_text!r}: phases are {', '.join(PHASES)}")
    api_token = env.get("ATTENTIVE_API_TOKEN") or None
    if base_url is not None and api_token is None:
        raise OptionError(f"{base_source} is set but ATTENTIVE_API_TOKEN is not: a real target needs a token")
    return ConformanceOptions(
        base_url=base_url.rstrip("/") if base_url else None,
        api_token=api_token,
        oauth_token=env.get("ATTENTIVE_OAUTH_TOKEN") or None,
        allow_writes=flags["--allow-writes"],
        assume_remote=flags["--assume-remote"],
        rate_limit=_rate_limit(rate_limit, rate_limit_source),
        seed=_number(seed, seed_source, int, 0) if seed else DEFAULT_SEED,
        max_examples=_number(examples, examples_source, int, 1) if examples else DEFAULT_MAX_EXAMPLES,
        report_dir=Path(report_dir) if report_dir else DEFAULT_REPORT_DIR,
        job_timeout=_number(timeout, timeout_source, float, 0.1) if timeout else DEFAULT_JOB_TIMEOUT,
        reference_server=flags["--reference-server"] or base_url is None,
        operations=_operations(operations, operations_source),
        bulk_job_id=text("--bulk-job-id")[0],
        phases=tuple(phase for phase in PHASES if phase in phases),
        max_failures=_number(max_failures, max_failures_source, int, 1) if max_failures else None,
    )


def _words(text: str) -> tuple[str, ...]:
    return tuple(word.strip() for word in text.split(",") if word.strip())
