"""The importer's reading side alone, no HTTP: read, parse, check and batch ``BENCH_READ_RECORDS`` records (the
bulk_import benchmark's records) and report CPU per record. Settled lines go to a journal stand-in and each closed
batch is forgotten at once, as if its job were settled, so only the reading side is measured."""

from __future__ import annotations

import gc
import os
import time
from pathlib import Path
from typing import Any

from bench.bulk_import import WORK, generate

RECORDS = int(os.environ.get("BENCH_READ_RECORDS", "200000"))
ROUNDS = int(os.environ.get("BENCH_READ_ROUNDS", "3"))


class _NoJournal:
    def record_lines(self, rows: list[Any]) -> None:
        pass


def _one_round(source: Path) -> tuple[float, int]:
    from attentive_client import AuthenticatedClient

    from attentive_toolkit.bulk.importer import BulkImport, ImportOptions, fewer_collections

    url = "http://127.0.0.1:9"
    importer = BulkImport(AuthenticatedClient(base_url=url, token="t"), url, ImportOptions(source=source))
    forget, batches = importer.batcher.forget, 0
    with fewer_collections():
        started = time.process_time()
        for closed in importer._batches_read(_NoJournal()):  # type: ignore[arg-type]
            for batch in closed:
                batches += 1
                forget(batch)
        for batch in importer.batcher.finish():
            forget(batch)
        cpu = time.process_time() - started
    gc.collect()
    return cpu, importer.counters.read


def run() -> None:
    WORK.mkdir(exist_ok=True)
    source = generate(WORK / f"users-{RECORDS}.jsonl", RECORDS)
    figures = []
    for _ in range(ROUNDS):
        cpu, lines = _one_round(source)
        figures.append(cpu / lines * 1e6)
    figures.sort()
    print(
        f"reading side (read, parse, check, batch; no HTTP), {RECORDS:,} records: "
        f"median {figures[len(figures) // 2]:.2f} us/record of CPU (rounds: {', '.join(f'{f:.2f}' for f in figures)})"
    )


if __name__ == "__main__":
    run()
