"""The runtime of the generated Attentive client: the one owner of every fact the effective spec states about an
operation, and the machinery every call goes through.

This folder is hand-written Python, a generator input beside ``overlays/`` and ``templates/`` in the project's
top-level ``runtime/``, where it is linted and type-checked. ``attentive spec regen`` copies it verbatim into the
generated package as ``attentive_client.runtime``, its only import name; the tests, the toolkit and client users
import it from there, and the drift check proves the copy is current.

``__all__`` is what a client user needs:

- ``BaseClient`` / ``BaseAuthenticatedClient`` and their defaults: the clients the generated ``client.py``
  specialises; ``Sent`` is what ``send`` returns, ``RetryPolicy`` when it retries, ``Pacer`` / ``PacerRegistry``
  an operation's pace and the ``pacers=`` setting that shares it between clients.
- ``ApiSpec`` / ``Operation`` / ``Pagination``: what ``client.spec()`` says about each operation.
- ``errors``: the typed error hierarchy; ``FieldError`` is one broken rule of a request.
- ``Redactor`` / ``REDACTED``: how tokens are kept out of text; ``configure_from_environment`` sets up
  ``ATTENTIVE_LOG`` logging.
- ``BulkJobs``: submit a bulk job, wait for it, stream its results as ``BulkResult`` records.
- ``iterate_items`` / ``aiterate_items``: every item of a cursor-paginated list, page by page, reading each
  page's fields through ``PageFields`` (``pages``).
- ``OAuth``: the spec's authorization-code flow: the install URL, the code exchange, a client with the token.

Helpers the toolkit shares with the client but a client user does not call are imported from their modules
(``attentive_client.runtime.validation.json_pointer`` and so on); docs/runtime.md lists which.
"""

from . import errors
from .bulk_jobs import (
    BulkJob,
    BulkJobError,
    BulkJobs,
    BulkResult,
)
from .calls import Sent
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
from .logs import (
    LOG_ENVIRONMENT_VARIABLE,
    configure_from_environment,
)
from .oauth import (
    AuthorizationCodeFlow,
    AuthorizationRequest,
    OAuth,
    OAuthError,
    OAuthToken,
    token_path,
)
from .pacing import Pacer
from .pages import (
    PageFields,
    PaginationError,
    aiterate_items,
    iterate_items,
)
from .redaction import (
    REDACTED,
    Redactor,
)
from .retry import RetryPolicy
from .spec import (
    ApiSpec,
    Operation,
    Pagination,
)

__all__ = [
    "DEFAULT_BASE_URL",
    "DEFAULT_DEADLINE_SECONDS",
    "DEFAULT_MAX_RETRIES",
    "DEFAULT_TIMEOUT",
    "LOG_ENVIRONMENT_VARIABLE",
    "REDACTED",
    "ApiSpec",
    "AuthorizationCodeFlow",
    "AuthorizationRequest",
    "BaseAuthenticatedClient",
    "BaseClient",
    "BulkJob",
    "BulkJobError",
    "BulkJobs",
    "BulkResult",
    "FieldError",
    "OAuth",
    "OAuthError",
    "OAuthToken",
    "Operation",
    "Pacer",
    "PacerRegistry",
    "PageFields",
    "Pagination",
    "PaginationError",
    "Redactor",
    "RetryPolicy",
    "Sent",
    "aiterate_items",
    "configure_from_environment",
    "errors",
    "iterate_items",
    "token_path",
]
