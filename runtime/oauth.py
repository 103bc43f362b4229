"""The OAuth authorization-code flow the effective spec declares: the install URL to send a user to, and the
exchange of the code that comes back for an access token, and a client that uses it.

Every fact comes from the spec's ``oauth2`` security scheme (``authorizationUrl``, ``tokenUrl``, scopes); the
scopes one may ask for are those the spec declares or its operations require. The token URL is absolute (the
vendor's production host): a client whose base URL is anything else (``attentive serve``, a proxy) posts to the
same path on its own base URL, so a local flow never reaches production. The code, the client secret and the
token are secrets: never in a ``repr``, an error or a log line (``redaction``).
"""

from __future__ import annotations

import re
import secrets as _secrets
from collections.abc import Iterable, Mapping
from typing import Any, TypeVar
from urllib.parse import quote, urlsplit

import httpx
from attrs import define, field, frozen

from .clients import BaseAuthenticatedClient, BaseClient
from .errors import AttentiveError, MalformedResponseError, UnexpectedStatus, status_error_class
from .logs import redact_logs
from .origins import same_origin
from .redaction import REDACTED, Redactor
from .spec import ApiSpec

__all__ = [
    "OAUTH_OPERATION",
    "AuthorizationCodeFlow",
    "AuthorizationRequest",
    "OAuth",
    "OAuthError",
    "OAuthToken",
    "redirect_uri_problem",
    "token_path",
]

# How errors of the exchange are labelled: the token URL is not an operation of every spec.
OAUTH_OPERATION = "oauthTokenExchange"
# RFC 6750 section 2.1 (b64token), and no longer than a request header carries (8 KiB is the common server cap).
_BEARER_TOKEN = re.compile(r"[A-Za-z0-9\-._~+/]+=*")
MAX_TOKEN_CHARS = 8192
GRANT_TYPE = "authorization_code"
AuthenticatedT = TypeVar("AuthenticatedT", bound=BaseAuthenticatedClient)


def redirect_uri_problem(uri: str) -> str | None:
    """Why ``uri`` can't be an OAuth redirect URI, or None: RFC 6749 section 3.1.2 asks for an absolute URI (a
    scheme, and a host for http and https) without a fragment."""
    try:
        parts = urlsplit(uri)
    except ValueError as exc:
        return f"not a URI ({exc})"
    if not parts.scheme:
        return "not an absolute URI (no scheme such as https://)"
    if parts.scheme.lower() in ("http", "https") and not parts.hostname:
        return f"an {parts.scheme} URI needs a host"
    if parts.fragment or uri.endswith("#"):
        return "a redirect URI may not carry a fragment (#...)"
    return None


class OAuthError(AttentiveError, ValueError):
    """The flow can't be run as asked (no flow in the spec, a scope it doesn't know), or the exchange failed
    without an HTTP answer to show."""


@frozen
class AuthorizationCodeFlow:
    """The spec's authorization-code flow: where a user installs the app, where a code becomes a token, and the
    scopes the spec names (declared by the flow or required by an operation)."""

    authorization_url: str
    token_url: str
    scopes: frozenset[str]
    # The spec's server URL: the token URL's path is taken relative to it when rebased.
    server_url: str

    @classmethod
    def from_spec(cls, api: ApiSpec) -> AuthorizationCodeFlow:
        schemes = (api.document.get("components") or {}).get("securitySchemes") or {}
        for scheme in schemes.values():
            scheme = api.resolve(scheme)
            if not isinstance(scheme, Mapping) or scheme.get("type") != "oauth2":
                continue
            flow = (scheme.get("flows") or {}).get("authorizationCode")
            if isinstance(flow, Mapping) and flow.get("authorizationUrl") and flow.get("tokenUrl"):
                servers = api.document.get("servers") or [{}]
                return cls(
                    authorization_url=str(flow["authorizationUrl"]),
                    token_url=str(flow["tokenUrl"]),
                    scopes=api.scopes,
                    server_url=str(servers[0].get("url") or ""),
                )
        raise OAuthError("the spec declares no OAuth authorization-code flow", operation_id=OAUTH_OPERATION)

    def token_url_for(self, base_url: str) -> str:
        """The token URL as ``base_url`` serves it: unchanged when ``base_url`` is the spec's own server, else
        the token URL's path (relative to the spec's server path) on ``base_url``."""
        if same_origin(base_url, self.token_url):
            return self.token_url
        return base_url.rstrip("/") + token_path(self)

    def check_scopes(self, scopes: Iterable[str]) -> tuple[str, ...]:
        asked = tuple(dict.fromkeys(scopes))
        unknown = sorted(set(asked) - self.scopes)
        if unknown:
            raise OAuthError(
                f"scope(s) the spec doesn't name: {', '.join(unknown)} (it names {', '.join(sorted(self.scopes))})",
                operation_id=OAUTH_OPERATION,
            )
        if not asked:
            raise OAuthError("ask for at least one scope", operation_id=OAUTH_OPERATION)
        return asked


