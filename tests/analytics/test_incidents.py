"""Known incidents seeded through a real `tracevault serve`, jobs run by POST /api/jobs/run,
findings and rollups checked exactly against what the test computes from its own spans."""

from __future__ import annotations

import json
import math
import secrets
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from analytics.rollups import GAMMA
from collector.process import start_collector
from tests.analytics import seed
from tests.analytics.seed import HAIKU, SONNET, Seed
from tests.collector.otlp_json import request

LATENESS_S = 3 * 86400
ALPHA = (GAMMA - 1) / (GAMMA + 1)


@dataclass
class Seeded:
    url: str
    admin: httpx.Client
    reader: httpx.Client
    ingest: httpx.Client
    h0: datetime
    seeds: dict[str, list[Seed]]
    runs: list[dict[str, Any]]

    @property
    def all(self) -> list[Seed]:
        return [s for group in self.seeds.values() for s in group]


def _send(client: httpx.Client, seeds: list[Seed]) -> None:
    for i in range(0, len(seeds), 200):
        body = json.dumps(request([s.otlp() for s in seeds[i : i + 200]]))
        resp = client.post("/v1/traces", content=body, headers={"Content-Type": "application/json"})
        assert resp.status_code == 200, resp.text


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Seeded]:
    tmp = tmp_path_factory.mktemp("incidents")
    admin_key = "tv_admin_test_" + secrets.token_hex(8)
    env = {"TRACEVAULT_SCHEDULER_ENABLED": "false", "TRACEVAULT_JOB_LATENESS_S": str(LATENESS_S)}
    proc = start_collector(Path(tmp / "store.duckdb"), admin_key, env=env,
                           log_path=tmp / "serve.log")  # fmt: skip
    headers = {"Authorization": f"Bearer {admin_key}"}
    admin = httpx.Client(base_url=proc.url, headers=headers, timeout=60)
    try:
        keys = [admin.post("/api/keys", json={"project": "shop", "role": r}).json()["key"]
                for r in ("read", "ingest")]  # fmt: skip
        reader, ingest = (httpx.Client(base_url=proc.url, timeout=60,
                          headers={"Authorization": f"Bearer {k}"}) for k in keys)  # fmt: skip
        h0 = seed.spike_hour(datetime.now(UTC))
        t = h0 + timedelta(hours=1, minutes=10)
        seeds = {"cost": seed.cost_series(h0), "storm": seed.rate_limit_storm(t),
                 "sessions": seed.sessions(t), "loop": seed.tool_loop(t),
                 "iterations": seed.iteration_runaway(t), "tools": seed.invalid_tool_calls(t),
                 "injection": seed.injection(t)}  # fmt: skip
        _send(ingest, [s for group in seeds.values() for s in group])
        runs = admin.post("/api/jobs/run").json()["runs"]
        yield Seeded(proc.url, admin, reader, ingest, h0, seeds, runs)
    finally:
        admin.close()
        proc.stop()


def _findings(s: Seeded, **params: Any) -> list[dict[str, Any]]:
    resp = s.reader.get("/api/findings", params=params)
    assert resp.status_code == 200, resp.text
    return resp.json()["findings"]


def test_every_job_ran_once_without_error(seeded: Seeded) -> None:
    ours = ("rollups", "cost_anomalies", "sessions", "loops", "tool_validity", "injection")
    assert [r["job"] for r in seeded.runs if r["job"] in ours] == list(ours)
    assert [(r["job"], r["error"]) for r in seeded.runs if r["status"] != "ok"] == []
    assert seeded.runs[0]["rows_read"] == len(seeded.all)


def test_findings_are_exactly_the_seeded_incidents(seeded: Seeded) -> None:
    s = seeded.seeds
    got = sorted((f["kind"], f["subject"], f["trace_id"]) for f in _findings(seeded))
    spike_top = min((x for x in s["cost"] if x.start >= seeded.h0 and x.model == SONNET),
                    key=lambda x: x.trace_id).trace_id  # fmt: skip
    runaway_top = min(x.trace_id for x in s["sessions"][24:])
    expected = sorted([
        ("cost_anomaly", "project", spike_top),
        ("cost_anomaly", f"model={SONNET}", spike_top),
        ("cost_anomaly", "user=u-steady", spike_top),
        ("runaway_session", "session=s-runaway", runaway_top),
        ("tool_loop", "tool=search_docs", s["loop"][0].trace_id),
        ("iteration_limit", None, s["iterations"][0].trace_id),
        ("invalid_tool_name", "tool=delete_account", s["tools"][0].trace_id),
        ("invalid_tool_arguments", "tool=get_order", s["tools"][0].trace_id),
        ("prompt_injection", "source=fetched", s["injection"][0].trace_id),
    ])  # fmt: skip
    assert got == expected


