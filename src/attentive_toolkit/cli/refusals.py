"""How the spec commands end when they can't finish: refused, with findings, and the tree untouched.

Known refusals (SpecRefused) print their findings; the pipeline's own errors (a broken overlay, the generator
failing, a file that isn't JSON) become one finding each; anything unforeseen becomes a finding too, so no spec,
however broken, ends ``spec update``, ``regen``, ``drift``, ``audit`` or ``effective`` in a traceback.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

import click

from ..spec.findings import SpecFinding, SpecRefused, unexpected
from .outcome import DEBUG_VARIABLE, CommandError

EXIT_REFUSED = 1


class Refused(CommandError):
    exit_code = EXIT_REFUSED


def _pipeline_finding(exc: Exception) -> SpecFinding | None:
    """A finding for the pipeline's own, foreseen errors; None for anything else."""
    from ..spec.generation import GenerationError
    from ..spec.overlay import OverlayActionError
    from ..spec.overlay_document import OverlayDocumentError
    from ..upgrade.source import SpecSourceError
    from ..upgrade.update import UpdateError

    if isinstance(exc, OverlayActionError):
        return SpecFinding(
            "overlay",
            f"/actions/{exc.index}",
            str(exc),
            "Retarget or retire the action (a target the vendor renamed shows in `spec update`)",
        )
    if isinstance(exc, OverlayDocumentError):
        return SpecFinding("overlay", "", str(exc), "Fix the overlay file")
    if isinstance(exc, GenerationError):
        return SpecFinding("openapi-python-client", "", str(exc), "Fix the effective spec with an overlay action")
    if isinstance(exc, UpdateError):
        return SpecFinding("attentive spec update", "", str(exc), "Run `attentive spec drift` on the staged inputs")
    if isinstance(exc, SpecSourceError):
        return SpecFinding("spec reader", "", str(exc), "Give `spec update` the vendor's OpenAPI 3.0 JSON document")
    if isinstance(exc, OSError):
        return SpecFinding("file system", "", str(exc), "Check the path and its permissions")
    if isinstance(exc, ValueError | UnicodeDecodeError):
        return SpecFinding("attentive-toolkit", "", str(exc), "Give the command a readable OpenAPI 3.0 JSON file")
    return None


def refusal(subject: str, findings: list[SpecFinding]) -> Refused:
    lines = "\n".join(f"  {finding.line()}" for finding in findings)
    return Refused(
        f"{subject}: refused with {len(findings)} finding(s); nothing was written.\n{lines}",
        kind="refused",
        findings=[finding.as_dict() for finding in findings],
    )


@contextmanager
def refused_with_findings(step: str) -> Iterator[None]:
    """Turn every failure inside the block into a refusal with findings (exit 1), never a traceback."""
    try:
        yield
    except (click.exceptions.Exit, click.ClickException, SystemExit, KeyboardInterrupt, ModuleNotFoundError):
        # ModuleNotFoundError: cli/outcome.py names the extra to install.
        raise
    except SpecRefused as exc:
        raise refusal(f"{step}: {exc.subject}", exc.findings) from exc
    except Exception as exc:
        if os.environ.get(DEBUG_VARIABLE):
            raise
        finding = _pipeline_finding(exc) or unexpected(step, exc)
        raise refusal(step, [finding]) from exc
