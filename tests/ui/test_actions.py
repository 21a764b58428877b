"""Writes and edge states: rule create/edit/delete/test with an admin key, chain verification,
export, and what a page shows for a bad key, a new project, or a collector without a route."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from streamlit.testing.v1 import AppTest

from tests.ui.conftest import SCREENS, Console


def rule_names(console: Console) -> list[str]:
    return [r["name"] for r in console.api("/api/alerts/rules")["rules"]]


def test_rule_create_when_no_admin_key(console: Console) -> None:
    at = console.page("alerts")
    at.text_input(key="new_rule_name").set_value("Cost over $5")
    at.button(key="FormSubmitter:new_rule-Save rule").click().run()
    assert not at.exception
    assert [w.value for w in at.warning] == [
        "Create rule needs an admin key: paste one in the sidebar, or start the console with "
        "TRACEVAULT_UI_ADMIN_KEY."]
    assert "Cost over $5" not in rule_names(console)


def test_rule_create_when_admin_key_is_a_read_key(console: Console) -> None:
    at = console.page("alerts", admin_key=console.read_key)
    at.text_input(key="new_rule_name").set_value("Cost over $5")
    at.button(key="FormSubmitter:new_rule-Save rule").click().run()
    assert [e.value for e in at.error] == [
        "Create rule failed: The collector answered 403: a read key cannot do this; it needs "
        "admin. The key lacks this role."]
    assert "Cost over $5" not in rule_names(console)


def test_rule_create_edit_delete_when_admin_key_given(console: Console) -> None:
    at = console.page("alerts", admin_key=console.admin_key)
    at.text_input(key="new_rule_name").set_value("Cost over $5")
    at.selectbox(key="new_rule_metric").set_value("cost_usd")
    at.number_input(key="new_rule_threshold").set_value(5.0)
    at.button(key="FormSubmitter:new_rule-Save rule").click().run()
    assert not at.exception and not at.error
    created = next(r for r in console.api("/api/alerts/rules")["rules"]
                   if r["name"] == "Cost over $5")  # fmt: skip
    assert (created["metric"], created["comparison"], created["threshold"]) == ("cost_usd", "gt", 5)
    assert "Cost over $5" in list(at.dataframe[1].value["rule"])

    at.selectbox(key="edit_rule").set_value(created["rule_id"]).run()
    form = f"edit_{created['rule_id']}"
    at.number_input(key=f"{form}_threshold").set_value(7.5)
    at.button(key=f"FormSubmitter:{form}-Save rule").click().run()
    assert console.api(f"/api/alerts/rules/{created['rule_id']}")["threshold"] == 7.5

    at.checkbox(key="confirm_delete").check().run()
    at.button(key="delete").click().run()
    assert "Cost over $5" not in rule_names(console)


def test_send_test_when_rule_has_no_channel(console: Console) -> None:
    at = console.page("alerts", admin_key=console.admin_key)
    at.button(key="test_rule").click().run()
    assert [e.value for e in at.error] == [
        "Send test failed: The collector answered 400: the rule has no channels to test."]


def test_verify_when_no_admin_key(console: Console) -> None:
    at = console.page("audit")
    at.button(key="verify").click().run()
    assert any("needs an admin key" in i.value for i in at.info)


def test_verify_and_export_when_admin_key_given(console: Console) -> None:
    at = console.page("audit", admin_key=console.admin_key)
    at.button(key="verify").click().run()
    report = console.api("/api/audit/verify", admin=True)
    assert report["ok"] is True
    assert [s.value for s in at.success] == [
        f"Chain intact: {report['batches_checked']} batches, {report['spans_checked']} spans "
        "checked."]
    at.button(key="prepare_export").click().run()
    kinds = [json.loads(line)["type"] for line in at.session_state["export_text"].splitlines()]
    assert kinds == ["header", "record"] + ["span"] * report["spans_checked"]
    assert at.download_button[0].label == f"Download ({len(kinds)} lines)"


@pytest.mark.parametrize("name", ["overview", "costs", "latency", "traces", "security",
                                  "alerts", "audit"])  # fmt: skip
def test_page_explains_when_key_is_wrong(console: Console, name: str) -> None:
    at = console.page(name, key="tv_read_not_a_real_key")
    assert not at.exception
    messages = [e.value for e in at.error]
    assert messages and all("answered 401" in m for m in messages), messages
    assert any("Check the key (TRACEVAULT_API_KEY)" in m for m in messages)


@pytest.mark.parametrize("name", ["overview", "costs", "latency", "traces"])
def test_page_shows_next_steps_when_project_is_empty(console: Console, name: str) -> None:
    at = console.page(name, key=console.new_key("empty-project", "read"))
    assert not at.exception and not at.error
    assert next(i.value for i in at.info).startswith("No ")
    assert f'instrument.patch(endpoint="{console.url}"' in at.code[0].value


class OldCollector(BaseHTTPRequestHandler):
    """A collector from before findings and alerts: metrics only, FastAPI's 404 otherwise."""

    def do_GET(self) -> None:
        body: dict = {"detail": "Not Found"}
        status = 404
        if self.path.startswith("/api/metrics/summary"):
            point = {"traces": 1, "model_calls": 1, "spans": 1, "success_rate": 1.0,
                     "cost_usd": 0.5, "p95_ms": 100.0}  # fmt: skip
            body, status = {"current": point, "previous": point}, 200
        elif self.path.startswith("/api/metrics/timeseries"):
            body, status = {"points": []}, 200
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def old_collector() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), OldCollector)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_overview_sections_when_routes_are_missing(old_collector: str,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TRACEVAULT_API_URL", old_collector)
    monkeypatch.setenv("TRACEVAULT_API_KEY", "tv_read_old")
    at = AppTest.from_file(str(SCREENS / "overview.py"), default_timeout=30).run()
    assert not at.exception and not at.error
    assert {m.label: m.value for m in at.metric}["Cost"] == "$0.5000"
    infos = [i.value for i in at.info]
    assert any(i.startswith("Alerts is not available on this collector") for i in infos)
    assert any(i.startswith("Findings is not available on this collector") for i in infos)