def test_cost_spike_evidence_holds_value_baseline_threshold_and_top_traces(seeded: Seeded) -> None:
    (f,) = [f for f in _findings(seeded, kind="cost_anomaly") if f["subject"] == f"model={SONNET}"]
    ev = f["evidence"]
    assert (ev["value"], ev["baseline"], ev["threshold"], ev["model_calls"]) == (5.0, 1.0, 3.0, 25)
    assert (ev["median"], ev["mad"], ev["rules"]) == (1.0, 0.0, ["ratio", "robust_z"])
    assert f["severity"] == "high"
    assert ev["hour"] == seeded.h0.isoformat()
    assert [t["cost_usd"] for t in ev["top_traces"]] == [0.2] * 5


def test_quiet_series_spiking_tenfold_is_not_flagged(seeded: Seeded) -> None:
    subjects = {f["subject"] for f in _findings(seeded, kind="cost_anomaly")}
    assert f"model={HAIKU}" not in subjects and "user=u-quiet" not in subjects


def test_loop_injection_and_tool_evidence_name_what_matched(seeded: Seeded) -> None:
    (loop,) = _findings(seeded, kind="tool_loop")
    assert (loop["evidence"]["value"], loop["evidence"]["threshold"]) == (3, 3)
    assert loop["evidence"]["span_ids"] == [x.span_id for x in seeded.seeds["loop"][1:4]]
    (inj,) = _findings(seeded, kind="prompt_injection")
    assert inj["span_id"] == seeded.seeds["injection"][1].span_id
    assert inj["evidence"]["reasons"][0] == "instruction_override:ignore_previous"
    assert "ignore all previous instructions" in inj["evidence"]["excerpt"]
    (args,) = _findings(seeded, kind="invalid_tool_arguments")
    assert args["evidence"]["errors"] == ["order_id: 42 is not of type 'string'"]
    (name,) = _findings(seeded, kind="invalid_tool_name")
    assert name["evidence"]["offered"] == ["get_order", "search_docs"]


def test_findings_filter_by_severity_trace_and_time(seeded: Seeded) -> None:
    trace = seeded.seeds["tools"][0].trace_id
    assert {f["kind"] for f in _findings(seeded, trace_id=trace)} == {
        "invalid_tool_name", "invalid_tool_arguments"}  # fmt: skip
    assert {f["kind"] for f in _findings(seeded, severity="high")} >= {"invalid_tool_name"}
    end = seeded.h0 + timedelta(hours=1)
    spike_hour = {"since": seeded.h0.isoformat(), "until": end.isoformat()}
    assert {f["kind"] for f in _findings(seeded, **spike_hour)} == {"cost_anomaly"}
    assert seeded.reader.get("/api/findings", params={"severity": "urgent"}).status_code == 400


def test_trace_shows_its_findings(seeded: Seeded) -> None:
    trace = seeded.seeds["loop"][0].trace_id
    body = seeded.reader.get(f"/api/traces/{trace}").json()
    assert [f["kind"] for f in body["findings"]] == ["tool_loop"]


def _expected_by_hour_model(seeds: list[Seed]) -> dict[tuple[str, str | None], dict[str, Any]]:
    out: dict[tuple[str, str | None], dict[str, Any]] = defaultdict(
        lambda: {"spans": 0, "model_calls": 0, "errors_transient": 0, "cost": 0.0,
                 "input_tokens": 0, "durations": []})  # fmt: skip
    for x in seeds:
        hour = x.start.replace(minute=0, second=0, microsecond=0).isoformat()
        row = out[(hour, x.model)]
        row["spans"] += 1
        row["errors_transient"] += x.error
        row["cost"] += x.attrs.get("tracevault.cost.usd", 0.0)
        row["input_tokens"] += x.attrs.get("gen_ai.usage.input_tokens", 0)
        if x.name == "chat":
            row["model_calls"] += 1
            row["durations"].append(x.duration_ms)
    return out


def test_rollups_match_the_raw_spans_per_hour_and_model(seeded: Seeded) -> None:
    params = {"since": (seeded.h0 - timedelta(hours=24)).isoformat(),
              "until": (seeded.h0 + timedelta(hours=2)).isoformat(),
              "bucket": "hour", "by": "model"}  # fmt: skip
    points = seeded.reader.get("/api/metrics/timeseries", params=params).json()["points"]
    expected = _expected_by_hour_model(seeded.all)
    got = {(p["bucket"], p["model"]): p for p in points}
    assert set(got) == set(expected)
    for key, want in expected.items():
        p = got[key]
        assert (p["spans"], p["model_calls"], p["errors_transient"], p["input_tokens"]) == (
            want["spans"],
            want["model_calls"],
            want["errors_transient"],
            want["input_tokens"],
        ), key
        assert p["cost_usd"] == pytest.approx(want["cost"], abs=1e-9), key
        durations = sorted(want["durations"])
        for name, q in (("p50_ms", 0.5), ("p95_ms", 0.95), ("p99_ms", 0.99)):
            exact = durations[math.ceil(q * len(durations)) - 1] if durations else None
            assert (p[name] is None) if exact is None else abs(p[name] - exact) <= ALPHA * exact


