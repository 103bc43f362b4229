"""Keeping credentials and personal data out of every text that may be shown, logged or stored: the one redactor
of the client, the bulk importer, the CLI and the conformance suite.

A secret of ``MIN_SUBSTRING_SECRET`` characters or more is replaced wherever it appears, even inside a longer
string; a shorter one only where it stands as a whole token (not inside a run of token characters), so that a
one-character token cannot shred a message. Any ``Bearer ...`` credential is replaced whoever's it is: a server
that echoes the header back (``unknown bearer token (you sent Bearer ...)``) must not leak it either. The value
of a credential header (``Authorization``, ``X-Api-Key``, cookies...) is replaced whatever it is, in a header list
and in a rendered ``Name: value`` line (a curl command). So is the value of an OAuth credential field
(``access_token``, ``id_token``, ``refresh_token``, ``client_secret``, and the one-time ``code``) in a JSON
answer, a form body or a query string (a redirect URL), whoever's it is.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

__all__ = [
    "MIN_SUBSTRING_SECRET",
    "REDACTED",
    "SENSITIVE_HEADERS",
    "Redactor",
    "mask_personal_data",
    "redact_auth_headers",
    "redact_header_items",
    "redact_headers",
    "scrub",
]

REDACTED = "[redacted]"
MIN_SUBSTRING_SECRET = 8
SENSITIVE_HEADERS = frozenset({"authorization", "proxy-authorization", "cookie", "set-cookie", "x-api-key"})
# Characters a bearer token or API key is made of (RFC 6750 b64token, plus what API keys use).
_TOKEN_CHARS = r"A-Za-z0-9\-._~+/="
# Eight characters at least, so that prose such as "bearer token" keeps its words; given secrets go at any length.
_BEARER = re.compile(rf"(?i)\b(bearer)(\s+|%20|\+)([{_TOKEN_CHARS}]{{8,}})")
# A credential header rendered as text (``-H 'Authorization: Bearer abc'``), with an earlier redaction tolerated.
_AUTH_HEADER_LINE = re.compile(
    r"(?i)(['\"]?(?:proxy-)?(?:authorization|x-api-key):\s*)(bearer\s+)?[^'\"\s]+(?:\s*\[[^\]]*\])?"
)
# OAuth's credential fields (RFC 6749 sections 4.1.2, 4.1.3, 5.1), as JSON members and as form or query fields.
_OAUTH_FIELDS = r"access_token|id_token|refresh_token|client_secret"
_OAUTH_JSON = re.compile(rf'("(?:{_OAUTH_FIELDS})"\s*:\s*")((?:[^"\\]|\\.)+)(")')
# ``code`` only as a form or query field of its own (``?code=``, ``&code=``), not in prose ("exit code=1").
_OAUTH_FORM = re.compile(rf"((?<![A-Za-z0-9_.\-])(?:{_OAUTH_FIELDS})=|(?:(?<=[?&'\"])|^)code=)([^&\s'\"#]+)")
_EMAIL = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}")
_PHONE = re.compile(r"\+[1-9][0-9]{5,14}\b")


class Redactor:
    """Replaces given secrets, and every ``Bearer <credential>``, with ``[redacted]``.

    Build one per set of secrets and reuse it: the pattern is compiled once.
    """

    def __init__(self, secrets: Iterable[str | None] = ()) -> None:
        self.secrets = tuple(sorted({secret for secret in secrets if secret}, key=len, reverse=True))
        long = "|".join(re.escape(secret) for secret in self.secrets if len(secret) >= MIN_SUBSTRING_SECRET)
        short = "|".join(re.escape(secret) for secret in self.secrets if len(secret) < MIN_SUBSTRING_SECRET)
        alternatives = [long] if long else []
        if short:
            alternatives.append(rf"(?<![{_TOKEN_CHARS}])(?:{short})(?![{_TOKEN_CHARS}])")
        self._pattern = re.compile("|".join(alternatives)) if alternatives else None

    def __call__(self, text: str) -> str:
        return self.redact(text)

    def redact(self, text: str) -> str:
        text = _BEARER.sub(lambda match: f"{match.group(1)}{match.group(2)}{REDACTED}", text)
        if "_token" in text or "client_secret" in text or "code=" in text:
            text = _OAUTH_JSON.sub(lambda match: f"{match.group(1)}{REDACTED}{match.group(3)}", text)
            text = _OAUTH_FORM.sub(lambda match: f"{match.group(1)}{REDACTED}", text)
        if self._pattern is not None:
            text = self._pattern.sub(REDACTED, text)
        return text

    def redact_bytes(self, data: bytes) -> bytes:
        """``data`` redacted as UTF-8 text; bytes that are not UTF-8 pass through unchanged around the secrets."""
        if not data:
            return data
        text = data.decode("utf-8", errors="surrogateescape")
        redacted = self.redact(text)
        return data if redacted == text else redacted.encode("utf-8", errors="surrogateescape")

    def redact_exception(self, error: BaseException) -> None:
        """Redact, in place, ``error`` and the exceptions chained to it: a typed error is raised from them, and a
        caller can walk there (a JSON decoding error keeps the whole answer as ``doc``, an unknown enum value is
        quoted in the message)."""
        seen: set[int] = set()
        current: BaseException | None = error
        while current is not None and id(current) not in seen:
            seen.add(id(current))
            current.args = tuple(self._redact_value(value) for value in current.args)
            for name, value in list(getattr(current, "__dict__", {}).items()):
                redacted = self._redact_value(value)
                if redacted is not value:
                    setattr(current, name, redacted)
            current = current.__cause__ or current.__context__

    def _redact_value(self, value: object) -> object:
        if isinstance(value, str):
            return self.redact(value)
        if isinstance(value, bytes):
            return self.redact_bytes(value)
        return value

    def __repr__(self) -> str:
        return f"Redactor(<{len(self.secrets)} secret(s)>)"


def scrub(text: str, secrets: Iterable[str | None] = ()) -> str:
    """``text`` with every secret (as a whole token) and every ``Bearer ...`` credential replaced."""
    return Redactor(secrets).redact(text)


def redact_headers(headers: Mapping[str, str], extra_sensitive: Iterable[str] = ()) -> dict[str, str]:
    """A copy of ``headers`` fit to show: credentials and cookies replaced by ``[redacted]``."""
    sensitive = SENSITIVE_HEADERS | {name.lower() for name in extra_sensitive}
    return {name: (REDACTED if name.lower() in sensitive else value) for name, value in headers.items()}


def redact_header_items(
    items: Iterable[tuple[str, str]],
    redactor: Redactor,
    extra_sensitive: Iterable[str] = (),
    *,
    keep_scheme: bool = False,
) -> list[tuple[str, str]]:
    """Headers as (name, value) pairs, repeated names kept, fit to show or store: a credential header's value
    replaced (with ``keep_scheme``, ``Bearer abc`` becomes ``Bearer [redacted]``, saying which scheme was used), and
    every other value redacted of secrets, as a server may echo the token in any header."""
    sensitive = SENSITIVE_HEADERS | {name.lower() for name in extra_sensitive}
    redacted: list[tuple[str, str]] = []
    for name, value in items:
        if name.lower() in sensitive:
            scheme, space, rest = value.partition(" ")
            value = f"{scheme} {REDACTED}" if keep_scheme and space and rest else REDACTED
        else:
            value = redactor.redact(value)
        redacted.append((name, value))
    return redacted


def redact_auth_headers(text: str) -> str:
    """``text`` (a rendered command, say) with the value of any ``Authorization`` header masked, whoever's it is."""
    return _AUTH_HEADER_LINE.sub(lambda match: f"{match.group(1)}{match.group(2) or ''}{REDACTED}", text)


def mask_personal_data(text: str) -> str:
    """``text`` with email addresses and E.164 phone numbers masked, for debug logs of request bodies."""
    text = _EMAIL.sub("[email]", text)
    return _PHONE.sub("[phone]", text)
