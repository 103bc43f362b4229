"""The default conformance run beside schemathesis' own CLI, on the same target with the same settings.

One reference server (the embedded run's settings) serves both, one after the other. The CLI gets the suite's
own schemathesis configuration (``conformance.schema.config_document``, as ``schemathesis.toml``), the effective
spec and the suite's custom check (``SCHEMATHESIS_HOOKS``); each runs in a process of its own, the way
``tox -e conformance`` and ``st run`` start. Figures: wall time, cases answered, and their ratio."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
import time
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


def _suite(base_url: str, folder: Path) -> tuple[float, int, str]:
    command = [sys.executable, "-m", "pytest", "conformance_tests", "-p", "no:cacheprovider", "-q"]
    started = time.perf_counter()
    done = subprocess.run(
        command, cwd=REPO, env=_environment(base_url, str(folder)), capture_output=True, text=True, check=False
    )
    elapsed = time.perf_counter() - started
    summary = folder / "summary.json"
    if not summary.exists():
        print(done.stdout[-3000:], done.stderr[-3000:], sep="\n")
        raise SystemExit(f"the conformance run wrote no summary (exit {done.returncode})")
    cases = int(json.loads(summary.read_text(encoding="utf-8"))["cases"])
    return elapsed, cases, "passed" if done.returncode == 0 else f"FAILED (exit {done.returncode})"


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


def _cli(base_url: str, folder: Path) -> tuple[float, int, str]:
    spec = folder / "openapi.json"
    spec.write_text(json.dumps(load_effective_spec()), encoding="utf-8")
    config = _cli_config(base_url, folder)
    command = [str(Path(sys.executable).parent / "st"), "--config-file", str(config), "run", str(spec)]
    env = {**_environment(base_url, str(folder)), "SCHEMATHESIS_HOOKS": "attentive_toolkit.conformance.checks"}
    started = time.perf_counter()
    done = subprocess.run(command, cwd=folder, env=env, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - started
    # "Test cases:" line of the CLI's summary, e.g. "929 generated, 929 passed".
    match = re.search(r"Test cases:\s*\n?\s*(\d+) generated", done.stdout)
    if match is None:
        print(done.stdout[-3000:], done.stderr[-3000:], sep="\n")
        raise SystemExit(f"schemathesis printed no case count (exit {done.returncode})")
    return elapsed, int(match.group(1)), "passed" if done.returncode == 0 else f"FAILED (exit {done.returncode})"


def run() -> None:
    settings = ServerSettings(rate_limits=dict.fromkeys(operation_ids(), EMBEDDED_RATE_LIMIT))
    with tempfile.TemporaryDirectory() as root, running_server(settings=settings) as url:
        for name in ("cli", "suite"):
            Path(root, name).mkdir()
        figures = {
            "schemathesis CLI (st run)": _cli(url, Path(root) / "cli"),
            "conformance suite (pytest)": _suite(url, Path(root) / "suite"),
        }
    for label, (elapsed, cases, outcome) in figures.items():
        print(f"{label:<30} {elapsed:6.1f} s wall  {cases:>6} cases  {cases / elapsed:6.1f} cases/s  {outcome}")
    suite_s = figures["conformance suite (pytest)"][0]
    ratio = suite_s / figures["schemathesis CLI (st run)"][0]
    verdict = _verdict(ratio <= TARGET_RATIO)
    print(f"suite / CLI wall time: {ratio:.2f}x (target: at most {TARGET_RATIO:.1f}x): {verdict}")
    print(f"suite wall time {suite_s:.1f} s (target: under {TARGET_SECONDS:g} s): {_verdict(suite_s < TARGET_SECONDS)}")


def _verdict(ok: bool) -> str:
    return "met" if ok else "MISSED"
