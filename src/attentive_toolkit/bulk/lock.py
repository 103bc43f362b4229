"""One importer per input: exclusive locks on the journal and on the input's content, taken before any work.

Two importers of the same data would both send it (and text subscribed people twice). Each importer holds an
advisory ``fcntl.flock`` on two side files: one beside its journal (taken before the input is read at all), and
one named after the input's SHA-256 in a per-user lock folder (taken once the input is hashed), so a second
importer of the same bytes is refused even with another ``--journal`` or from a copy of the file. The kernel
releases a flock when its process dies, however it dies: a killed importer leaves no lock to clean up. The side
files stay (removing a lock file while another process may be opening it would break the lock); they hold only
who last held them, for the refusal message.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import socket
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import IO

LOCK_DIR_VARIABLE = "ATTENTIVE_BULK_LOCK_DIR"
# A holder writes its note just after it takes the lock: an importer refused in that instant reads an empty file,
# so it looks again for a moment before it calls the holder unknown.
HOLDER_NOTE_PATIENCE_SECONDS = 2.0
HOLDER_NOTE_POLL_SECONDS = 0.02


class ImportLocked(Exception):
    """Another importer holds the lock: nothing was read or sent."""


def default_lock_dir() -> Path:
    """Where content locks live: ``$ATTENTIVE_BULK_LOCK_DIR``, else a folder of this user's in the temp folder."""
    configured = os.environ.get(LOCK_DIR_VARIABLE)
    if configured:
        return Path(configured)
    return Path(tempfile.gettempdir()) / f"attentive-bulk-locks-{os.getuid()}"


def content_lock_path(lock_dir: Path, sha256: str) -> Path:
    return lock_dir / f"{sha256}.lock"


def journal_lock_path(journal: Path) -> Path:
    return journal.with_name(journal.name + ".lock")


class ImportLock:
    """Holds any number of exclusive locks until ``release`` (or the end of the ``with`` block)."""

    def __init__(self) -> None:
        self._held: list[IO[str]] = []

    def __enter__(self) -> ImportLock:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.release()

    def take(self, path: Path, what: str) -> None:
        """Lock ``path`` at once or raise ``ImportLocked`` naming ``what`` is locked and who holds it."""
        path.parent.mkdir(parents=True, exist_ok=True)
        # "a+": open without truncating, so a refused importer doesn't erase the holder's note.
        handle = path.open("a+", encoding="utf-8")
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _holder(handle)
            handle.close()
            raise ImportLocked(
                f"another import of {what} is running ({holder}; lock file {path}): this one sends nothing. "
                "Wait for it to finish, then run this command again to pick up what is left."
            ) from None
        except OSError:
            handle.close()
            raise
        handle.seek(0)
        handle.truncate()
        since = datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
        handle.write(json.dumps({"pid": os.getpid(), "host": socket.gethostname(), "since": since}) + "\n")
        handle.flush()
        self._held.append(handle)

    def release(self) -> None:
        while self._held:
            handle = self._held.pop()
            with contextlib.suppress(OSError):
                fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
            handle.close()


def _holder(handle: IO[str]) -> str:
    deadline = time.monotonic() + HOLDER_NOTE_PATIENCE_SECONDS
    while True:
        holder = _read_holder(handle)
        if holder is not None or time.monotonic() >= deadline:
            return holder or "holder unknown"
        time.sleep(HOLDER_NOTE_POLL_SECONDS)


def _read_holder(handle: IO[str]) -> str | None:
    try:
        handle.seek(0)
        note = json.loads(handle.read() or "{}")
        return f"pid {note['pid']} on {note['host']}, since {note['since']}"
    except (OSError, ValueError, KeyError, TypeError):
        return None
