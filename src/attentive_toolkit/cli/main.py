"""Entry point of the ``attentive`` command."""

from __future__ import annotations

import sys
from collections.abc import Sequence

import click

from .api_commands import job, me, upsert
from .bulk_commands import bulk
from .conformance_commands import conformance
from .outcome import HelpfulGroup, run
from .proxy_commands import proxy
from .serve import serve
from .spec_commands import spec
from .upgrade_commands import vendor_command


@click.group(cls=HelpfulGroup)
@click.version_option(package_name="attentive-toolkit")
def cli() -> None:
    """Tools for the Attentive API V2: spec pipeline, reference server, conformance, bulk import."""


cli.add_command(spec)
cli.add_command(serve)
cli.add_command(vendor_command)
cli.add_command(bulk)
cli.add_command(me)
cli.add_command(upsert)
cli.add_command(job)
cli.add_command(conformance)
cli.add_command(proxy)


def main(args: Sequence[str] | None = None) -> None:
    try:
        status = run(cli, sys.argv[1:] if args is None else args)
    except KeyboardInterrupt:  # Ctrl-C between click's handlers, e.g. while printing the last line
        status = 130
    sys.exit(status)
