"""The spool on real files: durability, cap and eviction, locking and adoption."""

from __future__ import annotations

import stat
from pathlib import Path

from instrument.delivery.dirlock import create_locked_dir, try_adopt
from instrument.delivery.spool import Spool


def _names(spool: Spool) -> list[str]:
    return _names_of(spool.directory)


def test_append_writes_complete_private_file_when_called(tmp_path: Path) -> None:
    spool = Spool(tmp_path, max_bytes=1000)
    spool.append(b"abc", spans=3, gzip=False)
    [name] = _names(spool)
    assert name.endswith("-00000001-3.pb")
    path = spool.directory / name
    assert path.read_bytes() == b"abc"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(spool.directory.stat().st_mode) == 0o700
    assert not list(spool.directory.glob(".tmp-*"))
    assert spool.usage() == (1, 3)


def test_append_evicts_oldest_and_counts_spans_when_over_cap(tmp_path: Path) -> None:
    drops: list[int] = []
    spool = Spool(tmp_path, max_bytes=250, on_drop=drops.append)
    for i in range(5):
        spool.append(bytes([i]) * 100, spans=10 + i, gzip=False)
    assert [n.split("-")[1] for n in _names(spool)] == ["00000004", "00000005"]
    assert drops == [10, 11, 12]
    assert spool.dropped_spans == 33
    assert spool.usage() == (2, 200)


def test_append_keeps_newest_when_one_batch_exceeds_cap(tmp_path: Path) -> None:
    spool = Spool(tmp_path, max_bytes=10)
    spool.append(b"a" * 50, spans=1, gzip=False)
    spool.append(b"b" * 50, spans=2, gzip=True)
    [name] = _names(spool)
    assert name.endswith("-2.pb.gz")
    assert spool.dropped_spans == 1


def test_next_entry_returns_oldest_and_skips_in_flight_when_called(tmp_path: Path) -> None:
    spool = Spool(tmp_path, max_bytes=1000)
    spool.append(b"1", 1, False)
    spool.append(b"2", 2, False)
    first = spool.next_entry()
    second = spool.next_entry()
    assert first is not None and second is not None
    assert (spool.read(first), spool.read(second)) == (b"1", b"2")
    assert spool.next_entry() is None
    spool.settle(first, done=False)  # retry later: back in line
    again = spool.next_entry()
    assert again == first
    spool.settle(again, done=True)
    assert not first.path.exists()
    assert spool.usage() == (1, 1)


def test_evict_skips_in_flight_entry_when_over_cap(tmp_path: Path) -> None:
    spool = Spool(tmp_path, max_bytes=150)
    spool.append(b"a" * 100, 1, False)
    sending = spool.next_entry()
    spool.append(b"b" * 100, 2, False)
    assert sending is not None and sending.path.exists()
    assert spool.dropped_spans == 0


def test_try_adopt_refuses_when_owner_lives(tmp_path: Path) -> None:
    live = create_locked_dir(tmp_path)
    assert try_adopt(live.path) is None
    live.release()
    adopted = try_adopt(live.path)
    assert adopted is not None
    adopted.release(remove_dir=True)
    assert not live.path.exists()


def test_adopt_orphans_takes_dead_process_files_when_lock_free(tmp_path: Path) -> None:
    dead = Spool(tmp_path, max_bytes=1000)
    dead.append(b"old-1", 1, False)
    dead.append(b"old-2", 2, False)
    (dead.directory / ".tmp-9").write_bytes(b"half a write")
    live_other = Spool(tmp_path, max_bytes=1000)
    dead.close()  # lock released, files left behind: an orphan
    spool = Spool(tmp_path, max_bytes=1000)
    assert spool.adopt_orphans() == 2
    assert not (dead.directory / ".tmp-9").exists()
    assert live_other.adopt_orphans() == 0  # already held by `spool`
    bodies = []
    while (entry := spool.next_entry()) is not None:
        bodies.append(spool.read(entry))
        spool.settle(entry, done=True)
    assert bodies == [b"old-1", b"old-2"]
    assert not dead.directory.exists()  # emptied orphan removed with its lock
    assert live_other.directory.exists()


def test_adopt_orphans_orders_adopted_before_own_when_older(tmp_path: Path) -> None:
    dead = Spool(tmp_path, max_bytes=1000)
    dead.append(b"old", 1, False)
    dead.close()
    spool = Spool(tmp_path, max_bytes=1000)
    spool.append(b"new", 1, False)
    spool.adopt_orphans()
    first = spool.next_entry()
    assert first is not None and spool.read(first) == b"old"


def test_adopt_orphans_evicts_over_cap_when_adopted_files_are_large(tmp_path: Path) -> None:
    dead = Spool(tmp_path, max_bytes=10_000)
    for i in range(4):
        dead.append(b"x" * 100, spans=5 + i, gzip=False)
    dead.close()
    spool = Spool(tmp_path, max_bytes=250)
    spool.adopt_orphans()
    assert spool.dropped_spans == 5 + 6
    assert spool.usage() == (2, 200)


def test_close_removes_empty_dir_and_keeps_nonempty_when_called(tmp_path: Path) -> None:
    empty = Spool(tmp_path, max_bytes=100)
    full = Spool(tmp_path, max_bytes=100)
    full.append(b"keep", 1, False)
    empty.close()
    full.close()
    full.close()  # idempotent
    assert not empty.directory.exists()
    assert (full.directory / _names_of(full.directory)[0]).read_bytes() == b"keep"


def _names_of(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir() if p.name.endswith((".pb", ".pb.gz")))


def test_wait_gone_returns_true_when_entries_settled(tmp_path: Path) -> None:
    spool = Spool(tmp_path, max_bytes=1000)
    spool.append(b"a", 1, False)
    pending = spool.pending()
    assert spool.wait_gone(pending, timeout=0.01) is False
    entry = spool.next_entry()
    assert entry is not None
    spool.settle(entry, done=True)
    assert spool.wait_gone(pending, timeout=0.01) is True
