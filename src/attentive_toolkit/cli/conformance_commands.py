"""``attentive conformance run``: the conformance suite (the main job); ``attentive conformance replay ID``: re-run
one recorded failure of a run against the target."""

from __future__ import annotations

import contextlib
import os
import sys
from pathlib import Path

import click
from attentive_client.runtime.redaction import Redactor

from ..conformance.options import DEFAULT_REPORT_DIR
from ..conformance.replay import ReplayError, load_failure, render, resend
from ..conformance.spec_rules import load_rules
from .outcome import CommandError, HelpfulGroup


@click.group(cls=HelpfulGroup)
def conformance() -> None:
    """Run the conformance suite, and work with its results."""


@conformance.command(
    context_settings={"ignore_unknown_options": True, "allow_extra_args": True, "help_option_names": ["-h", "--help"]},
    add_help_option=True,
)
@click.argument("pytest_args", nargs=-1, type=click.UNPROCESSED)
def run(pytest_args: tuple[str, ...]) -> None:
    """Run the conformance suite: against the embedded reference server, or --base-url URL.

    Every option goes to the suite (pytest): --base-url URL, --allow-writes, --rate-limit 10/s, --max-examples N,
    --operations ID,ID, --report-dir DIR, --seed N, and pytest's own (-x, -k EXPR, -q). A loopback target other
    than the embedded server is paced to each operation's documented rate limit. The token is ATTENTIVE_API_TOKEN
    (never a flag). `attentive conformance run -- --help` lists every option.

    Exit status: pytest's (0 passed, 1 failed, 2 interrupted, 4 usage error)."""
    from ..conformance.suite import SuiteMissing, run_suite

    try:
        status = run_suite(pytest_args)
    except SuiteMissing as exc:
        raise CommandError(str(exc), kind="missing-suite") from exc
    sys.exit(status)


@conformance.command()
@click.argument("replay_id")
@click.option(
    "--report-dir",
    type=click.Path(file_okay=False, path_type=Path),
    envvar="ATTENTIVE_REPORT_DIR",
    default=DEFAULT_REPORT_DIR,
    show_default=True,
    help="The run's report folder (holds failures.har).",
)
@click.option(
    "--base-url",
    envvar="ATTENTIVE_BASE_URL",
    help="Target to replay against. Default: the run's target; a fresh reference server if the run used the "
    "embedded one.",
)
def replay(replay_id: str, report_dir: Path, base_url: str | None) -> None:
    """Send failure REPLAY_ID again and show the new answer beside the recorded one.

    The token is ATTENTIVE_API_TOKEN (the recorded one was scrubbed); against a fresh reference server it is the
    development token. Exit status: 0 replayed, 1 the replay could not be done."""
    token = os.environ.get("ATTENTIVE_API_TOKEN", "").strip() or None
    try:
        recorded = load_failure(report_dir, replay_id)
        with contextlib.ExitStack() as stack:
            target = base_url
            if not target and recorded.embedded:
                from ..server.runner import running_server
                from ..server.settings import DEV_TOKEN

                target = stack.enter_context(running_server())
                token = token or DEV_TOKEN
                click.echo(f"the run used the embedded reference server: replaying against a fresh one at {target}")
            answer = resend(recorded, target or recorded.target, token)
    except ReplayError as exc:
        click.echo(f"error: {Redactor([token]).redact(str(exc))}", err=True)
        sys.exit(1)
    click.echo(render(recorded, answer, load_rules(), Redactor([token])), nl=False)
