"""``attentive spec update NEW_SPEC`` and ``attentive vendor DEST``."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from ..paths import project_paths
from ..upgrade.vendoring import VendorError, check_copy, describe_origin, vendor
from .outcome import CommandError
from .refusals import refused_with_findings

if TYPE_CHECKING:
    from ..upgrade.update import UpdateReport


def _echo_report(report: UpdateReport) -> None:
    for note in report.notes:
        click.echo(f"note: {note}", err=True)
    for check in report.actions:
        click.echo(check.line(), err=True)
    click.echo(
        f"{len(report.still_needed)} action(s) still needed, {len(report.no_ops)} now no-ops (retire them), "
        f"{len(report.broken)} broken",
        err=True,
    )
    for gap in report.gaps:
        if gap.verdict not in ("still needed", "waiting"):
            click.echo(f"gap {gap.gap}: {gap.text} ({gap.title})", err=True)
        if gap.verdict == "partly fixed":
            click.echo(f"  fixed at {', '.join(gap.fixed_places)}; still needed at {', '.join(gap.places)}", err=True)
    for operation in report.new_operations:
        click.echo(f"new operation {operation.line()}", err=True)
    if report.audit is not None:
        if report.audit.available:
            click.echo(f"audit: {len(report.audit.findings)} finding(s), {len(report.audit.new)} new", err=True)
            for line in report.audit.blocking:
                click.echo(f"  new: {line}", err=True)
            for line in report.audit.unreachable:
                click.echo(f"  new, in a schema no operation reaches (does not stop the update): {line}", err=True)
        else:
            click.echo(report.audit.message, err=True)
    if report.generator_findings:
        click.echo(
            f"generator: {len(report.generator_findings)} model(s) dropped that no operation reaches (listed in the "
            "changelog; no function changes)",
            err=True,
        )
    if report.drift is not None:
        click.echo("drift check: the regenerated client is exactly what its inputs produce", err=True)
    if report.changelog is not None:
        count = len(report.changelog.breaking)
        click.echo(f"client API: {count} breaking, {len(report.changelog.compatible)} non-breaking change(s)", err=True)


@click.command("update")
@click.argument("new_spec")
@click.option(
    "--changelog",
    "changelog_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the Markdown changelog here instead of printing it.",
)
@click.option("--dry-run", is_flag=True, help="Do everything in a staging folder, print the changelog, write nothing.")
@click.option(
    "--accept-findings", is_flag=True, help="Swap even when the new effective spec has new spec-audit findings."
)
def update(new_spec: str, changelog_path: Path | None, dry_run: bool, accept_findings: bool) -> None:
    """Replace openapi.json with NEW_SPEC (a file or an http(s) URL) and regenerate the client.

    Judges every gap of overlays/README.md by effect (still needed / fixed by the vendor: retire / the overlay
    only rewords / broken), reports every overlay action, lists new operations, audits the new effective spec,
    regenerates, checks for drift and writes a changelog of the client's public API. A broken action, or a new
    audit finding without --accept-findings, stops the update with nothing written.
    """
    from ..upgrade.update import render_update, update_spec

    try:
        paths = project_paths()
    except FileNotFoundError as exc:
        raise CommandError(str(exc), kind="not-a-checkout") from exc
    with refused_with_findings("update stopped"):
        report = update_spec(
            paths, new_spec, changelog_path=changelog_path, dry_run=dry_run, accept_findings=accept_findings
        )
    if report.unchanged:
        click.echo(f"{new_spec} is byte-identical to openapi.json: nothing to update.")
        return
    _echo_report(report)
    if report.broken:
        for line in report.outline:
            click.echo(f"new spec vs old: {line}", err=True)
        click.echo(
            f"update stopped: {len(report.broken)} overlay action(s) target something the new spec no longer has; "
            "nothing was written. Fix or retire those actions, then run the update again.",
            err=True,
        )
        sys.exit(1)
    if report.stopped_by_findings:
        click.echo(render_update(report), nl=False)
        click.echo(
            "update stopped: the new effective spec has new audit findings (see above for the overlay to add); "
            "nothing was written. Add the overlays, or pass --accept-findings.",
            err=True,
        )
        sys.exit(1)
    if changelog_path is None or dry_run:
        click.echo(render_update(report), nl=False)
    if report.written:
        where = f"; changelog in {changelog_path}" if changelog_path else ""
        click.echo(f"openapi.json and generated/ updated{where}.", err=True)
    else:
        click.echo("dry run: nothing was written.", err=True)


@click.command("vendor")
@click.argument("dest", type=click.Path(file_okay=False, path_type=Path))
@click.option("--check", "check_only", is_flag=True, help="Only check that the copy in DEST is intact.")
@click.option("--force", is_flag=True, help="Replace a copy in DEST even if it has local changes.")
def vendor_command(dest: Path, check_only: bool, force: bool) -> None:
    """Copy the generated attentive_client into DEST (with a manifest), or --check a copy there.

    --check exits 1 when a file was changed, removed or added since the copy was made.
    """
    try:
        result = check_copy(dest) if check_only else vendor(project_paths(), dest, force=force)
    except (VendorError, FileNotFoundError, OSError) as exc:
        raise click.ClickException(str(exc)) from exc
    files = len(result.manifest["files"])
    if result.intact:
        verb = "intact" if check_only else "vendored"
        click.echo(f"{result.package}: {verb} ({files} files)")
    else:
        counts = f"{len(result.changed)} changed, {len(result.missing)} missing, {len(result.extra)} extra"
        click.echo(f"{result.package}: NOT intact: {counts}")
        for label, names in (("changed", result.changed), ("missing", result.missing), ("extra", result.extra)):
            for name in names:
                click.echo(f"  {label:8} {name}")
        for disagreement in result.disagreements:
            click.echo(f"  provenance {disagreement}")
    click.echo(describe_origin(result))
    if not result.intact:
        sys.exit(1)
