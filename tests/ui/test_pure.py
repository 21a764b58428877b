"""The console's pure parts: conversation turns, waterfall rows, unit economics, windows."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from ui.conversation import pretty, turns
from ui.economics import cache_savings, top_sessions, totals_by, unit_economics
from ui.state import make_window, parse_until
from ui.waterfall import rows

CALL = {"type": "tool_call", "id": "t1", "name": "get_order", "arguments": {"id": "A1"}}
ANSWER = {"type": "tool_call_response", "id": "t1", "response": "shipped"}


def test_turns_pair_tool_call_with_result_when_ids_match() -> None:
    content = {
        "system": [{"type": "text", "content": "Be brief."}],
        "input_messages": [
            {"role": "user", "parts": [{"type": "text", "content": "Where is A1?"}]},
            {"role": "assistant", "parts": [CALL]},
            {"role": "tool", "parts": [ANSWER]},
        ],
        "output_messages": [{"role": "assistant", "parts": [{"type": "text", "content": "Sent."}]}],
    }
    out = turns(content)
    assert [t.role for t in out] == ["system", "user", "assistant", "assistant"]
    use = out[2].tool_uses[0]
    assert (use.name, use.arguments, use.result, use.answered) == (
        "get_order", {"id": "A1"}, "shipped", True)
    assert out[3].texts == ["Sent."]


def test_turns_keep_result_apart_when_its_call_is_missing() -> None:
    out = turns({"input_messages": [{"role": "tool", "parts": [ANSWER]}]})
    assert [(t.role, t.results) for t in out] == [("tool", [("t1", "shipped")])]


def test_turns_show_tool_span_content_when_span_is_a_tool_call() -> None:
    out = turns({"tool_arguments": {"q": "x"}, "tool_result": [1, 2]}, "search")
    assert [(u.name, u.arguments, u.result) for u in out[0].tool_uses] == [
        ("search", {"q": "x"}, [1, 2])]


def test_pretty_when_value_is_json_text_or_prose() -> None:
    assert pretty('{"a": 1}') == ('{\n  "a": 1\n}', "json")
    assert pretty("plain words") == ("plain words", None)


def test_turns_empty_when_no_content() -> None:
    assert turns(None) == []


def span(sid: str, parent: str | None, start_ms: int, ms: float, status: str = "ok",
         children: list | None = None, op: str = "chat") -> dict:  # fmt: skip
    t0 = datetime(2026, 1, 1, tzinfo=UTC)
    return {"span_id": sid, "parent_span_id": parent, "name": f"{op} {sid}", "operation": op,
            "start_time": (t0 + timedelta(milliseconds=start_ms)).isoformat(),
            "duration_ms": ms, "status": status, "children": children or []}  # fmt: skip


def test_waterfall_rows_in_tree_order_when_children_nest() -> None:
    tree = [span("a", None, 0, 100, op="invoke_agent", children=[
        span("b", "a", 10, 20, children=[span("c", "b", 12, 5, "error", op="execute_tool")]),
        span("d", "a", 50, 40)])]  # fmt: skip
    out = rows(tree, flagged={"d"})
    assert [r["span_id"] for r in out] == ["a", "b", "c", "d"]
    assert [(r["start_ms"], r["end_ms"]) for r in out] == [(0, 100), (10, 30), (12, 17), (50, 90)]
    assert [r["kind"] for r in out] == ["invoke_agent", "chat", "error", "chat"]
    assert out[2]["label"] == " 3.     ✖ execute_tool c"
    assert out[3]["label"] == " 4.   ⚠ chat d"


def test_unit_economics_when_every_trace_was_read() -> None:
    traces = [{"session_id": "s1", "cost_usd": 1.0}, {"session_id": "s1", "cost_usd": 2.0},
              {"session_id": "s2", "cost_usd": 3.0}, {"session_id": None, "cost_usd": 9.0}]
    econ = unit_economics({"traces": 4, "cost_usd": 15.0}, traces, True, window_days=1.0)
    assert (econ.cost_per_task, econ.cost_per_session, econ.sessions) == (3.75, 3.0, 2)
    assert econ.sessions_per_day == 2.0
    assert econ.monthly(10) == 3.0 * 10 * 30


def test_unit_economics_when_nothing_ran() -> None:
    econ = unit_economics({"traces": 0, "cost_usd": 0.0}, [], True, 1.0)
    assert (econ.cost_per_task, econ.cost_per_session, econ.monthly(5)) == (None, None, None)


def test_totals_and_top_sessions_when_points_split() -> None:
    points = [{"bucket": "b1", "model": "x", "cost_usd": 1.0}, {"bucket": "b2", "model": "x",
              "cost_usd": 2.0}, {"bucket": "b1", "model": None, "cost_usd": 0.5}]  # fmt: skip
    assert totals_by(points, "model", "cost_usd") == [{"model": "x", "cost_usd": 3.0},
                                                      {"model": "(none)", "cost_usd": 0.5}]
    traces = [{"session_id": "s", "user_id": "u", "cost_usd": 1.0, "input_tokens": 5,
               "output_tokens": 1}] * 2  # fmt: skip
    assert top_sessions(traces) == [{"session": "s", "user": "u", "tasks": 2, "cost_usd": 2.0,
                                     "tokens": 12}]


def test_cache_savings_when_reads_and_writes_on_sonnet() -> None:
    # sonnet 4.5: input $3, cache read $0.30, 5-minute cache write $3.75 per million tokens
    points = [{"model": "claude-sonnet-4-5", "cache_read_tokens": 1_000_000,
               "cache_write_tokens": 100_000}]  # fmt: skip
    assert round(cache_savings(points), 6) == round(2.70 - 0.075, 6)


def test_cache_savings_when_model_has_no_price() -> None:
    assert cache_savings([{"model": "mystery", "cache_read_tokens": 5,
                           "cache_write_tokens": 0}]) == 0.0  # fmt: skip


def test_window_when_until_is_pinned() -> None:
    until = parse_until("2026-01-02T03:04:00 00:00")  # a '+' in a URL arrives as a space
    w = make_window("7d", until)
    assert (w.since, w.until, w.bucket) == (datetime(2025, 12, 26, 3, 4, tzinfo=UTC), until, "day")
    assert make_window("bogus", until).label == "24h"
    assert parse_until("not a time") is None
