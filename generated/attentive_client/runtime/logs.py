"""Logging switched on from the environment: ``ATTENTIVE_LOG=debug`` (or ``info``) sends the client's log to
stderr. Every line is already free of the token, and request bodies in debug lines have emails and phone numbers
masked (see ``redaction``)."""

from __future__ import annotations

import logging
import os

__all__ = ["LOG_ENVIRONMENT_VARIABLE", "configure_from_environment"]

LOG_ENVIRONMENT_VARIABLE = "ATTENTIVE_LOG"
_LEVELS = {"debug": logging.DEBUG, "info": logging.INFO, "warning": logging.WARNING, "error": logging.ERROR}


def configure_from_environment(logger_name: str, environ: dict[str, str] | None = None) -> logging.Logger:
    """Give ``logger_name`` a stderr handler at the level ``ATTENTIVE_LOG`` names; nothing when it is unset.

    An unknown level is ignored rather than raised: a typo in an environment variable must not break imports.
    """
    logger = logging.getLogger(logger_name)
    value = (os.environ if environ is None else environ).get(LOG_ENVIRONMENT_VARIABLE, "").strip().lower()
    level = _LEVELS.get(value)
    if level is None:
        return logger
    logger.setLevel(level)
    if not any(getattr(handler, "_attentive", False) for handler in logger.handlers):
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        handler._attentive = True  # type: ignore[attr-defined]
        logger.addHandler(handler)
    return logger
