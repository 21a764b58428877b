"""Child processes: SIGKILL after the spool write loses nothing; two processes sharing one
spool directory neither corrupt it nor send a span twice."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

from collector.process import free_port
from instrument.delivery import DeliveryConfig
from tests.conftest import Collector
from tests.delivery.helpers import (
    exporting,
    fast_config,
    late_collector,
    new_admin_key,
    stored_ids,
)
from tests.delivery.servers import scripted
from tests.delivery.spans import span_id_hex

ROOT = Path(__file__).resolve().parents[2]


def _child(
    spool: Path, endpoint: str, key: str, first: int, count: int, mode: str, exit_s: float = 30
) -> subprocess.Popen[str]:
    args = [str(spool), endpoint, key, str(first), str(count), mode, str(exit_s)]
    return subprocess.Popen(
        [sys.executable, "-m", "tests.delivery.child", *args],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip


def _spooled_spans(directory: Path) -> int:
    """Spans in complete spool files (the count is part of each file's name)."""
    return sum(int(p.name.split("-")[2].split(".")[0]) for p in directory.glob("*.pb*"))


def _orphan(spool: Path, endpoint: str, key: str, count: int) -> Path:
    """Run a child that exports `count` spans, and SIGKILL it once they are all on disk."""
    child = _child(spool, endpoint, key, 1, count, "hold")
    destination = DeliveryConfig(endpoint=endpoint, api_key=key, spool_dir=spool, env={})
    deadline = time.monotonic() + 60
    dirs: list[Path] = []
    while time.monotonic() < deadline and child.poll() is None:
        dirs = list(destination.destination_dir.glob(f"p-{child.pid}-*"))
        if dirs and _spooled_spans(dirs[0]) == count:
            break
        time.sleep(0.02)
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    assert child.returncode == -signal.SIGKILL, child.stderr.read() if child.stderr else ""
    assert len(dirs) == 1 and _spooled_spans(dirs[0]) == count
    return dirs[0]


def test_new_process_delivers_spans_when_earlier_one_was_sigkilled(tmp_path: Path) -> None:
    port, admin = free_port(), new_admin_key()
    endpoint, spool = f"http://127.0.0.1:{port}", tmp_path / "spool"
    orphan = _orphan(spool, endpoint, admin, 50)
    with late_collector(tmp_path, port, admin) as proc:
        with exporting(fast_config(endpoint, admin, spool)) as exporter:
            assert exporter.flush(timeout=60) is True
            assert exporter.stats().delivered_spans == 50
        assert stored_ids(proc.url, admin) == [span_id_hex(n) for n in range(1, 51)]
    assert not orphan.exists()  # adopted, delivered, removed


def test_two_processes_sharing_spool_send_each_span_once(
    collector: Collector, project: str, tmp_path: Path
) -> None:
    key, reader = collector.new_key(project, "ingest"), collector.new_key(project, "read")
    port, spool = free_port(), tmp_path / "spool"
    endpoint = f"http://127.0.0.1:{port}"
    orphan = _orphan(spool, endpoint, key, 40)  # left behind while the collector was away
    with scripted(upstream=collector.url, port=port) as proxy:
        children = [_child(spool, endpoint, key, first, 20, "flush") for first in (101, 201)]
        outputs = [child.communicate(timeout=120) for child in children]
        assert [child.returncode for child in children] == [0, 0], outputs
        sent = Counter(proxy.all_span_ids(delivered_only=False))
    reports = [json.loads(out) for out, _ in outputs]
    assert [r["flushed"] for r in reports] == [True, True]
    assert sorted(r["delivered_spans"] for r in reports) == [20, 60]  # one adopted the orphan
    expected = [span_id_hex(n) for n in [*range(1, 41), *range(101, 121), *range(201, 221)]]
    assert sorted(sent) == sorted(expected)
    assert set(sent.values()) == {1}  # no span was sent twice
    assert stored_ids(collector.url, reader) == sorted(expected)
    assert not orphan.exists()
    assert list(orphan.parent.iterdir()) == []  # both children cleaned up after themselves


def test_exit_delivers_without_explicit_flush_when_collector_up(
    collector: Collector, project: str, tmp_path: Path
) -> None:
    key, reader = collector.new_key(project, "ingest"), collector.new_key(project, "read")
    child = _child(tmp_path, collector.url, key, 1, 30, "exit")
    out, err = child.communicate(timeout=120)
    assert (child.returncode, out) == (0, "exiting\n"), err
    assert stored_ids(collector.url, reader) == [span_id_hex(n) for n in range(1, 31)]
    destination = DeliveryConfig(endpoint=collector.url, api_key=key, spool_dir=tmp_path, env={})
    assert list(destination.destination_dir.iterdir()) == []  # nothing left behind


def test_exit_is_bounded_and_keeps_spans_on_disk_when_collector_down(tmp_path: Path) -> None:
    endpoint = f"http://127.0.0.1:{free_port()}"
    child = _child(tmp_path, endpoint, "k", 1, 30, "exit", exit_s=1.0)
    out, err = child.communicate(timeout=60)  # fails here if the exit flush were unbounded
    assert (child.returncode, out) == (0, "exiting\n"), err
    destination = DeliveryConfig(endpoint=endpoint, api_key="k", spool_dir=tmp_path, env={})
    [left] = list(destination.destination_dir.iterdir())
    assert _spooled_spans(left) == 30
    assert _adoptable(left)  # unlocked: the next process takes it over


def _adoptable(directory: Path) -> bool:
    from instrument.delivery.dirlock import try_adopt

    lock = try_adopt(directory)
    if lock is not None:
        lock.release()
    return lock is not None
