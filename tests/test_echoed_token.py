"""The echoed-token probe: a loopback server that sends the caller's token back in headers, bodies and JSON errors,
and every place a caller can see or keep is searched for it. The token must be found in none of them.

Places: the typed errors (message, ``str``, ``repr``, ``args``, every attribute, a traceback, a pickle and what
unpickles from it, and the exceptions chained to them with their attributes and httpx request), ``BulkJobs``'
results, the log at DEBUG (this client's, httpx's and httpcore's loggers, and the stderr handler
``ATTENTIVE_LOG=debug`` installs), the CLI's output, the importer's files, and the conformance suite's failure
records (exchange, curl line) and the JUnit and report files it scrubs. The detailed functions' ``Response`` is not
a place: it is the raw answer, by contract.
"""

from __future__ import annotations

import asyncio
import io
import json
import logging
import pickle
import socket
import traceback
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import httpx
import pytest
from attentive_client import AuthenticatedClient, errors
from attentive_client.api.bulk_status import get_bulk_job_status
from attentive_client.api.test_authentication_v2 import get_me_v2
from attentive_client.client import LOGGER_NAME
from attentive_client.runtime import BulkJobError, BulkJobs, Redactor, configure_from_environment
from click.testing import CliRunner

from attentive_toolkit.cli.main import cli
from attentive_toolkit.conformance.failures import capture_exchange, render_curl
from attentive_toolkit.conformance.redaction import redact_tree

from .bulk.conftest import user_record, write_lines
from .bulk.test_redaction import OTHER, TOKEN, echoing_server
from .http_stub import QuietHandler, serving
from .logging_state import loggers_restored

WIRE_LOGGERS = (LOGGER_NAME, "httpx", "httpcore")


def echo_everything(request: httpx.Request) -> httpx.Response:
    """The bulk protocol of ``echoing_server``; ``/v2/me`` and unknown job ids refuse and echo the token; and every
    answer carries the token back in its headers, bare and as sent."""
    sent = request.headers["authorization"]
    if request.url.path == "/v2/me":
        body = {"message": f"bad credentials: you sent {sent}", "token": sent.split()[-1], "other": f"Bearer {OTHER}"}
        answer = httpx.Response(401, json=body)
    elif request.method == "POST" and b"nojob@" in request.content:
        answer = httpx.Response(202, json={"message": f"queued for {sent}", "token": sent.split()[-1]})
    elif request.url.path == "/v2/bulk/job/teapot":
        answer = httpx.Response(418, json={"message": f"I am a teapot; you are {sent}", "token": sent.split()[-1]})
    elif request.url.path == "/v2/bulk/job/garbled":
        answer = httpx.Response(200, text=f"not json; token={sent.split()[-1]}")
    else:
        answer = echoing_server(request)
    echoed = [("x-you-sent", sent), ("x-token", sent.split()[-1]), ("set-cookie", f"session={sent.split()[-1]}")]
    echoed.append(("www-authenticate", f'Bearer error="invalid_token", error_description="{sent} is unknown"'))
    return httpx.Response(answer.status_code, headers=[*answer.headers.multi_items(), *echoed], content=answer.content)


class _EchoHandler(QuietHandler):
    protocol_version = "HTTP/1.1"

    def _answer(self) -> None:
        body = self.rfile.read(int(self.headers.get("content-length") or 0))
        host = self.headers["host"]
        request = httpx.Request(self.command, f"http://{host}{self.path}", headers=dict(self.headers), content=body)
        response = echo_everything(request)
        self.send_response(response.status_code)
        for name, value in response.headers.multi_items():
            if name.lower() not in ("content-length", "transfer-encoding", "connection"):
                self.send_header(name, value)
        self.send_header("content-length", str(len(response.content)))
        self.end_headers()
        self.wfile.write(response.content)

    do_GET = do_POST = _answer


@pytest.fixture(scope="module")
def echo_url() -> Iterator[str]:
    with serving(_EchoHandler) as url:
        yield url


@pytest.fixture
def debug_logs() -> Iterator[io.StringIO]:
    """What ``ATTENTIVE_LOG=debug`` writes to stderr (the httpx and httpcore loggers included); undone after."""
    stream = io.StringIO()
    with loggers_restored(*WIRE_LOGGERS):
        configure_from_environment(LOGGER_NAME, {"ATTENTIVE_LOG": "debug"})
        for name in WIRE_LOGGERS:
            for handler in logging.getLogger(name).handlers:
                if getattr(handler, "_attentive", False):
                    handler.setStream(stream)  # type: ignore[attr-defined]
        yield stream


def error_places(prefix: str, error: BaseException) -> dict[str, str]:
    """Everything a caller holding ``error`` can read or keep."""
    places = {
        f"{prefix} str": str(error),
        f"{prefix} repr": repr(error),
        f"{prefix} args": repr(error.args),
        f"{prefix} traceback": "".join(traceback.format_exception(error)),
        f"{prefix} pickle": pickle.dumps(error).decode("latin-1"),
    }
    for name, value in vars(error).items():
        shown = value.multi_items() if isinstance(value, httpx.Headers) else value
        places[f"{prefix}.{name}"] = repr(shown)
    restored = pickle.loads(pickle.dumps(error))
    places[f"{prefix} unpickled"] = repr((type(restored), restored.args, vars(restored)))
    # What it was raised from, or during: a caller can walk there (a JSON decoding error keeps the whole text).
    chained, depth = error.__cause__ or error.__context__, 0
    while chained is not None and depth < 5:
        kept = vars(chained) if hasattr(chained, "__dict__") else {}
        places[f"{prefix} chained {type(chained).__name__}"] = repr((chained.args, kept))
        request = getattr(chained, "_request", None)
        if isinstance(request, httpx.Request):
            places[f"{prefix} chained request"] = repr(request.headers.multi_items())
        chained, depth = chained.__cause__ or chained.__context__, depth + 1
    return places


