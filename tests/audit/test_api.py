"""The audit API against a real `tracevault serve` process, spans sent as OTLP/JSON."""

from __future__ import annotations

import json
import secrets
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx

from tests.audit.test_canonical import TOOL
from tests.collector.otlp_json import CHAT_ATTRS, request, span
from tests.conftest import Collector

START_NS = 1_750_000_000_000_000_000  # fixed span times: ordering in answers is exact
SDK = {"tracevault.redaction.by": "tracevault-sdk"}  # content already redacted by our SDK


def _send(client: httpx.Client, spans: list[dict[str, Any]]) -> None:
    resp = client.post(
        "/v1/traces",
        content=json.dumps(request(spans)),
        headers={"Content-Type": "application/json"},
    )
    assert resp.status_code == 200, resp.text


def _tool_span(trace: str, parent: str, n: int, error: bool = False) -> dict[str, Any]:
    attrs = {
        **SDK,
        "gen_ai.operation.name": "execute_tool",
        "gen_ai.tool.name": "refund" if error else "lookup_order",
        "gen_ai.tool.call.id": f"toolu_{n}",
        "gen_ai.tool.call.arguments": json.dumps({"email": "<EMAIL_ADDRESS>", "n": n}),
        "gen_ai.tool.call.result": "found 3 orders",
    }
    if error:
        attrs["error.type"] = "PermissionError"
    return span(f"execute_tool {attrs['gen_ai.tool.name']}", trace_id=trace, parent=parent,
                attributes=attrs, status_code=2 if error else 1, duration_ms=40.0 + n,
                start_ns=START_NS + n * 1_000_000)  # fmt: skip


def _agent_trace() -> tuple[str, list[dict[str, Any]]]:
    """An agent span with who is calling, and two tool calls under it (the second fails)."""
    trace, root = secrets.token_hex(16), secrets.token_hex(8)
    agent = span("invoke_agent support", trace_id=trace, span_id=root, start_ns=START_NS,
                 attributes={**SDK, "gen_ai.operation.name": "invoke_agent", "user.id": "u-7",
                             "session.id": "s-7", "tracevault.tenant.id": "acme"})  # fmt: skip
    return trace, [agent, _tool_span(trace, root, 1), _tool_span(trace, root, 2, error=True)]


def _ingest(collector: Collector, project: str) -> str:
    """Two requests (two batches): a chat span, then an agent trace with tool calls."""
    with collector.client(collector.new_key(project, "ingest")) as ingest:
        _send(ingest, [span(attributes={**CHAT_ATTRS, **SDK})])
        trace, spans = _agent_trace()
        _send(ingest, spans)
    return trace


def test_verify_reports_clean_chain_when_spans_were_ingested(
    collector: Collector, project: str
) -> None:
    _ingest(collector, "other-" + project)  # another project's chain stays out of the report
    _ingest(collector, project)
    with collector.client(collector.new_key(project, "admin")) as admin:
        report = admin.get("/api/audit/verify").json()
    assert report["ok"] is True and report["problems"] == []
    assert (report["batches_checked"], report["spans_checked"]) == (2, 4)
    assert list(report["projects"]) == [project]  # scoped to the key's project
    assert report["projects"][project]["records"] == 2


def test_verify_is_refused_when_key_is_not_admin(collector: Collector, project: str) -> None:
    with collector.client(collector.new_key(project, "read")) as reader:
        resp = reader.get("/api/audit/verify")
    assert resp.status_code == 403
    assert resp.json()["error"]["message"] == "a read key cannot do this; it needs admin"


