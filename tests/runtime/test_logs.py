"""``ATTENTIVE_LOG`` switches the client's log on; nothing happens without it, and a typo breaks nothing."""

from __future__ import annotations

import logging
import subprocess
import sys

from attentive_client.runtime import configure_from_environment


def test_the_variable_sets_the_level_and_one_stderr_handler() -> None:
    logger = configure_from_environment("attentive-log-test", {"ATTENTIVE_LOG": "debug"})
    configure_from_environment("attentive-log-test", {"ATTENTIVE_LOG": "DEBUG"})
    assert logger.level == logging.DEBUG
    assert len(logger.handlers) == 1


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
