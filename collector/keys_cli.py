"""`tracevault keys`: through a running collector (--api) or on the stopped store (--db)."""

from __future__ import annotations

import argparse
import os
from typing import Any

import duckdb
import httpx

from collector.errors import BadRequestError, ConfigError
from collector.keys import KeyRing
from collector.store import DuckDBStore


def run_keys(args: argparse.Namespace) -> Any:
    if args.action == "create" and not (args.project and args.role):
        raise BadRequestError("keys create needs --project and --role")
    if args.action == "revoke" and not args.key_id:
        raise BadRequestError("keys revoke needs a key id")
    if args.api:
        return _over_api(args)
    return _on_file(args)


def _over_api(args: argparse.Namespace) -> Any:
    admin = args.admin_key or os.environ.get("TRACEVAULT_ADMIN_KEY")
    if not admin:
        raise ConfigError("--api needs --admin-key or TRACEVAULT_ADMIN_KEY")
    headers = {"Authorization": f"Bearer {admin}"}
    with httpx.Client(base_url=args.api, headers=headers, timeout=10) as http:
        if args.action == "create":
            body = {"project": args.project, "role": args.role, "name": args.name}
            resp = http.post("/api/keys", json=body)
        elif args.action == "list":
            resp = http.get("/api/keys", params={"project": args.project} if args.project else {})
        else:
            resp = http.delete(f"/api/keys/{args.key_id}")
    if resp.status_code >= 400:
        raise BadRequestError(f"collector answered {resp.status_code}: {resp.text}")
    return resp.json() if resp.content else {"revoked": args.key_id}


def _on_file(args: argparse.Namespace) -> Any:
    path = args.db or "tracevault.duckdb"
    try:
        store = DuckDBStore(path)
    except duckdb.IOException as exc:
        raise ConfigError(
            f"cannot open {path}: it is probably held by a running `tracevault serve`; "
            "use --api URL --admin-key KEY instead"
        ) from exc
    try:
        ring = KeyRing(store, None, "default")
        if args.action == "create":
            key, secret = ring.create(args.project, args.role, args.name)
            return {"key_id": key.key_id, "project": key.project, "role": key.role, "key": secret}
        if args.action == "list":
            return [k.__dict__ for k in ring.list(args.project)]
        ring.revoke(args.key_id)
        return {"revoked": args.key_id}
    finally:
        store.close()
