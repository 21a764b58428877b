"""The collector's REST API and receiver, against a real `tracevault serve` process."""

from __future__ import annotations

import gzip
import json
import secrets

import duckdb
import httpx

from tests.collector.otlp_json import CHAT_ATTRS, request, span
from tests.conftest import Collector

JSON = {"Content-Type": "application/json"}


def _send(client: httpx.Client, payload: dict, **headers: str) -> httpx.Response:
    return client.post("/v1/traces", content=json.dumps(payload), headers={**JSON, **headers})


def test_health_answers_without_a_key(collector: Collector) -> None:
    resp = httpx.get(f"{collector.url}/health")
    assert resp.status_code == 200
    body = resp.json()
    assert body["status"] == "ok"
    assert body["checks"]["database"] == {"ok": True}


def test_health_reports_scheduler_and_ingest_workers_when_serving(collector: Collector) -> None:
    checks = httpx.get(f"{collector.url}/health").json()["checks"]
    assert checks["scheduler"] == {"ok": True, "enabled": True, "running": True}
    assert checks["ingest_workers"]["workers"] == 2
    assert set(checks) == {"database", "ingest_queue", "disk", "ingest_workers", "scheduler"}


def test_api_refuses_missing_unknown_and_wrong_role_keys(
    collector: Collector, project: str
) -> None:
    assert httpx.get(f"{collector.url}/api/traces").status_code == 401
    with collector.client("tv_read_not-a-key") as bad:
        assert bad.get("/api/traces").status_code == 401
    with collector.client(collector.new_key(project, "ingest")) as ingest:
        resp = ingest.get("/api/traces")
        assert resp.status_code == 403
        assert "needs read" in resp.json()["error"]["message"]
    with collector.client(collector.new_key(project, "read")) as reader:
        assert (
            reader.post("/api/keys", json={"project": project, "role": "admin"}).status_code == 403
        )


def test_key_is_shown_once_and_revocation_takes_effect(collector: Collector, project: str) -> None:
    created = collector.admin.post("/api/keys", json={"project": project, "role": "read"}).json()
    listed = collector.admin.get("/api/keys", params={"project": project}).json()["keys"]
    assert [k["key_id"] for k in listed] == [created["key_id"]]
    assert "key" not in listed[0] and created["key"] not in json.dumps(listed)
    with collector.client(created["key"]) as reader:
        assert reader.get("/api/traces").status_code == 200
        assert collector.admin.delete(f"/api/keys/{created['key_id']}").status_code == 204
        assert reader.get("/api/traces").status_code == 401


def test_ingested_span_comes_back_with_canonical_fields(collector: Collector, project: str) -> None:
    tid, sid = secrets.token_hex(16), secrets.token_hex(8)
    with collector.client(collector.new_key(project, "ingest")) as ingest:
        resp = _send(ingest, request([span(trace_id=tid, span_id=sid, attributes=CHAT_ATTRS)]))
    assert resp.status_code == 200, resp.text
    assert resp.json() == {}
    with collector.client(collector.new_key(project, "read")) as reader:
        trace = reader.get(f"/api/traces/{tid}").json()
    (got,) = trace["spans"]
    assert (got["trace_id"], got["span_id"], got["project"]) == (tid, sid, project)
    assert got["service_name"] == "support-agent"
    assert got["operation"] == "chat" and got["provider"] == "anthropic"
    assert got["request_model"] == "claude-sonnet-4-5"
    assert (got["input_tokens"], got["output_tokens"], got["cache_read_tokens"]) == (
        1200,
        300,
        1000,
    )
    assert (got["user_id"], got["session_id"], got["finish_reason"]) == ("u-1", "s-1", "stop")
    assert got["duration_ms"] == 120.0 and got["status"] == "ok"
    assert got["cost_usd"] > 0
    assert trace["tree"][0]["span_id"] == sid


def test_resent_span_is_stored_once(collector: Collector, project: str) -> None:
    tid = secrets.token_hex(16)
    payload = request([span(trace_id=tid, span_id="ab" * 8, attributes=CHAT_ATTRS)])
    with collector.client(collector.new_key(project, "ingest")) as ingest:
        assert _send(ingest, payload).status_code == 200
        assert _send(ingest, payload).status_code == 200
    with collector.client(collector.new_key(project, "read")) as reader:
        assert len(reader.get(f"/api/traces/{tid}").json()["spans"]) == 1


def test_other_projects_trace_is_invisible(collector: Collector, project: str) -> None:
    tid = secrets.token_hex(16)
    with collector.client(collector.new_key(project, "ingest")) as ingest:
        assert _send(ingest, request([span(trace_id=tid)])).status_code == 200
    with collector.client(collector.new_key(project + "-other", "read")) as other:
        assert other.get(f"/api/traces/{tid}").status_code == 404
        assert tid not in other.get("/api/traces").text


def test_trace_list_filters_and_paginates(collector: Collector, project: str) -> None:
    with collector.client(collector.new_key(project, "ingest")) as ingest:
        spans = [span(attributes={**CHAT_ATTRS, "user.id": f"u{i % 2}"}) for i in range(5)]
        assert _send(ingest, request(spans)).status_code == 200
    with collector.client(collector.new_key(project, "read")) as reader:
        first = reader.get("/api/traces", params={"user": "u0", "limit": 2}).json()
        second = reader.get(
            "/api/traces", params={"user": "u0", "limit": 2, "cursor": first["next_cursor"]}
        ).json()
    ids = [t["trace_id"] for t in first["traces"] + second["traces"]]
    assert len(ids) == 3 and len(set(ids)) == 3
    assert second["next_cursor"] is None
    assert {t["user_id"] for t in first["traces"] + second["traces"]} == {"u0"}


def test_receiver_answers_bad_input_with_4xx(collector: Collector, project: str) -> None:
    with collector.client(collector.new_key(project, "ingest")) as ingest:
        assert ingest.post("/v1/traces", content=b"x", headers={"Content-Type": "text/plain"}
                           ).status_code == 415  # fmt: skip
        assert ingest.post("/v1/traces", content=b"{not json", headers=JSON).status_code == 400
        proto = {"Content-Type": "application/x-protobuf"}
        assert ingest.post("/v1/traces", content=b"\x0a\xff\x01", headers=proto).status_code == 400
        bomb = gzip.compress(b"\0" * (80 << 20))
        resp = ingest.post("/v1/traces", content=bomb, headers={**JSON, "Content-Encoding": "gzip"})
        assert resp.status_code == 413
        bad_ids = request([span(trace_id="zz" * 16), span()])
        partial = _send(ingest, bad_ids)
    assert partial.status_code == 200
    assert partial.json()["partialSuccess"]["rejectedSpans"] in (1, "1")
    assert httpx.post(f"{collector.url}/v1/traces", json={}).status_code == 401


def test_keys_are_stored_hashed(collector: Collector, project: str) -> None:
    secret = collector.new_key(project, "ingest")
    collector.process.stop()
    con = duckdb.connect(str(collector.process.db_path), read_only=True)
    try:
        dump = json.dumps(con.execute("SELECT * FROM api_keys").fetchall(), default=str)
    finally:
        con.close()
    assert secret not in dump and secret[:12] in dump
