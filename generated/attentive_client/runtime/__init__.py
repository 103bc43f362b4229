"""The runtime of the generated Attentive client: the one owner of every fact the effective spec states about an
operation, and the machinery every call goes through.

This folder is hand-written Python, a generator input beside ``overlays/`` and ``templates/`` in the project's
top-level ``runtime/``, where it is linted and type-checked. ``attentive spec regen`` copies it verbatim into the
generated package as ``attentive_client.runtime``, its only import name; the tests, the toolkit and client users
import it from there, and the drift check proves the copy is current.

- ``ApiSpec`` / ``Operation``: operation ids, methods, paths, rate limits, security, body and response
  validators, resend safety.
- ``errors``: the typed error hierarchy; ``FieldError`` is one broken rule of a request.
- ``Redactor`` / ``scrub`` / ``redact_headers`` / ``mask_personal_data``: tokens and personal data kept out of text.
- ``RetryPolicy``: when to retry and how long to wait.
- ``Pacer``: an operation's rate limit, from the caller's end; ``ShareController`` paces a ``Pacer``
  from ``x-ratelimit-remaining`` when others spend the same account's limit.
- ``BaseClient`` / ``BaseAuthenticatedClient``: the clients the generated ``client.py`` specialises.
- ``BulkJobs``: submit a bulk job, wait for it, stream its results as ``BulkResult`` records; the job protocol's
  facts (``TERMINAL_STATES``, ``users_per_job``, ``results_location``) for callers that run their own loop.
"""

from . import errors, media
from .bulk_jobs import (
    JOB_STATES,
    STATUS_OPERATION,
    SUBMIT_OPERATION,
    TERMINAL_STATES,
    BulkJob,
    BulkJobError,
    BulkJobs,
    BulkResult,
    job_status_path,
    results_location,
    users_per_job,
)
from .calls import EncodedJson, Sent
from .clients import (
    DEFAULT_BASE_URL,
    DEFAULT_DEADLINE_SECONDS,
    DEFAULT_MAX_RETRIES,
    DEFAULT_TIMEOUT,
    BaseAuthenticatedClient,
    BaseClient,
    PacerRegistry,
)
from .errors import FieldError
from .logs import LOG_ENVIRONMENT_VARIABLE, configure_from_environment
from .pacing import Pacer, header_number
from .redaction import REDACTED, Redactor, mask_personal_data, redact_headers, scrub
from .retry import RetryPolicy
from .sharing import ShareController
from .spec import HTTP_METHODS, ApiSpec, Operation, Pagination
from .validation import json_pointer, openapi30_to_draft4

__all__ = [
    "DEFAULT_BASE_URL",
    "DEFAULT_DEADLINE_SECONDS",
    "DEFAULT_MAX_RETRIES",
    "DEFAULT_TIMEOUT",
    "HTTP_METHODS",
    "JOB_STATES",
    "LOG_ENVIRONMENT_VARIABLE",
    "REDACTED",
    "STATUS_OPERATION",
    "SUBMIT_OPERATION",
    "TERMINAL_STATES",
    "ApiSpec",
    "BaseAuthenticatedClient",
    "BaseClient",
    "BulkJob",
    "BulkJobError",
    "BulkJobs",
    "BulkResult",
    "EncodedJson",
    "FieldError",
    "Operation",
    "Pacer",
    "PacerRegistry",
    "Pagination",
    "Redactor",
    "RetryPolicy",
    "Sent",
    "ShareController",
    "configure_from_environment",
    "errors",
    "header_number",
    "job_status_path",
    "json_pointer",
    "mask_personal_data",
    "media",
    "openapi30_to_draft4",
    "redact_headers",
    "results_location",
    "scrub",
    "users_per_job",
]