def closed_port_url() -> str:
    """A loopback address that nothing listens on: the port of a socket just closed."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}"


def client_places(echo_url: str) -> dict[str, str]:
    client = AuthenticatedClient(base_url=echo_url, token=TOKEN, max_retries=0)
    places: dict[str, str] = {}
    with pytest.raises(errors.UnauthorizedError) as unauthorized:
        get_me_v2.sync(client=client)
    places |= error_places("401 error", unauthorized.value)
    with pytest.raises(errors.UnauthorizedError) as unauthorized_async:
        asyncio.run(get_me_v2.asyncio(client=client))
    places |= error_places("401 error (async)", unauthorized_async.value)
    with pytest.raises(errors.MalformedResponseError) as malformed:
        get_bulk_job_status.sync("garbled", client=client)
    places |= error_places("malformed answer error", malformed.value)
    strict = AuthenticatedClient(base_url=echo_url, token=TOKEN, max_retries=0, raise_on_unexpected_status=True)
    with pytest.raises(errors.UnexpectedStatus) as unexpected:
        get_bulk_job_status.sync_detailed("teapot", client=strict)
    places |= error_places("undocumented status error", unexpected.value)
    capped = AuthenticatedClient(base_url=echo_url, token=TOKEN, max_retries=0, max_response_bytes=8)
    with pytest.raises(errors.ResponseTooLargeError) as too_large:
        get_me_v2.sync(client=capped)
    places |= error_places("answer too large error", too_large.value)
    nobody = AuthenticatedClient(base_url=closed_port_url(), token=TOKEN, max_retries=0)
    with pytest.raises(errors.APIConnectionError) as unreachable:
        get_me_v2.sync(client=nobody)
    places |= error_places("connection error", unreachable.value)
    jobs = BulkJobs(client)
    places["BulkJobs results"] = repr(list(jobs.run([user_record(1)])))
    with pytest.raises(BulkJobError) as no_job:
        jobs.submit([{"identifiers": {"email": "nojob@example.com"}}])
    places |= error_places("bulk job error", no_job.value)
    return places


def cli_and_importer_places(echo_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    monkeypatch.setenv("ATTENTIVE_API_TOKEN", TOKEN)
    monkeypatch.setenv("ATTENTIVE_BASE_URL", echo_url)
    runner = CliRunner()
    places = {
        "CLI me": runner.invoke(cli, ["me"]).output,
        "CLI me --json": runner.invoke(cli, ["me", "--json"]).output,
    }
    tmp_path.mkdir()
    refused = user_record(9)
    refused["identifiers"]["email"] = "refused@example.com"
    source = write_lines(tmp_path / "users.jsonl", [json.dumps(user_record(1)), json.dumps(refused)])
    imported = runner.invoke(cli, ["bulk", "import", str(source), "--batch-size", "1", "--json"])
    assert imported.exit_code == 1, imported.output  # one line accepted, one refused by the server
    places["CLI bulk import --json"] = imported.output
    for path in sorted(tmp_path.iterdir()):
        if path != source:
            places[f"importer file {path.name}"] = path.read_bytes().decode("utf-8", "replace")
    return places


def conformance_places(echo_url: str, tmp_path: Path) -> dict[str, str]:
    redactor = Redactor([TOKEN])
    with httpx.Client(base_url=echo_url, headers={"Authorization": f"Bearer {TOKEN}"}) as http:
        answer = http.get("/v2/me")
    request = answer.request
    response = SimpleNamespace(
        request=SimpleNamespace(method=request.method, url=request.url, headers=request.headers, body=request.content),
        headers=answer.headers,
        content=answer.content,
        status_code=answer.status_code,
        message=answer.reason_phrase,
        elapsed=0.0,
    )
    case = SimpleNamespace(as_curl_command=lambda headers: f"curl -H 'Authorization: {headers['authorization']}'")
    reports = tmp_path / "reports"
    reports.mkdir()
    # What the suite writes before it scrubs its report folder and the JUnit file in it.
    (reports / "junit.xml").write_text(f"<failure message='{answer.text}'>{answer.headers}</failure>")
    redact_tree(redactor, reports)
    return {
        "conformance exchange": repr(capture_exchange(response, redactor)),
        "conformance curl": render_curl(case, response, redactor),
        "conformance JUnit": (reports / "junit.xml").read_text(),
    }


def test_the_echoed_token_is_in_no_place_a_caller_can_see_or_keep(
    echo_url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    debug_logs: io.StringIO,
) -> None:
    with caplog.at_level(logging.DEBUG):
        places = client_places(echo_url)
        places |= cli_and_importer_places(echo_url, tmp_path / "import", monkeypatch)
    places |= conformance_places(echo_url, tmp_path)
    places["captured log records (DEBUG, every logger)"] = caplog.text
    places["ATTENTIVE_LOG=debug stderr"] = debug_logs.getvalue()
    assert "httpcore" in places["ATTENTIVE_LOG=debug stderr"]  # the wire log was on, and was searched

    leaks = sorted(name for name, text in places.items() if TOKEN in text or OTHER in text)
    assert leaks == [], f"the token is in {len(leaks)} of {len(places)} places: {leaks}"
