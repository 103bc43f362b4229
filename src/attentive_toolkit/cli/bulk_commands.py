"""``attentive bulk import FILE``: every physical line accepted, rejected (with its reason) or reported unknown."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import NoReturn

import click
from attentive_client.runtime import Redactor

from ..bulk.csv_source import MappingError
from ..bulk.importer import BulkImport, ImportAborted, ImportOptions
from ..bulk.journal import JournalMismatch
from ..bulk.lock import ImportLocked
from ..bulk.progress import ProgressDisplay
from ..bulk.report import EXIT_INCOMPLETE, EXIT_LOCKED
from .api_commands import TOKEN_VARIABLE, base_url_from_env, client_from_env
from .outcome import CommandError, echo_json_error, wants_json


class ImportNotRun(CommandError):
    """The import could not start or go on; click's default exit status 1 would read as "some lines rejected"."""

    exit_code = EXIT_INCOMPLETE


class ImportLockedError(CommandError):
    """Another importer holds this input or journal: an exit status of its own, so a cron job can tell."""

    exit_code = EXIT_LOCKED


def fail(message: str, as_json: bool, exit_code: int = EXIT_INCOMPLETE) -> NoReturn:
    """The run could not start or go on: the CLI's JSON error on stdout with ``--json``, else a message.

    Printed here rather than left to ``outcome.run``, so the command prints the same when click runs it alone.
    """
    redact = Redactor([os.environ.get(TOKEN_VARIABLE, "").strip()])
    message = redact(message)
    locked = exit_code == EXIT_LOCKED
    error = ImportLockedError(message, kind="locked") if locked else ImportNotRun(message, kind="not-run")
    if as_json:
        echo_json_error(error)
        sys.exit(error.exit_code)
    raise error


class JsonErrorsCommand(click.Command):
    """With ``--json`` among the arguments, a usage error (a bad option value, say) is printed as JSON too."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        as_json = wants_json(args)  # asked before parsing, which consumes ``args``
        try:
            return super().parse_args(ctx, args)
        except click.UsageError as error:
            if not as_json:
                raise
            echo_json_error(error)
            ctx.exit(error.exit_code)


def check_source(source: Path, as_json: bool) -> None:
    """The input is read twice (its digest, then its lines) and resumed by line number: only a regular file will do."""
    if not source.exists():
        fail(f"{source}: no such file", as_json)
    if not source.is_file():
        fail(
            f"{source}: not a regular file (a pipe or a device can't be read twice or resumed); copy it to a file",
            as_json,
        )


def print_job(batch: int, job_id: str) -> None:
    click.echo(f"batch {batch}: job {job_id}", err=True)


@click.group()
def bulk() -> None:
    """Bulk import of users through the bulk endpoint."""


@bulk.command("import", cls=JsonErrorsCommand)
@click.argument("source", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--format", "input_format", type=click.Choice(["jsonl", "csv"]), help="Default: from the suffix.")
@click.option(
    "--columns",
    help="CSV: comma-separated targets replacing the header's names, e.g. email,phone,firstName,custom.color "
    "(identifiers email phone shopifyId klaviyoId clientUserId customIdentifiers.KEY; firstName lastName "
    "demographic.* location.* locale.language locale.country custom.NAME[:number|:integer|:boolean]; - ignores).",
)
@click.option("--journal", type=click.Path(dir_okay=False, path_type=Path), help="Default: SOURCE.journal.sqlite")
@click.option("--rejects", type=click.Path(dir_okay=False, path_type=Path), help="Default: SOURCE.rejects.jsonl")
@click.option("--report", type=click.Path(dir_okay=False, path_type=Path), help="Default: SOURCE.report.json")
@click.option(
    "--batch-size", type=click.IntRange(min=1), default=None, help="Default: the most one bulk job holds (the spec's)."
)
@click.option(
    "--concurrency",
    type=click.IntRange(1, 64),
    default=ImportOptions.concurrency,
    show_default=True,
    help="The most requests in flight; fewer while the rate times the round trip needs fewer.",
)
@click.option("--json", "as_json", is_flag=True, help="No progress; print the report (or the error) as JSON.")
@click.option("--verbose", is_flag=True, help="Print each bulk job's id as the server takes it.")
def import_command(
    source: Path,
    input_format: str | None,
    columns: str | None,
    journal: Path | None,
    rejects: Path | None,
    report: Path | None,
    batch_size: int | None,
    concurrency: int,
    as_json: bool,
    verbose: bool,
) -> None:
    """Import SOURCE (JSON Lines: one upsert per line; or CSV with a column mapping).

    Running the same command again resumes from the journal: no batch is sent twice, no line forgotten, and
    lines of one user are applied in file order. Ctrl-C or SIGTERM stop sending at once, write the report and
    exit 130 or 143; run the same command again to resume.
    Exit status: 0 all accepted, 1 some lines rejected, 2 usage error, 3 some unknown (review the report),
    4 stopped early or could not start, 5 another import of this input or journal is running (nothing sent),
    130/143 interrupted.
    """
    check_source(source, as_json)
    if columns is not None and (input_format or ("csv" if source.suffix.lower() == ".csv" else "jsonl")) != "csv":
        raise click.UsageError("--columns maps CSV columns; this input is JSON Lines (pass --format csv if it is CSV)")
    try:
        options = ImportOptions(
            source=source,
            input_format=input_format,
            columns=[name.strip() for name in columns.split(",")] if columns else None,
            journal_path=journal,
            rejects=rejects,
            report=report,
            batch_size=batch_size,
            concurrency=concurrency,
            handle_signals=True,
        )
        client = client_from_env()
    except (ValueError, click.UsageError) as error:
        fail(error.format_message() if isinstance(error, click.UsageError) else str(error), as_json)
    display = ProgressDisplay() if not as_json and sys.stderr.isatty() else None
    on_job = None
    if verbose:
        on_job = display.job if display is not None else print_job
    try:
        importer = BulkImport(
            client, base_url_from_env(), options, on_progress=display.update if display else None, on_job=on_job
        )
    except (ValueError, ImportAborted) as error:  # a batch size over the spec's, a spec without a rate limit
        fail(str(error), as_json)
    try:
        if display is not None:
            with display:
                result = importer.run()
        else:
            result = importer.run()
    except ImportLocked as error:
        fail(str(error), as_json, EXIT_LOCKED)
    except (MappingError, JournalMismatch, ImportAborted, OSError) as error:
        fail(str(error), as_json)
    except Exception as error:  # a bug, not an input: still one line of explanation, never a traceback
        fail(f"the import failed: {type(error).__name__}: {error}", as_json)
    if as_json:
        click.echo(json.dumps(result.to_json(), indent=2, ensure_ascii=False))
    else:
        for line in result.summary_lines():
            click.echo(line)
        click.echo(f"report: {options.report}")
    sys.exit(result.exit_code)
