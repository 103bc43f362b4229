"""Read a new vendor spec from a file or an http(s) URL and check that it is an OpenAPI 3 document."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from ..spec.spec_json import SpecJsonError, parse_spec
from ..spec.validity import validity_findings

_TIMEOUT_SECONDS = 30.0
# Far above any real API description (the vendor's V1 and V2 together are ~350 KB): what is larger is not a spec,
# and reading it whole could take the machine's memory.
MAX_SPEC_BYTES = 32 << 20


class SpecSourceError(ValueError):
    """A new spec that cannot be read or is not an OpenAPI 3 document; the message says what and where."""


@dataclass(frozen=True)
class NewSpec:
    source: str
    data: bytes
    document: dict[str, Any]
    problem: str  # why the document is not valid OpenAPI on its own (overlays may fix it); empty when valid


def _too_large(source: str) -> SpecSourceError:
    return SpecSourceError(f"{source}: over {MAX_SPEC_BYTES:,} bytes, too large to be an API description")


def _download(source: str) -> bytes:
    """The answer's body, read no further than ``MAX_SPEC_BYTES``."""
    received = bytearray()
    try:
        with httpx.stream("GET", source, follow_redirects=True, timeout=_TIMEOUT_SECONDS) as response:
            response.raise_for_status()
            for chunk in response.iter_bytes():
                received += chunk
                if len(received) > MAX_SPEC_BYTES:
                    raise _too_large(source)
    except httpx.HTTPError as exc:
        raise SpecSourceError(f"{source}: could not download the spec: {exc}") from exc
    return bytes(received)


def read_bytes(source: str) -> bytes:
    if source.startswith(("http://", "https://")):
        return _download(source)
    path = Path(source)
    if path.is_dir():
        raise SpecSourceError(f"{source}: a folder, not a spec file")
    if not path.is_file():
        raise SpecSourceError(f"{source}: no such file")
    with path.open("rb") as stream:
        data = stream.read(MAX_SPEC_BYTES + 1)
    if len(data) > MAX_SPEC_BYTES:
        raise _too_large(source)
    return data


def _validation_problem(document: dict[str, Any]) -> str:
    findings = validity_findings(document)
    shown = "; ".join(f"at {finding.pointer or '/'}: {finding.problem}" for finding in findings[:3])
    return shown + (f"; and {len(findings) - 3} more" if len(findings) > 3 else "")


def read_new_spec(source: str) -> NewSpec:
    data = read_bytes(source)
    try:
        document = parse_spec(data, source)
    except SpecJsonError as exc:
        raise SpecSourceError(str(exc)) from exc
    return NewSpec(source, data, document, _validation_problem(document))
