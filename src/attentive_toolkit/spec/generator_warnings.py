"""openapi-python-client's warnings, read as findings: an endpoint or model it skips is never silently missing.

The generator prints one block per problem (openapi_python_client/cli.py, ``_print_parser_error``), with a
header that names the endpoint (``WARNING parsing POST /v1/x within Tag. Endpoint will not be generated.``) or
the schema (``Unable to parse schema /components/schemas/X``, ``Unable to process schema /components/schemas/X:``,
``Failure to process schema has resulted in the removal of: /components/schemas/X``). A skipped endpoint, or a
dropped schema an operation reaches, stops the pipeline; a dropped schema no operation reaches changes no call
and is only reported.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .findings import SpecFinding, pointer

TOOL = "openapi-python-client"
_ENDPOINT = re.compile(r"^WARNING parsing ([A-Z]+) (\S+) within [^\n]*?\.( Endpoint will not be generated\.)?$", re.M)
_SCHEMA = re.compile(r"(?:Unable to (?:parse|process) schema |^)(/components/schemas/[^\s:]+):?$", re.M)
_PARAMETER = re.compile(r"^Unable to parse parameter (/components/parameters/[^\s:]+)$", re.M)
_ANY_HEADER = re.compile(r"^(WARNING parsing|Unable to|Failure to)", re.M)


@dataclass(frozen=True)
class GeneratorWarnings:
    findings: list[SpecFinding]  # each one stops the pipeline
    unreachable: list[SpecFinding]  # schemas no operation reaches: reported only


def _schema_name(at: str) -> str:
    return at.removeprefix("/components/schemas/").replace("~1", "/").replace("~0", "~")


def read_warnings(output: str, reachable_schemas: set[str]) -> GeneratorWarnings:
    """Findings for every endpoint, schema and parameter the generator's ``output`` says it skipped."""
    blocking: dict[str, SpecFinding] = {}
    quiet: dict[str, SpecFinding] = {}
    for match in _ENDPOINT.finditer(output):
        method, path = match.group(1), match.group(2)
        at = pointer("paths", path, method.lower())
        skipped = match.group(3) is not None
        blocking.setdefault(
            at,
            SpecFinding(
                TOOL,
                at,
                f"{method} {path}: {'no function is generated for it' if skipped else 'part of it is not generated'}",
                "Fix the operation with an overlay action (run `attentive spec regen` for the generator's words)",
            ),
        )
    for match in _SCHEMA.finditer(output):
        at = match.group(1)
        name = _schema_name(at)
        if name in reachable_schemas:
            blocking.setdefault(
                at,
                SpecFinding(TOOL, at, f"model {name} is dropped", "Fix the schema with an overlay action"),
            )
        else:
            quiet.setdefault(
                at,
                SpecFinding(
                    TOOL,
                    at,
                    f"model {name} is dropped; no operation reaches it, so no function changes",
                    "Nothing to do unless an operation comes to use it",
                ),
            )
    for match in _PARAMETER.finditer(output):
        at = match.group(1)
        blocking.setdefault(at, SpecFinding(TOOL, at, "parameter is dropped", "Fix it with an overlay action"))
    first = _ANY_HEADER.search(output)
    if not blocking and not quiet and first is not None:
        line = output[first.start() :].splitlines()[0]
        blocking[""] = SpecFinding(TOOL, "", f"a warning this toolkit can't place: {line}", "Read `spec regen`")
    return GeneratorWarnings(list(blocking.values()), sorted(quiet.values(), key=lambda finding: finding.pointer))
