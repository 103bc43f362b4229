"""Bulk import against the reference server (100 requests/s per operation, 50 ms added latency), side by side in
one run, each importer in a process of its own:

- server apply: records/s the reference server applies bulk jobs at (one transaction per job), in memory and with
  a SQLite file (``--db``), measured in process on ready jobs (wall and CPU): jobs of new users, then jobs that
  update each of those users with changed attributes;
- one importer of 500,000 records (``BENCH_BULK_RECORDS``) and two importers of half as many each, sharing one
  token and started at one wall-clock moment: records taken by the server per second as a fraction of the
  25,600 records/s ceiling (100 requests x 256 records); each importer's share, over the run and per one-second
  window of the server; requests answered 429; importer CPU per record. The server's job worker is held back in
  these runs (it would compete for the same two cores); the importer does not wait for the jobs;
- memory: 2,000,000 records (``BENCH_BULK_MEMORY_RECORDS``, 0 skips it) with the jobs followed to the end, the
  server applying them as they come: peak RSS of the importer, and how long confirming took after the last send.

Clocks: "import wall" runs from ``BulkImport.run()`` (hashing the input, opening the journal) to the last batch
taken; "sending" from the first request sent to the last batch taken. CPU is the importer process's user+system
time inside ``run()``; "process CPU" adds interpreter start-up and imports. The load average of the machine is
printed beside each run, because the machine is shared. Inputs are generated into ``bench/.work/``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

WORK = Path(__file__).parent / ".work"
# The server's limit per operation; a lower one (BENCH_BULK_RATE) checks the pacing on a machine too busy for 100.
RATE = int(os.environ.get("BENCH_BULK_RATE", "100"))
CEILING = RATE * 256
THROUGHPUT_RECORDS = int(os.environ.get("BENCH_BULK_RECORDS", "500000"))
MEMORY_RECORDS = int(os.environ.get("BENCH_BULK_MEMORY_RECORDS", "2000000"))
APPLY_JOBS = int(os.environ.get("BENCH_BULK_APPLY_JOBS", "200"))
# The server, wrapped to log each bulk submit's answer as the server gave it: which importer sent it (a header of
# the bench's own), its status and the remaining count of its window. The shares per window are read from that log,
# not rebuilt from the importers' clocks. The log is printed when stdin closes.
SERVER_SCRIPT = """
import json, sys, time
from attentive_toolkit.server.app import create_app
from attentive_toolkit.server.runner import serving_app
from attentive_toolkit.server.settings import FaultConfig, OperationFaults, ServerSettings
latency = OperationFaults(latency_rate=1.0, latency_seconds=0.05)
settings = ServerSettings(
    rate_limits={"postBulkUserAttributes": int(sys.argv[1]), "getBulkJobStatus": int(sys.argv[1])},
    faults=FaultConfig(seed=0, operations={"*": latency}),
    run_jobs_in_background=sys.argv[2] == "apply",
)
log = []
def logged(app):
    async def wrapped(scope, receive, send):
        if scope["type"] != "http" or scope["path"] != "/v2/bulk/user/attributes":
            return await app(scope, receive, send)
        who = dict(scope["headers"]).get(b"x-bench-importer", b"-1").decode()
        entered = time.monotonic()  # the window is spent as the request comes in, before the injected latency
        async def send_logged(message):
            if message["type"] == "http.response.start":
                remaining = dict(message.get("headers", [])).get(b"x-ratelimit-remaining", b"-1").decode()
                log.append((entered, int(who), message["status"], int(remaining)))
            await send(message)
        await app(scope, receive, send_logged)
    return wrapped
with serving_app(logged(create_app(settings)), "127.0.0.1", 0, settings) as url:
    print(url, flush=True)
    sys.stdin.read()
    print(json.dumps(log), flush=True)
"""
# One importer. Prints one JSON line: counts, wall-clock stamps (time.time(), comparable across processes), CPU.
# Every submit attempt is logged (when it left, its status) by wrapping the exchange, to rebuild the server's
# windows afterwards.
IMPORT_SCRIPT = """
import json, resource, sys, time
from pathlib import Path
from attentive_client import AuthenticatedClient
from attentive_toolkit.bulk import exchange
from attentive_toolkit.bulk.importer import BulkImport, ImportOptions
url, source, start_at, patience = sys.argv[1], Path(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4])
who = sys.argv[5]
attempts = []
real_submit = exchange.submit
async def logged_submit(*args, **kwargs):
    left = time.time()
    answer = await real_submit(*args, **kwargs)
    attempts.append((left, getattr(answer, "status", 0)))
    return answer
