"""How the spec pipeline and the conformance run scale with the spec: the seed (``openapi.json``), the vendor's
newer V2 release and the whole API (V1 + V2 merged), measured side by side in one run.

Each release is taken by a copy of the project the way a user would: ``attentive spec update`` (skipped for the
seed, which is already in place), ``spec regen``, ``spec drift``, then the conformance suite with its default
settings (examples per operation, phases, seed: nothing reduced). Every step is a process of its own; its wall
time and peak RSS come from ``os.wait4``. Growth is reported per operation and per reachable schema, relative to
the seed.

Targets: merged update+regen+drift under 30 s; default conformance on all 33 operations under 90 s; the seed's
regen+drift under 5 s.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from attentive_toolkit.spec.reachability import HTTP_METHODS, reachable_schemas
from tests.upgrade import vendor_specs

REPO = Path(__file__).resolve().parents[1]
PROJECT_FILES = ("openapi.json", "overlays", "generator-config.yaml", "templates", "runtime", "generated")
PIPELINE_TARGET = 30.0
CONFORMANCE_TARGET = 90.0
SEED_TARGET = 5.0
STEP_TIMEOUT = 900


@dataclass
class Step:
    seconds: float
    peak_rss_mib: float
    returncode: int
    cpu_seconds: float = 0.0  # user + system of the step and its children: less sensitive to other load


@dataclass
class Release:
    name: str
    operations: int
    schemas: int
    reachable: int
    steps: dict[str, Step] = field(default_factory=dict)
    cases: int = 0
    conformance_ok: bool = False

    @property
    def pipeline_seconds(self) -> float:
        return sum(self.steps[name].seconds for name in ("update", "regen", "drift") if name in self.steps)

    @property
    def pipeline_cpu_seconds(self) -> float:
        return sum(self.steps[name].cpu_seconds for name in ("update", "regen", "drift") if name in self.steps)

    @property
    def peak_rss_mib(self) -> float:
        return max((step.peak_rss_mib for step in self.steps.values()), default=0.0)


def _timed(command: list[str], env: dict[str, str], cwd: Path) -> Step:
    start = time.perf_counter()
    with subprocess.Popen(command, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE) as process:
        _pid, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - start
        process.returncode = os.waitstatus_to_exitcode(status)
        if process.returncode != 0 and process.stderr is not None:
            tail = process.stderr.read().decode("utf-8", "replace")[-600:]
            print(f"    ({' '.join(command[2:4])} exited {process.returncode}: {tail.strip()})")
    # Linux's wait4 counts the step's waited-for descendants too (the generator it starts).
    return Step(seconds, usage.ru_maxrss / 1024, process.returncode, usage.ru_utime + usage.ru_stime)


def _copy_project(root: Path) -> Path:
    project = root / "project"
    project.mkdir(parents=True)
    for name in PROJECT_FILES:
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, project / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(source, project / name)
    return project


def _counts(spec: dict[str, Any]) -> tuple[int, int, int]:
    operations = sum(1 for item in spec["paths"].values() for method in item if method in HTTP_METHODS)
    return operations, len(spec["components"].get("schemas", {})), len(reachable_schemas(spec))


def _measure(name: str, spec: dict[str, Any], source: Path | None, root: Path, *options: str) -> Release:
    project = _copy_project(root / name)
    env = {key: value for key, value in os.environ.items() if not key.startswith("ATTENTIVE_")}
    env["ATTENTIVE_PROJECT_ROOT"] = str(project)
    attentive = [sys.executable, str(Path(sys.executable).parent / "attentive")]
    release = Release(name, *_counts(spec))
    if source is not None:
        changelog = root / f"{name}.md"
        command = [*attentive, "spec", "update", str(source), "--changelog", str(changelog), *options]
        release.steps["update"] = _timed(command, env, project)
    release.steps["regen"] = _timed([*attentive, "spec", "regen"], env, project)
    release.steps["drift"] = _timed([*attentive, "spec", "drift"], env, project)
    reports = root / f"{name}-reports"
    env["ATTENTIVE_REPORT_DIR"] = str(reports)
    suite = [sys.executable, "-m", "pytest", str(REPO / "conformance_tests"), "-p", "no:cacheprovider", "-q"]
    release.steps["conformance"] = _timed(suite, env, REPO)
    summary_file = reports / "summary.json"
    summary = json.loads(summary_file.read_text(encoding="utf-8")) if summary_file.exists() else {}
    release.cases = int(summary.get("cases", 0))
    release.conformance_ok = release.steps["conformance"].returncode == 0
    return release


def _verdict(value: float, target: float) -> str:
    return f"{value / target:5.2f}x of the {target:.0f} s target ({'meets' if value < target else 'MISSES'} it)"


def _growth(seed: Release, other: Release, seconds: float, seed_seconds: float) -> str:
    operations = other.operations - seed.operations
    schemas = other.reachable - seed.reachable
    per_operation = (seconds - seed_seconds) / operations if operations else 0.0
    per_schema = (seconds - seed_seconds) / schemas if schemas else 0.0
    return f"{per_operation * 1000:7.0f} ms per added operation, {per_schema * 1000:7.0f} ms per added reachable schema"


def run() -> None:
    with tempfile.TemporaryDirectory(prefix="bench-spec-scale-") as folder:
        root = Path(folder)
        merged = vendor_specs.write_spec(vendor_specs.merged_v1_v2(), root / "merged-v1-v2.json")
        seed_spec = json.loads((REPO / "openapi.json").read_text(encoding="utf-8"))
        releases = [
            _measure("seed", seed_spec, None, root),
            _measure("newer V2", vendor_specs.newer_v2(), vendor_specs.NEWER_V2, root),
            # One reachable V1 schema has a new audit finding (docs/spec-updates.md): accepted, as a user would.
            _measure("merged V1+V2", vendor_specs.merged_v1_v2(), merged, root, "--accept-findings"),
        ]
    print("release        ops  schemas  reachable   update    regen    drift  pipeline  conformance   cases  peak RSS")
    for r in releases:
        update = f"{r.steps['update'].seconds:6.2f} s" if "update" in r.steps else "       -"
        suite = r.steps["conformance"]
        status = "" if r.conformance_ok else " (FAILED)"
        print(
            f"{r.name:<13} {r.operations:4} {r.schemas:8} {r.reachable:10}  {update} {r.steps['regen'].seconds:6.2f} s "
            f"{r.steps['drift'].seconds:6.2f} s {r.pipeline_seconds:7.2f} s {suite.seconds:9.2f} s {r.cases:7} "
            f"{r.peak_rss_mib:6.0f} MiB{status}"
        )
    print()
    print("CPU time (user + system), which other load on the machine inflates less than wall time:")
    for r in releases:
        suite_cpu = r.steps["conformance"].cpu_seconds
        print(f"  {r.name:<13} pipeline {r.pipeline_cpu_seconds:7.2f} s   conformance {suite_cpu:7.2f} s")
    seed, newer, whole = releases
    print()
    print(f"seed regen+drift           {seed.pipeline_seconds:6.2f} s  {_verdict(seed.pipeline_seconds, SEED_TARGET)}")
    pipeline = whole.pipeline_seconds
    print(f"merged update+regen+drift  {pipeline:6.2f} s  {_verdict(pipeline, PIPELINE_TARGET)}")
    conformance = whole.steps["conformance"].seconds
    print(f"merged default conformance {conformance:6.2f} s  {_verdict(conformance, CONFORMANCE_TARGET)}")
    print()
    print("growth over the seed (update+regen+drift, then conformance):")
    for other in (newer, whole):
        seed_seconds = seed.pipeline_seconds
        print(f"  {other.name:<13} pipeline    {_growth(seed, other, other.pipeline_seconds, seed_seconds)}")
        seed_suite = seed.steps["conformance"].seconds
        print(f"  {other.name:<13} conformance {_growth(seed, other, other.steps['conformance'].seconds, seed_suite)}")
