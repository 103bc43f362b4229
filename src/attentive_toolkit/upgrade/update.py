"""``attentive spec update``: take a new vendor spec through overlays, audit, generation and drift check in a
staging folder, write the changelog, and only then swap ``openapi.json`` and ``generated/`` into place.

A broken overlay action (its target is gone) or any failure before the swap leaves the tree byte-identical.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..paths import ProjectPaths
from ..spec.drift import drift
from ..spec.effective import build_effective_spec, load_json, load_project_overlays
from ..spec.findings import SpecFinding
from ..spec.gaps import read_gap_table
from ..spec.generation import PACKAGE_NAME, regenerate
from .actions import ActionCheck, check_actions, with_previous
from .audit_bridge import AuditOutcome, overlay_advice, run_audit
from .changelog import Changelog, compare_packages, render_markdown
from .gap_effects import GapJudgement, judge_gaps
from .gap_effects import with_previous as gaps_with_previous
from .new_operations import NewOperation, new_operations
from .provenance import read_provenance
from .renames import Rename, find_renames, rename_for_target
from .source import NewSpec, read_new_spec

# Beside generated/ so that the final renames stay on one file system; the prefix is already git- and ruff-ignored.
_STAGING_PREFIX = ".generated-update-"


class UpdateError(RuntimeError):
    """The update could not complete; nothing was written."""


@dataclass
class UpdateReport:
    source: str
    old_vendor_sha256: str
    new_vendor_sha256: str
    validation_problem: str = ""
    actions: list[ActionCheck] = field(default_factory=list)
    gaps: list[GapJudgement] = field(default_factory=list)
    new_operations: list[NewOperation] = field(default_factory=list)
    # New audit findings stopped the swap (``accept_findings`` was not given).
    stopped_by_findings: bool = False
    audit: AuditOutcome | None = None
    changelog: Changelog | None = None
    drift: str | None = None  # None: not run
    notes: list[str] = field(default_factory=list)
    outline: list[str] = field(default_factory=list)  # schemas and paths the new vendor spec drops or adds
    written: bool = False
    generator_findings: list[SpecFinding] = field(default_factory=list)
    renames: list[Rename] = field(default_factory=list)

    @property
    def unchanged(self) -> bool:
        return self.old_vendor_sha256 == self.new_vendor_sha256

    @property
    def broken(self) -> list[ActionCheck]:
        return [check for check in self.actions if check.status == "broken"]

    @property
    def no_ops(self) -> list[ActionCheck]:
        return [check for check in self.actions if check.status == "no-op"]

    @property
    def still_needed(self) -> list[ActionCheck]:
        return [check for check in self.actions if check.status == "still needed"]

    def gaps_judged(self, verdict: str) -> list[GapJudgement]:
        return [gap for gap in self.gaps if gap.verdict == verdict]

    @property
    def fixed_by_vendor(self) -> list[str]:
        """Gap ids the vendor fixed with this spec (retire or rewords now, still needed before)."""
        return [
            gap.gap
            for gap in self.gaps
            if gap.verdict in ("retire", "rewords") and gap.before not in ("retire", "rewords")
        ]


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@contextmanager
def staging(paths: ProjectPaths) -> Iterator[ProjectPaths]:
    """A copy of the generator's inputs (not generated/) in a temporary folder inside the project root."""
    with tempfile.TemporaryDirectory(prefix=_STAGING_PREFIX, dir=paths.root) as folder:
        staged = ProjectPaths(Path(folder))
        shutil.copytree(paths.overlays, staged.overlays)
        shutil.copy2(paths.generator_config, staged.generator_config)
        if paths.runtime.is_dir():  # without it, generation refuses with a finding that names the folder
            shutil.copytree(paths.runtime, staged.runtime)
        if (paths.root / "templates").is_dir():
            shutil.copytree(paths.root / "templates", staged.root / "templates")
        else:
            staged.templates.mkdir(parents=True)
        yield staged


def _swap(paths: ProjectPaths, staged: ProjectPaths, old_spec: bytes, changelog_path: Path | None, text: str) -> None:
    """Three renames, rolled back if one fails; the changelog is written beside its target first."""
    pending_changelog = None
    if changelog_path is not None:
        changelog_path.parent.mkdir(parents=True, exist_ok=True)
        pending_changelog = changelog_path.with_name(f".{changelog_path.name}.partial")
        pending_changelog.write_text(text, encoding="utf-8")
    previous = staged.root / "previous-generated"
    had_generated = paths.generated.exists()
    if had_generated:
        paths.generated.rename(previous)
    try:
        staged.generated.rename(paths.generated)
        os.replace(staged.vendor_spec, paths.vendor_spec)
    except OSError:
        if paths.generated.exists() and had_generated:
            paths.generated.rename(staged.generated)
        if had_generated:
            previous.rename(paths.generated)
        paths.vendor_spec.write_bytes(old_spec)
        if pending_changelog is not None:
            pending_changelog.unlink(missing_ok=True)
        raise
    if pending_changelog is not None and changelog_path is not None:
        os.replace(pending_changelog, changelog_path)


