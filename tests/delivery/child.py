"""An agent-like child process for crash and sharing tests.

    python -m tests.delivery.child SPOOL_DIR ENDPOINT KEY FIRST COUNT MODE [EXIT_FLUSH_S]

Exports COUNT spans (ids FIRST..) in batches of 10, then MODE "hold" sleeps until killed
(the parent SIGKILLs it once the spans are on disk), MODE "flush" flushes, shuts down and
prints the delivery stats as JSON, MODE "exit" just returns: the atexit hook must deliver,
within EXIT_FLUSH_S (default 30).
"""

from __future__ import annotations

import dataclasses
import json
import sys
import time

from instrument.delivery import DeliveryConfig, SpoolingSpanExporter
from tests.delivery.spans import make_spans


def main(argv: list[str]) -> int:
    spool_dir, endpoint, key, first, count, mode = argv[:6]
    exit_flush_s = float(argv[6]) if len(argv) > 6 else 30.0
    config = DeliveryConfig(
        endpoint=endpoint, api_key=key, spool_dir=spool_dir, linger_s=0.05,
        backoff_base_s=0.05, backoff_max_s=0.5, exit_flush_s=exit_flush_s, env={},
    )  # fmt: skip
    exporter = SpoolingSpanExporter(config)
    for start in range(int(first), int(first) + int(count), 10):
        exporter.export(make_spans(min(10, int(first) + int(count) - start), first=start))
    if mode == "hold":
        print("exported", flush=True)
        while True:
            time.sleep(60)
    if mode == "exit":
        print("exiting", flush=True)
        return 0
    delivered = exporter.flush(timeout=60)
    exporter.shutdown()
    print(json.dumps({"flushed": delivered, **dataclasses.asdict(exporter.stats())}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
