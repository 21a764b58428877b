"""Alert rules (admin to change, read keys to look), test notifications, and alert history.

Webhook URLs and signing secrets are never returned: URLs come back as `scheme://host/…`,
secrets as `********`; sending either back unchanged in a PATCH keeps the stored value.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Body, Query, Response
from pydantic import BaseModel, Field

from analytics.alerts.defaults import is_seeded, seed_projects
from analytics.alerts.model import Rule, RuleSpec
from analytics.alerts.persist import EventFilter, list_events
from analytics.alerts.replay import MIN_STEP_S, replay_alerts
from analytics.alerts.rules import create_rule, delete_rule, get_rule, list_rules, update_rule
from analytics.alerts.service import context_for, delivery_policy, probe_for
from analytics.alerts.try_send import send_test
from analytics.notify.outbox import deliveries_for
from collector.api.deps import AdminKey, ReadKey, RuntimeDep
from collector.api.serialize import row_out
from collector.errors import BadRequestError
from collector.runtime import Runtime

router = APIRouter(prefix="/api/alerts", tags=["alerts"])
EVENT_STATES = ("firing", "resolved")


def _rule_out(rule: Rule) -> dict[str, Any]:
    return rule.model_dump(mode="json")  # the model masks channel URLs and secrets


def _ensure_defaults(runtime: Runtime, project: str) -> None:
    """A project's default rules exist from its first look at them, not its first tick."""
    if is_seeded(runtime.store, project):
        return  # the common case: one read, no trip through the writer
    ctx = context_for(runtime.store, runtime.settings)
    seed_projects(runtime.store, [project], ctx.default_specs, datetime.now(UTC))


def _allowed(runtime: Runtime) -> tuple[str, ...]:
    return tuple(runtime.settings.alerts_webhook_hosts)


@router.get("/rules", summary="The project's alert rules (webhook URLs masked)")
def rules(runtime: RuntimeDep, key: ReadKey) -> dict[str, Any]:
    _ensure_defaults(runtime, key.project)
    return {"rules": [_rule_out(r) for r in list_rules(runtime.store, key.project)]}


@router.post("/rules", status_code=201, summary="Create a rule")
def create(spec: RuleSpec, runtime: RuntimeDep, key: AdminKey) -> dict[str, Any]:
    _ensure_defaults(runtime, key.project)
    return _rule_out(create_rule(runtime.store, key.project, spec, _allowed(runtime)))


@router.get("/rules/{rule_id}", summary="One rule")
def read(rule_id: str, runtime: RuntimeDep, key: ReadKey) -> dict[str, Any]:
    return _rule_out(get_rule(runtime.store, key.project, rule_id))


@router.patch("/rules/{rule_id}", summary="Change some fields of a rule")
def patch(
    rule_id: str, runtime: RuntimeDep, key: AdminKey, body: Annotated[dict[str, Any], Body()]
) -> dict[str, Any]:
    rule = update_rule(runtime.store, key.project, rule_id, body, _allowed(runtime))
    return _rule_out(rule)


@router.delete("/rules/{rule_id}", status_code=204, summary="Delete a rule (history stays)")
def delete(rule_id: str, runtime: RuntimeDep, key: AdminKey) -> Response:
    delete_rule(runtime.store, key.project, rule_id)
    return Response(status_code=204)


@router.post("/rules/{rule_id}/test", summary="Send a test notification to every channel")
def test(rule_id: str, runtime: RuntimeDep, key: AdminKey) -> dict[str, Any]:
    rule = get_rule(runtime.store, key.project, rule_id)
    if not rule.channels:
        raise BadRequestError("the rule has no channels to test")
    s = runtime.settings
    probe = probe_for(runtime.store, s)
    sent = send_test(runtime.store, rule, s.console_url, delivery_policy(s), probe)
    return {"rule_id": rule_id, "deliveries": sent}


@router.get("/events", summary="Alert history: firing and resolved times, with deliveries")
def events(
    runtime: RuntimeDep,
    key: ReadKey,
    rule_id: str | None = None,
    state: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
    replayed: bool | None = None,
) -> dict[str, Any]:
    if state is not None and state not in EVENT_STATES:
        raise BadRequestError(f"state must be one of {list(EVENT_STATES)}")
    f = EventFilter(rule_id, state, since, until, limit, replayed)
    rows = list_events(runtime.store, key.project, f)
    logs = deliveries_for(runtime.store, key.project, [r["event_id"] for r in rows])
    out = []
    for row in rows:
        event = row_out(row)
        event["deliveries"] = [row_out(d) for d in logs.get(row["event_id"], [])]
        out.append(event)
    return {"events": out}


class ReplayRequest(BaseModel):
    since: datetime = Field(description="First step time (ISO 8601; no zone = UTC)")
    until: datetime | None = Field(None, description="Last step at or before this; default now")
    step_s: int = Field(300, ge=MIN_STEP_S, le=86400, description="Seconds between steps")


def _utc(t: datetime) -> datetime:
    return t.replace(tzinfo=UTC) if t.tzinfo is None else t


@router.post("/replay", summary="Alert history for past traffic (replayed: nothing is sent)")
def replay(body: ReplayRequest, runtime: RuntimeDep, key: AdminKey) -> dict[str, Any]:
    until = _utc(body.until) if body.until else None
    return replay_alerts(runtime, key.project, _utc(body.since), until, body.step_s)
