"""Hostile HTTP on loopback: oversized and slow bodies, slow headers, too many connections, a stop while a request
hangs, and the sandbox's guards (token, Host, cross-site writes, signed results links).

Attacks that need a real listener run ``attentive serve`` as a child process, whose peak RSS (``VmHWM``) is read
from ``/proc`` and printed on every run (``PEAK RSS under ...``)."""

from __future__ import annotations

import asyncio
import contextlib
import os
import queue
import signal
import socket
import subprocess
import sys
import threading
import time
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from attentive_client import AuthenticatedClient
from attentive_client.runtime import REDACTED, ApiSpec
from attentive_client.runtime.bulk_jobs import results_location
from attentive_client.runtime.spec import SAFE_METHODS
from click.testing import CliRunner
from starlette.exceptions import StarletteDeprecationWarning

from attentive_toolkit.bulk.exchange import download
from attentive_toolkit.cli.main import cli
from attentive_toolkit.conformance.documented import fetch_results
from attentive_toolkit.server.app import create_app
from attentive_toolkit.server.runner import running_server, serving_app
from attentive_toolkit.server.security import NotLoopback
from attentive_toolkit.server.settings import DEV_TOKEN, ServerSettings
from attentive_toolkit.spec.effective import load_effective_spec

from ..conformance.broken import Breaker, Exchange
from .conftest import AUTH, EVERY_SCOPE, FakeTime

with warnings.catch_warnings():
    warnings.simplefilter("ignore", StarletteDeprecationWarning)
    from starlette.testclient import TestClient

REPO = Path(__file__).resolve().parents[2]
MIB = 1024 * 1024
# Bounds for waiting on the server: generous, never a timing assumption (each wait ends on an event).
WAIT_SECONDS = 30
needs_proc = pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads peak RSS from /proc")


# ---------------------------------------------------------------------------------------------- child server


@dataclass
class Served:
    process: subprocess.Popen[str]
    port: int
    output: list[str]

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def status_kib(self, field: str) -> int:
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
        raise AssertionError(f"no {field} in /proc/{self.process.pid}/status")

    def peak_rss_mib(self) -> float:
        return self.status_kib("VmHWM") / 1024

    def connect(self) -> socket.socket:
        sock = socket.create_connection(("127.0.0.1", self.port), timeout=WAIT_SECONDS)
        return sock


