"""Tamper with the DuckDB file directly; `tracevault audit verify --db` names the batch."""

from __future__ import annotations

from pathlib import Path

import pytest

from collector.audit.canonical import payload_sql, row_sql
from tests.audit.conftest import tamper, verify_cli

SPAN = "0000000000000001"  # a chat span (has a cost) in every batch
TOOL_SPAN = "0000000000000002"  # a tool span whose redacted arguments hold <EMAIL_ADDRESS>


def _trace(batch_id: int) -> str:
    return f"{batch_id:032x}"  # alpha's batch n (id n+1) is trace n+1


def test_verify_passes_when_store_is_untouched(
    store_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, report = verify_cli(store_file, capsys)
    assert code == 0
    assert report["ok"] is True and report["problems"] == [] and report["first_break"] is None
    assert (report["batches_checked"], report["spans_checked"]) == (4, 12)
    assert {p: h["records"] for p, h in report["projects"].items()} == {"alpha": 3, "beta": 1}


def test_verify_names_batch_and_span_when_a_cost_is_changed(
    store_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tamper(store_file, f"UPDATE spans SET cost_usd = 0.5 WHERE batch_id = 2 AND span_id = '{SPAN}'")
    code, report = verify_cli(store_file, capsys)
    assert code == 1
    first = report["first_break"]
    assert (first["project"], first["batch_id"], first["seq"]) == ("alpha", 2, 2)
    assert first["kind"] == "span_altered"
    assert first["spans"] == [{"trace_id": _trace(2), "span_id": SPAN}]
    assert report["problem_count"] == 1


def test_verify_names_batch_and_span_when_a_span_is_deleted(
    store_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tamper(store_file, f"DELETE FROM spans WHERE batch_id = 3 AND span_id = '{TOOL_SPAN}'")
    code, report = verify_cli(store_file, capsys)
    assert code == 1
    first = report["first_break"]
    assert (first["batch_id"], first["seq"], first["kind"]) == (3, 3, "span_missing")
    assert first["spans"] == [{"trace_id": _trace(3), "span_id": TOOL_SPAN}]


_FORGE = (
    "INSERT INTO spans SELECT * REPLACE (span_key + 1 AS span_key, "
    "'00000000deadbeef' AS span_id, 99.0 AS cost_usd) "
    f"FROM spans WHERE batch_id = 2 AND span_id = '{SPAN}'"
)


def test_verify_names_batch_when_a_forged_span_is_inserted(
    store_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tamper(store_file, _FORGE)
    code, report = verify_cli(store_file, capsys)
    assert code == 1
    first = report["first_break"]
    assert (first["batch_id"], first["kind"]) == (2, "span_not_in_chain")
    assert first["spans"] == [{"trace_id": _trace(2), "span_id": "00000000deadbeef"}]


def test_verify_names_batch_when_a_forged_span_is_also_indexed(
    store_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # A forger who also writes a correct index entry still cannot match the chain record.
    index = (
        "INSERT INTO audit_spans SELECT span_key, batch_id, project, trace_id, span_id, "
        f"{payload_sql('s')}, {row_sql('s', payload_sql('s'))} "
        "FROM spans s WHERE span_id = '00000000deadbeef'"
    )
    tamper(store_file, _FORGE, index)
    code, report = verify_cli(store_file, capsys)
    assert code == 1
    assert [(p["batch_id"], p["kind"]) for p in report["problems"]] == [(2, "batch_rows_mismatch")]
    assert "4 spans), chain says" in report["first_break"]["detail"]


_SWAP = "UPDATE {table} SET batch_id = CASE batch_id WHEN 1 THEN 2 ELSE 1 END WHERE batch_id < 3"


def test_verify_names_batches_when_two_batches_swap_their_spans(
    store_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tamper(store_file, _SWAP.format(table="spans"))
    code, report = verify_cli(store_file, capsys)
    assert code == 1
    assert [(p["batch_id"], p["kind"], p["span_count"]) for p in report["problems"]] == [
        (1, "span_moved", 3),
        (2, "span_moved", 3),
    ]


def test_verify_names_batches_when_two_batches_are_swapped_everywhere(
    store_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # Spans and their index entries move together: only the chain records still disagree.
    tamper(store_file, _SWAP.format(table="spans"), _SWAP.format(table="audit_spans"))
    code, report = verify_cli(store_file, capsys)
    assert code == 1
    assert [(p["batch_id"], p["kind"]) for p in report["problems"]] == [
        (1, "batch_rows_mismatch"),
        (2, "batch_rows_mismatch"),
    ]


def test_verify_names_batch_when_chain_records_are_reordered(
    store_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tamper(
        store_file,
        "UPDATE audit_chain SET seq = 99 WHERE project = 'alpha' AND seq = 1",
        "UPDATE audit_chain SET seq = 1 WHERE project = 'alpha' AND seq = 2",
        "UPDATE audit_chain SET seq = 2 WHERE project = 'alpha' AND seq = 99",
    )
    code, report = verify_cli(store_file, capsys)
    assert code == 1
    assert [(p["batch_id"], p["seq"], p["kind"]) for p in report["problems"]] == [
        (1, 2, "record_altered"),
        (1, 2, "prev_link_broken"),
        (2, 1, "record_altered"),
        (2, 1, "prev_link_broken"),
        (3, 3, "prev_link_broken"),  # its predecessor at seq 2 is now another record
    ]


def test_verify_names_batch_and_span_when_redacted_content_is_altered(
    store_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tamper(
        store_file,
        "UPDATE spans SET content = replace(content, '<EMAIL_ADDRESS>', 'jane@example.com') "
        f"WHERE batch_id = 3 AND span_id = '{TOOL_SPAN}'",
    )
    code, report = verify_cli(store_file, capsys)
    assert code == 1
    first = report["first_break"]
    assert (first["batch_id"], first["kind"]) == (3, "span_altered")
    assert first["spans"] == [{"trace_id": _trace(3), "span_id": TOOL_SPAN}]


def test_verify_names_batch_when_a_chain_record_is_deleted(
    store_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tamper(store_file, "DELETE FROM audit_chain WHERE batch_id = 2")
    code, report = verify_cli(store_file, capsys)
    assert code == 1
    assert [(p["batch_id"], p["kind"]) for p in report["problems"]] == [
        (2, "batch_not_in_chain"),
        (2, "rows_without_chain_record"),
        (3, "prev_link_broken"),
        (3, "seq_gap"),
    ]


def test_verify_names_batch_when_the_sending_key_is_rewritten(
    store_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tamper(store_file, "UPDATE ingest_batches SET key_id = 'k-someone-else' WHERE batch_id = 3")
    code, report = verify_cli(store_file, capsys)
    assert code == 1
    assert [(p["batch_id"], p["kind"]) for p in report["problems"]] == [
        (3, "batch_metadata_mismatch")
    ]


def test_verify_flags_content_dropped_when_no_retention_ran(
    store_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tamper(
        store_file,
        "UPDATE spans SET content = NULL, attributes = NULL, events = NULL "
        f"WHERE batch_id = 1 AND span_id = '{SPAN}'",
    )
    code, report = verify_cli(store_file, capsys)
    assert code == 1
    assert [(p["batch_id"], p["kind"]) for p in report["problems"]] == [(1, "payload_dropped")]


def test_verify_scopes_to_one_project_when_project_is_given(
    store_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    tamper(store_file, "UPDATE spans SET cost_usd = 7 WHERE project = 'alpha' AND batch_id = 1")
    assert verify_cli(store_file, capsys, "--project", "beta")[0] == 0
    code, report = verify_cli(store_file, capsys, "--project", "alpha")
    assert code == 1 and report["first_break"]["batch_id"] == 1
