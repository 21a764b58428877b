"""What the redactor looks for and how it writes replacements.

One frozen object, built once per process (explicitly, or from a settings mapping), so the
process-wide redactor can compare it cheaply and never mutates under a running worker.
"""

from __future__ import annotations

import json
import os
import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# Built-in entity types the NER model and Presidio's pattern recognizers contribute. DATE_TIME,
# LOCATION, URL, NRP... stay off by default: they are not personal on their own and would
# redact most of an agent's useful text.
DEFAULT_PII_ENTITIES: tuple[str, ...] = (
    "PERSON",
    "EMAIL_ADDRESS",
    "PHONE_NUMBER",
    "CREDIT_CARD",
    "US_SSN",
    "IBAN_CODE",
    "IP_ADDRESS",
)


class RedactionConfigError(ValueError):
    """A redaction setting is malformed (bad regex, empty entity name, unknown key)."""


@dataclass(frozen=True)
class CustomRecognizer:
    """A user's own pattern: every match of `pattern` is replaced by `<entity>`."""

    entity: str
    pattern: str

    def __post_init__(self) -> None:
        if not re.fullmatch(r"[A-Z][A-Z0-9_]*", self.entity):
            raise RedactionConfigError(f"entity name must be UPPER_SNAKE_CASE: {self.entity!r}")
        try:
            re.compile(self.pattern)
        except re.error as exc:
            raise RedactionConfigError(f"bad pattern for {self.entity}: {exc}") from exc


@dataclass(frozen=True)
class RedactionConfig:
    """Redactor settings. Defaults are safe: PII + secrets on, names via NER, no hashing.

    `hash_key` switches on keyed stable hashes (`<EMAIL_ADDRESS:3f2a9c>`): the same value gets
    the same tag across traces, and without the key the tag cannot be reversed by guessing.
    """

    pii_entities: tuple[str, ...] = DEFAULT_PII_ENTITIES
    custom_recognizers: tuple[CustomRecognizer, ...] = ()
    allow_list: tuple[str, ...] = ()
    hash_key: bytes | None = field(default=None, repr=False)
    use_ner: bool = True
    score_threshold: float = 0.3
    cache_size: int = 8192
    batch_size: int = 64

    def __post_init__(self) -> None:
        if self.cache_size < 0 or self.batch_size < 1:
            raise RedactionConfigError("cache_size must be >= 0 and batch_size >= 1")
        if self.hash_key is not None and len(self.hash_key) < 16:
            raise RedactionConfigError("hash_key must be at least 16 bytes")

    @classmethod
    def from_mapping(cls, settings: Mapping[str, Any]) -> RedactionConfig:
        """Build from plain settings (a TOML/JSON table or env-derived dict).

        `custom_recognizers` is a list of `{"entity": ..., "pattern": ...}`; `hash_key` a str.
        """
        unknown = set(settings) - set(cls.__dataclass_fields__)
        if unknown:
            raise RedactionConfigError(f"unknown redaction settings: {sorted(unknown)}")
        values = dict(settings)
        values["custom_recognizers"] = _recognizers(values.get("custom_recognizers", ()))
        for key in ("pii_entities", "allow_list"):
            if key in values:
                values[key] = tuple(values[key])
        if isinstance(values.get("hash_key"), str):
            values["hash_key"] = values["hash_key"].encode()
        return cls(**values)


ENV_VAR = "TRACEVAULT_REDACTION_CONFIG"


def load_redaction_config(
    value: RedactionConfig | Mapping[str, Any] | str | None = None,
    env: Mapping[str, str] | None = None,
) -> RedactionConfig | None:
    """Redaction settings from an argument, else `TRACEVAULT_REDACTION_CONFIG`; None = defaults.

    A string is inline JSON (starting with `{`) or the path of a JSON or TOML file, e.g.
    `{"allow_list": ["support@acme.com"], "custom_recognizers":
    [{"entity": "EMPLOYEE_ID", "pattern": "EMP-\\d{6}"}]}`. Bad values raise at start-up.
    """
    if value is None:
        value = (os.environ if env is None else env).get(ENV_VAR) or None
    if value is None or isinstance(value, RedactionConfig):
        return value
    if isinstance(value, str):
        value = _parse(value)
    return RedactionConfig.from_mapping(value)


def _parse(text: str) -> Mapping[str, Any]:
    try:
        if text.lstrip().startswith("{"):
            return json.loads(text)
        path = Path(text)
        if path.suffix == ".toml":
            return tomllib.loads(path.read_text())
        return json.loads(path.read_text())
    except (OSError, ValueError) as exc:
        raise RedactionConfigError(f"cannot read {ENV_VAR} / redaction settings: {exc}") from exc


def _recognizers(items: Iterable[Any]) -> tuple[CustomRecognizer, ...]:
    return tuple(
        item if isinstance(item, CustomRecognizer) else CustomRecognizer(**item) for item in items
    )
