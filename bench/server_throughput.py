"""Requests/s of the reference server against Prism 5.16 mocking the same effective spec, side by side.

Both servers run as their own processes on loopback; the load comes from a third process (this module's ``load``
entry point: keep-alive HTTP/1.1 over asyncio streams, a fixed set of pre-encoded requests). Measured: the single
upsert and the bulk submit (256 users). Our server keeps its usual behaviour (validation, SQLite, the bulk worker
applying every submitted job in the background); only the rate limits are lifted, as Prism has none.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import shutil
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
WORK = Path(__file__).resolve().parent / ".work"
PRISM_DIR = WORK / "prism-5.16"
PRISM_PACKAGE = "@stoplight/prism-cli@5.16"
CONNECTIONS = 32
SECONDS = 3.0
# Measurements alternate between the servers, round after round; the median per server is compared, so a
# neighbour's load on the machine weighs on both sides alike.
ROUNDS = 3
WARMUP_SECONDS = 1.0
BULK_USERS = 256
DISTINCT_BODIES = 512
TOKEN = "dev-token"
KINDS = ("upsert", "bulk")


# --- the load generator (runs in its own process) --------------------------------------------------------------


def user(n: int) -> dict[str, Any]:
    return {
        "identifiers": {"email": f"bench{n}@example.com", "phone": f"+1500555{n % 10000:04d}"},
        "attributes": {"firstName": f"Bench{n}", "custom": {"visits": n, "vip": n % 2 == 0}},
    }


def encoded_requests(kind: str, host: str, port: int) -> list[bytes]:
    if kind == "upsert":
        path, bodies = "/v2/user/attributes", [user(n) for n in range(DISTINCT_BODIES)]
    else:
        path = "/v2/bulk/user/attributes"
        bodies = [{"users": [user(batch * BULK_USERS + n) for n in range(BULK_USERS)]} for batch in range(8)]
    requests = []
    for body in bodies:
        payload = json.dumps(body, separators=(",", ":")).encode()
        head = (
            f"POST {path} HTTP/1.1\r\nHost: {host}:{port}\r\nAuthorization: Bearer {TOKEN}\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(payload)}\r\n\r\n"
        )
        requests.append(head.encode() + payload)
    return requests


async def read_response(reader: asyncio.StreamReader) -> int:
    status = int((await reader.readline()).split()[1])
    length, chunked = 0, False
    while (line := await reader.readline()) not in (b"\r\n", b""):
        name, _, value = line.partition(b":")
        name = name.strip().lower()
        if name == b"content-length":
            length = int(value)
        elif name == b"transfer-encoding" and b"chunked" in value.lower():
            chunked = True
    if not chunked:
        await reader.readexactly(length)
        return status
    while size := int((await reader.readline()).strip(), 16):
        await reader.readexactly(size + 2)
    await reader.readline()
    return status


async def connection(
    host: str, port: int, requests: list[bytes], offset: int, stop: float, counts: Counter[int]
) -> None:
    reader, writer = await asyncio.open_connection(host, port)
    sent = offset
    try:
        while time.monotonic() < stop:
            writer.write(requests[sent % len(requests)])
            sent += 1
            counts[await read_response(reader)] += 1
    finally:
        writer.close()


async def hammer(host: str, port: int, kind: str, seconds: float) -> dict[str, Any]:
    requests = encoded_requests(kind, host, port)
    warmup: Counter[int] = Counter()
    stop = time.monotonic() + WARMUP_SECONDS
    await asyncio.gather(*(connection(host, port, requests, n, stop, warmup) for n in range(CONNECTIONS)))
    counts: Counter[int] = Counter()
    started = time.monotonic()
    await asyncio.gather(
        *(connection(host, port, requests, n * 7, started + seconds, counts) for n in range(CONNECTIONS))
    )
    elapsed = time.monotonic() - started
    return {"requests": sum(counts.values()), "seconds": elapsed, "statuses": {str(k): v for k, v in counts.items()}}


def load_main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="server_throughput load")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--kind", choices=KINDS, required=True)
    parser.add_argument("--seconds", type=float, default=SECONDS)
    options = parser.parse_args(argv)
    print(json.dumps(asyncio.run(hammer("127.0.0.1", options.port, options.kind, options.seconds))))


# --- the servers ---------------------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def wait_until_listening(port: int, process: subprocess.Popen[bytes], what: str, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{what} exited with status {process.returncode} before listening")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
            return
        time.sleep(0.1)
    raise RuntimeError(f"{what} did not listen on port {port} within {timeout:.0f} s")


@contextlib.contextmanager
def running(command: list[str], port: int, what: str) -> Iterator[None]:
    process = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_until_listening(port, process, what)
        yield
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def our_server(port: int) -> list[str]:
    unlimited = [
        f"--rate-limit={operation}=1000000000" for operation in ("postUserAttributes", "postBulkUserAttributes")
    ]
    code = "from attentive_toolkit.cli.main import main; main()"
    return [sys.executable, "-c", code, "serve", "--port", str(port), *unlimited]


def install_prism() -> Path:
    """Prism from npm into bench/.work/ (never globally); returns its executable. Raises with the reason."""
    executable = PRISM_DIR / "node_modules" / ".bin" / "prism"
    if executable.exists():
        return executable
    npm = shutil.which("npm")
    if npm is None:
        raise RuntimeError("npm is not on PATH (Prism needs Node.js and npm)")
    PRISM_DIR.mkdir(parents=True, exist_ok=True)
    result = subprocess.run(
        [npm, "install", "--prefix", str(PRISM_DIR), "--no-audit", "--no-fund", "--loglevel=error", PRISM_PACKAGE],
        capture_output=True,
        text=True,
        timeout=600,
    )
    if result.returncode != 0 or not executable.exists():
        raise RuntimeError(f"npm install {PRISM_PACKAGE} failed: {(result.stderr or result.stdout).strip()[-500:]}")
    return executable


def prism_server(executable: Path, spec: Path, port: int) -> list[str]:
    return [str(executable), "mock", str(spec), "--port", str(port), "--host", "127.0.0.1", "-v", "silent"]


def measure(port: int, kind: str) -> dict[str, Any]:
    command = [sys.executable, "-m", "bench.server_throughput", "load", "--port", str(port), "--kind", kind]
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=True)
    measured: dict[str, Any] = json.loads(result.stdout)
    measured["rps"] = measured["requests"] / measured["seconds"]
    return measured


def describe(measured: dict[str, Any]) -> str:
    statuses = ", ".join(f"{status}: {count}" for status, count in sorted(measured["statuses"].items()))
    return f"{measured['rps']:8.1f} req/s  ({statuses})"


def all_accepted(measured: dict[str, Any]) -> bool:
    return set(measured["statuses"]) == {"202"}


def reset_ours(port: int) -> None:
    """Drop our server's state and job backlog, so no measurement pays for the work an earlier one queued."""
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/_sandbox/reset", method="POST", headers={"Authorization": f"Bearer {TOKEN}"}
    )
    with urllib.request.urlopen(request, timeout=60) as answer:
        answer.read()


