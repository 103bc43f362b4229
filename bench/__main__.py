"""``python -m bench [NAME ...]``: run every benchmark module in this folder, or the ones named.

What each benchmark prints is also written to ``docs/benchmarks/latest.md`` (see ``bench/_results.py``), the
only place the figures live.
"""

from __future__ import annotations

import contextlib
import importlib
import pkgutil
import sys
import traceback
from pathlib import Path

from bench import _results


def main(names: list[str]) -> int:
    available = sorted(m.name for m in pkgutil.iter_modules([str(Path(__file__).parent)]) if not m.name.startswith("_"))
    unknown = sorted(set(names) - set(available))
    if unknown:
        print(f"unknown benchmark(s): {', '.join(unknown)}; available: {', '.join(available)}", file=sys.stderr)
        return 2
    fresh: dict[str, str] = {}
    failed: list[str] = []
    for name in names or available:
        print(f"== bench {name}", flush=True)
        tee = _results.capture(sys.stdout)
        with contextlib.redirect_stdout(tee):
            try:
                importlib.import_module(f"bench.{name}").run()
            except (Exception, SystemExit) as exc:  # one broken benchmark must not lose the others' figures
                failed.append(name)
                traceback.print_exception(exc, file=sys.stderr)
                print(f"benchmark failed: {exc!r}")
        fresh[name] = _results.section(name, tee.copy.getvalue())
        # Written after every benchmark, so an interrupted run keeps what it measured.
        _results.update(available, fresh)
    print(f"figures written to {_results.RESULTS}")
    if failed:
        print(f"failed: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