exchange.submit = logged_submit
client = AuthenticatedClient(base_url=url, token="dev-token", headers={"x-bench-importer": who})
cpu_at_last_job = [0.0]
def on_job(seq, job_id):
    cpu_at_last_job[0] = time.process_time()
options = ImportOptions(source=source, job_patience_seconds=patience)
importer = BulkImport(client, url, options, on_job=on_job)
time.sleep(max(start_at - time.time(), 0))
started, cpu_started, mono_started = time.time(), time.process_time(), time.monotonic()
report = importer.run()
ended, cpu = time.time(), time.process_time() - cpu_started
cpu_sending = cpu_at_last_job[0] - cpu_started
counters = importer.counters
usage = resource.getrusage(resource.RUSAGE_SELF)
print(json.dumps({
    "lines": report.lines, "records_sent": counters.records_sent, "requests": counters.requests,
    "throttled": importer.submit_pacer.throttled, "started": started, "ended": ended,
    "last_sent": started + counters.last_sent - mono_started, "balanced": report.balanced,
    "counts": report.counts, "cpu_run": cpu, "cpu_sending": cpu_sending, "cpu_process": usage.ru_utime + usage.ru_stime,
    "peak_rss_kib": usage.ru_maxrss, "attempts": attempts,
}))
"""


def generate(path: Path, count: int, part: int = 0) -> Path:
    """``count`` distinct users; ``part`` picks another range of them (two importers, no user in common)."""
    if path.exists() and sum(1 for _ in path.open("rb")) == count:
        return path
    with path.open("w", encoding="utf-8") as out:
        for index in range(part * count, (part + 1) * count):
            out.write(json.dumps(_record(index)) + "\n")
    return path


def _record(index: int) -> dict[str, Any]:
    return {
        "identifiers": {"email": f"bench{index}@example.com", "phone": f"+1500{index:07d}"},
        "attributes": {"firstName": f"First{index}", "custom": {"favorite_color": "green", "lucky": index}},
    }


def clean(source: Path) -> None:
    for suffix in (".journal.sqlite", ".journal.sqlite-wal", ".journal.sqlite-shm", ".rejects.jsonl", ".report.json"):
        source.with_name(source.name + suffix).unlink(missing_ok=True)


def load() -> str:
    one, five, _ = os.getloadavg()
    return f"load average {one:.1f} (1 min), {five:.1f} (5 min) on {os.cpu_count()} cores"


def _cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


@contextmanager
def server_process(mode: str = "hold") -> Iterator[tuple[str, subprocess.Popen[str]]]:
    """``mode`` "apply": the job worker applies jobs as they come; "hold": jobs stay PENDING."""
    process = subprocess.Popen(
        [sys.executable, "-c", SERVER_SCRIPT, str(RATE), mode], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        assert process.stdout is not None
        yield process.stdout.readline().strip(), process
    finally:
        process.terminate()
        process.wait()


def importers(url: str, sources: list[Path], patience: float = 0.0) -> list[dict[str, Any]]:
    """Importers of ``sources``, one process each, all starting ``run()`` at one wall-clock moment (after their
    interpreters, imports and spec loading)."""
    for source in sources:
        clean(source)
    start_at = time.time() + 6.0
    processes = [
        subprocess.Popen(
            [sys.executable, "-c", IMPORT_SCRIPT, url, str(source), str(start_at), str(patience), str(who)],
            stdout=subprocess.PIPE,
            text=True,
        )
        for who, source in enumerate(sources)
    ]
    return [json.loads(process.communicate()[0].splitlines()[-1]) for process in processes]


def server_log(server: subprocess.Popen[str]) -> list[tuple[float, int, int, int]]:
    """The server's answers to bulk submits: (when the request came in, importer, status, remaining in its window)."""
    assert server.stdin is not None and server.stdout is not None
    server.stdin.close()
    return [
        (float(at), int(who), int(status), int(left)) for at, who, status, left in json.loads(server.stdout.readline())
    ]


