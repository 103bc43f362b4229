"""How a run of ``attentive`` ends: an exit status and a message, never a traceback.

click alone prints ``Aborted!`` and exits 1 on Ctrl-C, and lets every other exception out as a traceback. Here
each way a command can end is turned into one outcome: Ctrl-C exits 130 quietly, a user error prints one line
(or, when the command line asked for ``--json``, one JSON object on stdout) with click's exit status, a missing
optional dependency says which extra to install, and only a bug in the toolkit reaches the last branch, which
still prints one line unless ``ATTENTIVE_DEBUG=1`` asks for the traceback.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Sequence
from typing import Any

import click

EXIT_INTERRUPTED = 130  # 128 + SIGINT, what a shell reports for a command stopped by Ctrl-C
EXIT_INTERNAL = 70  # EX_SOFTWARE: a bug in the toolkit, not in what the user gave it
EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE: the reader went away (`attentive spec effective | head`)
DEBUG_VARIABLE = "ATTENTIVE_DEBUG"

# Top-level modules that only an extra installs (see pyproject.toml), and what the extra is for.
EXTRA_MODULES = {
    "codegen": frozenset(
        {"openapi_python_client", "griffe", "openapi_spec_validator", "jsonpath_rfc9535", "jsonschema", "yaml", "ruff"}
    ),
    "conformance": frozenset({"pytest", "schemathesis", "hypothesis", "_pytest"}),
}
EXTRA_PURPOSE = {"codegen": "the code generation tools", "conformance": "the conformance suite's tools"}
# attentive-toolkit is installed from its checkout (it is on no package index): the hint says so.
INSTALL_EXTRA = "python -m pip install -e '.[{extra}]' (in the attentive-toolkit checkout)"


class CommandError(click.ClickException):
    """A user-facing failure with details that ``--json`` output carries as fields (status code, operation)."""

    def __init__(self, message: str, *, kind: str = "error", **details: Any) -> None:
        super().__init__(message)
        self.kind = kind
        self.details = details


class InternalError(CommandError):
    exit_code = EXIT_INTERNAL


def wants_json(args: Sequence[str]) -> bool:
    """Whether the command line asks for JSON output: ``--json`` before any ``--`` separator.

    Read from the raw arguments because an error can happen while click is still parsing them.
    """
    for arg in args:
        if arg == "--":
            return False
        if arg == "--json":
            return True
    return False


def _kind(error: click.ClickException) -> str:
    if isinstance(error, CommandError):
        return error.kind
    if isinstance(error, click.UsageError):
        return "usage"
    return "error"


def error_document(error: click.ClickException) -> dict[str, Any]:
    document: dict[str, Any] = {"kind": _kind(error), "message": error.format_message(), "exit_code": error.exit_code}
    if isinstance(error, CommandError):
        document.update(error.details)
    return {"error": document}


def echo_json_error(error: click.ClickException) -> None:
    """The one JSON shape of a failure, on stdout: ``{"error": {"kind", "message", "exit_code", ...}}``."""
    click.echo(json.dumps(error_document(error), ensure_ascii=False))


def report(error: click.ClickException, as_json: bool) -> int:
    if as_json:
        echo_json_error(error)
    else:
        error.show()
    return error.exit_code


def _missing_module(exc: ModuleNotFoundError) -> str:
    name = (exc.name or "").split(".")[0]
    for extra, modules in EXTRA_MODULES.items():
        if name in modules:
            return f"this command needs {EXTRA_PURPOSE[extra]} (missing module {name!r}): " + INSTALL_EXTRA.format(
                extra=extra
            )
    return f"a module this command needs is not installed: {name or exc}"


def run(command: click.Command, args: Sequence[str], prog_name: str = "attentive") -> int:
    """Run ``command`` with ``args`` and return the exit status; every outcome is printed, none raised."""
    as_json = wants_json(args)
    try:
        result = command.main(args=list(args), prog_name=prog_name, standalone_mode=False)
    except click.exceptions.Abort:  # click turns Ctrl-C (and EOF at a prompt) into Abort
        return EXIT_INTERRUPTED
    except KeyboardInterrupt:
        click.echo("", err=True)
        return EXIT_INTERRUPTED
    except click.ClickException as error:
        return report(error, as_json)
    except SystemExit as done:  # commands end with sys.exit(status) for outcomes such as "gaps found"
        if done.code is None or isinstance(done.code, int):
            return done.code or 0
        click.echo(str(done.code), err=True)
        return 1
    except ModuleNotFoundError as exc:
        return report(CommandError(_missing_module(exc), kind="missing-dependency"), as_json)
    except BrokenPipeError:
        # Nothing more can be written to stdout; silence the interpreter's own complaint at exit too.
        sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - kept open until the process ends
        return EXIT_BROKEN_PIPE
    except OSError as exc:  # a file that can't be read or written, a folder that isn't there
        return report(CommandError(str(exc), kind="os-error"), as_json)
    except Exception as exc:
        if os.environ.get(DEBUG_VARIABLE):
            raise
        message = (
            f"internal error ({type(exc).__name__}: {exc}); this is a bug in attentive-toolkit. "
            f"Run again with {DEBUG_VARIABLE}=1 for the traceback."
        )
        return report(InternalError(message, kind="internal"), as_json)
    return result if isinstance(result, int) else 0


class HelpfulGroup(click.Group):
    """A group given no command prints its help and succeeds: asking what is there is not an error."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if not args:
            click.echo(ctx.get_help(), color=ctx.color)
            ctx.exit(0)
        return super().parse_args(ctx, args)
