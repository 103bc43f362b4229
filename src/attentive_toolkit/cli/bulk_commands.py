"""``attentive bulk import FILE``: every line accepted, rejected (with its reason) or reported unknown."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from ..bulk.csv_source import MappingError
from ..bulk.importer import BulkImport, ImportAborted, ImportOptions
from ..bulk.journal import JournalMismatch
from ..bulk.progress import ProgressDisplay
from ..bulk.report import EXIT_INCOMPLETE
from .api_commands import base_url_from_env, client_from_env


class ImportNotRun(click.ClickException):
    """The import could not start or go on; click's default exit status 1 would read as "some lines rejected"."""

    exit_code = EXIT_INCOMPLETE


@click.group()
def bulk() -> None:
    """Bulk import of users through the bulk endpoint."""


@bulk.command("import")
@click.argument("source", type=click.Path(exists=True, dir_okay=False, path_type=Path))
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
@click.option("--batch-size", type=click.IntRange(1, 256), default=256, show_default=True)
@click.option("--concurrency", type=click.IntRange(1, 64), default=ImportOptions.concurrency, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="No progress; print the report as JSON.")
def import_command(
    source: Path,
    input_format: str | None,
    columns: str | None,
    journal: Path | None,
    rejects: Path | None,
    report: Path | None,
    batch_size: int,
    concurrency: int,
    as_json: bool,
) -> None:
    """Import SOURCE (JSON Lines: one upsert per line; or CSV with a column mapping).

    Running the same command again resumes from the journal: no batch is sent twice and no line forgotten.
    Exit status: 0 all accepted, 1 some lines rejected, 3 some unknown (review the report), 4 stopped early
    or could not start.
    """
    options = ImportOptions(
        source=source,
        input_format=input_format,
        columns=[name.strip() for name in columns.split(",")] if columns else None,
        journal=journal,
        rejects=rejects,
        report=report,
        batch_size=batch_size,
        concurrency=concurrency,
    )
    show_progress = not as_json and sys.stderr.isatty()
    display = ProgressDisplay() if show_progress else None
    importer = BulkImport(
        client_from_env(), base_url_from_env(), options, on_progress=display.update if display else None
    )
    try:
        if display is not None:
            with display:
                result = importer.run()
        else:
            result = importer.run()
    except (MappingError, JournalMismatch, ImportAborted) as error:
        raise ImportNotRun(str(error)) from error
    if as_json:
        click.echo(json.dumps(result.to_json(), indent=2))
    else:
        for line in result.summary_lines():
            click.echo(line)
        click.echo(f"report: {options.report}")
    sys.exit(result.exit_code)
