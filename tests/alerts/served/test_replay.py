"""Alert replay through a real `tracevault serve`: past incidents sent as OTLP/JSON spans with
past timestamps, replayed by POST /api/alerts/replay, with a real local HTTP server standing
in for Slack (the default rules' channel). The scheduler is off: live ticks happen only when
a test asks for them (POST /api/jobs/run), so every step time is known exactly."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from tests.alerts.e2e import DEFAULT_HOOK, messages_for, settle, wait_until
from tests.alerts.slack_server import SlackServer
from tests.collector.otlp_json import request, span
from tests.conftest import Collector

SUCCESS = "Success rate below 90%"
AUTH = "Model API answered 401/403"
STEP = timedelta(minutes=5)
CHAT = {"gen_ai.operation.name": "chat", "gen_ai.provider.name": "anthropic",
        "gen_ai.request.model": "claude-sonnet-4-5"}  # fmt: skip
AUTH_ERROR = {"error.type": "authentication_error", "http.response.status_code": 401}
SERVER_ERROR = {"error.type": "api_error", "http.response.status_code": 500}


@pytest.fixture(scope="module")
def serve_env() -> dict[str, str]:
    return {"TRACEVAULT_SCHEDULER_ENABLED": "false"}


class Timeline:
    """Step times of a replay from `since` (an hour boundary four days back) up to `last`,
    the last 5-minute step before now; incidents sit 2 minutes after a step."""

    def __init__(self) -> None:
        now = datetime.now(UTC)
        self.since = now.replace(minute=0, second=0, microsecond=0) - timedelta(days=4)
        self.last = self.since + STEP * ((now - self.since) // STEP)

    def at(self, hours: float, minutes: float = 0) -> datetime:
        return self.since + timedelta(hours=hours, minutes=minutes)


def _send(served: Collector, project: str, at: datetime, n: int, **attrs: Any) -> list[str]:
    """n chat spans starting at `at`, each its own trace; an error when attrs name one."""
    ns = int(at.timestamp() * 1e9)
    spans = [span(attributes=CHAT | attrs, status_code=2 if attrs else 1, start_ns=ns)
             for _ in range(n)]  # fmt: skip
    ingest = served.client(served.new_key(project, "ingest"))
    resp = ingest.post("/v1/traces", json=request(spans))
    assert resp.status_code == 200, resp.text
    return sorted(s["traceId"] for s in spans)


def _replay(admin: httpx.Client, since: datetime, until: datetime | None) -> dict[str, Any]:
    body = {"since": since.isoformat(), "step_s": 300}
    if until is not None:
        body["until"] = until.isoformat()
    resp = admin.post("/api/alerts/replay", json=body)
    assert resp.status_code == 200, resp.text
    return resp.json()


def _events(reader: httpx.Client) -> list[tuple[str, str, str | None, bool, int, int]]:
    """(rule, fired_at, resolved_at, replayed, notifications, deliveries), oldest first."""
    events = reader.get("/api/alerts/events").json()["events"]
    return sorted((e["rule_name"], e["fired_at"], e["resolved_at"], e["replayed"],
                   e["notifications"], len(e["deliveries"])) for e in events)  # fmt: skip


def _iso(t: datetime) -> str:
    return t.isoformat()


def _live_tick(served: Collector) -> None:
    runs = served.admin.post("/api/jobs/run").json()["runs"]
    assert [r["status"] for r in runs if r["job"] == "alerts"] == ["ok"]


def test_replay_records_past_incidents_without_notifying_and_live_continues(
    served: Collector, slack: SlackServer, project: str
) -> None:
    tl = Timeline()
    _send(served, project, tl.at(24, 2), 12, **SERVER_ERROR)  # success rate 0 three days ago
    burst = _send(served, project, tl.at(48, 2), 3, **AUTH_ERROR)  # 401s two days ago
    _send(served, project, tl.last - timedelta(minutes=1), 2, **AUTH_ERROR)  # still going on
    admin = served.client(served.new_key(project, "admin"))
    reader = served.client(served.new_key(project, "read"))

    out = _replay(admin, tl.since, tl.last)

    assert (out["steps"], out["rules"]) == ((tl.last - tl.since) // STEP + 1, 5)
    assert (out["fired"], out["resolved"], out["firing_at_end"]) == (3, 2, 1)
    assert [(e["rule_name"], e["fired_at"], e["resolved_at"]) for e in out["episodes"]] == [
        (SUCCESS, _iso(tl.at(24, 5)), _iso(tl.at(24, 20))),
        (AUTH, _iso(tl.at(48, 5)), _iso(tl.at(48, 20))),
        (AUTH, _iso(tl.last), None),
    ]
    assert {j["job"]: j["status"] for j in out["jobs"]}["injection"] == "ok"
    assert _events(reader) == [
        (AUTH, _iso(tl.at(48, 5)), _iso(tl.at(48, 20)), True, 0, 0),
        (AUTH, _iso(tl.last), None, True, 0, 0),
        (SUCCESS, _iso(tl.at(24, 5)), _iso(tl.at(24, 20)), True, 0, 0),
    ]
    (burst_event,) = reader.get(
        "/api/alerts/events", params={"since": _iso(tl.at(48)), "until": _iso(tl.at(49))}
    ).json()["events"]
    assert (sorted(burst_event["examples"]), burst_event["value"]) == (burst, 3.0)

    _live_tick(served)  # at now: the 401s of a minute before the last step are still in window
    settle()
    assert _events(reader)[1] == (AUTH, _iso(tl.last), None, True, 0, 0)
    assert len(_events(reader)) == 3  # the ongoing alert did not fire a second time
    assert [r.path for r in slack.requests() if project in r.body.decode()] == []


def test_live_incident_after_replay_is_delivered(
    served: Collector, slack: SlackServer, project: str
) -> None:
    tl = Timeline()
    _send(served, project, tl.at(30, 2), 3, **AUTH_ERROR)
    _replay(served.client(served.new_key(project, "admin")), tl.since, tl.last)
    _send(served, project, datetime.now(UTC) - timedelta(seconds=5), 12, **SERVER_ERROR)
    _live_tick(served)
    (msg,) = wait_until(lambda: messages_for(slack, DEFAULT_HOOK, project, SUCCESS))
    assert msg.json()["blocks"][0]["text"]["text"] == f":red_circle: FIRING · {SUCCESS}"
    settle()
    assert len(messages_for(slack, DEFAULT_HOOK, project, AUTH)) == 0
    reader = served.client(served.new_key(project, "read"))
    assert [(e[0], e[3], e[4]) for e in _events(reader)] == [
        (AUTH, True, 0), (SUCCESS, False, 1)]  # fmt: skip


def test_replay_again_replaces_the_earlier_replayed_events(served: Collector, project: str) -> None:
    tl = Timeline()
    _send(served, project, tl.at(10, 2), 3, **AUTH_ERROR)
    admin = served.client(served.new_key(project, "admin"))
    first = _replay(admin, tl.since, tl.last)
    second = _replay(admin, tl.since, None)  # until defaults to now
    reader = served.client(served.new_key(project, "read"))
    assert (first["replaced"], second["replaced"], second["fired"]) == (0, 1, 1)
    assert _events(reader) == [(AUTH, _iso(tl.at(10, 5)), _iso(tl.at(10, 20)), True, 0, 0)]
    assert reader.get("/api/alerts/events", params={"replayed": "false"}).json()["events"] == []


def test_live_episode_wins_over_the_replayed_one(
    served: Collector, slack: SlackServer, project: str
) -> None:
    tl = Timeline()
    _send(served, project, tl.last - timedelta(minutes=1), 2, **AUTH_ERROR)
    _live_tick(served)
    out = _replay(served.client(served.new_key(project, "admin")), tl.since, None)
    reader = served.client(served.new_key(project, "read"))
    ((rule, _, resolved, replayed, notified, _),) = _events(reader)
    assert (rule, resolved, replayed, notified) == (AUTH, None, False, 1)
    assert (out["fired"], out["dropped_for_live"], out["firing_at_end"]) == (0, 1, 0)


@pytest.mark.parametrize(
    ("body", "status", "message"),
    [({"since": "2026-01-02T00:00:00Z", "until": "2026-01-01T00:00:00Z"}, 400,
      "since must be before until"),
     ({"since": "2026-01-01T00:00:00Z", "step_s": 30}, 400, "step_s"),
     ({"since": "2020-01-01T00:00:00Z", "step_s": 60}, 400, "at most 50000"),
     ({"since": "2026-01-01T00:00:00Z", "until": "2999-01-01T00:00:00Z"}, 400,
      "until must not be in the future")],
)  # fmt: skip
def test_replay_rejects_bad_ranges(
    served: Collector, project: str, body: dict, status: int, message: str
) -> None:
    resp = served.client(served.new_key(project, "admin")).post("/api/alerts/replay", json=body)
    assert resp.status_code == status
    assert message in resp.json()["error"]["message"]


def test_replay_needs_an_admin_key(served: Collector, project: str) -> None:
    reader = served.client(served.new_key(project, "read"))
    resp = reader.post("/api/alerts/replay", json={"since": "2026-01-01T00:00:00Z"})
    assert resp.status_code == 403
