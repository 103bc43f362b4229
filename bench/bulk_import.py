"""Bulk import: records/s against the reference server's 100 requests/s limit with 50 ms added latency, as a
fraction of the 25,600 records/s ceiling (100 requests x 256 records), for one importer and for two importers
sharing one token (each in its own process, started together, each with half the records: their combined
throughput, and the share of their requests answered 429); and peak RSS importing 1,000,000 records.

The server runs in its own process so it does not share the importer's interpreter lock, with its bulk worker
held back (it would share the two cores, and how fast the reference server applies records is not the importer's
speed: it applies a few hundred records a second). The figure is submission throughput: records taken by the
server per second, from the start of the import (hashing, spec loading, reading, validating) to the last batch
accepted. The importer is told not to wait for the jobs (``job_patience_seconds=0``): they stay in its journal as
submitted and a later run would follow them up; end-to-end reconciliation is covered by the tests.
Inputs are generated into ``bench/.work/``; ``BENCH_BULK_MEMORY_RECORDS`` changes the size of the memory run
(0 skips it).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

WORK = Path(__file__).parent / ".work"
# The server's limit per operation; a lower one (BENCH_BULK_RATE) checks the pacing on a machine too busy for 100.
RATE = int(os.environ.get("BENCH_BULK_RATE", "100"))
CEILING = RATE * 256
THROUGHPUT_RECORDS = int(os.environ.get("BENCH_BULK_RECORDS", "100000"))
MEMORY_RECORDS = int(os.environ.get("BENCH_BULK_MEMORY_RECORDS", "1000000"))
SERVER_SCRIPT = """
import sys
from attentive_toolkit.server.runner import running_server
from attentive_toolkit.server.settings import FaultConfig, OperationFaults, ServerSettings
latency = OperationFaults(latency_rate=1.0, latency_seconds=0.05)
settings = ServerSettings(
    rate_limits={"postBulkUserAttributes": int(sys.argv[1]), "getBulkJobStatus": int(sys.argv[1])},
    faults=FaultConfig(seed=0, operations={"*": latency}),
    run_jobs_in_background=False,
)
with running_server(settings) as url:
    print(url, flush=True)
    sys.stdin.read()
"""
SHARED_SCRIPT = """
import json, sys, time
from pathlib import Path
from attentive_client import AuthenticatedClient
from attentive_toolkit.bulk.importer import BulkImport, ImportOptions
url, source, start_at = sys.argv[1], Path(sys.argv[2]), float(sys.argv[3])
client = AuthenticatedClient(base_url=url, token="dev-token")
importer = BulkImport(client, url, ImportOptions(source=source, job_patience_seconds=0.0))
time.sleep(max(start_at - time.time(), 0))
started = time.time()
report = importer.run()
counters = importer.counters
print(json.dumps({"lines": report.lines, "sent": counters.records_sent, "requests": counters.requests,
                  "throttled": importer.submit_pacer.throttled, "started": started,
                  "last_sent": started + counters.last_sent - counters.started, "balanced": report.balanced}))
