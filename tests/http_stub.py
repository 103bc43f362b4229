"""A stand-in HTTP server on loopback for tests that need a real socket (a download, an echoing or broken peer)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

Handler = Callable[..., BaseHTTPRequestHandler]


@contextmanager
def serving(handler: Handler) -> Iterator[str]:
    """``handler`` served on 127.0.0.1 at a free port in a background thread; yields the base URL
    (``http://127.0.0.1:PORT``) and stops the server when the block ends."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


class QuietHandler(BaseHTTPRequestHandler):
    """A handler that keeps the test output clean (no access log on stderr)."""

    def log_message(self, format: str, *args: Any) -> None:
        pass
