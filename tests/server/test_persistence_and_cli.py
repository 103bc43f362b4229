"""State in a ``--db`` file survives a restart; the CLI prints its URL and never a user's token."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
from click.testing import CliRunner

from attentive_toolkit.cli.main import cli
from attentive_toolkit.server.runner import running_server
from attentive_toolkit.server.settings import ServerSettings

from .conftest import AUTH

SECRET = "s3cret-token-value"


def test_a_restart_with_the_same_db_keeps_users_and_jobs(tmp_path: Path) -> None:
    settings = ServerSettings(db_path=tmp_path / "state.sqlite3", run_jobs_in_background=False)
    with running_server(settings) as base_url, httpx.Client(base_url=base_url, headers=AUTH) as http:
        http.post("/v2/user/attributes", json={"identifiers": {"email": "ada@example.com"}})
        http.post("/v2/user/attributes", json={"identifiers": {"email": "ada@example.com", "phone": "+15005550006"}})
        job_id = http.post("/v2/bulk/user/attributes", json={"users": [{"identifiers": {"email": "b@x.io"}}]}).json()[
            "batchJobId"
        ]

    with running_server(settings) as base_url, httpx.Client(base_url=base_url, headers=AUTH) as http:
        [user] = http.get("/_sandbox/users", params={"phone": "+15005550006"}).json()["users"]
        assert user["identifiers"]["email"] == "ada@example.com"
        assert http.get(f"/v2/bulk/job/{job_id}").json()["status"] == "PENDING"


@contextmanager
def serve(*args: str) -> Iterator[tuple[str, list[str]]]:
    """``attentive serve`` in a child process; yields its base URL and the lines it printed before it."""
    command = [sys.executable, "-c", "from attentive_toolkit.cli.main import main; main()", "serve", "--port", "0"]
    process = subprocess.Popen(
        [*command, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    assert process.stdout is not None
    try:
        printed = [process.stdout.readline() for _ in range(3)]
        base_url = printed[0].rsplit(" ", 1)[-1].strip()
        assert base_url.startswith("http://127.0.0.1:"), printed
        yield base_url, printed
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_attentive_serve_with_db_keeps_state_across_a_restart(tmp_path: Path) -> None:
    database = str(tmp_path / "served.sqlite3")
    body = {"identifiers": {"email": "ada@example.com", "phone": "+15005550006"}}
    with serve("--db", database, "--token", SECRET) as (base_url, printed):
        assert SECRET not in "".join(printed)
        assert "redacted" in printed[1]
        answer = httpx.post(f"{base_url}/v2/user/attributes", json=body, headers={"Authorization": f"Bearer {SECRET}"})
        assert answer.status_code == 202
        assert httpx.get(f"{base_url}/v2/me", headers=AUTH).status_code == 401

    with serve("--db", database) as (base_url, printed):
        assert "dev-token" in printed[1]
        found = httpx.get(f"{base_url}/_sandbox/users", params={"phone": "+15005550006"}, headers=AUTH)
        assert len(found.json()["users"]) == 1


def test_serve_refuses_a_non_loopback_host_and_a_bad_fault() -> None:
    runner = CliRunner()

    wide = runner.invoke(cli, ["serve", "--host", "0.0.0.0"])
    fault = runner.invoke(cli, ["serve", "--fault", "getMeV2:rate500=7"])

    assert wide.exit_code == 2 and "loopback" in wide.output
    assert fault.exit_code == 2 and "/operations/getMeV2/rate500" in fault.output


def test_a_fault_file_that_is_not_an_object_is_a_clear_error(tmp_path: Path) -> None:
    for name, text, problem in [
        ("list.json", "[1, 2]", "the fault configuration must be a JSON object"),
        ("ops.json", '{"operations": []}', "/operations must be an object"),
    ]:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        result = CliRunner().invoke(cli, ["serve", "--faults", str(path), "--fault", "getMeV2:rate500=0.5"])
        assert result.exit_code == 2, result.output
        assert problem in result.output


def test_the_server_serves_on_the_ipv6_loopback() -> None:
    with running_server(ServerSettings(), host="::1") as base_url, httpx.Client(base_url=base_url) as http:
        assert base_url.startswith("http://[::1]:")
        assert http.get("/v2/me", headers=AUTH).status_code == 200


def test_jobs_left_pending_by_a_previous_run_are_resumed(tmp_path: Path) -> None:
    database = tmp_path / "state.sqlite3"
    parked = ServerSettings(db_path=database, run_jobs_in_background=False)
    with running_server(parked) as base_url, httpx.Client(base_url=base_url, headers=AUTH) as http:
        body = {"users": [{"identifiers": {"email": f"u{n}@x.io"}} for n in range(40)]}
        job_id = http.post("/v2/bulk/user/attributes", json=body).json()["batchJobId"]

    with running_server(ServerSettings(db_path=database)) as base_url, httpx.Client(base_url=base_url) as http:
        # Bounded polling, no sleeping: each answer gives the server's loop a turn to run the worker.
        for _ in range(500):
            status = http.get(f"/v2/bulk/job/{job_id}", headers=AUTH).json()
            if status["status"] == "COMPLETED":
                break
        assert status["status"] == "COMPLETED"
        assert len(http.get(status["url"]).text.splitlines()) == 40
