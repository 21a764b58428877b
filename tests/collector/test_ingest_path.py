"""The fast ingest path: rows (not records), content stored once, one INSERT per group commit.

`to_record` is the reference; the ingest path (`to_row` + `rows_to_table`) must give the same
canonical values for spans of every emitter, and the writer must keep exactly-once storage and
exact per-batch counts while inserting a whole group at once.
"""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import Future
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import orjson
import pytest

from collector.ingest import observe_rows
from collector.metrics import CollectorMetrics
from collector.normalize import ROW_FIELDS, to_record, to_row
from collector.otlp import RawSpan, decode_protobuf
from collector.store import CommittedBatch, DuckDBStore, IngestBatch, records_to_table
from collector.store.arrow_rows import rows_to_table
from tests.collector.conftest import EMITTERS, PROJECT, RECEIVED_AT, capture, to_protobuf

TRACE = "0af7651916cd43dd8448eb211c80319c"
PROMPT = '[{"role": "user", "parts": [{"type": "text", "content": "hi"}]}]'


def _spans(emitter: str) -> list[RawSpan]:
    decoded = decode_protobuf(to_protobuf(capture(emitter)))
    assert decoded.rejected == 0
    return decoded.spans


def _span(span_id: str, attrs: dict[str, Any], events: list[Any] | None = None) -> RawSpan:
    return RawSpan(TRACE, span_id, None, "chat m", 3, 1_000_000_000, 3_000_000_000, 1, "",
                   attrs, events or [], [], {"service.name": "svc"}, "s", "1")  # fmt: skip


@pytest.mark.parametrize("emitter", EMITTERS)
def test_rows_table_equals_records_table_for_every_emitter(emitter: str) -> None:
    spans = _spans(emitter)
    rows = rows_to_table([to_row(s, PROJECT) for s in spans], RECEIVED_AT)
    records = records_to_table([to_record(s, PROJECT, RECEIVED_AT) for s in spans])
    assert rows.num_rows == len(spans) >= 1
    assert rows.equals(records, check_metadata=True)


def test_to_row_is_to_record_without_received_at_and_with_micros() -> None:
    span = _span("b7ad6b7169203331", {"gen_ai.operation.name": "chat"})
    row, record = to_row(span, PROJECT), to_record(span, PROJECT, RECEIVED_AT)
    expected = {key: value for key, value in record.items() if key != "received_at"}
    expected["start_time"], expected["end_time"] = 1_000_000, 3_000_000
    assert dict(zip(ROW_FIELDS, row, strict=True)) == expected
    assert record["end_time"] == datetime(1970, 1, 1, 0, 0, 3, tzinfo=UTC)


def test_content_attribute_left_out_of_attributes_when_content_holds_it() -> None:
    attrs = {"gen_ai.operation.name": "chat", "gen_ai.input.messages": PROMPT, "user.id": "u"}
    rec = to_record(_span("b7ad6b7169203331", attrs), PROJECT, RECEIVED_AT)
    assert orjson.loads(rec["attributes"]) == {"gen_ai.operation.name": "chat", "user.id": "u"}
    assert orjson.loads(rec["content"])["input_messages"] == orjson.loads(PROMPT)


def test_lower_ranked_content_attribute_kept_when_not_the_one_used() -> None:
    attrs = {"gen_ai.input.messages": PROMPT, "gen_ai.prompt": "old", "gen_ai.system": "x"}
    rec = to_record(_span("b7ad6b7169203331", attrs), PROJECT, RECEIVED_AT)
    assert orjson.loads(rec["attributes"]) == {"gen_ai.prompt": "old", "gen_ai.system": "x"}


def test_tool_io_fallback_keys_left_out_only_on_tool_spans() -> None:
    tool = {"gen_ai.operation.name": "execute_tool", "input.value": '{"a": 1}', "x": 1}
    chat = {"gen_ai.operation.name": "chat", "input.value": '{"a": 1}', "x": 1}
    tool_rec = to_record(_span("b7ad6b7169203331", tool), PROJECT, RECEIVED_AT)
    chat_rec = to_record(_span("b7ad6b7169203332", chat), PROJECT, RECEIVED_AT)
    assert orjson.loads(tool_rec["attributes"]) == {"gen_ai.operation.name": "execute_tool", "x": 1}
    assert orjson.loads(tool_rec["content"])["tool_arguments"] == {"a": 1}
    assert orjson.loads(chat_rec["attributes"]) == chat and chat_rec["content"] is None


def test_span_attributes_kept_when_content_comes_from_details_event() -> None:
    details = {"name": "gen_ai.client.inference.operation.details", "time_ns": 1,
               "attributes": {"gen_ai.input.messages": PROMPT}}  # fmt: skip
    attrs = {"gen_ai.operation.name": "chat", "gen_ai.system_instructions": "be brief"}
    rec = to_record(_span("b7ad6b7169203331", attrs, [details]), PROJECT, RECEIVED_AT)
    assert orjson.loads(rec["attributes"]) == attrs
    assert orjson.loads(rec["content"])["system"] is None


