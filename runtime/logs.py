"""Logging switched on from the environment, and kept free of tokens whoever configures it.

``ATTENTIVE_LOG=debug`` (or ``info``) sends the client's log to stderr; at ``debug`` httpx's and httpcore's wire log
too. Every record of these loggers passes the redactor of each live client before any handler sees it (the
application's handlers and pytest's ``caplog`` included): httpcore logs the answer's headers as they came, and a
server may echo the token in them. Request bodies in the client's debug lines have emails and phone numbers masked
(see ``redaction``).
"""

from __future__ import annotations

import logging
import os
import threading
import weakref

from .redaction import Redactor

__all__ = ["LOG_ENVIRONMENT_VARIABLE", "WIRE_LOGGERS", "configure_from_environment", "redact_logs"]

LOG_ENVIRONMENT_VARIABLE = "ATTENTIVE_LOG"
_LEVELS = {"debug": logging.DEBUG, "info": logging.INFO, "warning": logging.WARNING, "error": logging.ERROR}
# The loggers below the client that see its traffic. A logger's filters see only the records made at that very
# logger, not its children's, so httpcore's are named one by one.
WIRE_LOGGERS = (
    "httpx",
    "httpcore",
    "httpcore.connection",
    "httpcore.http11",
    "httpcore.http2",
    "httpcore.proxy",
    "httpcore.socks",
)


class _RedactingFilter(logging.Filter):
    """Rewrites each record's message with every live client's redactor (and the ``Bearer ...`` rule, always)."""

    def __init__(self) -> None:
        super().__init__()
        # Copy-on-write, so that a record logged in one thread never sees the tuple change under it.
        self._redactors: tuple[weakref.ref[Redactor], ...] = ()
        self._plain = Redactor()

    def add(self, redactor: Redactor) -> None:
        """Called under ``_GUARD_LOCK``; forgets the redactors whose clients are gone."""
        alive = tuple(ref for ref in self._redactors if ref() is not None and ref() is not redactor)
        self._redactors = (*alive, weakref.ref(redactor))

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a malformed call: left as it is, for the handler to report as logging always does
            return True
        redacted = self._plain.redact(message)
        for ref in self._redactors:
            redactor = ref()
            if redactor is not None:
                redacted = redactor.redact(redacted)
        if redacted != message:
            record.msg, record.args = redacted, None
        return True


_FILTER = _RedactingFilter()
_GUARDED: set[str] = set()
_GUARD_LOCK = threading.Lock()


def redact_logs(redactor: Redactor, logger_name: str) -> None:
    """Keep ``redactor``'s secrets out of every record of ``logger_name`` and the wire loggers, for as long as
    ``redactor`` lives (its client holds it)."""
    with _GUARD_LOCK:
        _FILTER.add(redactor)
        for name in (logger_name, *WIRE_LOGGERS):
            if name not in _GUARDED:
                logging.getLogger(name).addFilter(_FILTER)
                _GUARDED.add(name)


def configure_from_environment(logger_name: str, environ: dict[str, str] | None = None) -> logging.Logger:
    """Give ``logger_name`` a stderr handler at the level ``ATTENTIVE_LOG`` names (at ``debug``, the wire loggers
    too); nothing when it is unset.

    An unknown level is ignored rather than raised: a typo in an environment variable must not break imports.
    """
    logger = logging.getLogger(logger_name)
    value = (os.environ if environ is None else environ).get(LOG_ENVIRONMENT_VARIABLE, "").strip().lower()
    level = _LEVELS.get(value)
    if level is None:
        return logger
    names = (logger_name, "httpx", "httpcore") if level == logging.DEBUG else (logger_name,)
    for name in names:
        _add_stderr_handler(logging.getLogger(name), level)
    return logger


def _add_stderr_handler(logger: logging.Logger, level: int) -> None:
    logger.setLevel(level)
    if not any(getattr(handler, "_attentive", False) for handler in logger.handlers):
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        # On the handler as well: it also receives what httpcore's child loggers pass up.
        handler.addFilter(_FILTER)
        handler._attentive = True  # type: ignore[attr-defined]
        logger.addHandler(handler)
