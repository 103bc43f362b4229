"""What one bulk submit costs the importer's process in HTTP alone, beside the cheapest way to send it: CPU per
request of the same 256-record body (the bulk_import benchmark's records, ~40 KB) posted one after another to a
minimal HTTP/1.1 server in another process (it reads the body and answers 202 at once), by

- an asyncio stream writing the request bytes by hand and reading the answer (no HTTP library: the floor);
- ``httpx.AsyncClient`` (httpcore over anyio), as the generated client holds it;
- the runtime's single attempt, ``BaseClient.send_once_async``, which the importer sends each batch with.

Rounds alternate between the three, and the ratios compare rounds run back to back. Divided by 256, each figure is
that way's share of the importer's CPU per record (the bulk_import benchmark's target is 15 us per record for
everything: reading, checking, batching, sending and journalling). Sequential requests, so the pool holds one
connection; the importer's concurrent ones cost more each (its pacer's waits, more connections to check).
"""

from __future__ import annotations

import asyncio
import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable

import httpx
from attentive_client import AuthenticatedClient
from attentive_client.runtime.bulk_jobs import SUBMIT_OPERATION
from attentive_client.runtime.calls import EncodedJson

from bench.bulk_import import _record

USERS = 256
ROUNDS = 7
REQUESTS_PER_ROUND = 60
PATH = "/v2/bulk/user/attributes"
# Reads each request's head and body, answers 202 with a job id; prints its port, runs until stdin closes.
SERVER = r"""
import asyncio, sys
ANSWER = b'{"batchJobId":"job-1"}'
HEAD = b"HTTP/1.1 202 Accepted\r\ncontent-type: application/json\r\ncontent-length: %d\r\n\r\n" % len(ANSWER)
async def serve(reader, writer):
    try:
        while True:
            head = await reader.readuntil(b"\r\n\r\n")
            fields = head.lower().split(b"\r\n")
            length = next(int(field.split(b":")[1]) for field in fields if field.startswith(b"content-length:"))
            await reader.readexactly(length)
            writer.write(HEAD + ANSWER)
    except (asyncio.IncompleteReadError, ConnectionError):
        writer.close()
async def main():
    server = await asyncio.start_server(serve, "127.0.0.1", 0)
    print(server.sockets[0].getsockname()[1], flush=True)
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)
asyncio.run(main())
"""

Send = Callable[[], Awaitable[object]]


async def _raw_sender(port: int, body: bytes) -> tuple[Send, Callable[[], None]]:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    request = (
        f"POST {PATH} HTTP/1.1\r\nhost: 127.0.0.1:{port}\r\nauthorization: Bearer bench\r\n"
        f"content-type: application/json\r\ncontent-length: {len(body)}\r\n\r\n"
    ).encode() + body

    async def send() -> object:
        writer.write(request)
        head = await reader.readuntil(b"\r\n\r\n")
        length = next(int(line.split(b":")[1]) for line in head.split(b"\r\n") if line.startswith(b"content-length:"))
        return await reader.readexactly(length)

    return send, writer.close


def _httpx_sender(http: httpx.AsyncClient, body: bytes) -> Send:
    headers = {"content-type": "application/json"}

    async def send() -> object:
        response = await http.post(PATH, content=body, headers=headers)
        return response.json()

    return send


def _runtime_sender(client: AuthenticatedClient, encoded: EncodedJson) -> Send:
    async def send() -> object:
        return await client.send_once_async(SUBMIT_OPERATION, body=encoded)

    return send


async def _round(send: Send) -> float:
    started = time.process_time()
    for _ in range(REQUESTS_PER_ROUND):
        await send()
    return (time.process_time() - started) / REQUESTS_PER_ROUND


async def measure(port: int) -> dict[str, list[float]]:
    users = [_record(index) for index in range(USERS)]
    body = json.dumps({"users": users}, separators=(",", ":")).encode()
    base_url = f"http://127.0.0.1:{port}"
    raw, close_raw = await _raw_sender(port, body)
    async with (
        httpx.AsyncClient(base_url=base_url, headers={"authorization": "Bearer bench"}) as http,
        AuthenticatedClient(base_url=base_url, token="bench") as client,
    ):
        senders = {
            "asyncio stream, request by hand": raw,
            "httpx.AsyncClient": _httpx_sender(http, body),
            "runtime send_once_async": _runtime_sender(client, EncodedJson({"users": users}, body)),
        }
        for send in senders.values():  # warm-up: connections, the spec, imports on first use
            for _ in range(10):
                await send()
        samples: dict[str, list[float]] = {name: [] for name in senders}
        for _ in range(ROUNDS):
            for name, send in senders.items():
                samples[name].append(await _round(send))
    close_raw()
    return samples


def _load() -> str:
    one, five, _ = os.getloadavg()
    return f"load average {one:.1f} (1 min), {five:.1f} (5 min) on {os.cpu_count()} cores"


def run() -> None:
    server = subprocess.Popen([sys.executable, "-c", SERVER], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert server.stdout is not None
        port = int(server.stdout.readline())
        before = _load()
        samples = asyncio.run(measure(port))
    finally:
        server.terminate()
        server.wait()
    print(
        f"-- {before} before, {_load()} after; {USERS} records a request, {REQUESTS_PER_ROUND * ROUNDS} requests each"
    )
    floor = samples["asyncio stream, request by hand"]
    for name, values in samples.items():
        seconds = statistics.median(values)
        ratio = statistics.median(v / f for v, f in zip(values, floor, strict=True))
        print(
            f"{name:<33} {seconds * 1e6:7.0f} us CPU/request = {seconds / USERS * 1e6:5.2f} us/record   "
            f"{ratio:5.1f}x the hand-written request"
        )