def _without_created(metrics: CollectorMetrics) -> list[bytes]:
    return [line for line in metrics.render().splitlines() if b"_created" not in line]


def test_observe_rows_gives_same_metrics_as_observe_records() -> None:
    spans = _spans("native") + _spans("openllmetry")
    by_rows, by_records = CollectorMetrics(), CollectorMetrics()
    observe_rows(by_rows, [to_row(s, PROJECT) for s in spans])
    by_records.observe_records([to_record(s, PROJECT, RECEIVED_AT) for s in spans])
    assert b'gen_ai_client_token_usage_count{gen_ai_request_model="claude-sonnet-4-6"' in (
        by_rows.render()
    )
    assert _without_created(by_rows) == _without_created(by_records)


# ---------------------------------------------------------------- writer


@pytest.fixture
def store(tmp_path: Path) -> Iterator[DuckDBStore]:
    store = DuckDBStore(tmp_path / "ingest.duckdb")
    yield store
    store.close()


def _batch(*span_ids: str, project: str = PROJECT) -> IngestBatch:
    rows = [to_row(_span(sid, {"gen_ai.operation.name": "chat"}), project) for sid in span_ids]
    return IngestBatch(project, "key-1", rows_to_table(rows, RECEIVED_AT))


def _group(store: DuckDBStore, batches: list[IngestBatch]) -> list[int]:
    """Queue batches behind a blocked writer so they are committed as one group."""
    gate: Future[None] = Future()
    store.write(lambda con: gate.result(timeout=30))
    futures = [store.ingest(b) for b in batches]
    gate.set_result(None)
    return [f.result(timeout=30) for f in futures]


def test_group_of_batches_inserted_at_once_with_exact_counts(store: DuckDBStore) -> None:
    seen: list[list[CommittedBatch]] = []
    store.add_commit_hook(lambda con, batches: seen.append(list(batches)))
    counts = _group(store, [_batch("01" * 8, "02" * 8), _batch("03" * 8), _batch("04" * 8)])
    assert counts == [2, 1, 1]
    assert seen == [[CommittedBatch(1, PROJECT, "key-1", 2, 2),
                     CommittedBatch(2, PROJECT, "key-1", 1, 1),
                     CommittedBatch(3, PROJECT, "key-1", 1, 1)]]  # fmt: skip
    rows = store.query("SELECT batch_id, span_id FROM spans ORDER BY span_id")
    assert [(r["batch_id"], r["span_id"]) for r in rows] == [
        (1, "01" * 8), (1, "02" * 8), (2, "03" * 8), (3, "04" * 8)]  # fmt: skip
    batches = store.query("SELECT batch_id, key_id, span_count FROM ingest_batches ORDER BY 1")
    assert [tuple(b.values()) for b in batches] == [
        (1, "key-1", 2),
        (2, "key-1", 1),
        (3, "key-1", 1),
    ]


def test_resent_spans_stored_once_and_counted_zero_when_group_has_duplicates(
    store: DuckDBStore,
) -> None:
    assert store.ingest(_batch("01" * 8, "02" * 8)).result(timeout=30) == 2
    # a retry of a stored span, a new span, and the same new span twice within one group
    counts = _group(store, [_batch("01" * 8, "05" * 8), _batch("05" * 8), _batch("06" * 8)])
    assert counts == [1, 0, 1]
    rows = store.query("SELECT span_id, batch_id FROM spans ORDER BY span_id")
    assert [(r["span_id"], r["batch_id"]) for r in rows] == [
        ("01" * 8, 1), ("02" * 8, 1), ("05" * 8, 2), ("06" * 8, 4)]  # fmt: skip
    spans = store.query("SELECT batch_id, span_count FROM ingest_batches ORDER BY 1")
    assert [(b["batch_id"], b["span_count"]) for b in spans] == [(1, 2), (2, 1), (3, 0), (4, 1)]


def test_same_span_twice_in_one_batch_stored_once(store: DuckDBStore) -> None:
    assert store.ingest(_batch("07" * 8, "07" * 8)).result(timeout=30) == 1
    assert store.query("SELECT count(*) AS n FROM spans") == [{"n": 1}]


def test_failing_hook_rolls_back_whole_group_and_fails_each_batch(store: DuckDBStore) -> None:
    def hook(con: duckdb.DuckDBPyConnection, batches: list[CommittedBatch]) -> None:
        raise RuntimeError("hook broke")

    store.add_commit_hook(hook)
    with pytest.raises(RuntimeError, match="hook broke"):
        _group(store, [_batch("08" * 8), _batch("09" * 8)])
    assert store.query("SELECT count(*) AS n FROM spans") == [{"n": 0}]
    assert store.query("SELECT count(*) AS n FROM ingest_batches") == [{"n": 0}]
