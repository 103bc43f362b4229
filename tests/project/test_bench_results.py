"""Benchmark figures are written by the benchmarks, to one page, one section per benchmark."""

from __future__ import annotations

import importlib.util
import pkgutil
import sys
from datetime import UTC, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
# bench/ is not an installed package; load its results writer from the file.
_spec = importlib.util.spec_from_file_location("bench_results_under_test", REPO / "bench" / "_results.py")
assert _spec and _spec.loader
_results = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = _results
_spec.loader.exec_module(_results)
WHEN = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


def test_a_run_replaces_only_its_own_section(tmp_path: Path) -> None:
    page = tmp_path / "latest.md"
    _results.update(["alpha", "beta"], {"alpha": _results.section("alpha", "alpha 1.00x\n", WHEN)}, page)
    _results.update(["alpha", "beta"], {"beta": _results.section("beta", "beta 2.00x\n", WHEN)}, page)
    text = page.read_text(encoding="utf-8")
    assert "alpha 1.00x" in text and "beta 2.00x" in text
    _results.update(["alpha", "beta"], {"alpha": _results.section("alpha", "alpha 3.00x\n", WHEN)}, page)
    text = page.read_text(encoding="utf-8")
    assert "alpha 3.00x" in text and "alpha 1.00x" not in text and "beta 2.00x" in text
    assert text.index("## alpha") < text.index("## beta")


def test_a_benchmark_never_run_says_how_to_run_it(tmp_path: Path) -> None:
    page = tmp_path / "latest.md"
    _results.update(["alpha", "beta"], {}, page)
    assert "Not run yet: `tox -e bench -- beta`." in page.read_text(encoding="utf-8")


def test_a_removed_benchmark_leaves_the_page(tmp_path: Path) -> None:
    page = tmp_path / "latest.md"
    _results.update(["alpha", "gone"], {"gone": _results.section("gone", "old\n", WHEN)}, page)
    _results.update(["alpha"], {}, page)
    assert "gone" not in page.read_text(encoding="utf-8")


def test_the_results_page_has_a_section_for_every_benchmark() -> None:
    names = sorted(m.name for m in pkgutil.iter_modules([str(REPO / "bench")]) if not m.name.startswith("_"))
    sections = _results.sections_of(_results.RESULTS.read_text(encoding="utf-8"))
    assert sorted(sections) == names