def test_tool_calls_name_who_which_tool_and_outcome_when_trace_has_tools(
    collector: Collector, project: str
) -> None:
    trace = _ingest(collector, project)
    with collector.client(collector.new_key(project, "read")) as reader:
        calls = reader.get("/api/audit/tool-calls").json()["tool_calls"]
        failed = reader.get("/api/audit/tool-calls", params={"status": "error"}).json()
    picked = [
        {k: c[k] for k in ("trace_id", "tool_name", "tool_call_id", "user_id", "tenant_id",
                           "session_id", "arguments", "result_bytes", "duration_ms", "outcome",
                           "error_type")}
        for c in calls
    ]  # fmt: skip
    who = {"trace_id": trace, "user_id": "u-7", "tenant_id": "acme", "session_id": "s-7"}
    assert picked == [
        {**who, "tool_name": "refund", "tool_call_id": "toolu_2", "duration_ms": 42.0,
         "arguments": {"email": "<EMAIL_ADDRESS>", "n": 2}, "result_bytes": 14,
         "outcome": "error", "error_type": "PermissionError"},
        {**who, "tool_name": "lookup_order", "tool_call_id": "toolu_1", "duration_ms": 41.0,
         "arguments": {"email": "<EMAIL_ADDRESS>", "n": 1}, "result_bytes": 14,
         "outcome": "ok", "error_type": None},
    ]  # fmt: skip
    assert [c["tool_call_id"] for c in failed["tool_calls"]] == ["toolu_2"]


def test_tool_calls_page_with_cursor_when_limit_is_smaller(
    collector: Collector, project: str
) -> None:
    _ingest(collector, project)
    with collector.client(collector.new_key(project, "read")) as reader:
        first = reader.get("/api/audit/tool-calls", params={"limit": 1}).json()
        second = reader.get(
            "/api/audit/tool-calls", params={"limit": 1, "cursor": first["next_cursor"]}
        ).json()
    assert [c["tool_call_id"] for c in first["tool_calls"]] == ["toolu_2"]
    assert [c["tool_call_id"] for c in second["tool_calls"]] == ["toolu_1"]
    assert second["next_cursor"] is None


def test_export_verifies_with_stdlib_tool_when_downloaded_through_api(
    collector: Collector, project: str, tmp_path: Path
) -> None:
    _ingest(collector, project)
    out = tmp_path / "export.jsonl"
    with collector.client(collector.new_key(project, "read")) as reader:
        resp = reader.get("/api/audit/export")
    assert resp.status_code == 200
    assert resp.headers["content-type"] == "application/x-ndjson"
    out.write_bytes(resp.content)
    header = json.loads(out.read_text().splitlines()[0])
    assert (header["project"], header["records"]) == (project, 2)
    cmd = [sys.executable, "-I", "-S", str(TOOL), str(out)]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.splitlines()[0] == "OK: 2 records, 4 spans verified"


def test_access_log_records_key_and_action_when_audit_data_is_read(
    collector: Collector, project: str
) -> None:
    admin_key = collector.new_key(project, "admin")
    with collector.client(admin_key) as admin:
        admin.get("/api/audit/verify")
        admin.get("/api/audit/tool-calls", params={"tool": "refund"})
        admin.get("/api/audit/export").read()
        me = admin.get("/api/keys", params={"project": project}).json()["keys"][-1]["key_id"]
        entries = admin.get("/api/audit/access-log").json()["entries"]
    assert [(e["action"], e["key_id"], e["project"], e["role"]) for e in entries] == [
        ("access-log", me, project, "admin"),
        ("read", me, project, "admin"),  # every other API read is logged by the middleware
        ("export", me, project, "admin"),
        ("tool-calls", me, project, "admin"),
        ("verify", me, project, "admin"),
    ]
    assert entries[1]["detail"]["path"] == "/api/keys"
    assert entries[3]["detail"] == {"tool": "refund", "returned": 0}


def test_retention_policy_is_stored_per_project_when_set(
    collector: Collector, project: str
) -> None:
    with collector.client(collector.new_key(project, "admin")) as admin:
        assert admin.get("/api/audit/retention").json() == {
            "project": project, "days": 30, "source": "default"
        }  # fmt: skip
        assert admin.put("/api/audit/retention", json={"days": 7}).status_code == 200
        assert admin.get("/api/audit/retention").json()["days"] == 7
        assert admin.put("/api/audit/retention", json={"days": -1}).status_code == 400
        ran = admin.post("/api/audit/retention/run").json()
    assert ran["spans_dropped"] == {}  # everything here was received seconds ago