def test_storm_lowers_model_success_rate_in_its_hour(seeded: Seeded) -> None:
    t = seeded.h0 + timedelta(hours=1)
    params = {"since": t.isoformat(), "until": (t + timedelta(hours=1)).isoformat()}
    cur = seeded.reader.get("/api/metrics/summary", params=params).json()["current"]
    calls = sum(1 for x in seeded.all if x.name == "chat" and x.start >= t)
    assert (cur["model_calls"], cur["errors_transient"]) == (calls, 15)
    assert cur["success_rate"] == pytest.approx(1 - 15 / calls)


def test_second_run_reads_nothing_and_duplicates_nothing(seeded: Seeded) -> None:
    before = _findings(seeded)
    runs = seeded.admin.post("/api/jobs/run").json()["runs"]
    ours = {"rollups", "cost_anomalies", "sessions", "loops", "tool_validity", "injection"}
    assert [r["rows_read"] for r in runs if r["job"] in ours] == [0] * len(ours)
    assert _findings(seeded) == before


def test_late_span_is_added_to_its_old_hour(seeded: Seeded) -> None:
    t = seeded.h0 - timedelta(hours=5, minutes=-7)
    late = seed.chat(t, HAIKU, 0.5, 10.0)
    _send(seeded.ingest, [late])
    seeded.admin.post("/api/jobs/run")
    hour = t.replace(minute=0)
    params = {"since": hour.isoformat(), "until": (hour + timedelta(hours=1)).isoformat(),
              "bucket": "hour", "by": "model"}  # fmt: skip
    points = seeded.reader.get("/api/metrics/timeseries", params=params).json()["points"]
    (haiku,) = [p for p in points if p["model"] == HAIKU]
    assert (haiku["spans"], haiku["cost_usd"]) == (3, pytest.approx(0.51))


def test_job_runs_listed_for_admin_and_exported_on_metrics(seeded: Seeded) -> None:
    body = seeded.admin.get("/api/jobs", params={"job": "loops"}).json()
    assert {j["name"] for j in body["jobs"]} >= {"rollups", "loops", "injection"}
    assert body["runs"][-1]["rows_read"] > 0 and body["runs"][-1]["trigger"] == "api"
    assert seeded.reader.get("/api/jobs").status_code == 403
    text = seeded.admin.get("/metrics").text
    assert 'tracevault_job_runs_total{job="rollups",status="ok"}' in text


def test_user_rollup_kept_hourly_answers_minute_edges_from_raw(seeded: Seeded) -> None:
    since = seeded.h0 + timedelta(minutes=30)  # half an hour from rollups, the rest raw
    params = {"since": (since - timedelta(hours=1)).isoformat(), "until": since.isoformat(),
              "bucket": "hour", "by": "user"}  # fmt: skip
    points = seeded.reader.get("/api/metrics/timeseries", params=params).json()["points"]
    got = {(p["bucket"], p["user"]): (p["spans"], round(p["cost_usd"], 6)) for p in points}
    want: dict[tuple[str, str | None], list[float]] = defaultdict(lambda: [0, 0.0])
    for x in seeded.all:
        if since - timedelta(hours=1) <= x.start < since:
            row = want[(x.start.replace(minute=0, second=0).isoformat(), x.attrs.get("user.id"))]
            row[0] += 1
            row[1] += x.attrs.get("tracevault.cost.usd", 0.0)
    assert got == {k: (v[0], round(v[1], 6)) for k, v in want.items()}


def test_timeseries_top_keeps_costliest_user_and_merges_the_rest(seeded: Seeded) -> None:
    params = {"since": (seeded.h0 - timedelta(hours=24)).isoformat(),
              "until": (seeded.h0 + timedelta(hours=3)).isoformat(), "bucket": "day",
              "by": "user"}  # fmt: skip
    full = seeded.reader.get("/api/metrics/timeseries", params=params).json()["points"]
    body = seeded.reader.get("/api/metrics/timeseries", params={**params, "top": 1}).json()
    totals: dict[str | None, list[float]] = defaultdict(lambda: [0.0, 0])
    for p in full:
        totals[p["user"]][0] -= p["cost_usd"]
        totals[p["user"]][1] -= p["spans"]
    (top,) = sorted(totals, key=lambda u: (*totals[u], u or ""))[:1]
    want: dict[tuple[str, str | None], list[float]] = defaultdict(lambda: [0, 0.0])
    for p in full:
        row = want[(p["bucket"], p["user"] if p["user"] == top else "(other)")]
        row[0] += p["spans"]
        row[1] += p["cost_usd"]
    got = {(p["bucket"], p["user"]): [p["spans"], p["cost_usd"]] for p in body["points"]}
    assert body["top"] == 1 and len({u for _, u in got}) == 2
    assert got == {k: [v[0], pytest.approx(v[1], abs=1e-9)] for k, v in want.items()}
    bad = seeded.reader.get("/api/metrics/timeseries", params={**params, "top": 0})
    assert bad.status_code == 400
    lean_params = {**params, "top": 1, "percentiles": "false"}
    lean = seeded.reader.get("/api/metrics/timeseries", params=lean_params).json()
    assert [set(p) & {"p50_ms", "p95_ms"} for p in lean["points"]] == [set()] * len(got)
