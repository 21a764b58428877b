"""The redactor end to end: replacement tags, counts, hashing, cache, configuration."""

from __future__ import annotations

import hashlib
import hmac
import subprocess
import sys
import threading

import pytest

import instrument.redaction as redaction
from instrument.redaction import (
    CustomRecognizer,
    RedactionConfig,
    RedactionConfigError,
    RedactionResult,
    Redactor,
    get_redactor,
)

PROMPT = "Hi, I'm Maria Garcia. Reach me at maria.garcia@example.com or (415) 555-0132."
KEY = b"0123456789abcdef0123456789abcdef"


def test_pii_replaced_with_entity_names_when_prompt_has_pii(redactor: Redactor) -> None:
    result = redactor.redact(PROMPT)
    assert result == RedactionResult(
        "Hi, I'm <PERSON>. Reach me at <EMAIL_ADDRESS> or <PHONE_NUMBER>.",
        {"PERSON": 1, "EMAIL_ADDRESS": 1, "PHONE_NUMBER": 1},
    )


def test_structured_identifiers_replaced_when_present(redactor: Redactor) -> None:
    text = "card 4111 1111 1111 1111, SSN 536-22-8841, IBAN DE89370400440532013000, ip 10.0.3.17"
    assert redactor.redact(text).text == (
        "card <CREDIT_CARD>, SSN <US_SSN>, IBAN <IBAN_CODE>, ip <IP_ADDRESS>"
    )


def test_text_unchanged_when_nothing_found(redactor: Redactor) -> None:
    text = "Refactor the retry loop so it backs off exponentially."
    assert redactor.redact(text) == RedactionResult(text, {})


def test_results_follow_input_order_when_batch_has_duplicates(redactor: Redactor) -> None:
    texts = ["mail a.b@example.com", "", "ok", "mail a.b@example.com", "ip 203.0.113.42"]
    assert [r.text for r in redactor.redact_many(texts)] == [
        "mail <EMAIL_ADDRESS>", "", "ok", "mail <EMAIL_ADDRESS>", "ip <IP_ADDRESS>",
    ]


def test_cache_serves_repeat_when_text_seen_before() -> None:
    fresh = Redactor(RedactionConfig())
    fresh.redact_many(["call 650-555-0199 now", "call 650-555-0199 now"])
    assert (fresh.cache.hits, fresh.cache.misses) == (0, 2)  # whole text, then its leaf
    fresh.redact("call 650-555-0199 now")
    assert (fresh.cache.hits, len(fresh.cache)) == (1, 1)


def test_cache_keeps_no_raw_text_when_filled() -> None:
    fresh = Redactor(RedactionConfig())
    fresh.redact("token for bob.smith@example.com")
    stored = list(fresh.cache._items.items())
    assert len(stored) == 1
    assert "bob.smith" not in repr(stored)


def test_cache_evicts_oldest_when_full() -> None:
    fresh = Redactor(RedactionConfig(cache_size=2))
    fresh.redact_many(["first text", "second text", "third text"])
    assert len(fresh.cache) == 2
    fresh.redact("first text")
    assert fresh.cache.hits == 0


def test_hash_tag_stable_and_keyed_when_hash_key_set() -> None:
    keyed = Redactor(RedactionConfig(hash_key=KEY))
    digest = hmac.new(KEY, b"ann@example.com", hashlib.sha256).hexdigest()[:6]
    assert keyed.redact("from ann@example.com").text == f"from <EMAIL_ADDRESS:{digest}>"
    assert keyed.redact("cc ann@example.com").text == f"cc <EMAIL_ADDRESS:{digest}>"
    other = Redactor(RedactionConfig(hash_key=KEY[::-1]))
    assert other.redact("from ann@example.com").text != f"from <EMAIL_ADDRESS:{digest}>"


def test_allow_list_keeps_value_when_configured() -> None:
    allowing = Redactor(RedactionConfig(allow_list=("support@acme.io",)))
    result = allowing.redact("write to support@acme.io, not jo@acme.io")
    assert result.text == "write to support@acme.io, not <EMAIL_ADDRESS>"


def test_custom_recognizer_replaces_matches_when_configured() -> None:
    config = RedactionConfig.from_mapping(
        {"custom_recognizers": [{"entity": "EMPLOYEE_ID", "pattern": r"\bEMP-\d{6}\b"}]}
    )
    result = Redactor(config).redact("badge EMP-004211 reported")
    assert result == RedactionResult("badge <EMPLOYEE_ID> reported", {"EMPLOYEE_ID": 1})


@pytest.mark.parametrize(
    "settings",
    [
        {"custom_recognizers": [{"entity": "bad name", "pattern": "x"}]},
        {"custom_recognizers": [{"entity": "OK", "pattern": "("}]},
        {"hash_key": "short"},
        {"no_such_setting": 1},
        {"cache_size": -1},
    ],
)
def test_config_rejected_when_malformed(settings: dict) -> None:
    with pytest.raises(RedactionConfigError):
        RedactionConfig.from_mapping(settings)


def test_unknown_entity_rejected_when_engine_builds() -> None:
    with pytest.raises(RedactionConfigError, match="MAGIC"):
        Redactor(RedactionConfig(pii_entities=("MAGIC",))).redact("some text here")


def test_get_redactor_same_instance_when_called_from_threads() -> None:
    seen: list[Redactor] = []
    threads = [threading.Thread(target=lambda: seen.append(get_redactor())) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len({id(r) for r in seen}) == 1
    assert get_redactor(RedactionConfig(cache_size=7)).config.cache_size == 7


def test_only_ner_component_loaded_when_engine_built(redactor: Redactor) -> None:
    redactor.redact("warm up the engine please")
    nlp = redactor._engine.analyzer_engine.nlp_engine.nlp["en"]
    assert nlp.pipe_names == ["ner"]


def test_import_is_cheap_when_package_imported() -> None:
    code = ("import sys, instrument.redaction as r; r.Redactor(); "
            "print(sorted(m for m in ('spacy', 'presidio_analyzer') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_public_surface_pinned_when_package_imported() -> None:
    assert sorted(redaction.__all__) == sorted([
        "DEFAULT_PII_ENTITIES", "CustomRecognizer", "Finding", "RedactionConfig",
        "RedactionConfigError", "RedactionResult", "Redactor", "get_redactor",
        "load_redaction_config", "merge_counts",
    ])
    assert CustomRecognizer("X", "x") == CustomRecognizer(entity="X", pattern="x")
