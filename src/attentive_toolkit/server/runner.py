"""Run the reference server with uvicorn in a background thread, on a free loopback port."""

from __future__ import annotations

import logging
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import uvicorn
from starlette.types import ASGIApp

from .app import create_app
from .responses import DroppedConnection
from .settings import ServerSettings

STARTUP_TIMEOUT_SECONDS = 30.0


class QuietDroppedConnections(logging.Filter):
    """A connection dropped on purpose (fault injection) is not an error worth a traceback in the log."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not (record.exc_info and isinstance(record.exc_info[1], DroppedConnection))


def quiet_dropped_connections() -> None:
    logger = logging.getLogger("uvicorn.error")
    if not any(isinstance(existing, QuietDroppedConnections) for existing in logger.filters):
        logger.addFilter(QuietDroppedConnections())


def base_url(host: str, port: int) -> str:
    """``http://host:port``, with an IPv6 address in brackets as URLs need it."""
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


def bind_socket(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    # Listen at once: `attentive serve` prints its URL before uvicorn starts, and a client that connects in
    # between must wait in the backlog, not be refused (uvicorn's own listen() later only sets the backlog).
    sock.listen(2048)
    return sock


def uvicorn_config(app: ASGIApp, host: str, port: int, log_level: str) -> uvicorn.Config:
    return uvicorn.Config(app, host=host, port=port, log_level=log_level, access_log=False, lifespan="on")


@contextmanager
def running_server(settings: ServerSettings | None = None, host: str = "127.0.0.1", port: int = 0) -> Iterator[str]:
    """Start the server (port 0: any free port) and yield its base URL, e.g. ``http://127.0.0.1:54321``."""
    with serving_app(create_app(settings), host, port) as base_url:
        yield base_url


@contextmanager
def serving_app(app: ASGIApp, host: str = "127.0.0.1", port: int = 0) -> Iterator[str]:
    """Serve any ASGI app (the reference app, or one wrapped around it) in a background thread; yield its URL."""
    quiet_dropped_connections()
    sock = bind_socket(host, port)
    server = uvicorn.Server(uvicorn_config(app, host, port, "warning"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, name="attentive-server", daemon=True)
    thread.start()
    deadline = time.monotonic() + STARTUP_TIMEOUT_SECONDS
    # Waiting for uvicorn's own "started" flag: a readiness poll, not a timing assumption.
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            sock.close()
            raise RuntimeError(f"the server on {host}:{port} did not start; see the log above")
        time.sleep(0.005)
    try:
        yield base_url(host, sock.getsockname()[1])
    finally:
        server.should_exit = True
        thread.join(timeout=STARTUP_TIMEOUT_SECONDS)
        sock.close()