def _outline(old: dict[str, Any], new: dict[str, Any]) -> list[str]:
    """Schemas and paths that only one of the two vendor specs has: a broken target is often a rename."""
    lines = []
    for label, key in (("schema", "components"), ("path", "paths")):
        before = (old.get(key) or {}) if key == "paths" else ((old.get(key) or {}).get("schemas") or {})
        after = (new.get(key) or {}) if key == "paths" else ((new.get(key) or {}).get("schemas") or {})
        for verb, names in (("gone", before.keys() - after.keys()), ("new", after.keys() - before.keys())):
            if names:
                lines.append(f"{label}s {verb}: {', '.join(f'`{name}`' for name in sorted(names))}")
    return lines


def _name_renames(checks: list[ActionCheck], report: UpdateReport) -> list[ActionCheck]:
    """A broken action whose target names a schema the vendor renamed: its problem says the new name."""
    named = []
    for check in checks:
        rename = rename_for_target(check.target, report.renames) if check.status == "broken" else None
        if rename is not None:
            retargeted = re.sub(rf"(?<![A-Za-z0-9_]){re.escape(rename.old)}(?![A-Za-z0-9_])", rename.new, check.target)
            check = dataclasses.replace(check, problem=f"{check.problem}; {rename.advice()} to `{retargeted}`")
        named.append(check)
    return named


def _notes(paths: ProjectPaths, new: NewSpec, old_sha: str) -> list[str]:
    notes = []
    if new.problem:
        notes.append(f"the new vendor spec is not valid OpenAPI on its own ({new.problem}); the overlays must fix it")
    recorded = read_provenance(paths.generated / PACKAGE_NAME).get("vendor_spec_sha256")
    if recorded is not None and recorded != old_sha:
        notes.append(
            f"generated/ was made from vendor spec {recorded[:12]}, not from the current openapi.json "
            f"({old_sha[:12]}): the changelog compares against generated/ as it is"
        )
    return notes


def update_spec(
    paths: ProjectPaths,
    source: str,
    *,
    changelog_path: Path | None = None,
    dry_run: bool = False,
    check_drift: bool = True,
    accept_findings: bool = False,
) -> UpdateReport:
    """Replace ``openapi.json`` with the spec at ``source`` and regenerate, or change nothing and say why.

    Returns the report; when an action is broken the report lists it and nothing is written. Raises
    ``UpdateError`` for anything else that stops the update (also with nothing written).
    """
    new = read_new_spec(source)
    old_spec = paths.vendor_spec.read_bytes()
    report = UpdateReport(source, _sha256(old_spec), _sha256(new.data), notes=_notes(paths, new, _sha256(old_spec)))
    old_document = load_json(paths.vendor_spec)
    previous_checks = check_actions(paths, old_document)
    report.outline = _outline(old_document, new.document)
    with staging(paths) as staged:
        staged.vendor_spec.write_bytes(new.data)
        report.renames = find_renames(old_document, new.document)
        report.actions = _name_renames(with_previous(check_actions(staged, new.document), previous_checks), report)
        if report.unchanged:
            return report
        overlays, titles = load_project_overlays(staged), read_gap_table(staged.overlays)
        report.gaps = gaps_with_previous(
            judge_gaps(new.document, overlays, titles), judge_gaps(old_document, overlays, titles), new.document
        )
        if report.broken:
            return report
        effective = build_effective_spec(staged)  # SpecRefused (with findings) when not usable OpenAPI
        previous_effective = load_json(paths.effective_spec) if paths.effective_spec.is_file() else None
        report.audit = run_audit(effective.document, previous_effective)
        if report.audit.blocking and not accept_findings:
            report.stopped_by_findings = True
            return report
        regenerate(staged, effective)
        report.generator_findings = list(effective.generator_findings)
        report.new_operations = new_operations(previous_effective, effective.document, staged.generated)
        if check_drift:
            report.drift = drift(staged, effective)
            if report.drift:
                raise UpdateError(f"the regenerated client is not reproducible from its inputs:\n{report.drift}")
        if (paths.generated / PACKAGE_NAME).is_dir():
            report.changelog = compare_packages(paths.generated, staged.generated)
        else:
            report.notes.append("there was no generated/ to compare with, so there is no API changelog")
        if not dry_run:
            _swap(paths, staged, old_spec, changelog_path, render_update(report))
            report.written = True
    return report


