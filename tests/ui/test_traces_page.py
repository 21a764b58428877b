"""The Traces page: the list equals GET /api/traces for the same filters, and one trace opens
as a waterfall with its conversation, errors and findings."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import parse_qsl, urlsplit

from analytics.notify.message import Notification, console_link, trace_link
from tests.ui.conftest import Console
from tests.ui.seed import HAIKU, INJECTED, SONNET


def trace_id_of(console: Console, **filters: str) -> str:
    traces = console.api("/api/traces", limit=50, **filters, **console.window())["traces"]
    assert len(traces) == 1, traces
    return traces[0]["trace_id"]


def test_trace_list_when_no_filter(console: Console) -> None:
    at = console.page("traces")
    assert not at.exception
    api = console.api("/api/traces", limit=50, **console.window())["traces"]
    df = at.dataframe[0].value
    assert list(df["trace_id"]) == [t["trace_id"] for t in api]
    assert len(df) == 15
    assert list(df["cost_usd"]) == [t["cost_usd"] for t in api]


def test_trace_list_when_filtered_by_model_and_sorted_by_cost(console: Console) -> None:
    at = console.page("traces", model=HAIKU, sort="cost", order="asc")
    api = console.api("/api/traces", model=HAIKU, sort="cost", order="asc", limit=50,
                      **console.window())["traces"]  # fmt: skip
    df = at.dataframe[0].value
    assert len(api) == 4  # orders 0, 3, 6 and 9 ran on haiku
    assert list(df["trace_id"]) == [t["trace_id"] for t in api]
    assert list(df["cost_usd"]) == sorted(df["cost_usd"])
    assert at.text_input(key="f_model").value == HAIKU


def test_trace_list_when_filters_match_nothing(console: Console) -> None:
    at = console.page("traces", user="nobody")
    assert not at.dataframe
    assert [i.value for i in at.info] == ["No trace matches these filters in this window."]


def test_trace_list_filter_goes_to_url_when_typed(console: Console) -> None:
    at = console.page("traces")
    at.selectbox(key="f_status").set_value("error").run()
    assert at.query_params["status"] == "error"
    df = at.dataframe[0].value
    assert list(df["status"]) == ["✖ error"]


def test_trace_view_when_order_trace_is_opened(console: Console) -> None:
    tid = trace_id_of(console, session="s-5", model=HAIKU, min_cost="0.25")
    at = console.page("traces", trace=tid)
    assert not at.exception
    spans = console.api(f"/api/traces/{tid}")["spans"]
    shown = {m.label: m.value for m in at.metric}
    assert shown["Spans"] == "4" == str(len(spans))
    assert shown["Cost"] == f"${sum(s['cost_usd'] or 0 for s in spans):,.4f}" == "$0.3000"
    # the last model call carries the whole conversation: the tool call sits with its result
    texts = [m.value for m in at.markdown]
    assert "Where is my order A9? Email me at <EMAIL_ADDRESS>." in texts
    assert "Order A9 has shipped." in texts
    codes = [c.value for c in at.code]
    call, result = codes.index('{\n  "order_id": "A9"\n}'), codes.index(
        '{\n  "order": "A9",\n  "status": "shipped"\n}')
    assert result == call + 1


def test_trace_view_when_trace_has_an_injection_finding(console: Console) -> None:
    tid = trace_id_of(console, tool="fetch_url")
    at = console.page("traces", trace=tid)
    boxes = [e.value for e in at.error]
    assert any("prompt_injection" in b and INJECTED[:40] in b for b in boxes)
    assert at.selectbox(key="span_pick").value == console.api(
        "/api/findings", trace_id=tid)["findings"][0]["span_id"]


def test_trace_view_when_model_call_failed_with_401(console: Console) -> None:
    tid = trace_id_of(console, status="error")
    at = console.page("traces", trace=tid)
    errors = [e.value for e in at.error]
    assert any("AuthenticationError" in e and "HTTP 401" in e for e in errors)
    assert {m.label: m.value for m in at.metric}["Errors"] == "2"


def test_trace_view_when_trace_is_unknown(console: Console) -> None:
    at = console.page("traces", trace="0" * 32)
    assert not at.exception
    assert [e.value for e in at.error] == [
        f"The collector answered 404: no trace {'0' * 32} in this project."]


def query_of(link: str) -> dict[str, str]:
    return dict(parse_qsl(urlsplit(link).query))


def test_alert_link_opens_filtered_list_when_followed(console: Console) -> None:
    """The link a Slack alert carries (built by the notifier itself) opens the same view."""
    fired = console.until - timedelta(minutes=3)
    note = Notification("firing", console.project, "e1", "r1", "401s", "auth_errors", "warning",
                        "gt", 0, 900, {"model": SONNET}, 1.0, fired, fired)  # fmt: skip
    link = console_link("http://console", note)
    query = query_of(link)
    at = console.page("traces", **query)
    assert not at.exception
    api = console.api("/api/traces", model=SONNET, status="error", since=query["since"],
                      until=query["until"], limit=50)["traces"]  # fmt: skip
    assert [t["trace_id"] for t in api] == list(at.dataframe[0].value["trace_id"])
    assert len(api) == 1  # the 401, five minutes before the seed's end
    assert at.caption[1].value.startswith("Window from the link: ")


def test_trace_link_opens_trace_when_followed(console: Console) -> None:
    tid = trace_id_of(console, tool="fetch_url")
    at = console.page("traces", **query_of(trace_link("http://console", console.project, tid)))
    assert at.query_params["trace"] == tid
    assert f"**Trace** `{tid}`" in [m.value for m in at.markdown]
