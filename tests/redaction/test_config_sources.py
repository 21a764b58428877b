"""Redaction settings come from configuration on both sides: allow-list and own recognizers."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from collector.errors import ConfigError
from collector.settings import load_settings
from instrument.redaction import RedactionConfigError, get_redactor, load_redaction_config

SETTINGS = {
    "allow_list": ["support@acme-corp.com"],
    "custom_recognizers": [{"entity": "EMPLOYEE_ID", "pattern": r"EMP-\d{6}"}],
}


def test_allow_list_and_own_recognizer_apply_when_set_by_environment() -> None:
    config = load_redaction_config(env={"TRACEVAULT_REDACTION_CONFIG": json.dumps(SETTINGS)})
    result = get_redactor(config).redact(
        "Write to support@acme-corp.com about EMP-123456, cc bob.smith@gmail.com"
    )
    assert result.text == "Write to support@acme-corp.com about <EMPLOYEE_ID>, cc <EMAIL_ADDRESS>"
    assert result.entities == {"EMPLOYEE_ID": 1, "EMAIL_ADDRESS": 1}


def test_settings_file_is_read_when_a_path_is_given(tmp_path: Path) -> None:
    path = tmp_path / "redaction.toml"
    path.write_text('allow_list = ["Acme Corp"]\n')
    assert load_redaction_config(str(path), env={}).allow_list == ("Acme Corp",)


def test_no_setting_means_defaults() -> None:
    assert load_redaction_config(env={}) is None


def test_bad_pattern_fails_with_its_reason() -> None:
    bad = {"custom_recognizers": [{"entity": "TICKET", "pattern": "("}]}
    with pytest.raises(RedactionConfigError, match="bad pattern for TICKET"):
        load_redaction_config(bad, env={})


def test_collector_refuses_to_start_with_bad_redaction_settings() -> None:
    with pytest.raises(ConfigError, match="unknown redaction settings"):
        load_settings(redaction_config='{"allowlist": ["x"]}')
