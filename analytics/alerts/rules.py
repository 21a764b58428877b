"""Rules in the store: create, read, update, delete, always within one project."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import duckdb
from pydantic import ValidationError

from analytics.alerts.model import Rule, RuleSpec
from analytics.notify.outbox import new_id
from analytics.notify.urls import check_url, is_masked
from collector.errors import BadRequestError, NotFoundError
from collector.store import Store

_COLUMNS = "rule_id, project, spec, is_default, created_at, updated_at"


def spec_json(spec: RuleSpec) -> str:
    """The spec as stored: the one place channel secrets are written out in clear."""
    fields = set(RuleSpec.model_fields)
    return json.dumps(spec.model_dump(mode="json", include=fields, context={"reveal": True}))


def _rule(row: dict[str, Any]) -> Rule:
    spec = json.loads(row["spec"])
    return Rule(**spec, rule_id=row["rule_id"], project=row["project"],
                is_default=row["is_default"], created_at=row["created_at"],
                updated_at=row["updated_at"])  # fmt: skip


def check_channels(spec: RuleSpec, allowed_hosts: tuple[str, ...]) -> None:
    for channel in spec.channels:
        check_url(channel.url.get_secret_value(), allowed_hosts)


def insert_rule(
    con: duckdb.DuckDBPyConnection, project: str, spec: RuleSpec, now: datetime,
    is_default: bool = False,
) -> str:  # fmt: skip
    rule_id = new_id("rule")
    con.execute(
        "INSERT INTO alert_rules VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [rule_id, project, spec.name, spec_json(spec), spec.enabled, is_default, now, now],
    )
    return rule_id


def create_rule(store: Store, project: str, spec: RuleSpec, allowed: tuple[str, ...]) -> Rule:
    check_channels(spec, allowed)
    now = datetime.now(UTC)
    rule_id = store.write(lambda con: insert_rule(con, project, spec, now)).result()
    return get_rule(store, project, rule_id)


def list_rules(store: Store, project: str) -> list[Rule]:
    rows = store.query(
        f"SELECT {_COLUMNS} FROM alert_rules WHERE project = ? ORDER BY created_at, rule_id",
        [project],
    )
    return [_rule(r) for r in rows]


def enabled_rules(store: Store) -> list[Rule]:
    rows = store.query(
        f"SELECT {_COLUMNS} FROM alert_rules WHERE enabled ORDER BY project, created_at, rule_id"
    )
    return [_rule(r) for r in rows]


def get_rule(store: Store, project: str, rule_id: str) -> Rule:
    rows = store.query(
        f"SELECT {_COLUMNS} FROM alert_rules WHERE project = ? AND rule_id = ?", [project, rule_id]
    )
    if not rows:
        raise NotFoundError(f"no alert rule {rule_id!r}")
    return _rule(rows[0])


def _keep_masked_secrets(patch: dict[str, Any], current: Rule) -> None:
    """A console round-trips masked URLs and secrets: keep the stored values for those."""
    stored = spec_dict(current)["channels"]
    for i, channel in enumerate(patch.get("channels") or []):
        if not isinstance(channel, dict) or i >= len(stored):
            continue
        if isinstance(channel.get("url"), str) and is_masked(channel["url"]):
            channel["url"] = stored[i]["url"]
        if channel.get("secret") == "********":
            channel["secret"] = stored[i]["secret"]


def spec_dict(rule: RuleSpec) -> dict[str, Any]:
    return json.loads(spec_json(rule))


def merged_spec(current: Rule, patch: dict[str, Any]) -> RuleSpec:
    _keep_masked_secrets(patch, current)
    try:
        return RuleSpec(**(spec_dict(current) | patch))
    except ValidationError as exc:
        raise BadRequestError(f"invalid rule: {exc}") from exc


def update_rule(
    store: Store, project: str, rule_id: str, patch: dict[str, Any], allowed: tuple[str, ...]
) -> Rule:
    spec = merged_spec(get_rule(store, project, rule_id), patch)
    check_channels(spec, allowed)
    now = datetime.now(UTC)
    store.write(
        lambda con: con.execute(
            "UPDATE alert_rules SET name = ?, spec = ?, enabled = ?, updated_at = ? "
            "WHERE project = ? AND rule_id = ?",
            [spec.name, spec_json(spec), spec.enabled, now, project, rule_id],
        )
    ).result()
    return get_rule(store, project, rule_id)


def _delete(con: duckdb.DuckDBPyConnection, project: str, rule_id: str) -> int:
    found = con.execute(
        "SELECT count(*) FROM alert_rules WHERE project = ? AND rule_id = ?", [project, rule_id]
    ).fetchone()
    con.execute("DELETE FROM alert_rules WHERE project = ? AND rule_id = ?", [project, rule_id])
    con.execute("DELETE FROM alert_state WHERE project = ? AND rule_id = ?", [project, rule_id])
    return int(found[0]) if found else 0


def delete_rule(store: Store, project: str, rule_id: str) -> None:
    """The rule and its live state go; its event history and queued notifications stay."""
    if not store.write(lambda con: _delete(con, project, rule_id)).result():
        raise NotFoundError(f"no alert rule {rule_id!r}")
