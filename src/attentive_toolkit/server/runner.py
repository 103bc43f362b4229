"""Run the reference server with uvicorn in a background thread, on a free loopback port."""

from __future__ import annotations

import asyncio
import logging
import math
import signal
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import uvicorn
from starlette.types import ASGIApp

from .app import create_app
from .connections import ConnectionLimits, guarded_protocol
from .responses import DroppedConnection
from .security import require_loopback
from .settings import ServerSettings

STARTUP_TIMEOUT_SECONDS = 30.0


class QuietDroppedConnections(logging.Filter):
    """A connection dropped on purpose (fault injection), or a request cancelled because the server is stopping
    (uvicorn cancels what is still running after the shutdown timeout and says so in one line), is not an error
    worth a traceback in the log."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not (record.exc_info and isinstance(record.exc_info[1], DroppedConnection | asyncio.CancelledError))


def quiet_dropped_connections() -> None:
    logger = logging.getLogger("uvicorn.error")
    if not any(isinstance(existing, QuietDroppedConnections) for existing in logger.filters):
        logger.addFilter(QuietDroppedConnections())


def base_url(host: str, port: int) -> str:
    """``http://host:port``, with an IPv6 address in brackets as URLs need it."""
    host = host.removeprefix("[").removesuffix("]")
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


BACKLOG = 2048  # uvicorn's default


def bind_socket(host: str, port: int) -> socket.socket:
    """A socket bound to a loopback address (``security.NotLoopback`` otherwise; ``OSError`` if taken)."""
    address = require_loopback(host)
    family = socket.AF_INET6 if ":" in address else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((address, port))
        # Listening from here on, not from when uvicorn gets to it: a client told the URL as soon as it is printed
        # is queued instead of refused.
        sock.listen(BACKLOG)
    except BaseException:
        sock.close()
        raise
    return sock


def uvicorn_config(app: ASGIApp, host: str, port: int, log_level: str, settings: ServerSettings) -> uvicorn.Config:
    limits = ConnectionLimits(
        header_timeout_seconds=settings.header_timeout_seconds,
        body_timeout_seconds=settings.body_timeout_seconds,
        max_connections=settings.max_connections,
    )
    return uvicorn.Config(
        app,
        host=host,
        port=port,
        log_level=log_level,
        access_log=False,
        lifespan="on",
        http=guarded_protocol(limits),
        # uvicorn types this as whole seconds (it hands it to asyncio.wait_for): round up, never below the setting.
        timeout_graceful_shutdown=math.ceil(settings.shutdown_timeout_seconds),
    )


class StoppableServer(uvicorn.Server):
    """uvicorn re-raises SIGINT/SIGTERM after a graceful stop, so the process ends killed by the signal (or with
    a KeyboardInterrupt). A stop asked for is a normal end here: catch the signals, stop, return."""

    @contextmanager
    def capture_signals(self) -> Iterator[None]:
        if threading.current_thread() is not threading.main_thread():
            yield
            return
        originals = {sig: signal.signal(sig, self.handle_exit) for sig in (signal.SIGINT, signal.SIGTERM)}
        try:
            yield
        finally:
            for sig, handler in originals.items():
                signal.signal(sig, handler)


@contextmanager
def running_server(settings: ServerSettings | None = None, host: str = "127.0.0.1", port: int = 0) -> Iterator[str]:
    """Start the server (port 0: any free port) and yield its base URL, e.g. ``http://127.0.0.1:54321``."""
    settings = settings or ServerSettings()
    with serving_app(create_app(settings), host, port, settings) as base_url:
        yield base_url


@contextmanager
def serving_app(
    app: ASGIApp, host: str = "127.0.0.1", port: int = 0, settings: ServerSettings | None = None
) -> Iterator[str]:
    """Serve any ASGI app (the reference app, or one wrapped around it) in a background thread; yield its URL.
    ``settings`` gives the connection limits (their defaults when None)."""
    quiet_dropped_connections()
    sock = bind_socket(host, port)
    server = StoppableServer(uvicorn_config(app, host, port, "warning", settings or ServerSettings()))
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
