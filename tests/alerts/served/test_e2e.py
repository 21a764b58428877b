"""Acceptance: a real `tracevault serve`, a real instrumented agent, and a real local HTTP
server standing in for Slack. Evaluation runs every 0.5 s here (30 s by default)."""

from __future__ import annotations

import re
import secrets
from pathlib import Path

import httpx

from analytics.notify.signing import verify
from sample_data.mock import ApiError
from tests.alerts.e2e import (
    CONSOLE,
    DEFAULT_HOOK,
    agent,
    messages_for,
    running_collector,
    settle,
    wait_until,
)
from tests.alerts.slack_server import SlackServer
from tests.conftest import Collector

SUCCESS_RULE = "Success rate below 90%"


def _rule(served: Collector, project: str, channel: dict) -> str:
    admin = served.client(served.new_key(project, "admin"))
    spec = {"name": "Checkout failing", "metric": "success_rate", "comparison": "lt",
            "threshold": 0.9, "window_s": 900, "severity": "warning",
            "channels": [channel]}  # fmt: skip
    resp = admin.post("/api/alerts/rules", json=spec)
    assert resp.status_code == 201, resp.text
    return resp.json()["rule_id"]


def _events(reader: httpx.Client, rule_id: str) -> list[dict]:
    return reader.get("/api/alerts/events", params={"rule_id": rule_id}).json()["events"]


def test_storm_then_recovery_sends_one_firing_and_one_resolved(
    served: Collector, slack: SlackServer, project: str
) -> None:
    with agent(served.url, served.new_key(project, "ingest")) as call:
        call(12, ApiError(500))
        wait_until(lambda: messages_for(slack, DEFAULT_HOOK, project, SUCCESS_RULE))
        call(120)
        wait_until(lambda: len(messages_for(slack, DEFAULT_HOOK, project, SUCCESS_RULE)) == 2)
    settle()
    firing, resolved = messages_for(slack, DEFAULT_HOOK, project, SUCCESS_RULE)
    header, facts, examples, actions, _ = firing.json()["blocks"]
    assert header["text"]["text"] == f":red_circle: FIRING · {SUCCESS_RULE}"
    assert [f["text"] for f in facts["fields"][:5]] == [
        "*Severity*\nCRITICAL", f"*Rule*\n{SUCCESS_RULE}", f"*Scope*\nall of project {project}",
        "*Value*\n0.0% (threshold &lt; 90.0%)", "*Window*\n15m"]  # fmt: skip
    assert examples["text"]["text"].count(f"<{CONSOLE}/traces?project={project}&trace_id=") == 3
    assert actions["elements"][0]["url"].startswith(f"{CONSOLE}/traces?project={project}&since=")
    title = resolved.json()["blocks"][0]["text"]["text"]
    assert title == f":white_check_mark: RESOLVED · {SUCCESS_RULE}"
    # resolved on the first tick at or above 90%: spans arrive in export batches
    value = resolved.json()["blocks"][1]["fields"][3]["text"]
    match = re.fullmatch(r"\*Value\*\n(\d+\.\d)% \(threshold &lt; 90\.0%\)", value)
    assert match is not None and 90.0 <= float(match[1]) <= 90.9


def test_events_api_shows_times_and_deliveries(
    served: Collector, slack: SlackServer, project: str
) -> None:
    rule_id = _rule(served, project, {"type": "slack", "url": slack.url(f"/{project}")})
    with agent(served.url, served.new_key(project, "ingest")) as call:
        call(3, ApiError(500))
        slack.wait_for(1, f"/{project}")
        call(30)
        slack.wait_for(2, f"/{project}")
    reader = served.client(served.new_key(project, "read"))
    (event,) = wait_until(lambda: [e for e in _events(reader, rule_id)
                                   if len(e["deliveries"]) == 2])  # fmt: skip
    assert (event["state"], event["value"], event["notifications"]) == ("resolved", 0.0, 2)
    assert event["fired_at"] < event["resolved_at"]
    masked = f"{slack.base}/…"
    got = [(d["kind"], d["status_code"], d["ok"], d["url_masked"]) for d in event["deliveries"]]
    assert got == [("firing", 200, True, masked), ("resolved", 200, True, masked)]


