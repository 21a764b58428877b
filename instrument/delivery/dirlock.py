"""Process-lifetime ownership of a spool directory, through `flock` on a file inside it.

The kernel drops an flock when its holder dies, SIGKILL included, so "I can lock it" means
"its owner is gone". A new directory is built under a dot-name, locked, then renamed into
place, so no other process ever sees a visible directory that is not yet locked.
POSIX only (fcntl); on other systems spooling is not available.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import secrets
from pathlib import Path

__all__ = ["DirLock", "create_locked_dir", "try_adopt"]

LOCK_NAME = "lock"


class DirLock:
    """An open, flocked lock file; `release()` is idempotent."""

    def __init__(self, path: Path, fd: int) -> None:
        self.path = path
        self._fd: int | None = fd

    def release(self, remove_dir: bool = False) -> None:
        """Unlock; with `remove_dir`, first delete the lock file and the (empty) directory while
        still holding the lock, so no one can adopt a half-deleted directory."""
        if self._fd is None:
            return
        if remove_dir:
            with contextlib.suppress(OSError):
                (self.path / LOCK_NAME).unlink()
                self.path.rmdir()
        fd, self._fd = self._fd, None
        os.close(fd)  # closing the last descriptor releases the flock


def create_locked_dir(parent: Path) -> DirLock:
    parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    token = f"p-{os.getpid()}-{secrets.token_hex(4)}"
    staging = parent / f".new-{token}"
    staging.mkdir(mode=0o700)
    fd = os.open(staging / LOCK_NAME, os.O_RDWR | os.O_CREAT | os.O_EXCL, 0o600)
    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # a fresh file: this cannot be contended
    final = parent / token
    staging.rename(final)
    return DirLock(final, fd)


def try_adopt(path: Path) -> DirLock | None:
    """Lock an orphaned directory, or return None while its owner lives (or it is gone)."""
    try:
        fd = os.open(path / LOCK_NAME, os.O_RDWR)
    except OSError:
        return None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        os.close(fd)
        return None
    if os.fstat(fd).st_nlink == 0:  # an adopter finished and deleted it after we opened it
        os.close(fd)
        return None
    return DirLock(path, fd)
