"""Entry point of the ``attentive`` command."""

from __future__ import annotations

import click

from .spec_commands import spec


@click.group()
@click.version_option(package_name="attentive-toolkit")
def cli() -> None:
    """Tools for the Attentive API V2: spec pipeline, reference server, conformance, bulk import."""


cli.add_command(spec)


def main() -> None:
    cli()
