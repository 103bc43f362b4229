"""A new spec is read no further than a spec can be large, from a URL or a file: a URL answering without end (a
misconfigured proxy, a stream) is refused by its size, not held in memory until the machine runs out."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from attentive_toolkit.upgrade import source
from attentive_toolkit.upgrade.source import SpecSourceError, read_bytes

from ..http_stub import QuietHandler, serving

CAP = 64 * 1024


class _Endless(QuietHandler):
    """Answers every GET with chunks until the client hangs up (at most 64 times the test's cap)."""

    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        chunk = b"[" * 8192
        try:
            for _ in range(64 * CAP // len(chunk)):
                self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
            self.wfile.write(b"0\r\n\r\n")
        except (BrokenPipeError, ConnectionResetError):
            pass


@pytest.fixture
def endless_url() -> Iterator[str]:
    with serving(_Endless) as url:
        yield f"{url}/openapi.json"


def test_a_download_past_the_cap_is_refused_by_its_size(endless_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(source, "MAX_SPEC_BYTES", CAP)

    with pytest.raises(SpecSourceError, match="too large to be an API description") as refused:
        read_bytes(endless_url)

    assert endless_url in str(refused.value)


def test_a_file_past_the_cap_is_refused_and_one_at_it_is_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(source, "MAX_SPEC_BYTES", CAP)
    at_cap, over = tmp_path / "at.json", tmp_path / "over.json"
    at_cap.write_bytes(b" " * CAP)
    over.write_bytes(b" " * (CAP + 1))

    assert read_bytes(str(at_cap)) == b" " * CAP
    with pytest.raises(SpecSourceError, match="too large"):
        read_bytes(str(over))