def server_windows(log: list[tuple[float, int, int, int]], importers: int) -> list[list[int]]:
    """Requests the server took per window and importer, as its answers say. Each request the server takes in a
    window gets the next count of that window (the limit less its ``x-ratelimit-remaining``), so a count seen again
    means a new window. Requests come in out of order by a few (their bodies are read concurrently)."""
    windows: list[tuple[set[int], list[int]]] = []
    for _, who, status, remaining in sorted(log):
        if status != 202:
            continue
        count = RATE - remaining
        # Of the last three windows that have not had this count, the one whose counts come closest below it (a
        # request that came in late belongs with its neighbours), the latest on a tie.
        candidates = [w for w in windows[-3:] if count not in w[0]]
        home = max(reversed(candidates), key=lambda w: max((c for c in w[0] if c < count), default=-1), default=None)
        if home is None:
            home = (set(), [0] * importers)
            windows.append(home)
        home[0].add(count)
        home[1][who] += 1
    return [counts for _, counts in windows]


def full_windows(windows: list[list[int]]) -> list[list[int]]:
    """The windows every importer was sending in: from the one after the window in which the last of them started
    (its first second) to the one before the window in which the first of them sent its last request."""
    importers = range(len(windows[0])) if windows else range(0)
    started = max(min(i for i, w in enumerate(windows) if w[who]) for who in importers) if windows else 0
    ended = min(max(i for i, w in enumerate(windows) if w[who]) for who in importers) if windows else 0
    return windows[started + 1 : ended]


def describe(
    label: str, outcomes: list[dict[str, Any]], log: list[tuple[float, int, int, int]]
) -> tuple[float, float, float]:
    """Print one configuration's figures; returns its fraction of the ceiling, the smaller importer's share in its
    worst full window (1 for one importer) and the fraction of requests answered 429."""
    sent = sum(o["records_sent"] for o in outcomes)
    lines = sum(o["lines"] for o in outcomes)
    requests = sum(o["requests"] for o in outcomes)
    throttled = sum(o["throttled"] for o in outcomes)
    started = min(o["started"] for o in outcomes)
    first = min(o["attempts"][0][0] for o in outcomes if o["attempts"])
    last = max(o["last_sent"] for o in outcomes)
    cpu = sum(o["cpu_run"] for o in outcomes)
    cpu_sending = sum(o["cpu_sending"] for o in outcomes)
    process_cpu = sum(o["cpu_process"] for o in outcomes)
    overall = sent / (last - started)
    sending = sent / (last - first)
    print(f"{label}: {lines:,} records, taken by the server: {sent:,} (nothing lost: {sent == lines})")
    print(
        f"  import wall {last - started:.2f} s: {overall:,.0f} records/s = {overall / CEILING:.1%} of the "
        f"{CEILING:,} records/s ceiling (start-up before the first request: {first - started:.2f} s)"
    )
    print(f"  sending {last - first:.2f} s: {sending:,.0f} records/s = {sending / CEILING:.1%} of the ceiling")
    print(f"  requests answered 429: {throttled} of {requests} = {throttled / max(requests, 1):.2%}")
    print(
        f"  importer CPU to the last batch taken: {cpu_sending:.2f} s = {cpu_sending / sent * 1e6:.1f} us per record"
        " (target <= 15)"
    )
    print(
        f"  importer CPU in run(), report included: {cpu / sent * 1e6:.1f} us per record; whole process, start-up "
        f"included: {process_cpu / sent * 1e6:.1f} us per record"
    )
    windows = server_windows(log, len(outcomes))
    full = full_windows(windows)
    counts = [sum(w) for w in full]
    print(
        f"  server windows: {len(windows)}; requests the server took in the {len(full)} full ones (the first and the "
        f"last left out): {min(counts, default=0)}-{max(counts, default=0)} of {RATE}, "
        f"{sum(counts) / max(len(counts), 1):.1f} on average"
    )
    worst = 1.0
    if len(outcomes) > 1:
        shares = [o["records_sent"] / sent for o in outcomes]
        print("  shares over the run: " + " / ".join(f"{share:.1%}" for share in shares))
        # No full window (a run too short to have one) counts as a miss, not as a pass.
        worst = min((min(w) / sum(w) for w in full if sum(w)), default=0.0)
        print(
            f"  each importer's share per server window, in the {len(full)} full ones after the first second of "
            f"both: the smaller is {worst:.1%} at worst (target 45-55%)"
            + ("" if full else ": no full window, the run is too short")
        )
        print("  first windows: " + ", ".join("/".join(map(str, counts)) for counts in windows[:4]))
    return overall / CEILING, worst, throttled / max(requests, 1)


