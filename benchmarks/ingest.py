"""Ingest throughput: 4 concurrent OTLP/HTTP senders against a real `tracevault serve`, with
durable acks (a 200 only after COMMIT), and in the same run the raw limit of this machine
(protobuf decode + normalize + Arrow + DuckDB insert, no HTTP) for a ratio.

The machine is shared, so besides wall-clock spans/s this reports CPU time per span (all
threads of the process doing the work: the benchmark itself for the raw limit, the `serve`
child for HTTP) and the rate that CPU cost allows on an idle 2-core machine.

    /work/venv/bin/python -m benchmarks.ingest [--seconds 20] [--senders 4]
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import httpx

from collector import otlp
from collector.audit.chain import install as install_audit
from collector.normalize import to_row
from collector.process import start_collector
from collector.store import DuckDBStore, IngestBatch
from collector.store.arrow_rows import rows_to_table
from sample_data.bulk import BatchFactory

BATCH = 512
CORES = 2
KEYS = 65  # 64 projects x 15 payloads x 512 = 491k distinct spans for the HTTP run


def _stat(pid: int | str) -> list[str]:
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()


def _proc_cpu(pid: int) -> float:
    """User + system CPU seconds of a process and its child processes (ingest workers), all
    threads (from /proc)."""
    total = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = _stat(entry.name)
        except OSError:  # exited meanwhile
            continue
        if int(entry.name) == pid or int(fields[1]) == pid:
            total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def _raw_batch(store: DuckDBStore, payload: bytes, project: str) -> int:
    spans = otlp.decode_protobuf(payload).spans
    rows = [to_row(s, project) for s in spans]
    store.ingest(IngestBatch(project, None, rows_to_table(rows, datetime.now(UTC)))).result()
    return len(spans)


def raw_limit(payloads: list[bytes], seconds: float, path: Path, audit: bool) -> dict:
    """One thread: decode, normalize, build Arrow, insert and wait for COMMIT, repeat."""
    store = DuckDBStore(path)
    if audit:
        install_audit(store)  # `serve` runs this commit hook inside every ingest transaction
    try:
        _raw_batch(store, payloads[0], "warm-up")  # first-use imports, allocations: not timed
        done, cpu0, started = 0, time.process_time(), time.perf_counter()
        while time.perf_counter() - started < seconds:
            n, cycle = divmod(done // BATCH, len(payloads))  # new project per cycle: new spans
            done += _raw_batch(store, payloads[cycle], f"bench-{n}")
    finally:
        store.close()
    wall, cpu = time.perf_counter() - started, time.process_time() - cpu0
    return {"spans_per_s": done / wall, "cpu_us": cpu / done * 1e6}


def sender(url: str, keys: list[str], payloads: list[bytes], stop: float, out: list[float]) -> None:
    """Posts until `stop`; the key (so the project) changes every cycle over the payloads, so
    spans are new until len(keys) * len(payloads) requests (a resent span costs less)."""
    with httpx.Client(timeout=60) as http:
        i = 0
        while time.perf_counter() < stop:
            cycle, n = divmod(i, len(payloads))
            headers = {"Authorization": f"Bearer {keys[cycle % len(keys)]}",
                       "Content-Type": "application/x-protobuf"}  # fmt: skip
            t0 = time.perf_counter()
            resp = http.post(f"{url}/v1/traces", content=payloads[n], headers=headers)
            if resp.status_code == 200:
                out.append(time.perf_counter() - t0)
            elif resp.status_code in (429, 503):
                time.sleep(float(resp.headers.get("retry-after", "1")))
            else:
                raise RuntimeError(f"{resp.status_code}: {resp.text}")
            i += 1


def _wait_for_workers(url: str) -> None:
    """Ingest workers start in the background; measure once they serve requests."""
    deadline = time.monotonic() + 60
    while not httpx.get(f"{url}/health").json()["checks"]["ingest_workers"]["ready"]:
        if time.monotonic() > deadline:
            raise RuntimeError("ingest workers did not start")
        time.sleep(0.1)


def _send_all(url: str, keys: list[str], payloads: list[bytes], seconds: float, senders: int
              ) -> tuple[list[float], float]:  # fmt: skip
    latencies: list[list[float]] = [[] for _ in range(senders)]
    stop = time.perf_counter() + seconds
    threads = [threading.Thread(target=sender, args=(url, keys[i::senders], payloads, stop, lat))
               for i, lat in enumerate(latencies)]  # fmt: skip
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sorted(x for lat in latencies for x in lat), time.perf_counter() - started


def http_rate(payloads: list[bytes], seconds: float, senders: int, tmp: Path) -> dict:
    proc = start_collector(tmp / "http.duckdb", "bench-admin", log_path=tmp / "serve.log")
    try:
        _wait_for_workers(proc.url)
        admin = {"Authorization": "Bearer bench-admin"}
        keys = [httpx.post(f"{proc.url}/api/keys", headers=admin,
                           json={"project": f"bench-{i}", "role": "ingest"}).json()["key"]
                for i in range(KEYS)]  # fmt: skip
        _send_all(proc.url, keys[:1], payloads[:1], 0.5, 1)  # warm-up: not timed
        server0, client0 = _proc_cpu(proc.proc.pid), time.process_time()
        flat, elapsed = _send_all(proc.url, keys[1:], payloads[1:], seconds, senders)
        server_cpu = _proc_cpu(proc.proc.pid) - server0
        client_cpu = time.process_time() - client0
    finally:
        proc.stop()
    spans = len(flat) * BATCH
    return {
        "spans_per_s": spans / elapsed,
        "cpu_us": server_cpu / spans * 1e6,
        "sender_cpu_us": client_cpu / spans * 1e6,
        "p50_ms": statistics.median(flat) * 1000,
        "p99_ms": flat[int(len(flat) * 0.99) - 1] * 1000,
        "requests": len(flat),
    }


def _line(label: str, result: dict) -> str:
    capacity = CORES * 1e6 / result["cpu_us"]
    return (
        f"{label:44s} {result['spans_per_s']:>8,.0f} spans/s wall | "
        f"{result['cpu_us']:5.1f} µs CPU/span -> {capacity:>7,.0f} spans/s on {CORES} idle cores"
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--senders", type=int, default=4)
    args = parser.parse_args()
    payloads = [BatchFactory(seed=i, content_on_every_span=True).batch(BATCH) for i in range(16)]
    print(f"payload: {BATCH} spans, {len(payloads[0]) / 1024:.0f} KiB protobuf per batch")
    print(f"load average before: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    with tempfile.TemporaryDirectory() as tmp:
        raw = raw_limit(payloads, args.seconds / 4, Path(tmp) / "raw.duckdb", audit=False)
        audited = raw_limit(payloads, args.seconds / 4, Path(tmp) / "audit.duckdb", audit=True)
        http = http_rate(payloads, args.seconds, args.senders, Path(tmp))
    print(_line("raw limit (no HTTP, no commit hooks)", raw))
    print(_line("raw limit + audit commit hook (as serve)", audited))
    workers = os.environ.get("TRACEVAULT_INGEST_WORKERS", "default")
    print(_line(f"HTTP, {args.senders} senders, durable acks, workers={workers}", http))
    print(f"  sender CPU {http['sender_cpu_us']:.1f} µs/span (same machine, not in the above)")
    p50, p99, n = http["p50_ms"], http["p99_ms"], http["requests"]
    print(f"  request latency p50 {p50:.0f} ms, p99 {p99:.0f} ms, {n} requests")
    print(f"ratio HTTP / raw limit (wall): {http['spans_per_s'] / raw['spans_per_s']:.2f}")
    print(f"load average after: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
