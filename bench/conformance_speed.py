"""The default conformance run beside schemathesis' own CLI, on the same target with the same settings.

One reference server (the embedded run's settings) serves both. The CLI gets the suite's own schemathesis
configuration (``conformance.schema.config_document``, as ``schemathesis.toml``), the effective spec and the
suite's custom check (``SCHEMATHESIS_HOOKS``); each runs in a process of its own, the way ``tox -e conformance``
and ``st run`` start. The machine is shared, so they run in ABBA order (CLI, suite, suite, CLI) and the ratios
compare the sums: load that drifts during the benchmark weighs on both alike. Figures: wall time, CPU time of
the process (user + system, less sensitive to other load), cases answered."""

from __future__ import annotations

import json
import os
import re
import resource
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from attentive_toolkit.conformance.operations import operation_ids
from attentive_toolkit.conformance.options import resolve_options
from attentive_toolkit.conformance.schema import config_document
from attentive_toolkit.conformance.session import EMBEDDED_RATE_LIMIT, close_session, open_session
from attentive_toolkit.server.runner import running_server
from attentive_toolkit.server.settings import DEV_TOKEN, ServerSettings
from attentive_toolkit.spec.effective import load_effective_spec

REPO = Path(__file__).resolve().parents[1]
CLI = "schemathesis CLI (st run)"
SUITE = "conformance suite (pytest)"
TARGET_SECONDS = 30.0
TARGET_RATIO = 1.0


def _environment(base_url: str, report_dir: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("ATTENTIVE_")}
    env.update(ATTENTIVE_BASE_URL=base_url, ATTENTIVE_API_TOKEN=DEV_TOKEN, ATTENTIVE_REFERENCE_SERVER="1")
    env["ATTENTIVE_REPORT_DIR"] = report_dir
    return env


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value)  # a JSON string is a valid TOML basic string
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(item) for item in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{json.dumps(k)} = {_toml_value(v)}" for k, v in value.items() if v is not None) + "}"
    raise TypeError(f"no TOML for {type(value).__name__}")


def to_toml(document: dict[str, Any]) -> str:
    """The suite's config as TOML: scalars and inline tables at the top, ``[[operations]]`` as an array of
    tables. TOML has no null: a setting that is None is left out, as the suite leaves it unset."""
    lines = [f"{json.dumps(key)} = {_toml_value(value)}" for key, value in document.items() if key != "operations"]
    for section in document.get("operations", []):
        lines += ["", "[[operations]]"] + [f"{json.dumps(k)} = {_toml_value(v)}" for k, v in section.items()]
    return "\n".join(lines) + "\n"


@dataclass(frozen=True)
class Measured:
    wall: float
    cpu: float
    cases: int
    outcome: str


def _timed(command: list[str], cwd: Path, env: dict[str, str]) -> tuple[subprocess.CompletedProcess[str], float, float]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return done, wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def _suite(base_url: str, folder: Path) -> Measured:
    command = [sys.executable, "-m", "pytest", "conformance_tests", "-p", "no:cacheprovider", "-q"]
    done, wall, cpu = _timed(command, REPO, _environment(base_url, str(folder)))
    summary = folder / "summary.json"
    if not summary.exists():
        print(done.stdout[-3000:], done.stderr[-3000:], sep="\n")
        raise SystemExit(f"the conformance run wrote no summary (exit {done.returncode})")
    cases = int(json.loads(summary.read_text(encoding="utf-8"))["cases"])
    return Measured(wall, cpu, cases, _outcome(done.returncode))


def _cli_config(base_url: str, folder: Path) -> Path:
    """The suite's own schemathesis settings for this target, as the CLI reads them."""
    options = resolve_options(lambda _: None, _environment(base_url, str(folder)))
    session = open_session(options)
    try:
        document = config_document(session)
    finally:
        close_session()
    path = folder / "schemathesis.toml"
    path.write_text(to_toml(document), encoding="utf-8")
    return path


def _cli(base_url: str, folder: Path) -> Measured:
    spec = folder / "openapi.json"
    spec.write_text(json.dumps(load_effective_spec()), encoding="utf-8")
    config = _cli_config(base_url, folder)
    command = [str(Path(sys.executable).parent / "st"), "--config-file", str(config), "run", str(spec)]
    env = {**_environment(base_url, str(folder)), "SCHEMATHESIS_HOOKS": "attentive_toolkit.conformance.checks"}
    done, wall, cpu = _timed(command, folder, env)
    # "Test cases:" line of the CLI's summary, e.g. "929 generated, 929 passed".
    match = re.search(r"Test cases:\s*\n?\s*(\d+) generated", done.stdout)
    if match is None:
        print(done.stdout[-3000:], done.stderr[-3000:], sep="\n")
        raise SystemExit(f"schemathesis printed no case count (exit {done.returncode})")
    return Measured(wall, cpu, int(match.group(1)), _outcome(done.returncode))


def _outcome(returncode: int) -> str:
    return "passed" if returncode == 0 else f"FAILED (exit {returncode})"


def run() -> None:
    settings = ServerSettings(rate_limits=dict.fromkeys(operation_ids(), EMBEDDED_RATE_LIMIT))
    runs: dict[str, list[Measured]] = {CLI: [], SUITE: []}
    with tempfile.TemporaryDirectory() as root, running_server(settings=settings) as url:
        for index, label in enumerate((CLI, SUITE, SUITE, CLI)):
            folder = Path(root) / str(index)
            folder.mkdir()
            measured = _cli(url, folder) if label == CLI else _suite(url, folder)
            runs[label].append(measured)
            print(
                f"{label:<28} {measured.wall:6.1f} s wall  {measured.cpu:6.1f} s CPU  {measured.cases:>6} cases  "
                f"{measured.cases / measured.wall:6.1f} cases/s  {measured.outcome}"
            )
    wall = {label: sum(m.wall for m in measured) for label, measured in runs.items()}
    cpu = {label: sum(m.cpu for m in measured) for label, measured in runs.items()}
    ratio = wall[SUITE] / wall[CLI]
    print(
        f"suite / CLI wall time: {ratio:.2f}x (target: at most {TARGET_RATIO:.1f}x): {_verdict(ratio <= TARGET_RATIO)}"
    )
    print(f"suite / CLI CPU time:  {cpu[SUITE] / cpu[CLI]:.2f}x")
    slowest = max(m.wall for m in runs[SUITE])
    print(f"suite wall time, slower run {slowest:.1f} s (target: under {TARGET_SECONDS:g} s): "
          f"{_verdict(slowest < TARGET_SECONDS)}")  # fmt: skip


def _verdict(ok: bool) -> str:
    return "met" if ok else "MISSED"
