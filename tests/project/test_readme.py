"""The README's promises: short, two commands first (main job, then tests), and CI runs the same test command."""

from __future__ import annotations

import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
README = (REPO / "README.md").read_text(encoding="utf-8")


def first_fenced_block(text: str) -> list[str]:
    match = re.search(r"^```[a-z]*\n(.*?)^```", text, flags=re.DOTALL | re.MULTILINE)
    assert match, "the README has no fenced block"
    return [line for line in match.group(1).splitlines() if line.strip()]


def test_readme_is_short() -> None:
    assert len(README.splitlines()) <= 250


def test_readme_opens_with_the_main_job_then_the_tests() -> None:
    before_block = README.split("```", 1)[0]
    assert before_block.count("\n#") == 0, "nothing but the title may come before the two commands"
    main_job, tests = first_fenced_block(README)
    assert main_job.endswith("tox -e conformance")
    assert re.search(r"\btox$", tests), "the second command is plain tox"
    for command in (main_job, tests):
        # A distribution's Python refuses `pip install` outside a virtual environment (PEP 668).
        assert command.startswith("python3 -m venv .venv && .venv/bin/python -m pip install")
        assert re.search(r'"tox==\d+\.\d+\.\d+"', command), "tox is pinned exactly"


def test_ci_runs_the_readme_test_command_exactly() -> None:
    _, tests = first_fenced_block(README)
    script = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    commands = [line for line in script.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    assert tests in commands


def test_readme_names_the_supported_pythons() -> None:
    for version in ("3.11", "3.12", "3.13"):
        assert version in README


def test_readme_links_point_at_files_that_exist() -> None:
    for target in re.findall(r"\]\(([^)#]+)(?:#[^)]*)?\)", README):
        if target.startswith(("http://", "https://")):
            continue
        assert (REPO / target).exists(), target


def test_no_figure_is_retyped_outside_the_benchmark_results() -> None:
    # Figures measured by a benchmark ("1.17x", "27 s", "1980 req/s") live only in docs/benchmarks/latest.md.
    times = "\N{MULTIPLICATION SIGN}"
    measured = re.compile(rf"\b\d+(?:\.\d+)?\s?(?:{times}|x raw|req/s|cases/s|records/s =)|\bmeasured \d")
    pages = [REPO / "README.md", *sorted((REPO / "docs").glob("*.md"))]
    offenders = [f"{page.name}: {m.group(0)}" for page in pages for m in measured.finditer(page.read_text("utf-8"))]
    # Targets, not measurements: "at most 1.2x raw httpx", "at least 1x Prism" (docs/benchmarks.md).
    targets = {f"1.2{times}", f"1{times}"}
    assert [o for o in offenders if o.split(": ", 1)[1] not in targets] == []
