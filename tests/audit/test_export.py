"""`tracevault audit export` and the standard-library verifier in tools/verify_export.py."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from collector.audit.retention import run_retention
from collector.cli import main
from collector.store import DuckDBStore
from tests.audit.conftest import tamper
from tests.audit.rows import T0
from tests.audit.test_canonical import TOOL, _tool

verify_lines = _tool().verify_lines


def _export(db: Path, out: Path, *extra: str) -> list[dict[str, Any]]:
    assert main(["audit", "export", "--db", str(db), "--out", str(out), *extra]) == 0
    return [json.loads(line) for line in out.read_text().splitlines()]


def _lines(objs: list[dict[str, Any]]) -> list[str]:
    return [json.dumps(o) for o in objs]


def _problems(result: dict[str, Any]) -> list[tuple[str, int, str]]:
    return [(p["project"], p["batch_id"], p["kind"]) for p in result["problems"]]


def test_export_holds_header_records_and_raw_rows_when_written_to_a_file(
    store_file: Path, tmp_path: Path
) -> None:
    objs = _export(store_file, tmp_path / "e.jsonl")
    assert [o["type"] for o in objs] == ["header"] + ["record"] * 4 + ["span"] * 12
    assert objs[0]["alg"] == "tracevault-audit-v1" and objs[0]["records"] == 4
    assert [(o["project"], o["seq"], o["batch_id"]) for o in objs[1:5]] == [
        ("alpha", 1, 1), ("alpha", 2, 2), ("alpha", 3, 3), ("beta", 1, 4),
    ]  # fmt: skip
    span = objs[5]
    assert span["batch_id"] == 1 and span["row"]["start_time"] == "2025-06-01T12:00:00+00:00"
    assert json.loads(span["row"]["attributes"]) == {"gen_ai.operation.name": "chat"}


def test_stdlib_verifier_accepts_export_when_run_without_site_packages(
    store_file: Path, tmp_path: Path
) -> None:
    _export(store_file, tmp_path / "e.jsonl")
    # -I -S: no site-packages, no project on the path - the standard library alone.
    cmd = [sys.executable, "-I", "-S", str(TOOL), str(tmp_path / "e.jsonl")]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[0] == "OK: 4 records, 12 spans verified"


def test_stdlib_verifier_names_batch_when_an_exported_cost_is_edited(
    store_file: Path, tmp_path: Path
) -> None:
    objs = _export(store_file, tmp_path / "e.jsonl")
    victim = next(o for o in objs if o["type"] == "span" and o["batch_id"] == 2)
    victim["row"]["cost_usd"] = 0.0
    result = verify_lines(_lines(objs))
    assert result["ok"] is False
    assert _problems(result) == [("alpha", 2, "span_altered"), ("alpha", 2, "batch_rows_mismatch")]
    assert result["first_break"]["spans"] == [
        {"trace_id": victim["row"]["trace_id"], "span_id": victim["row"]["span_id"]}
    ]


def test_stdlib_verifier_names_batch_when_a_span_line_is_removed(
    store_file: Path, tmp_path: Path
) -> None:
    objs = _export(store_file, tmp_path / "e.jsonl")
    index = next(i for i, o in enumerate(objs) if o["type"] == "span" and o["batch_id"] == 3)
    del objs[index]
    assert _problems(verify_lines(_lines(objs))) == [("alpha", 3, "batch_rows_mismatch")]


def test_stdlib_verifier_names_batch_when_a_chain_record_is_edited(
    store_file: Path, tmp_path: Path
) -> None:
    objs = _export(store_file, tmp_path / "e.jsonl")
    objs[2]["key_id"] = "k-someone-else"  # alpha seq 2 = batch 2
    assert _problems(verify_lines(_lines(objs))) == [("alpha", 2, "record_altered")]


def test_stdlib_verifier_names_forged_span_when_store_was_tampered_before_export(
    store_file: Path, tmp_path: Path
) -> None:
    tamper(
        store_file,
        "INSERT INTO spans SELECT * REPLACE (span_key + 1 AS span_key, "
        "'00000000deadbeef' AS span_id) FROM spans WHERE batch_id = 4 LIMIT 1",
    )
    result = verify_lines(_lines(_export(store_file, tmp_path / "e.jsonl")))
    assert _problems(result) == [
        ("beta", 4, "span_not_in_chain"),
        ("beta", 4, "batch_rows_mismatch"),
    ]


def test_stdlib_verifier_accepts_export_when_retention_dropped_content(
    store_file: Path, tmp_path: Path
) -> None:
    store = DuckDBStore(store_file)
    try:
        run_retention(store, T0 + timedelta(days=30, seconds=45), default_days=30)
    finally:
        store.close()
    objs = _export(store_file, tmp_path / "e.jsonl")
    assert [o["project"] for o in objs if o["type"] == "retention"] == ["alpha", "beta"]
    assert sum(o["type"] == "span" and o["row"]["content"] is None for o in objs) == 6
    result = verify_lines(_lines(objs))
    assert result["ok"] is True and result["spans"] == 12


def test_stdlib_verifier_accepts_partial_export_when_it_starts_mid_chain(
    store_file: Path, tmp_path: Path
) -> None:
    objs = _export(store_file, tmp_path / "e.jsonl", "--project", "alpha", "--from-seq", "2")
    assert [o["seq"] for o in objs if o["type"] == "record"] == [2, 3]
    result = verify_lines(_lines(objs))
    assert (result["ok"], result["records"], result["spans"]) == (True, 2, 6)


def test_export_refuses_sequence_range_when_no_project_is_given(
    store_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["audit", "export", "--db", str(store_file), "--from-seq", "2"])
    assert code == 2
    assert "from_seq/to_seq need a project" in capsys.readouterr().err


def test_stdlib_verifier_names_both_sides_when_a_span_is_moved_to_another_project(
    store_file: Path, tmp_path: Path
) -> None:
    tamper(
        store_file, "UPDATE spans SET project = 'gamma' WHERE batch_id = 2 AND span_id LIKE '%1'"
    )
    objs = _export(store_file, tmp_path / "e.jsonl")
    assert [o["row"]["project"] for o in objs if o["type"] == "span"][-1] == "gamma"
    assert _problems(verify_lines(_lines(objs))) == [
        ("alpha", 2, "batch_rows_mismatch"),
        ("gamma", 2, "span_altered"),
        ("gamma", 2, "rows_without_chain_record"),
    ]
