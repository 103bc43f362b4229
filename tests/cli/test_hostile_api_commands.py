"""`attentive me`, `upsert`, `job status` and `oauth sandbox-code` given values they can't use: refused by name
before anything is sent (or, for an answer that isn't a code, with the answer), never a traceback or a drop."""

from __future__ import annotations

from collections.abc import Iterator
from typing import ClassVar

import pytest

from attentive_toolkit.cli.main import cli
from attentive_toolkit.cli.outcome import run

from ..http_stub import QuietHandler, serving

NOWHERE = "http://127.0.0.1:9"  # nothing listens: every case here must stop before sending


def attentive(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    status = run(cli, list(args))
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err and "internal error" not in out + err
    return status, out + err


@pytest.mark.parametrize(
    ("extra", "said"),
    [
        (["--custom", "a=1", "--custom", "a=2"], "Invalid value for --custom: 'a' is given twice"),
        (["--locale", "en-US"], "--sign-up-source-id and --locale describe a subscription: add --subscribe"),
        (["--sign-up-source-id", "src-1"], "--sign-up-source-id and --locale describe a subscription"),
    ],
)
def test_upsert_refuses_flags_it_would_drop(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, extra: list[str], said: str
) -> None:
    monkeypatch.setenv("ATTENTIVE_API_TOKEN", "dev-token")
    status, shown = attentive(capsys, "upsert", "--base-url", NOWHERE, "--email", "a@example.com", *extra)
    assert status == 2 and said in shown


@pytest.mark.parametrize(
    "command",
    [
        ["me"],
        ["job", "status", "job-1"],
        ["oauth", "sandbox-code", "--client-id", "c", "--redirect-uri", "http://127.0.0.1/cb"],
    ],
)
def test_a_token_with_a_line_break_is_refused_before_sending_and_not_shown(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, command: list[str]
) -> None:
    monkeypatch.setenv("ATTENTIVE_API_TOKEN", "secret-part\nsecond-line")
    status, shown = attentive(capsys, *command, "--base-url", NOWHERE)
    assert status == 2 and "ATTENTIVE_API_TOKEN: the token holds a control character" in shown
    assert "secret-part" not in shown and "nothing answers" not in shown


def test_a_job_id_too_long_for_a_url_is_refused_before_sending(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ATTENTIVE_API_TOKEN", "dev-token")
    status, shown = attentive(capsys, "job", "status", "j" * 100_000, "--base-url", NOWHERE)
    assert status == 1 and "request not sent" in shown and "the URL with its path parameters is unusable" in shown


class _Created(QuietHandler):
    body: ClassVar[bytes] = b""

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        self.send_response(201)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(self.body)))
        self.end_headers()
        self.wfile.write(self.body)


@pytest.fixture(scope="module")
def created() -> Iterator[str]:
    """A loopback server that answers every POST 201 with ``_Created.body``."""
    with serving(_Created) as url:
        yield url


@pytest.mark.parametrize("body", [b"not json", b"[1]", b'{"code": 5}', b"{}"])
def test_sandbox_code_refuses_a_201_that_holds_no_code(
    capsys: pytest.CaptureFixture[str], created: str, body: bytes
) -> None:
    _Created.body = body
    status, shown = attentive(
        capsys, "oauth", "sandbox-code", "--base-url", created, "--client-id", "c", "--redirect-uri", "http://x/cb"
    )
    assert status == 1 and f"{created} did not issue a code (HTTP 201)" in shown and body.decode() in shown
