"""A bounded, crash-safe on-disk spool of encoded OTLP batches.

Layout: one sub-directory per live process (`p-<pid>-<token>`, flocked for the process's
lifetime, see `dirlock`). Each batch is one file `<time_ns>-<seq>-<spans>.pb[.gz]` holding
exactly the bytes to POST: written to a dot-file, fsync'd, renamed into place, directory
fsync'd. So a visible file is always complete, and survives SIGKILL and power loss.

Two processes never write the same directory. A process adopts a sibling directory only when
it can flock it (its owner is dead), holds that lock while delivering its files, and deletes
the directory once empty: no file is ever sent by two live processes. The size cap counts the
files of this process plus those it adopted; past it the oldest files are deleted and their
spans counted as dropped, the newest batch is always kept.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from instrument.delivery.dirlock import DirLock, create_locked_dir, try_adopt

__all__ = ["Entry", "Spool"]

log = logging.getLogger("tracevault.delivery")

_NAME = re.compile(r"^(\d{20})-(\d{8})-(\d+)\.pb(\.gz)?$")
_STALE_STAGING_S = 60.0


@dataclass(frozen=True, slots=True)
class Entry:
    path: Path
    spans: int
    size: int
    gzip: bool
    order: tuple[int, int] = field(compare=False)  # (time_ns, seq): oldest first


def _parse(path: Path) -> Entry | None:
    match = _NAME.match(path.name)
    if not match:
        return None
    with contextlib.suppress(OSError):
        size = path.stat().st_size
        return Entry(path, int(match[3]), size, bool(match[4]), (int(match[1]), int(match[2])))
    return None


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class Spool:
    def __init__(
        self, root: Path, max_bytes: int, on_drop: Callable[[int], None] | None = None
    ) -> None:
        self.root = root
        self.max_bytes = max_bytes
        self.dropped_spans = 0  # evicted because the cap was reached, since start
        self._on_drop = on_drop
        self._own = create_locked_dir(root)
        self._adopted: dict[Path, DirLock] = {}
        self._entries: list[Entry] = []  # oldest first
        self._in_flight: set[Path] = set()
        self._bytes = 0
        self._seq = 0
        self._last_ns = 0
        self._cond = threading.Condition()
        self._closed = False

    @property
    def directory(self) -> Path:
        return self._own.path

    # -- writing -------------------------------------------------------------------------
    def append(self, body: bytes, spans: int, gzip: bool) -> int:
        """Write one batch durably; returns the spans evicted to stay under the cap."""
        with self._cond:
            self._seq += 1
            self._last_ns = max(self._last_ns + 1, time.time_ns())
            order = (self._last_ns, self._seq)
        name = f"{order[0]:020d}-{order[1]:08d}-{spans}.pb" + (".gz" if gzip else "")
        path = self.directory / name
        tmp = self.directory / f".tmp-{order[1]}"
        with open(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), "wb") as out:
            out.write(body)
            out.flush()
            os.fsync(out.fileno())
        tmp.rename(path)
        _fsync_dir(self.directory)
        with self._cond:
            self._entries.append(Entry(path, spans, len(body), gzip, order))
            self._bytes += len(body)
            dropped = self._evict_locked()
            self._cond.notify_all()
        return dropped

    def _evict_locked(self) -> int:
        dropped = 0
        for entry in list(self._entries[:-1]):  # never the newest batch
            if self._bytes <= self.max_bytes:
                break
            if entry.path in self._in_flight:
                continue  # being sent right now; it leaves the spool either way
            self._forget_locked(entry)
            dropped += entry.spans
        if dropped:
            self.dropped_spans += dropped
            if self._on_drop:
                self._on_drop(dropped)
            log.warning("tracevault spool over %d bytes: dropped %d oldest spans",
                        self.max_bytes, dropped)  # fmt: skip
        return dropped

    # -- delivering ----------------------------------------------------------------------
    def next_entry(self) -> Entry | None:
        """The oldest batch nobody is sending, now marked in flight."""
        with self._cond:
            for entry in self._entries:
                if entry.path not in self._in_flight:
                    self._in_flight.add(entry.path)
                    return entry
        return None

    def read(self, entry: Entry) -> bytes | None:
        try:
            return entry.path.read_bytes()
        except FileNotFoundError:
            return None

    def settle(self, entry: Entry, done: bool) -> None:
        """After a send: `done` deletes the batch (delivered or rejected), else it is retried.
        Ignored once closed: the lock is gone and another process may own the file now."""
        with self._cond:
            if self._closed:
                return
            self._in_flight.discard(entry.path)
            if done and entry in self._entries:
                self._forget_locked(entry)
            self._cond.notify_all()

    def _forget_locked(self, entry: Entry) -> None:
        self._entries.remove(entry)
        self._bytes -= entry.size
        with contextlib.suppress(FileNotFoundError):
            entry.path.unlink()
        parent = entry.path.parent
        lock = self._adopted.get(parent)
        if lock and not any(e.path.parent == parent for e in self._entries):
            del self._adopted[parent]
            lock.release(remove_dir=True)

    # -- adoption ------------------------------------------------------------------------
    def adopt_orphans(self) -> int:
        """Take over directories of dead processes; returns how many batches were adopted."""
        adopted = 0
        with contextlib.suppress(FileNotFoundError):
            for path in sorted(self.root.iterdir()):
                if path.name.startswith(".new-"):
                    self._remove_stale_staging(path)
                elif path.name.startswith("p-") and path != self.directory:
                    adopted += self._adopt(path)
        return adopted

    def _adopt(self, path: Path) -> int:
        with self._cond:
            if path in self._adopted:
                return 0
        lock = try_adopt(path)
        if lock is None:
            return 0
        for tmp in path.glob(".tmp-*"):  # a write its owner never finished
            tmp.unlink(missing_ok=True)
        entries = [e for e in map(_parse, path.iterdir()) if e is not None]
        if not entries:
            lock.release(remove_dir=True)
            return 0
        with self._cond:
            self._adopted[path] = lock
            self._entries = sorted([*self._entries, *entries], key=lambda e: e.order)
            self._bytes += sum(e.size for e in entries)
            self._evict_locked()
            self._cond.notify_all()
        log.info("tracevault adopted %d spooled batches from %s", len(entries), path.name)
        return len(entries)

    def _remove_stale_staging(self, path: Path) -> None:
        with contextlib.suppress(OSError):
            if time.time() - path.stat().st_mtime < _STALE_STAGING_S:
                return  # its creator may still be between mkdir and rename
            lock = try_adopt(path)
            if lock is not None:
                lock.release(remove_dir=True)

    # -- waiting and state ---------------------------------------------------------------
    def pending(self) -> set[Path]:
        with self._cond:
            return {e.path for e in self._entries}

    def wait_gone(self, paths: Iterable[Path], timeout: float) -> bool:
        """Wait until none of `paths` is still spooled (delivered, rejected or evicted)."""
        wanted = set(paths)
        with self._cond:
            return self._cond.wait_for(
                lambda: not wanted & {e.path for e in self._entries}, timeout
            )

    def has_entries(self) -> bool:
        with self._cond:
            return bool(self._entries)

    def usage(self) -> tuple[int, int]:
        """(files, bytes) currently spooled by this process, adopted ones included."""
        with self._cond:
            return len(self._entries), self._bytes

    def close(self) -> None:
        """Release every lock; an empty own directory is removed, a non-empty one is left for
        the next process to adopt."""
        with self._cond:
            if self._closed:
                return
            self._closed = True
            own_left = any(e.path.parent == self.directory for e in self._entries)
            adopted, self._adopted = self._adopted, {}
        for lock in adopted.values():
            lock.release()
        self._own.release(remove_dir=not own_left)
