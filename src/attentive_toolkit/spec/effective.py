"""The effective spec: the vendor's spec with every overlay applied, plus the digests that identify it."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..paths import ProjectPaths

if TYPE_CHECKING:
    from .findings import SpecFinding
    from .overlay import ActionReport
    from .overlay_document import OverlayDocument


@dataclass(frozen=True)
class EffectiveSpec:
    document: dict[str, Any]
    reports: list[ActionReport]
    vendor_sha256: str
    overlays_sha256: str
    # What the generator skipped that no operation reaches: reported by regen and update, stops neither.
    generator_findings: list[SpecFinding] = field(default_factory=list, compare=False)

    @property
    def text(self) -> str:
        return render_spec(self.document)

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()

    @property
    def no_ops(self) -> list[ActionReport]:
        return [report for report in self.reports if report.outcome == "no-op"]

    @property
    def waiting(self) -> list[ActionReport]:
        """Class actions that no node of this spec calls for."""
        return [report for report in self.reports if report.outcome == "waiting"]


def render_spec(document: dict[str, Any]) -> str:
    """Stable text for a spec: the document's own key order, two-space indent, UTF-8, final newline."""
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def digest_files(files: list[Path], base: Path) -> str:
    """One sha256 over the names (relative to ``base``) and bytes of ``files``, in the order given."""
    digest = hashlib.sha256()
    for path in files:
        digest.update(path.relative_to(base).as_posix().encode("utf-8") + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


def load_json(path: Path) -> dict[str, Any]:
    """The OpenAPI document in ``path`` (``spec_json``: a SpecJsonError, a ValueError, says what is wrong and where)."""
    from .spec_json import parse_spec

    return parse_spec(path.read_bytes(), str(path))


def load_project_overlays(paths: ProjectPaths) -> list[OverlayDocument]:
    """The project's overlays in the order they apply; every action names a gap of the audit table."""
    from .gaps import check_gap_ids, read_gap_table
    from .overlay_document import load_overlay, overlay_files

    overlays = [
        load_overlay(path, display_name=path.relative_to(paths.root).as_posix(), require_gaps=True)
        for path in overlay_files(paths.overlays)
    ]
    table_file = (paths.overlays / "README.md").relative_to(paths.root).as_posix()
    check_gap_ids(overlays, read_gap_table(paths.overlays), table_file)
    return overlays


def build_effective_spec(paths: ProjectPaths, vendor_spec: Path | None = None) -> EffectiveSpec:
    """Apply ``overlays/`` in name order to the vendor spec and check the result is usable OpenAPI 3.0
    (``validity``: raises SpecRefused with findings, never recurses through the spec's reference cycles)."""
    # Imported here: the overlay applier and the validator come with the `codegen` extra, and the server and the
    # bulk importer read the effective spec through this module without needing either.
    from .overlay import apply_overlays
    from .overlay_document import overlay_files
    from .validity import check_openapi

    source = vendor_spec or paths.vendor_spec
    files = overlay_files(paths.overlays)
    overlays = load_project_overlays(paths)
    document, reports = apply_overlays(load_json(source), overlays)
    check_openapi(document, "the effective spec (vendor spec + overlays)")
    return EffectiveSpec(
        document=document,
        reports=reports,
        vendor_sha256=hashlib.sha256(source.read_bytes()).hexdigest(),
        overlays_sha256=digest_files(files, paths.root),
    )


def load_effective_spec() -> dict[str, Any]:
    """The effective spec the tools run against: the checkout's ``generated/openapi.json`` when run inside the
    project, otherwise the copy shipped inside the installed ``attentive_client`` package."""
    from ..paths import project_paths

    try:
        return load_json(project_paths().effective_spec)
    except FileNotFoundError:
        from importlib.resources import files

        packaged = files("attentive_client").joinpath("openapi.json")
        return load_json(Path(str(packaged)))