def test_server_errors_twice_then_ok_delivers_once(
    served: Collector, slack: SlackServer, project: str
) -> None:
    path = f"/{project}/webhook"
    slack.script(path, (500, {}), (500, {}))
    channel = {"type": "webhook", "url": slack.url(path), "secret": "whsec_e2e"}
    rule_id = _rule(served, project, channel)
    with agent(served.url, served.new_key(project, "ingest")) as call:
        call(3, ApiError(500))
    slack.wait_for(3, path)
    settle()
    requests = slack.requests(path)
    assert [r.status for r in requests] == [500, 500, 200]
    delivered = requests[-1]
    body = delivered.json()
    ts = int(delivered.headers["X-Tracevault-Timestamp"])
    assert verify("whsec_e2e", ts, delivered.body, delivered.headers["X-Tracevault-Signature"], ts)
    assert (body["schema"], body["kind"]) == ("tracevault.alert.v1", "firing")
    assert body["rule"]["id"] == rule_id
    assert {r.headers["X-Tracevault-Delivery"] for r in requests} == {body["delivery_id"]}


def test_rate_limit_retry_after_is_honoured(
    served: Collector, slack: SlackServer, project: str
) -> None:
    path = f"/{project}/limited"
    slack.script(path, (429, {"Retry-After": "2"}))
    rule_id = _rule(served, project, {"type": "slack", "url": slack.url(path)})
    with agent(served.url, served.new_key(project, "ingest")) as call:
        call(3, ApiError(500))
    first, second = slack.wait_for(2, path)
    assert (first.status, second.status) == (429, 200)
    assert second.at - first.at >= 2.0  # the 0.2 s backoff alone would have retried sooner
    (event,) = _events(served.client(served.new_key(project, "read")), rule_id)
    limited = event["deliveries"][0]
    assert (limited["status_code"], limited["retry_after_s"]) == (429, 2.0)


def test_auth_errors_from_model_api_fire_the_default_warning(
    served: Collector, slack: SlackServer, project: str
) -> None:
    with agent(served.url, served.new_key(project, "ingest")) as call:
        call(1, ApiError(401, type="authentication_error"))
    rule = "Model API answered 401/403"
    (msg,) = wait_until(lambda: messages_for(slack, DEFAULT_HOOK, project, rule))
    assert msg.json()["blocks"][0]["text"]["text"] == f":warning: FIRING · {rule}"
    # one call: several would reach the collector in one export or two (the batch processor's
    # timer may fall between them), and the rule fires on the first
    assert msg.json()["blocks"][1]["fields"][3]["text"] == "*Value*\n1 (threshold &gt; 0)"


def test_restart_between_firing_and_delivery_still_delivers_once(
    tmp_path: Path, slack: SlackServer, project: str
) -> None:
    db = tmp_path / "restart.duckdb"
    admin_key = "tv_admin_restart_" + secrets.token_hex(8)
    with running_collector(db, slack, admin_key, TRACEVAULT_ALERTS_DELIVERY_ENABLED="false") as c:
        with agent(c.url, c.new_key(project, "ingest")) as call:
            call(12, ApiError(500))
        reader = c.client(c.new_key(project, "read"))
        wait_until(lambda: reader.get("/api/alerts/events").json()["events"])
        settle()
    assert messages_for(slack, DEFAULT_HOOK, project, SUCCESS_RULE) == []
    with running_collector(db, slack, admin_key):
        wait_until(lambda: messages_for(slack, DEFAULT_HOOK, project, SUCCESS_RULE))
        settle()
    assert len(messages_for(slack, DEFAULT_HOOK, project, SUCCESS_RULE)) == 1
