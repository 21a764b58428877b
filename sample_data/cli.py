"""`tracevault seed`: the sample week, or bulk synthetic spans, into a running collector."""

from __future__ import annotations

import argparse
import os

from collector.errors import ConfigError


def _seed(args: argparse.Namespace) -> int:
    key = args.key or os.environ.get("TRACEVAULT_API_KEY")
    if not key:
        raise ConfigError("seed needs an ingest key: --key KEY or TRACEVAULT_API_KEY")
    if args.spans:
        from sample_data.bulk import send

        stats = send(args.api, key, args.spans, senders=args.senders)
        rate = stats.spans / stats.seconds if stats.seconds else 0.0
        print(
            f"sent {stats.spans:,} spans in {stats.seconds:.1f}s ({rate:,.0f} spans/s, "
            f"{stats.retries} backpressure retries)"
        )
        return 0
    from sample_data.generate import load_sample

    print(f"replayed {load_sample(args.api, key):,} sample tasks into {args.api}")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    seed = sub.add_parser("seed", help="load the sample week, or --spans N synthetic spans")
    seed.add_argument("--api", default="http://127.0.0.1:4318", help="collector URL")
    seed.add_argument("--key", default=None, help="ingest key (default $TRACEVAULT_API_KEY)")
    seed.add_argument("--spans", type=int, default=0, help="bulk mode: this many spans")
    seed.add_argument("--senders", type=int, default=4, help="bulk mode: concurrent senders")
    seed.set_defaults(func=_seed)
