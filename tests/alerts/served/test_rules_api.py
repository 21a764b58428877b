"""/api/alerts/rules: CRUD, roles, masking, URL checks and the test notification, against a
real `tracevault serve` and the local Slack stand-in."""

from __future__ import annotations

import secrets
from collections.abc import Iterator

import httpx
import pytest

from analytics.notify.signing import verify
from tests.alerts.e2e import DEFAULT_HOOK
from tests.alerts.slack_server import SlackServer
from tests.conftest import Collector


@pytest.fixture
def admin(served: Collector, project: str) -> Iterator[httpx.Client]:
    with served.client(served.new_key(project, "admin")) as client:
        yield client


@pytest.fixture
def reader(served: Collector, project: str) -> Iterator[httpx.Client]:
    with served.client(served.new_key(project, "read")) as client:
        yield client


def spec(url: str, **kw: object) -> dict:
    return {"name": "Slow checkout", "metric": "p95_latency_ms", "comparison": "gt",
            "threshold": 60000, "scope": {"service": "checkout"},
            "channels": [{"type": "webhook", "url": url, "secret": "whsec_api"}], **kw}  # fmt: skip


def test_new_project_lists_default_rules_with_masked_urls(reader, slack: SlackServer) -> None:
    rules = reader.get("/api/alerts/rules").json()["rules"]
    assert [(r["metric"], r["comparison"], r["threshold"], r["window_s"], r["severity"])
            for r in rules] == [
        ("success_rate", "lt", 0.9, 900, "critical"),
        ("cost_anomaly", "gt", 3.0, 3600, "critical"),
        ("health_failing", "gt", 0.0, 60, "critical"),
        ("ingest_queue_depth", "gt", 48.0, 60, "warning"),
        ("p95_latency_ms", "gt", 300000.0, 900, "warning"),
        ("auth_errors", "gt", 0.0, 900, "warning"),
        ("injection_findings", "gt", 0.0, 900, "warning"),
    ]  # fmt: skip
    assert {r["is_default"] for r in rules} == {True}
    assert rules[0]["channels"] == [{"type": "slack", "url": f"{slack.base}/…", "secret": None,
                                     "name": None}]  # fmt: skip
    assert DEFAULT_HOOK not in str(rules)


def test_admin_creates_reads_patches_and_deletes_a_rule(admin, reader, slack) -> None:
    created = admin.post("/api/alerts/rules", json=spec(slack.url("/api/secret-path")))
    assert created.status_code == 201, created.text
    rule = created.json()
    assert rule["channels"][0] == {"type": "webhook", "url": f"{slack.base}/…",
                                   "secret": "********", "name": None}  # fmt: skip
    assert "secret-path" not in created.text and "whsec_api" not in created.text
    # a console sends the masked channel back unchanged: the stored URL and secret stay
    patched = admin.patch(f"/api/alerts/rules/{rule['rule_id']}",
                          json={"threshold": 30000, "channels": rule["channels"]})  # fmt: skip
    assert (patched.status_code, patched.json()["threshold"]) == (200, 30000.0)
    sent = admin.post(f"/api/alerts/rules/{rule['rule_id']}/test").json()["deliveries"]
    assert [(d["ok"], d["status_code"], d["url"]) for d in sent] == [(True, 200, f"{slack.base}/…")]
    (req,) = slack.requests("/api/secret-path")
    ts = int(req.headers["X-Tracevault-Timestamp"])
    assert verify("whsec_api", ts, req.body, req.headers["X-Tracevault-Signature"], ts)
    assert (req.json()["kind"], req.json()["rule"]["threshold"]) == ("test", 30000.0)
    assert reader.get(f"/api/alerts/rules/{rule['rule_id']}").json()["threshold"] == 30000.0
    assert admin.delete(f"/api/alerts/rules/{rule['rule_id']}").status_code == 204
    assert reader.get(f"/api/alerts/rules/{rule['rule_id']}").status_code == 404


@pytest.mark.parametrize(
    ("url", "message"),
    [("https://evil.test/hook", "webhook host 'evil.test' is not allowed; "
                                "add it to TRACEVAULT_ALERTS_WEBHOOK_HOSTS"),
     ("file:///etc/passwd", "webhook URL must be http or https"),
     ("gopher://127.0.0.1/x", "webhook URL must be http or https")],
)  # fmt: skip
def test_create_refuses_url_off_allow_list(admin, url: str, message: str) -> None:
    resp = admin.post("/api/alerts/rules", json=spec(url))
    assert resp.status_code == 400
    assert resp.json()["error"]["message"] == message


def test_create_refuses_invalid_rule(admin, slack) -> None:
    resp = admin.post("/api/alerts/rules", json=spec(slack.url("/x"), metric="health_failing"))
    assert resp.status_code == 400
    message = resp.json()["error"]["message"]
    assert "health_failing is collector-wide: no scope or group_by" in message
    bad = admin.post("/api/alerts/rules", json=spec(slack.url("/x"), severity="page-everyone"))
    assert bad.status_code == 400


def test_read_key_cannot_change_or_test_rules(reader, slack) -> None:
    rule_id = reader.get("/api/alerts/rules").json()["rules"][0]["rule_id"]
    assert reader.post("/api/alerts/rules", json=spec(slack.url("/x"))).status_code == 403
    assert reader.patch(f"/api/alerts/rules/{rule_id}", json={"threshold": 1}).status_code == 403
    assert reader.delete(f"/api/alerts/rules/{rule_id}").status_code == 403
    assert reader.post(f"/api/alerts/rules/{rule_id}/test").status_code == 403


def test_rules_are_invisible_to_other_projects(served: Collector, reader) -> None:
    rule_id = reader.get("/api/alerts/rules").json()["rules"][0]["rule_id"]
    with served.client(served.new_key("someone-else-" + secrets.token_hex(3), "admin")) as other:
        assert other.get(f"/api/alerts/rules/{rule_id}").status_code == 404
        assert other.delete(f"/api/alerts/rules/{rule_id}").status_code == 404


def test_test_endpoint_reports_failed_delivery(admin, slack) -> None:
    slack.script("/api/broken", (500, {}))
    rule_id = admin.post("/api/alerts/rules", json=spec(slack.url("/api/broken"))).json()["rule_id"]
    (sent,) = admin.post(f"/api/alerts/rules/{rule_id}/test").json()["deliveries"]
    assert (sent["ok"], sent["status_code"], sent["error"]) == (False, 500, "HTTP 500: error")


def test_events_refuses_unknown_state(reader) -> None:
    resp = reader.get("/api/alerts/events", params={"state": "exploded"})
    assert resp.status_code == 400
    assert reader.get("/api/alerts/events").json() == {"events": []}