"""
IMPORT_SCRIPT = """
import json, sys, resource
from pathlib import Path
from attentive_client import AuthenticatedClient
from attentive_toolkit.bulk.importer import BulkImport, ImportOptions
url, source = sys.argv[1], Path(sys.argv[2])
client = AuthenticatedClient(base_url=url, token="dev-token")
report = BulkImport(client, url, ImportOptions(source=source, job_patience_seconds=0.0)).run()
print(json.dumps({"counts": report.counts, "balanced": report.balanced, "elapsed": report.elapsed_seconds,
                  "sent": report.records_per_second * report.elapsed_seconds,
                  "peak_rss_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))
"""


def generate(path: Path, count: int, part: int = 0) -> Path:
    """``count`` distinct users; ``part`` picks another range of them (two importers, no user in common)."""
    if path.exists() and sum(1 for _ in path.open("rb")) == count:
        return path
    with path.open("w", encoding="utf-8") as out:
        for index in range(part * count, (part + 1) * count):
            record = {
                "identifiers": {"email": f"bench{index}@example.com", "phone": f"+1500{index:07d}"},
                "attributes": {"firstName": f"First{index}", "custom": {"favorite_color": "green", "lucky": index}},
            }
            out.write(json.dumps(record) + "\n")
    return path


def clean(source: Path) -> None:
    for suffix in (".journal.sqlite", ".journal.sqlite-wal", ".journal.sqlite-shm", ".rejects.jsonl", ".report.json"):
        source.with_name(source.name + suffix).unlink(missing_ok=True)


@contextmanager
def server_process() -> Iterator[str]:
    process = subprocess.Popen(
        [sys.executable, "-c", SERVER_SCRIPT, str(RATE)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        assert process.stdout is not None
        yield process.stdout.readline().strip()
    finally:
        process.terminate()
        process.wait()


def two_importers(url: str, sources: list[Path]) -> None:
    """Both importers start at the same wall-clock moment, after their imports (and spec loading) are done."""
    for source in sources:
        clean(source)
    start_at = time.time() + 8.0
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", SHARED_SCRIPT, url, str(source), str(start_at)], stdout=subprocess.PIPE, text=True
        )
        for source in sources
    ]
    outcomes = [json.loads(process.communicate()[0].splitlines()[-1]) for process in processes]
    sent = sum(outcome["sent"] for outcome in outcomes)
    lines = sum(outcome["lines"] for outcome in outcomes)
    requests = sum(outcome["requests"] for outcome in outcomes)
    throttled = sum(outcome["throttled"] for outcome in outcomes)
    span = max(o["last_sent"] for o in outcomes) - min(o["started"] for o in outcomes)
    combined = sent / span
    print(f"two importers, one token: {lines:,} records, taken by the server: {sent:,} (nothing lost: {sent == lines})")
    print(f"requests answered 429: {throttled} of {requests} = {throttled / max(requests, 1):.1%}")
    print(f"two importers: {combined:,.0f} records/s = {combined / CEILING:.1%} of the {CEILING:,} records/s ceiling")


def throughput(url: str, source: Path) -> None:
    from attentive_client import AuthenticatedClient

    from attentive_toolkit.bulk.importer import BulkImport, ImportOptions

    clean(source)
    options = ImportOptions(source=source, job_patience_seconds=0.0)
    importer = BulkImport(AuthenticatedClient(base_url=url, token="dev-token"), url, options)
    report = importer.run()
    counters = importer.counters
    submitted = counters.sent / (counters.last_sent - counters.started)
    print(f"records: {report.lines:,}  taken by the server: {counters.sent:,}  429s: {report.throttled}")
    print(f"requests answered 429: {importer.submit_pacer.throttled} of {counters.requests}")
    print(f"one importer: {submitted:,.0f} records/s = {submitted / CEILING:.1%} of the {CEILING:,} records/s ceiling")


def memory(url: str, source: Path) -> None:
    clean(source)
    started = time.monotonic()
    result = subprocess.run([sys.executable, "-c", IMPORT_SCRIPT, url, str(source)], capture_output=True, text=True)
    outcome = json.loads(result.stdout.splitlines()[-1])
    peak_mib = outcome["peak_rss_kib"] / 1024
    print(
        f"records: {MEMORY_RECORDS:,}  balanced: {outcome['balanced']}  accepted: {outcome['counts']['accepted']:,}  "
        f"wall: {time.monotonic() - started:.0f} s"
    )
    print(f"peak RSS of the importing process: {peak_mib:.0f} MiB (target < 150 MB)")
    print(f"records sent: {outcome['counts']['accepted'] + outcome['counts']['unknown']:,} (jobs left unfinished)")


def run() -> None:
    WORK.mkdir(exist_ok=True)
    small = generate(WORK / f"users-{THROUGHPUT_RECORDS}.jsonl", THROUGHPUT_RECORDS)
    with server_process() as url:
        throughput(url, small)
    halves = [
        generate(WORK / f"users-{THROUGHPUT_RECORDS // 2}-{part}.jsonl", THROUGHPUT_RECORDS // 2, part)
        for part in (0, 1)
    ]
    with server_process() as url:
        two_importers(url, halves)
    if not MEMORY_RECORDS:
        return
    large = generate(WORK / f"users-{MEMORY_RECORDS}.jsonl", MEMORY_RECORDS)
    with server_process() as url:
        memory(url, large)


if __name__ == "__main__":
    run()