def throughput(small: Path, halves: list[Path]) -> None:
    figures = []
    for label, sources in (("one importer", [small]), ("two importers, one token", halves)):
        print(f"-- {label} ({load()})")
        with server_process() as (url, server):
            cpu_before = _cpu_seconds(server.pid)
            outcomes = importers(url, sources)
            server_cpu = _cpu_seconds(server.pid) - cpu_before
            log = server_log(server)
        figures.append(describe(label, outcomes, log))
        print(f"  server process CPU: {server_cpu:.1f} s ({load()})")
    (one, _, one_429), (two, worst, two_429) = figures
    print(
        f"one importer {one:.1%} (target >= 95%), 429s {one_429:.2%}; two importers {two:.1%} combined (target >= "
        f"92%), the smaller share {worst:.1%} in the worst full window (target >= 45%), 429s {two_429:.2%} (target "
        "<= 1%)"
    )


def server_apply() -> None:
    """The job worker's own step on ready jobs, in this process: no HTTP, no other load."""
    from attentive_toolkit.server.job_apply import JobApplier
    from attentive_toolkit.server.settings import ServerSettings
    from attentive_toolkit.server.storage import Store
    from attentive_toolkit.server.upsert import Upserter

    print(f"-- server apply ({load()})")
    settings = ServerSettings()
    with tempfile.TemporaryDirectory(dir=WORK) as folder:
        for label, db in (("in memory", None), ("--db SQLite", Path(folder) / "server.sqlite")):
            store = Store(db)
            applier = JobApplier(
                store,
                Upserter(store, settings.sign_up_units, settings.max_custom_attributes),
                settings.max_custom_attributes,
            )
            for kind in ("new users", "updates"):
                jobs = []
                for job in range(APPLY_JOBS):
                    users = [_record(job * 256 + n) for n in range(256)]
                    if kind == "updates":  # the same users again, each with a changed name and attribute
                        for user in users:
                            user["attributes"]["firstName"] += " Updated"
                            user["attributes"]["custom"]["favorite_color"] = "blue"
                    jobs.append(job_id := f"{kind}-{job}")
                    store.insert_job(job_id, json.dumps({"users": users}), 256, "2026-01-01T00:00:00Z")
                wall, cpu = time.perf_counter(), time.process_time()
                for job_id in jobs:
                    applier.apply(job_id, store.job_request(job_id), 0, 256, "2026-01-01T00:00:00Z")
                wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
                records = APPLY_JOBS * 256
                print(
                    f"  {label:12} {kind:9}: {records / wall:>9,.0f} records/s wall, {records / cpu:>9,.0f} "
                    f"records/s CPU ({records:,} records in {len(jobs)} jobs; target >= {CEILING:,})"
                )
            store.close()
    print(f"  ({load()})")


def memory(large: Path) -> None:
    print(f"-- memory, jobs followed to the end ({load()})")
    with server_process("apply") as (url, server):
        cpu_before = _cpu_seconds(server.pid)
        (outcome,) = importers(url, [large], patience=3600.0)
        server_cpu = _cpu_seconds(server.pid) - cpu_before
    counts = outcome["counts"]
    wall = outcome["ended"] - outcome["started"]
    confirming = outcome["ended"] - outcome["last_sent"]
    print(f"records: {outcome['lines']:,}  balanced: {outcome['balanced']}  counts: {counts}")
    print(
        f"wall {wall:.0f} s: sending {outcome['last_sent'] - outcome['started']:.0f} s, then {confirming:.1f} s "
        f"until every job was confirmed; {counts.get('accepted', 0) / wall:,.0f} records/s confirmed end to end"
    )
    print(f"importer CPU {outcome['cpu_run']:.0f} s, server CPU {server_cpu:.0f} s ({load()})")
    print(f"peak RSS of the importing process: {outcome['peak_rss_kib'] / 1024:.0f} MiB (target < 150 MB)")


def run() -> None:
    WORK.mkdir(exist_ok=True)
    small = generate(WORK / f"users-{THROUGHPUT_RECORDS}.jsonl", THROUGHPUT_RECORDS)
    halves = [
        generate(WORK / f"users-{THROUGHPUT_RECORDS // 2}-{part}.jsonl", THROUGHPUT_RECORDS // 2, part)
        for part in (0, 1)
    ]
    server_apply()
    throughput(small, halves)
    if MEMORY_RECORDS:
        memory(generate(WORK / f"users-{MEMORY_RECORDS}.jsonl", MEMORY_RECORDS))


if __name__ == "__main__":
    run()
