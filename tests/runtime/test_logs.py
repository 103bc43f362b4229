"""``ATTENTIVE_LOG`` switches the client's log on; nothing happens without it, and a typo breaks nothing."""

from __future__ import annotations

import logging
import subprocess
import sys

from attentive_client.runtime import configure_from_environment

from ..logging_state import loggers_restored


def test_the_variable_sets_the_level_and_one_stderr_handler() -> None:
    with loggers_restored("attentive-log-test", "httpx", "httpcore"):
        logger = configure_from_environment("attentive-log-test", {"ATTENTIVE_LOG": "debug"})
        configure_from_environment("attentive-log-test", {"ATTENTIVE_LOG": "DEBUG"})
        assert logger.level == logging.DEBUG
        assert len(logger.handlers) == 1
        # At debug, the wire log too: what httpx sent and httpcore received.
        for wire in ("httpx", "httpcore"):
            assert logging.getLogger(wire).level == logging.DEBUG
            assert [getattr(handler, "_attentive", False) for handler in logging.getLogger(wire).handlers] == [True]


def test_info_leaves_the_wire_loggers_alone() -> None:
    with loggers_restored("attentive-log-info", "httpx", "httpcore"):
        configure_from_environment("attentive-log-info", {"ATTENTIVE_LOG": "info"})
        assert logging.getLogger("httpx").level == logging.NOTSET
        assert not any(getattr(handler, "_attentive", False) for handler in logging.getLogger("httpcore").handlers)


def test_unset_or_unknown_values_change_nothing() -> None:
    for value in ({}, {"ATTENTIVE_LOG": "loud"}):
        logger = configure_from_environment("attentive-log-quiet", value)
        assert logger.level == logging.NOTSET and not logger.handlers


def test_importing_the_client_with_the_variable_set_logs_to_stderr() -> None:
    code = "import logging, attentive_client; logging.getLogger('attentive_client').debug('hello from the client')"
    result = subprocess.run(
        [sys.executable, "-c", code], env={"ATTENTIVE_LOG": "debug"}, capture_output=True, text=True, check=True
    )
    assert "hello from the client" in result.stderr
