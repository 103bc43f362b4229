"""Entry point of the ``attentive`` command."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Sequence
from typing import Any

import click

from .outcome import HelpfulGroup, run
from .spec_commands import spec
from .upgrade_commands import vendor_command

# Commands that run the generated client, imported only when called: `attentive spec regen` must work even when
# generated/ is stale or broken, since it is what repairs it.
LAZY_COMMANDS = {
    "serve": "serve:serve",
    "bulk": "bulk_commands:bulk",
    "me": "api_commands:me",
    "upsert": "api_commands:upsert",
    "job": "api_commands:job",
    "conformance": "conformance_commands:conformance",
    "proxy": "proxy_commands:proxy",
    "oauth": "oauth_commands:oauth",
}


class LazyGroup(HelpfulGroup):
    """A group whose heavier commands are imported on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *LAZY_COMMANDS})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = LAZY_COMMANDS.get(cmd_name)
        if target is None:
            return super().get_command(ctx, cmd_name)
        module_name, attribute = target.split(":")
        module: Any = importlib.import_module(f"{__package__}.{module_name}")
        command: click.Command = getattr(module, attribute)
        return command


@click.group(cls=LazyGroup)
@click.version_option(package_name="attentive-toolkit")
def cli() -> None:
    """Tools for the Attentive API V2: spec pipeline, reference server, conformance, bulk import."""


cli.add_command(spec)
cli.add_command(vendor_command)


def main(args: Sequence[str] | None = None) -> None:
    try:
        status = run(cli, sys.argv[1:] if args is None else args)
    except KeyboardInterrupt:  # Ctrl-C between click's handlers, e.g. while printing the last line
        status = 130
    sys.exit(status)
