"""Apply the runtime's redactor to everything the suite prints or writes: report files, pytest's failure
representations and the terminal stream. The rules themselves (which secrets, ``Bearer ...``, credential headers)
are the runtime's, in ``attentive_client.runtime.redaction``."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from pathlib import Path
from typing import IO, Any

from attentive_client.runtime.redaction import Redactor


def redact_file(redactor: Redactor, path: Path) -> bool:
    """Rewrite ``path`` with secrets redacted; True when something was replaced."""
    original = path.read_text(encoding="utf-8", errors="surrogateescape")
    cleaned = redactor.redact(original)
    if cleaned == original:
        return False
    path.write_text(cleaned, encoding="utf-8", errors="surrogateescape")
    return True


def redact_tree(redactor: Redactor, folder: Path) -> list[Path]:
    """Every file under ``folder`` redacted in place; the ones that changed."""
    return [path for path in sorted(folder.rglob("*")) if path.is_file() and redact_file(redactor, path)]


def redact_object(redactor: Redactor, value: Any) -> Any:
    """``value`` with every string inside it redacted: strings, lists, tuples and dicts are rebuilt, other
    objects (pytest's failure representations) have their attributes redacted in place."""
    return _redact_object(redactor, value, set())


def _redact_object(redactor: Redactor, value: Any, seen: set[int]) -> Any:
    if isinstance(value, str):
        return redactor.redact(value)
    if isinstance(value, bytes | int | float | bool | Path) or value is None:
        return value
    if id(value) in seen:
        return value
    seen.add(id(value))
    if isinstance(value, list):
        value[:] = [_redact_object(redactor, item, seen) for item in value]
        return value
    if isinstance(value, tuple):
        items = [_redact_object(redactor, item, seen) for item in value]
        return type(value)(*items) if hasattr(value, "_fields") else tuple(items)
    if isinstance(value, dict):
        return {key: _redact_object(redactor, item, seen) for key, item in value.items()}
    if isinstance(value, type):
        return value
    if dataclasses.is_dataclass(value):
        names = [field.name for field in dataclasses.fields(value)]
    else:
        names = list(vars(value)) if hasattr(value, "__dict__") else []
    for name in names:
        # object.__setattr__: some of pytest's representations are frozen dataclasses.
        object.__setattr__(value, name, _redact_object(redactor, getattr(value, name), seen))
    return value


class RedactingStream:
    """A text stream that redacts what is written through it; anything else goes to the wrapped stream.

    A secret split across two ``write`` calls would pass; the terminal writer writes whole lines and messages,
    and failure texts are redacted at the source too (the test reports)."""

    def __init__(self, inner: IO[str], redactor: Redactor) -> None:
        self.inner = inner
        self.redactor = redactor

    def write(self, text: str) -> int:
        self.inner.write(self.redactor.redact(text))
        return len(text)

    def writelines(self, lines: Iterable[str]) -> None:
        for line in lines:
            self.write(line)

    def flush(self) -> None:
        self.inner.flush()

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)
