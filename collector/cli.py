"""The `tracevault` command: serve, ui, demo, keys, audit, seed."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence

from collector.audit import cli as audit_cli
from collector.errors import TracevaultError
from sample_data import cli as seed_cli


def _cmd_serve(args: argparse.Namespace) -> int:
    from collector.server import serve

    serve(db_path=args.db, host=args.host, port=args.port)
    return 0


def _cmd_ui(args: argparse.Namespace) -> int:
    from ui.launch import run_ui

    return run_ui(api_url=args.api, port=args.port, api_key=args.key)


def _cmd_demo(args: argparse.Namespace) -> int:
    from collector.demo import run_demo

    return run_demo(db_path=args.db, port=args.port, ui_port=args.ui_port)


def _cmd_keys(args: argparse.Namespace) -> int:
    from collector.keys_cli import run_keys

    result = run_keys(args)
    print(json.dumps(result, indent=2, default=str))
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="tracevault", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    serve = sub.add_parser("serve", help="OTLP receiver + REST API + scheduled jobs")
    serve.add_argument("--db", default=None, help="DuckDB file (default ./tracevault.duckdb)")
    serve.add_argument("--host", default=None, help="listen address (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=None, help="listen port (default 4318)")
    serve.set_defaults(func=_cmd_serve)

    ui = sub.add_parser("ui", help="the Streamlit console (reads only through the REST API)")
    ui.add_argument("--api", default="http://127.0.0.1:4318", help="collector URL")
    ui.add_argument("--port", type=int, default=8501)
    ui.add_argument("--key", default=None, help="read key (default $TRACEVAULT_API_KEY)")
    ui.set_defaults(func=_cmd_ui)

    demo = sub.add_parser("demo", help="serve + ui + sample data, Ctrl-C stops both")
    demo.add_argument("--db", default="tracevault-demo.duckdb")
    demo.add_argument("--port", type=int, default=4318)
    demo.add_argument("--ui-port", type=int, default=8501)
    demo.set_defaults(func=_cmd_demo)

    keys = sub.add_parser("keys", help="create, list or revoke API keys")
    keys.add_argument("action", choices=["create", "list", "revoke"])
    keys.add_argument("key_id", nargs="?", help="key to revoke")
    keys.add_argument("--project", default=None)
    keys.add_argument("--role", choices=["ingest", "read", "admin"], default=None)
    keys.add_argument("--name", default=None)
    keys.add_argument("--db", default=None, help="open the DuckDB file directly (server stopped)")
    keys.add_argument("--api", default=None, help="or go through a running collector")
    keys.add_argument("--admin-key", default=None, help="admin key for --api")
    keys.set_defaults(func=_cmd_keys)
    for register in _feature_commands():
        register(sub)
    return parser


def _feature_commands() -> list:
    # One line per feature that adds subcommands: a function taking the subparsers object,
    # which adds its parser(s) with set_defaults(func=...) returning an exit code.
    return [
        audit_cli.register,
        seed_cli.register,
    ]


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.func(args))
    except TracevaultError as exc:
        print(f"tracevault: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