def median_run(runs: list[dict[str, Any]]) -> dict[str, Any]:
    statuses: Counter[str] = Counter()
    for measured in runs:
        statuses.update(measured["statuses"])
    return {"rps": statistics.median(measured["rps"] for measured in runs), "statuses": dict(statuses)}


def run() -> None:
    from attentive_toolkit.spec.effective import load_effective_spec, render_spec

    WORK.mkdir(parents=True, exist_ok=True)
    spec = WORK / "effective-openapi.json"
    spec.write_text(render_spec(load_effective_spec()), encoding="utf-8")
    print(
        f"{CONNECTIONS} keep-alive connections from a separate process; median of {ROUNDS} alternating "
        f"{SECONDS:.0f} s runs per server"
    )
    try:
        executable: Path | None = install_prism()
    except (RuntimeError, OSError, subprocess.SubprocessError) as exc:
        executable = None
        print(f"Prism {PRISM_PACKAGE.rsplit('@', 1)[-1]} unavailable, no ratio: {exc}")

    ours: dict[str, list[dict[str, Any]]] = {kind: [] for kind in KINDS}
    prism: dict[str, list[dict[str, Any]]] = {kind: [] for kind in KINDS}
    our_port, prism_port = free_port(), free_port()
    with contextlib.ExitStack() as servers:
        servers.enter_context(running(our_server(our_port), our_port, "attentive serve"))
        if executable is not None:
            servers.enter_context(running(prism_server(executable, spec, prism_port), prism_port, "prism mock"))
        for _ in range(ROUNDS):
            for kind in KINDS:
                reset_ours(our_port)
                ours[kind].append(measure(our_port, kind))
                reset_ours(our_port)
                if executable is not None:
                    prism[kind].append(measure(prism_port, kind))

    labels = {"upsert": "single upsert", "bulk": f"bulk submit ({BULK_USERS} users)"}
    for kind in KINDS:
        mine = median_run(ours[kind])
        print(f"{labels[kind]:>26}  attentive serve {describe(mine)}")
        if prism[kind]:
            theirs = median_run(prism[kind])
            print(f"{'':>26}  prism mock      {describe(theirs)}")
            valid = all_accepted(mine) and all_accepted(theirs)
            note = "" if valid else "  (not every answer was 202: compare with care)"
            print(f"{'':>26}  ratio attentive/prism: {mine['rps'] / theirs['rps']:.2f}x (target >= 1x){note}")


if __name__ == "__main__":
    if sys.argv[1:2] == ["load"]:
        load_main(sys.argv[2:])
    else:
        run()
