"""`tracevault audit verify|export --db PATH`: offline, read-only, with the server stopped."""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb

from collector.audit.export import iter_export
from collector.audit.verify import verify
from collector.errors import ConfigError


def register(sub: Any) -> None:
    """Add `audit` to the `tracevault` subparsers."""
    audit = sub.add_parser("audit", help="verify or export the tamper-evident audit trail")
    actions = audit.add_subparsers(dest="audit_action", required=True)
    check = actions.add_parser("verify", help="recompute the hash chain, name the first break")
    check.add_argument("--db", required=True, help="DuckDB file (server stopped)")
    check.add_argument("--project", default=None, help="one project (default: all)")
    check.add_argument("--json", action="store_true", help="print the full report as JSON")
    check.set_defaults(func=_cmd_verify)
    export = actions.add_parser("export", help="JSONL of chain records and spans")
    export.add_argument("--db", required=True, help="DuckDB file (server stopped)")
    export.add_argument("--out", default=None, help="file to write (default: stdout)")
    export.add_argument("--project", default=None, help="one project (default: all)")
    export.add_argument("--from-seq", type=int, default=None, help="first record (with --project)")
    export.add_argument("--to-seq", type=int, default=None, help="last record (with --project)")
    export.set_defaults(func=_cmd_export)


@contextlib.contextmanager
def open_read_only(path: str) -> Iterator[duckdb.DuckDBPyConnection]:
    if not Path(path).is_file():
        raise ConfigError(f"no database file at {path}")
    try:
        con = duckdb.connect(path, read_only=True)
    except duckdb.IOException as exc:
        raise ConfigError(
            f"cannot open {path} read-only: a running `tracevault serve` probably holds it; "
            "stop it, or use GET /api/audit/verify"
        ) from exc
    try:
        tables = {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
        if "audit_chain" not in tables:
            raise ConfigError(f"{path} has no audit trail (open it once with `tracevault serve`)")
        yield con
    finally:
        con.close()


def _cmd_verify(args: argparse.Namespace) -> int:
    with open_read_only(args.db) as con:
        report = verify(con, args.project)
    print(json.dumps(report.to_dict(), indent=2) if args.json else report.summary())
    return 0 if report.ok else 1


def _cmd_export(args: argparse.Namespace) -> int:
    with open_read_only(args.db) as con:
        lines = iter_export(con, args.project, args.from_seq, args.to_seq)
        if args.out is None:
            sys.stdout.buffer.writelines(lines)
            return 0
        with open(args.out, "wb") as out:
            out.writelines(lines)
    return 0
