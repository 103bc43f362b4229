"""``attentive spec ...``: build the effective spec, regenerate the client, check for drift, audit a spec.

The pipeline's modules are imported inside the commands: they need the ``codegen`` extra, and ``attentive``
must start (for ``serve``, ``bulk import``, ...) without it. A missing module becomes one line naming the extra
(``cli/outcome.py``).
"""

from __future__ import annotations

import dataclasses
import json
import sys
from collections.abc import Sequence
from pathlib import Path

import click

from ..paths import ProjectPaths, project_paths
from ..spec.audit import audit
from ..spec.effective import load_json
from ..spec.validity import check_structure
from .outcome import CommandError, HelpfulGroup
from .refusals import refused_with_findings
from .upgrade_commands import update


def checkout() -> ProjectPaths:
    """The project checkout these commands work on, or a one-line error saying how to point at one."""
    try:
        return project_paths()
    except FileNotFoundError as exc:
        raise CommandError(str(exc), kind="not-a-checkout") from exc


@click.group(cls=HelpfulGroup)
def spec() -> None:
    """The spec pipeline: vendor spec + overlays -> effective spec -> generated client."""


@spec.command()
@click.option("--fail-on-no-op", is_flag=True, help="Exit non-zero when an overlay action no longer changes anything.")
def overlays(fail_on_no_op: bool) -> None:
    """Apply the overlays and report every action: applied, no-op (retire it), or waiting (a class action that
    no operation of this spec calls for yet)."""
    from ..spec.effective import build_effective_spec

    paths = checkout()
    with refused_with_findings("spec overlays"):
        effective = build_effective_spec(paths)
    for report in effective.reports:
        click.echo(report.line())
    _warn_no_ops(effective.no_ops)
    if fail_on_no_op and effective.no_ops:
        sys.exit(1)


def _warn_no_ops(no_ops: Sequence[object]) -> None:
    if no_ops:
        click.echo(
            f"{len(no_ops)} overlay action(s) changed nothing: the vendor fixed that gap, retire the action.",
            err=True,
        )


@spec.command()
def regen() -> None:
    """Regenerate generated/ (into a scratch folder first, swapped in only on success)."""
    from ..spec.generation import regenerate

    paths = checkout()
    with refused_with_findings("spec regen"):
        effective = regenerate(paths)
    applied = sum(report.outcome == "applied" for report in effective.reports)
    click.echo(f"generated/ regenerated: {applied} overlay action(s) applied, effective spec {effective.sha256[:12]}")
    for report in effective.no_ops:
        click.echo(report.line(), err=True)
    _warn_no_ops(effective.no_ops)
    for finding in effective.generator_findings:
        click.echo(f"reported: {finding.line()}", err=True)


@spec.command("drift")
def drift_command() -> None:
    """Fail with a diff when generated/ is not what the spec, overlays, config and templates produce."""
    from ..spec.drift import drift
    from ..spec.effective import build_effective_spec

    paths = checkout()
    with refused_with_findings("spec drift"):
        effective = build_effective_spec(paths)
        difference = drift(paths, effective)
    for report in effective.no_ops:
        click.echo(report.line(), err=True)
    _warn_no_ops(effective.no_ops)
    if difference:
        click.echo(difference, nl=False)
        click.echo("\ngenerated/ has drifted from its inputs: run `tox -e regen` and commit the result.", err=True)
        sys.exit(1)
    click.echo("generated/ is exactly what the spec, overlays, config and templates produce.")


@spec.command()
@click.argument("path", required=False, type=click.Path(exists=True, dir_okay=False, path_type=Path))
def effective(path: Path | None) -> None:
    """Print the effective spec (of PATH instead of openapi.json when given)."""
    from ..spec.effective import build_effective_spec

    paths = checkout()
    with refused_with_findings("spec effective"):
        text = build_effective_spec(paths, path).text
    click.echo(text, nl=False)


@spec.command("audit")
@click.argument("path", required=False, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the findings as a JSON array.")
def audit_command(path: Path | None, as_json: bool) -> None:
    """List a spec's gaps by rule with JSON pointers (PATH, default: the vendor's openapi.json).

    Exits 1 when any gap is found.
    """
    target = path or checkout().vendor_spec
    with refused_with_findings(f"spec audit {target}"):
        document = load_json(target)
        # A document that isn't OpenAPI 3.0 has no gaps to list: "0 gap(s)" would pass it as clean.
        check_structure(document, "not OpenAPI 3.0")
        findings = audit(document)
    if as_json:
        click.echo(json.dumps([dataclasses.asdict(finding) for finding in findings], indent=2))
    else:
        for finding in findings:
            click.echo(finding.line())
        click.echo(f"{len(findings)} gap(s) in {target}", err=True)
    if findings:
        sys.exit(1)


spec.add_command(update)
