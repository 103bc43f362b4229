"""The clients of this package.

Their machinery (validation, pacing, retries, deadlines, redaction) is ``runtime``: hand-written Python copied
into this package verbatim. Only what varies with the spec and the generator's settings is here: which spec file
the package carries, and how the client introduces itself.
"""

from pathlib import Path

import httpx
from attrs import define

from ._provenance import EFFECTIVE_SPEC_SHA256
from .runtime import (
    DEFAULT_BASE_URL,
    DEFAULT_DEADLINE_SECONDS,
    DEFAULT_MAX_RETRIES,
    DEFAULT_TIMEOUT,
    BaseAuthenticatedClient,
    BaseClient,
    Sent,
    configure_from_environment,
)

PACKAGE_NAME = "attentive-client"
PACKAGE_VERSION = "0.1.0"
USER_AGENT = f"{PACKAGE_NAME}/{PACKAGE_VERSION} (spec-sha256 {EFFECTIVE_SPEC_SHA256[:12]}; httpx/{httpx.__version__})"
SPEC_PATH = Path(__file__).with_name("openapi.json")
LOGGER_NAME = "attentive_client"

configure_from_environment(LOGGER_NAME)


@define
class Client(BaseClient):
    """A client for the operations that need no credentials. See ``runtime.BaseClient`` for every setting."""

    spec_path = SPEC_PATH
    user_agent = USER_AGENT
    logger_name = LOGGER_NAME


@define
class AuthenticatedClient(BaseAuthenticatedClient):
    """A client that sends a token with every request (never shown in ``repr``, logs or errors).

    See ``runtime.BaseAuthenticatedClient`` and ``runtime.BaseClient`` for every setting.
    """

    spec_path = SPEC_PATH
    user_agent = USER_AGENT
    logger_name = LOGGER_NAME


__all__ = [
    "DEFAULT_BASE_URL",
    "DEFAULT_DEADLINE_SECONDS",
    "DEFAULT_MAX_RETRIES",
    "DEFAULT_TIMEOUT",
    "USER_AGENT",
    "AuthenticatedClient",
    "Client",
    "Sent",
]