def is_bearer_token(text: str) -> bool:
    return len(text) <= MAX_TOKEN_CHARS and _BEARER_TOKEN.fullmatch(text) is not None


def token_path(flow: AuthorizationCodeFlow) -> str:
    """The token URL's path below the spec's server URL (``/v1/authorization-codes/tokens``): where the reference
    server answers the exchange."""
    path = urlsplit(flow.token_url).path
    server_path = urlsplit(flow.server_url).path.rstrip("/")
    if same_origin(flow.server_url, flow.token_url) and server_path and path.startswith(server_path + "/"):
        path = path[len(server_path) :]
    return path or "/"


@frozen
class AuthorizationRequest:
    """Where to send the user, and the ``state`` to expect back on the redirect (compare it before exchanging)."""

    url: str
    state: str


@frozen(repr=False)
class OAuthToken:
    """An access token from the exchange. ``repr`` and ``str`` never show it."""

    access_token: str
    token_type: str
    id_token: str | None = None

    def __repr__(self) -> str:
        return f"OAuthToken(access_token={REDACTED!r}, token_type={self.token_type!r})"

    __str__ = __repr__


@define
class OAuth:
    """The authorization-code flow of ``client``'s spec, run against ``client``'s base URL.

    ``client`` is any client of the package (``Client()`` is enough: the exchange sends no bearer token); its base
    URL, timeouts and spec are used. ``client_secret`` is only needed for ``exchange``.
    """

    client: BaseClient
    client_id: str
    redirect_uri: str = field()
    client_secret: str | None = field(default=None, kw_only=True, repr=False)
    _redactor: Redactor | None = field(default=None, init=False, repr=False)

    @redirect_uri.validator
    def _check_redirect_uri(self, _attribute: object, value: str) -> None:
        if (problem := redirect_uri_problem(value)) is not None:
            raise OAuthError(f"redirect URI {value!r}: {problem}", operation_id=OAUTH_OPERATION)

    @property
    def flow(self) -> AuthorizationCodeFlow:
        return AuthorizationCodeFlow.from_spec(self.client.spec())

    @property
    def token_url(self) -> str:
        return self.flow.token_url_for(self.client.base_url)

    def authorization_url(self, scopes: Iterable[str], state: str | None = None) -> AuthorizationRequest:
        """The install URL for ``scopes`` (each one the spec names); ``state`` is generated when not given."""
        flow = self.flow
        asked = flow.check_scopes(scopes)
        state = state or _secrets.token_urlsafe(24)
        values = {"clientId": self.client_id, "redirectUri": self.redirect_uri, "scope": " ".join(asked)}
        url = flow.authorization_url
        for name, value in values.items():
            url = url.replace("{" + name + "}", quote(value, safe=""))
        separator = "&" if urlsplit(url).query else "?"
        return AuthorizationRequest(url=f"{url}{separator}state={quote(state, safe='')}", state=state)

    def _form(self, code: str) -> dict[str, str]:
        if not self.client_secret:
            raise OAuthError("the exchange needs the app's client secret", operation_id=OAUTH_OPERATION)
        self._remember(code)
        return {
            "grant_type": GRANT_TYPE,
            "code": code,
            "redirect_uri": self.redirect_uri,
            "client_id": self.client_id,
            "client_secret": self.client_secret,
        }

    def exchange(self, code: str) -> OAuthToken:
        """Trade ``code`` for a token (one attempt: a code works once, so it is never sent again)."""
        url, form = self.token_url, self._form(code)
        try:
            response = self.client.get_httpx_client().post(url, data=form, headers={"Accept": "application/json"})
        except httpx.HTTPError as error:
            raise self._failed(url, error) from None
        return self._token(response, url)

    async def aexchange(self, code: str) -> OAuthToken:
        """``exchange`` for asyncio."""
        url, form = self.token_url, self._form(code)
        try:
            client = self.client.get_async_httpx_client()
            response = await client.post(url, data=form, headers={"Accept": "application/json"})
        except httpx.HTTPError as error:
            raise self._failed(url, error) from None
        return self._token(response, url)

    def authenticated(self, token: OAuthToken, client_class: type[AuthenticatedT], **settings: Any) -> AuthenticatedT:
        """A ``client_class`` (the package's ``AuthenticatedClient``) on the same base URL that sends ``token``;
        ``settings`` are the client's other keyword arguments (``max_retries=``, ``httpx_args=``...)."""
        return client_class(base_url=self.client.base_url, token=token.access_token, **settings)

    def redactor(self) -> Redactor:
        if self._redactor is None:
            self._redactor = Redactor([self.client_secret])
        return self._redactor

    def _remember(self, *values: str | None) -> None:
        # The log filter holds redactors weakly: this one lives as long as the OAuth object.
        self._redactor = Redactor([*self.redactor().secrets, *values])
        redact_logs(self._redactor, self.client.logger_name)

    def _failed(self, url: str, error: Exception) -> OAuthError:
        redactor = self.redactor()
        reason = redactor.redact(str(error) or type(error).__name__)
        return OAuthError(f"POST {redactor.redact(url)}: no answer: {reason}", operation_id=OAUTH_OPERATION)

    def _token(self, response: httpx.Response, url: str) -> OAuthToken:
        body: Any = None
        try:
            body = response.json()
        except ValueError:
            body = None
        access = body.get("access_token") if isinstance(body, dict) else None
        if response.status_code == 200 and isinstance(access, str) and access and not is_bearer_token(access):
            # Not a credential a request header can carry: refused here, before it is sent or made a secret.
            raise MalformedResponseError(
                operation_id=OAUTH_OPERATION,
                status_code=response.status_code,
                headers=response.headers,
                body=response.content,
                reason=f"access_token is not a bearer token (RFC 6750 characters, at most {MAX_TOKEN_CHARS})",
                secrets=self.redactor().secrets,
            )
        if response.status_code == 200 and isinstance(access, str) and access:
            id_token = body.get("id_token")
            self._remember(access, id_token if isinstance(id_token, str) else None)
            return OAuthToken(
                access_token=access,
                token_type=str(body.get("token_type") or "Bearer"),
                id_token=id_token if isinstance(id_token, str) else None,
            )
        # A 2xx without a token is as unusable as a refusal: UnexpectedStatus, with the answer (redacted) on it.
        error_class = status_error_class(response.status_code)
        details: dict[str, Any] = {
            "operation_id": OAUTH_OPERATION,
            "headers": response.headers,
            "method": "POST",
            "url": url,
            "secrets": self.redactor().secrets,
        }
        if error_class is UnexpectedStatus:
            raise UnexpectedStatus(response.status_code, response.content, **details)
        raise error_class(status_code=response.status_code, body=response.content, **details)
