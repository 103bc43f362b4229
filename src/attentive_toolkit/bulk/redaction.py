"""The seam to the runtime's redactor: the token, and any ``Bearer ...`` credential, out of every text the
importer writes or prints. Replaced by ``attentive_client.runtime.Redactor`` once the runtime is in main."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

REDACTED = "[redacted]"
_TOKEN_CHARS = r"A-Za-z0-9\-._~+/="
_BEARER = re.compile(rf"(?i)\b(bearer)(\s+|%20|\+)([{_TOKEN_CHARS}]{{8,}})")


class Redactor:
    def __init__(self, secrets: Iterable[str | None] = ()) -> None:
        self.secrets = tuple(sorted({secret for secret in secrets if secret}, key=len, reverse=True))
        alternatives = "|".join(re.escape(secret) for secret in self.secrets)
        # A secret only as a whole token, so a one-character token cannot shred a message.
        self._pattern = (
            re.compile(rf"(?<![{_TOKEN_CHARS}])(?:{alternatives})(?![{_TOKEN_CHARS}])") if alternatives else None
        )

    def __call__(self, text: str) -> str:
        text = _BEARER.sub(lambda match: f"{match.group(1)}{match.group(2)}{REDACTED}", text)
        if self._pattern is not None:
            text = self._pattern.sub(REDACTED, text)
        return text

    def __repr__(self) -> str:
        return f"Redactor(<{len(self.secrets)} secret(s)>)"


def scrub_document(value: Any, redact: Redactor) -> Any:
    """A JSON-ish document with every string scrubbed (keys included)."""
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, dict):
        return {redact(str(key)): scrub_document(item, redact) for key, item in value.items()}
    if isinstance(value, list):
        return [scrub_document(item, redact) for item in value]
    return value
