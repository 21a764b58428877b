"""capture_content="full" is an explicit opt-in on both sides: the collector stores such
content raw only for projects listed in TRACEVAULT_ALLOW_UNREDACTED_PROJECTS."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

import instrument
from collector.process import CollectorProcess, start_collector
from sample_data.mock import MockAnthropic, Reply

EMAIL = "ada.lovelace@analytical.example"


@pytest.fixture(scope="module")
def proc(tmp_path_factory: pytest.TempPathFactory) -> Iterator[CollectorProcess]:
    tmp: Path = tmp_path_factory.mktemp("full")
    env = {"TRACEVAULT_ALLOW_UNREDACTED_PROJECTS": '["open"]'}
    p = start_collector(tmp / "s.duckdb", "tv_admin_full", env=env, log_path=tmp / "log")
    yield p
    p.stop()


def _stored_prompt(proc: CollectorProcess, project: str, session: str) -> dict:
    admin = {"Authorization": "Bearer tv_admin_full"}
    keys = {
        role: httpx.post(
            f"{proc.url}/api/keys", headers=admin, json={"project": project, "role": role}
        ).json()["key"]
        for role in ("ingest", "read")
    }
    instrument.patch(endpoint=proc.url, api_key=keys["ingest"], capture_content="full")
    try:
        with instrument.context(session_id=session):
            MockAnthropic().queue(Reply.text("ok")).client().messages.create(
                model="claude-haiku-4-5", max_tokens=5,
                messages=[{"role": "user", "content": f"mail {EMAIL}"}],
            )  # fmt: skip
        assert instrument.flush(timeout=30)
    finally:
        instrument.unpatch()
    read = {"Authorization": f"Bearer {keys['read']}"}
    traces = httpx.get(f"{proc.url}/api/traces", params={"session": session}, headers=read)
    tid = traces.json()["traces"][0]["trace_id"]
    (span,) = httpx.get(f"{proc.url}/api/traces/{tid}", headers=read).json()["spans"]
    return span


def test_full_capture_is_redacted_by_the_collector_when_project_not_allowed(
    proc: CollectorProcess,
) -> None:
    span = _stored_prompt(proc, "closed", "s-closed")
    text = span["content"]["input_messages"][0]["parts"][0]["content"]
    assert text == "mail <EMAIL_ADDRESS>"
    assert span["redaction"]["by"] == "tracevault-collector"
    assert span["redaction"]["entities"] == {"EMAIL_ADDRESS": 1}


def test_full_capture_is_stored_raw_when_project_allows_it(proc: CollectorProcess) -> None:
    span = _stored_prompt(proc, "open", "s-open")
    assert span["content"]["input_messages"][0]["parts"][0]["content"] == f"mail {EMAIL}"
    assert span["redaction"] is None
    assert span["attributes"]["tracevault.capture_content"] == "full"