def _gap_lines(report: UpdateReport) -> list[str]:
    if not report.gaps:
        return []
    counts = ", ".join(
        f"{len(report.gaps_judged(verdict))} {text}"
        for verdict, text in (
            ("still needed", "still needed"),
            ("partly fixed", "partly fixed by the vendor (actions stay)"),
            ("retire", "fixed by the vendor (retire)"),
            ("rewords", "fixed by the vendor (the overlay only rewords)"),
            ("broken", "broken"),
        )
    )
    lines = ["", "## Gaps (overlays/README.md), judged by effect", "", f"{len(report.gaps)} gaps: {counts}."]
    fixed = report.fixed_by_vendor
    lines += ["", f"Fixed by the vendor with this spec: {', '.join(fixed) if fixed else 'none'}."]
    partly = [gap.gap for gap in report.gaps_judged("partly fixed")]
    if partly:
        lines += ["", f"Partly fixed by the vendor with this spec: {', '.join(partly)}."]
    for gap in report.gaps:
        if gap.verdict == "still needed":
            continue
        was = " (already before this update)" if gap.before == gap.verdict else ""
        lines += ["", f"- **{gap.gap}** {gap.title}: {gap.text}{was}."]
        lines += [f"  - action: `{label}`" for label in gap.actions if gap.verdict != "broken"]
        lines += [f"  - broken: `{problem}`" for problem in gap.broken]
        if gap.verdict == "rewords":
            lines += [f"  - differs only in wording at `{pointer}`" for pointer in gap.differences]
        if gap.verdict == "partly fixed":
            lines += [f"  - fixed by the vendor at `{place}`" for place in gap.fixed_places]
            lines += [f"  - still needed at `{place}`" for place in gap.places]
    return lines


def _new_operation_lines(report: UpdateReport) -> list[str]:
    if not report.new_operations:
        return []
    lines = ["", "## New operations", ""]
    return lines + [f"- {operation.line()}" for operation in report.new_operations]


def _action_items(checks: list[ActionCheck]) -> list[str]:
    return [f"- `{c.file}` actions[{c.index}] `{c.target}`: {c.summary}" for c in checks]


def render_update(report: UpdateReport) -> str:
    """The whole update as Markdown for a pull request: overlay actions, audit, client API changelog."""
    lines = [
        "# Vendor spec update",
        "",
        f"Vendor spec `{report.old_vendor_sha256[:12]}` → `{report.new_vendor_sha256[:12]}` (from `{report.source}`).",
    ]
    lines += [f"\n> Note: {note}." for note in report.notes]
    lines += _gap_lines(report)
    lines += _new_operation_lines(report)
    lines += [
        "",
        "## Overlay actions",
        "",
        f"{len(report.still_needed)} still needed, {len(report.no_ops)} now no-ops, {len(report.broken)} broken.",
    ]
    retire = [check for check in report.no_ops if check.before != "no-op"]
    if retire:
        lines += ["", "Now no-ops: the vendor fixed these gaps; retire the actions.", "", *_action_items(retire)]
    stale = [check for check in report.no_ops if check.before == "no-op"]
    if stale:
        lines += ["", "Already no-ops before this update; retire them too.", "", *_action_items(stale)]
    if report.broken:
        lines += ["", "Broken: the target is gone; the update stopped.", ""]
        lines += [f"- `{c.file}` actions[{c.index}] `{c.target}`: {c.problem}" for c in report.broken]
        if report.renames:
            lines += ["", "Renamed by the vendor (same content, every reference moved):", ""]
            lines += [f"- `{rename.old}` → `{rename.new}`" for rename in report.renames]
        if report.outline:
            lines += ["", "Compared with the old vendor spec (a rename shows as one gone and one new):", ""]
            lines += [f"- {line}" for line in report.outline]
    if report.audit is not None:
        lines += ["", "## Spec audit of the new effective spec", ""]
        if not report.audit.available:
            lines.append(report.audit.message + ".")
        else:
            lines.append(f"{len(report.audit.findings)} finding(s), {len(report.audit.new)} new with this spec.")
            lines += [f"- new: `{line}`" for line in report.audit.blocking]
            if report.audit.unreachable:
                lines += ["", "In schemas no operation reaches (reported; they change no call, so they don't stop it):"]
                lines += ["", *[f"- new, unreachable: `{line}`" for line in report.audit.unreachable]]
            if report.audit.blocking:
                stopped = "The update stopped: nothing was written (`--accept-findings` swaps anyway)."
                lines += ["", stopped if report.stopped_by_findings else "Accepted with `--accept-findings`.", ""]
                lines += [f"- {advice}" for advice in overlay_advice(report.audit.blocking)]
    if report.generator_findings:
        lines += [
            "",
            "## Generator warnings",
            "",
            "In schemas no operation reaches (reported; no function changes):",
            "",
        ]
        lines += [f"- `{finding.pointer}`: {finding.problem}" for finding in report.generator_findings]
    if report.changelog is not None:
        lines += ["", render_markdown(report.changelog).rstrip("\n")]
    return "\n".join(lines) + "\n"