@contextmanager
def served(*args: str) -> Iterator[Served]:
    """``attentive serve --port 0 ARGS`` in a child process; its output is collected by a thread."""
    command = [sys.executable, "-c", "from attentive_toolkit.cli.main import main; main()", "serve", "--port", "0"]
    process = subprocess.Popen(
        [*command, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    lines: queue.Queue[str] = queue.Queue()
    output: list[str] = []

    def drain() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            output.append(line)
            lines.put(line)

    threading.Thread(target=drain, daemon=True).start()
    try:
        first = lines.get(timeout=WAIT_SECONDS)
        assert first.startswith("Attentive reference server: http://127.0.0.1:"), first
        server = Served(process, int(first.rsplit(":", 1)[1]), output)
        # The socket listens before the URL is printed; this first answer also warms the app up.
        # (Not /v2/me: a test may have made it hang on purpose.)
        assert httpx.get(f"{server.base_url}/_sandbox/clock", headers=AUTH, timeout=WAIT_SECONDS).status_code == 200
        yield server
    finally:
        if process.poll() is None:
            process.terminate()
        process.wait(timeout=WAIT_SECONDS)


def read_answer(sock: socket.socket) -> bytes:
    """Everything the server sends until it closes the connection (a reset counts as closed)."""
    received = b""
    try:
        while chunk := sock.recv(65536):
            received += chunk
    except ConnectionResetError:
        pass
    return received


def status_of(answer: bytes) -> int | None:
    if not answer.startswith(b"HTTP/1.1 "):
        return None
    return int(answer[9:12])


# ---------------------------------------------------------------------------------------------- body limit


def test_a_declared_content_length_over_the_cap_is_refused_before_the_body() -> None:
    with served() as server, server.connect() as sock:
        head = f"POST /v2/bulk/user/attributes HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: {200 * MIB}\r\n"
        sock.sendall(head.encode() + b"Authorization: Bearer dev-token\r\nContent-Type: application/json\r\n\r\n")
        # Not a byte of the body is sent: the answer must come from the headers alone.
        answer = read_answer(sock)

    assert status_of(answer) == 413, answer[:300]
    cap = ApiSpec.from_document(load_effective_spec()).operation("postBulkUserAttributes").max_body_bytes
    assert f"{cap} bytes (4 MiB)".encode() in answer
    assert b"x-max-body-bytes" in answer


def test_a_streamed_body_over_a_configured_cap_is_refused_with_the_limit() -> None:
    def chunks() -> Iterator[bytes]:
        yield b'{"users": ['
        for _ in range(100):
            yield b'{"identifiers": {"email": "a@example.com"}},'

    with bare_client(max_body_bytes=1000) as client:
        refused = client.post("/v2/bulk/user/attributes", content=chunks(), headers=AUTH)
        small = client.post("/v2/user/attributes", json={"identifiers": {"email": "a@example.com"}}, headers=AUTH)

    assert refused.status_code == 413
    assert "limit of 1000 bytes" in refused.json()["message"]
    assert small.status_code == 202


def test_a_client_sending_a_big_body_anyway_reads_the_413() -> None:
    """The server stops reading and closes; an HTTP client that keeps sending still gets the answer."""
    headers = {**AUTH, "Content-Type": "application/json"}

    def chunks() -> Iterator[bytes]:
        for _ in range(20):
            yield b"x" * MIB

    with running_server() as base_url, httpx.Client(base_url=base_url, headers=headers, timeout=WAIT_SECONDS) as http:
        declared = http.post("/v2/user/attributes", content=b"x" * (20 * MIB))
        streamed = http.post("/v2/bulk/user/attributes", content=chunks())

    assert [declared.status_code, streamed.status_code] == [413, 413]
    assert "Content-Length of 20971520 bytes exceeds the limit of 4194304 bytes" in declared.json()["message"]
    assert "the request body exceeds the limit of 4194304 bytes" in streamed.json()["message"]


def test_the_cli_sets_the_body_cap() -> None:
    with served("--max-body-bytes", "2048") as server:
        body = {"users": [{"identifiers": {"email": f"user{n}@example.com"}} for n in range(100)]}
        answer = httpx.post(f"{server.base_url}/v2/bulk/user/attributes", json=body, headers=AUTH)
    assert answer.status_code == 413
    assert "limit of 2048 bytes" in answer.json()["message"]


def send_until_refused(sock: socket.socket, head: bytes, chunk: bytes, total: int) -> int:
    """Send ``head`` then up to ``total`` bytes of ``chunk``s until the server stops reading; bytes sent."""
    sock.sendall(head)
    sent = 0
    try:
        while sent < total:
            sock.sendall(chunk)
            sent += len(chunk)
    except (BrokenPipeError, ConnectionResetError):
        pass
    return sent


@pytest.mark.e2e
@needs_proc
def test_memory_stays_bounded_under_a_200_mb_body(capsys: pytest.CaptureFixture[str]) -> None:
    payload = b"x" * (256 * 1024)
    with served() as server:
        before = server.peak_rss_mib()
        # A declared length, the body sent anyway.
        with server.connect() as sock:
            head = f"POST /v2/user/attributes HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: {200 * MIB}\r\n\r\n"
            sent_declared = send_until_refused(sock, head.encode(), payload, 200 * MIB)
        # No declared length: a chunked body, refused once past the cap.
        with server.connect() as sock:
            head = "POST /v2/bulk/user/attributes HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n"
            framed = f"{len(payload):x}\r\n".encode() + payload + b"\r\n"
            sent_chunked = send_until_refused(sock, head.encode(), framed, 200 * MIB)
        after = server.peak_rss_mib()
        still_serving = httpx.get(f"{server.base_url}/v2/me", headers=AUTH).status_code

    with capsys.disabled():  # the figures are quoted: shown on every run, not only with -s
        print(
            f"\nPEAK RSS under a 200 MB body: {after:.1f} MiB (before the attack {before:.1f} MiB, "
            f"+{after - before:.1f} MiB); the server stopped reading after {sent_declared / MIB:.1f} MiB "
            f"(Content-Length) and {sent_chunked / MIB:.1f} MiB (chunked)"
        )
    assert sent_declared < 200 * MIB and sent_chunked < 200 * MIB, "the server read the whole 200 MB"
    assert after - before < 64, f"peak RSS grew by {after - before:.1f} MiB"
    assert still_serving == 200


# ---------------------------------------------------------------------------------------------- slow clients


def test_a_body_that_stops_arriving_gets_408() -> None:
    with served("--body-timeout", "0.5") as server, server.connect() as sock:
        head = b"POST /v2/user/attributes HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 100\r\n\r\n"
        sock.sendall(head + b'{"identif')
        answer = read_answer(sock)
    assert status_of(answer) == 408, answer[:300]
    assert b"did not arrive within 0.5 seconds" in answer


def test_headers_over_the_size_cap_get_431() -> None:
    with served() as server, server.connect() as sock:
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            sock.sendall(b"GET /v2/me HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Pad: " + b"a" * (128 * 1024))
        answer = read_answer(sock)
    assert status_of(answer) == 431, answer[:300]


def answered_once(sock: socket.socket) -> socket.socket:
    """A keep-alive connection that has had one answer: the server has surely accepted and counted it."""
    sock.sendall(b"GET /_sandbox/clock HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer dev-token\r\n\r\n")
    received = b""
    while not received.endswith(b"}"):
        chunk = sock.recv(65536)
        assert chunk, f"closed after {received!r}"
        received += chunk
    return sock


def test_connections_over_the_cap_are_refused_with_503() -> None:
    with served("--max-connections", "2") as server:
        held = [answered_once(server.connect()) for _ in range(2)]
        with server.connect() as extra:
            answer = read_answer(extra)
        for sock in held:
            sock.close()
    assert status_of(answer) == 503, answer[:300]
    assert b"too many open connections (the limit is 2)" in answer


@pytest.mark.e2e
@needs_proc
def test_200_slowloris_connections_are_closed_and_memory_stays_bounded(capsys: pytest.CaptureFixture[str]) -> None:
    partial = b"GET /v2/me HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Pad: " + b"a" * (32 * 1024)
    # 2 s: ample for the server to accept all 200 sockets before the first deadline, even on a busy machine.
    with served("--header-timeout", "2") as server:
        before = server.peak_rss_mib()
        sockets = [server.connect() for _ in range(200)]
        for sock in sockets:
            # The headers never end. A socket over the connection cap may be refused before this is sent.
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                sock.sendall(partial)
        answers = [read_answer(sock) for sock in sockets]
        for sock in sockets:
            sock.close()
        after = server.peak_rss_mib()
        still_serving = httpx.get(f"{server.base_url}/v2/me", headers=AUTH).status_code

    timed_out = sum(status_of(answer) == 408 for answer in answers)
    refused = len(answers) - timed_out
    with capsys.disabled():
        print(
            f"\nPEAK RSS under 200 slow connections: {after:.1f} MiB (before the attack {before:.1f} MiB, "
            f"+{after - before:.1f} MiB); {timed_out} closed with 408 after the header timeout, {refused} refused "
            "at once (connection cap 100)"
        )
    # Every socket was closed by the server (read_answer returned), none kept open.
    assert timed_out <= 100, "more connections held than the cap allows"
    assert all(status_of(answer) in (408, 503, None) for answer in answers)
    assert b"did not arrive within 2 seconds" in next(answer for answer in answers if status_of(answer) == 408)
    assert after - before < 64, f"peak RSS grew by {after - before:.1f} MiB"
    assert still_serving == 200


# ---------------------------------------------------------------------------------------------- stopping


@pytest.mark.e2e
@pytest.mark.parametrize("stop", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_a_signal_stops_the_server_with_a_request_hanging_and_exit_0(stop: signal.Signals) -> None:
    latency = ("--fault", "getMeV2:latencyRate=1", "--fault", "getMeV2:latencySeconds=600")
    with served(*latency, "--shutdown-timeout", "2") as server, server.connect() as hanging:
        hanging.sendall(b"GET /v2/me HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer dev-token\r\n\r\n")
        # Answered after the hanging request was read (one loop, requests in arrival order): it is pending now.
        assert httpx.get(f"{server.base_url}/_sandbox/faults", headers=AUTH).status_code == 200
        started = time.monotonic()
        server.process.send_signal(stop)
        returncode = server.process.wait(timeout=WAIT_SECONDS)
        took = time.monotonic() - started
        output = "".join(server.output)

    print(f"\n{stop.name}: stopped in {took:.1f} s with a 600 s request pending")
    assert returncode == 0, output
    assert took < 10, f"{stop.name} took {took:.1f} s to stop the server"
    assert "Traceback" not in output and "Aborted!" not in output


def test_a_busy_port_is_one_clear_line() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = CliRunner().invoke(cli, ["serve", "--port", str(port)])

    assert result.exit_code != 0
    lines = result.output.strip().splitlines()
    assert lines == [f"Error: port {port} on 127.0.0.1 is already in use; stop what is using it, or pick another "
                     "with --port (--port 0 picks a free one)"]  # fmt: skip
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_the_library_runner_refuses_a_non_loopback_bind_like_the_cli() -> None:
    with pytest.raises(NotLoopback) as refused, running_server(host="0.0.0.0"):
        pass
    from_cli = CliRunner().invoke(cli, ["serve", "--host", "0.0.0.0"])

    assert from_cli.exit_code == 2
    assert str(refused.value) in from_cli.output
    with running_server(host="localhost") as base_url:
        assert httpx.get(f"{base_url}/v2/me", headers=AUTH).status_code == 200


# ---------------------------------------------------------------------------------------------- the sandbox


def bare_client(fake_time: FakeTime | None = None, **overrides: Any) -> TestClient:
    """An in-process client that adds no token anywhere, on a loopback Host."""
    if fake_time is not None:
        overrides.setdefault("clock", lambda: fake_time.wall)
    settings = ServerSettings(run_jobs_in_background=False, **overrides)
    return TestClient(create_app(settings), base_url="http://127.0.0.1", raise_server_exceptions=False)


def test_the_sandbox_needs_a_token_the_server_accepts() -> None:
    with bare_client(tokens={"sandbox-secret": frozenset()}) as client:
        missing = client.get("/_sandbox/users")
        wrong = client.get("/_sandbox/users", headers=AUTH)
        accepted = client.get("/_sandbox/users", headers={"Authorization": "Bearer sandbox-secret"})
        reset = client.post("/_sandbox/reset")

    assert [missing.status_code, wrong.status_code, reset.status_code] == [401, 401, 401]
    assert "/_sandbox/ needs a token" in missing.json()["message"]
    assert accepted.status_code == 200


def test_bulk_results_are_a_signed_link_that_works_without_a_token_until_it_expires() -> None:
    fake_time = FakeTime()
    with bare_client(fake_time) as client:
        body = {"users": [{"identifiers": {"email": "a@example.com"}}]}
        job_id = client.post("/v2/bulk/user/attributes", json=body, headers=AUTH).json()["batchJobId"]
        client.post("/_sandbox/jobs/run", headers=AUTH)
        link = client.get(f"/v2/bulk/job/{job_id}", headers=AUTH).json()["url"]
        plain = link.split("?", 1)[0]

        fetched = client.get(link)  # no token
        unsigned = client.get(plain, headers=AUTH)  # a token is no substitute for the signature
        forged = client.get(link[:-4] + ("0000" if not link.endswith("0000") else "1111"))
        other_job = client.get(link.replace(job_id, "0" * len(job_id)))
        fake_time.advance(3600)
        expired = client.get(link)
        fresh = client.get(client.get(f"/v2/bulk/job/{job_id}", headers=AUTH).json()["url"])

    assert fetched.status_code == 200 and fetched.text.count("\n") == 1
    assert [unsigned.status_code, forged.status_code, other_job.status_code] == [403, 403, 403]
    assert "not signed" in unsigned.json()["message"] and "does not match" in forged.json()["message"]
    assert expired.status_code == 403 and "expired" in expired.json()["message"]
    assert fresh.status_code == 200


def test_the_sandbox_clock_expires_links_too() -> None:
    with bare_client(FakeTime()) as client:
        body = {"users": [{"identifiers": {"email": "a@example.com"}}]}
        job_id = client.post("/v2/bulk/user/attributes", json=body, headers=AUTH).json()["batchJobId"]
        client.post("/_sandbox/jobs/run", headers=AUTH)
        link = client.get(f"/_sandbox/jobs/{job_id}", headers=AUTH).json()["url"]
        client.post("/_sandbox/clock", json={"advanceSeconds": 3600}, headers=AUTH)
        assert client.get(link).status_code == 403


@pytest.mark.parametrize(
    ("host", "status"),
    [
        ("evil.example", 421),
        ("evil.example:8080", 421),
        ("127.0.0.1.evil.example", 421),
        ("localhost:8080", 200),
        ("localhost.:8080", 200),
        ("127.0.0.5", 200),
        ("[::1]:8080", 200),
        ("sandbox.test:8080", 200),
    ],
)
def test_only_loopback_or_configured_host_names_are_answered(host: str, status: int) -> None:
    with bare_client(allowed_hosts=("sandbox.test",)) as client:
        response = client.get("/v2/me", headers={**AUTH, "Host": host})
    assert response.status_code == status
    if status == 421:
        assert "DNS rebinding" in response.json()["message"] and "--allowed-host" in response.json()["message"]


def stored_emails(client: TestClient) -> list[str]:
    users = client.get("/_sandbox/users", headers=AUTH).json()["users"]
    return [user["identifiers"]["email"] for user in users]


@pytest.mark.parametrize(
    ("headers", "status"),
    [
        # The attack from the report: a cross-site simple request.
        ({"Origin": "http://evil.example", "Content-Type": "text/plain"}, 401),
        ({**AUTH, "Origin": "http://evil.example", "Content-Type": "application/json"}, 403),
        ({**AUTH, "Origin": "null"}, 403),
        ({**AUTH, "Content-Type": "text/plain"}, 415),
        ({**AUTH, "Content-Type": "application/x-www-form-urlencoded"}, 415),
        ({**AUTH, "Content-Type": "multipart/form-data; boundary=x"}, 415),
    ],
    ids=["no token", "foreign origin", "opaque origin", "text/plain", "form", "multipart"],
)
def test_cross_site_writes_to_the_sandbox_are_refused(headers: dict[str, str], status: int) -> None:
    with bare_client() as client:
        client.post("/v2/user/attributes", json={"identifiers": {"email": "a@example.com"}}, headers=AUTH)
        refused = client.post("/_sandbox/reset", content=b"{}", headers=headers)
        kept = stored_emails(client)
    assert refused.status_code == status
    assert kept == ["a@example.com"]


@pytest.mark.parametrize("method", sorted(method.upper() for method in SAFE_METHODS))
def test_a_safe_method_passes_the_cross_site_guard_and_changes_nothing(method: str) -> None:
    """The guard skips its Origin check for the runtime's safe methods: none of them may reset the sandbox."""
    with bare_client() as client:
        client.post("/v2/user/attributes", json={"identifiers": {"email": "a@example.com"}}, headers=AUTH)
        answer = client.request(method, "/_sandbox/reset", headers={**AUTH, "Origin": "http://evil.example"})
        kept = stored_emails(client)
    assert answer.status_code == 405
    assert kept == ["a@example.com"]


def test_a_same_machine_page_and_a_script_may_write_to_the_sandbox() -> None:
    with bare_client() as client:
        client.post("/v2/user/attributes", json={"identifiers": {"email": "a@example.com"}}, headers=AUTH)
        from_page = client.post("/_sandbox/reset", json={}, headers={**AUTH, "Origin": "http://localhost:3000"})
        client.post("/v2/user/attributes", json={"identifiers": {"email": "b@example.com"}}, headers=AUTH)
        from_script = client.post("/_sandbox/reset", headers=AUTH)  # no body, no Origin: curl, httpx
        left = stored_emails(client)
    assert [from_page.status_code, from_script.status_code] == [200, 200]
    assert left == []


# ---------------------------------------------------------------------------------------------- conformance suite

USER_TOKEN = "users-own-token-5f1d9c"


def run_conformance(tmp_path: Path, *args: str, base_url: str | None = None) -> tuple[int, str]:
    """The conformance suite in a subprocess, as a user runs it, with ``USER_TOKEN`` in ATTENTIVE_API_TOKEN."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("ATTENTIVE_")}
    env.update(ATTENTIVE_API_TOKEN=USER_TOKEN, ATTENTIVE_REPORT_DIR=str(tmp_path / "reports"))
    env.update(ATTENTIVE_MAX_EXAMPLES="5", ATTENTIVE_OPERATIONS="getMeV2", ATTENTIVE_PHASES="examples,fuzzing")
    if base_url is not None:
        env.update(ATTENTIVE_BASE_URL=base_url, ATTENTIVE_REFERENCE_SERVER="1")
    command = [sys.executable, "-m", "pytest", "conformance_tests", "-p", "no:cacheprovider", "-q", *args]
    done = subprocess.run(
        command, cwd=REPO, env=env, capture_output=True, text=True, timeout=300, check=False
    )  # fmt: skip
    return done.returncode, done.stdout + done.stderr


def everything_written(folder: Path) -> str:
    return "".join(path.read_text(encoding="utf-8") for path in sorted(folder.rglob("*")) if path.is_file())


@pytest.mark.e2e
def test_the_embedded_conformance_server_accepts_the_users_token(tmp_path: Path) -> None:
    returncode, output = run_conformance(tmp_path)

    assert returncode == 0, output
    assert "rejected the API token" not in output
    assert USER_TOKEN not in output + everything_written(tmp_path)


def echo_token(exchange: Exchange) -> None:
    """A careless server: ``GET /v2/me`` answers with the caller's Authorization header (and a wrong type)."""
    if exchange.method == "GET" and exchange.path == "/v2/me" and exchange.status == 200:
        exchange.set_json({"companyName": 42, "echo": exchange.request_headers.get("authorization", "")})


@pytest.mark.e2e
def test_the_suite_scrubs_an_echoed_token_from_the_terminal_and_a_junit_file_anywhere(tmp_path: Path) -> None:
    junit = tmp_path / "elsewhere" / "results.xml"
    junit.parent.mkdir()
    app = Breaker(create_app(ServerSettings(tokens={USER_TOKEN: EVERY_SCOPE})), mutate=echo_token)
    with serving_app(app) as url:
        returncode, output = run_conformance(tmp_path, f"--junitxml={junit}", "-rA", base_url=url)
    written = junit.read_text(encoding="utf-8")

    assert returncode == 1, output  # the wrong type was caught...
    assert REDACTED in output and REDACTED in written  # ...and the echoed token shown redacted,
    assert USER_TOKEN not in output  # on the terminal,
    assert USER_TOKEN not in written  # in a JUnit file outside the report folder,
    assert USER_TOKEN not in everything_written(tmp_path / "reports")  # and in the reports.


def test_the_importer_and_the_suite_fetch_a_signed_link_on_another_origin_without_the_token() -> None:
    """Both send the token only to the API's own origin; a link elsewhere (here: the API is addressed as
    localhost, the link names 127.0.0.1) must work on its signature alone."""
    with running_server(ServerSettings(run_jobs_in_background=False)) as base_url, httpx.Client() as http:
        body = {"users": [{"identifiers": {"email": "a@example.com"}}, {"identifiers": {"email": "b@example.com"}}]}
        job_id = http.post(f"{base_url}/v2/bulk/user/attributes", json=body, headers=AUTH).json()["batchJobId"]
        http.post(f"{base_url}/_sandbox/jobs/run", headers=AUTH)
        link = http.get(f"{base_url}/v2/bulk/job/{job_id}", headers=AUTH).json()["url"]
        api_origin = base_url.replace("127.0.0.1", "localhost")
        assert not results_location(api_origin, link)[1]

        with httpx.Client(base_url=api_origin, headers=AUTH) as api:
            records = fetch_results(api, api_origin, link)

        async def download_as_importer() -> httpx.Response:
            client = AuthenticatedClient(base_url=api_origin, token=DEV_TOKEN)
            async with httpx.AsyncClient() as plain:
                return await download(client, link, plain)

        downloaded = asyncio.run(download_as_importer())

    assert len(records) == 2
    assert downloaded.status_code == 200 and downloaded.text.count("\n") == 2
    assert "authorization" not in downloaded.request.headers
