"""Price table: shipped data, model-id resolution, cost arithmetic, overrides."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from instrument import pricing
from instrument.pricing import PriceTableError, Usage, cost_usd, load_price_table


@pytest.fixture(autouse=True)
def _fresh_table(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.delenv(pricing.ENV_VAR, raising=False)
    pricing.set_price_overrides(None)
    yield
    pricing.set_price_overrides(None)


@pytest.mark.parametrize(
    ("model", "canonical"),
    [
        ("claude-sonnet-4-5", "claude-sonnet-4-5"),
        ("claude-sonnet-4-5-20250929", "claude-sonnet-4-5"),
        ("claude-opus-4-1-20250805", "claude-opus-4-1"),
        ("claude-opus-4-0", "claude-opus-4"),
        ("claude-opus-4-20250514", "claude-opus-4"),
        ("claude-3-5-sonnet-20241022", "claude-3-5-sonnet"),
        ("claude-3-5-sonnet-latest", "claude-3-5-sonnet"),
        ("claude-3-7-sonnet-20250219", "claude-3-7-sonnet"),
        ("claude-3-haiku-20240307", "claude-3-haiku"),
        ("claude-haiku-4-5-20251001", "claude-haiku-4-5"),
        ("Claude-Opus-4-6", "claude-opus-4-6"),
        ("us.anthropic.claude-3-5-sonnet-20241022-v2:0", "claude-3-5-sonnet"),
        ("anthropic.claude-haiku-4-5-20251001-v1:0", "claude-haiku-4-5"),
        ("claude-3-5-sonnet-v2@20241022", "claude-3-5-sonnet"),
        ("anthropic/claude-sonnet-4.5", "claude-sonnet-4-5"),
    ],
)
def test_resolve_maps_dated_ids_and_aliases_to_family(model: str, canonical: str) -> None:
    assert pricing.get_price_table().resolve(model) == canonical


@pytest.mark.parametrize(
    "model", ["gpt-4o", "claude-sonnet-4-5-experimental", "claude-fable-5-2", "", "claude"]
)
def test_cost_is_none_when_model_unknown(model: str) -> None:
    assert cost_usd(model, Usage(1000, 100)) is None


@pytest.mark.parametrize(
    ("model", "usage", "expected"),
    [
        # 1M uncached input + 1M output: the per-MTok list prices added (Sonnet 4.5 has a
        # long-context tier above 200k, so 100k + 100k there).
        ("claude-sonnet-4-5", Usage(100_000, 100_000), 1.8),
        ("claude-opus-4-1", Usage(1_000_000, 1_000_000), 90.0),
        ("claude-opus-4-5-20251101", Usage(1_000_000, 1_000_000), 30.0),
        ("claude-haiku-4-5", Usage(1_000_000, 1_000_000), 6.0),
        ("claude-3-5-haiku-20241022", Usage(1_000_000, 1_000_000), 4.8),
        ("claude-3-haiku-20240307", Usage(1_000_000, 1_000_000), 1.5),
        # input 1000 inclusive of 300 read + 100 (5m) write: 600*3 + 200*15 + 300*0.3 + 100*3.75
        ("claude-sonnet-4-5", Usage(1000, 200, 300, 100), 0.005265),
        # 1h writes at 2x input: 100*3 + 0 + 0 + 400*6 (uncached = 500 - 400)
        ("claude-sonnet-4", Usage(500, 0, 0, 0, 400), 0.0027),
        # input below read + write: uncached clamps at zero, cache still billed
        ("claude-sonnet-4-5", Usage(10, 0, 100, 0), 0.00003),
    ],
)
def test_cost_adds_every_token_category(model: str, usage: Usage, expected: float) -> None:
    assert cost_usd(model, usage) == expected


def test_cost_halves_when_batch() -> None:
    usage = Usage(100_000, 100_000)
    assert cost_usd("claude-sonnet-4-5", usage, batch=True) == 0.9


def test_cost_uses_long_context_rates_when_input_passes_threshold() -> None:
    # Sonnet 4.5 over 200k inclusive input: $6 in / $22.50 out for the whole request.
    assert cost_usd("claude-sonnet-4-5", Usage(200_000, 0)) == 0.6
    assert cost_usd("claude-sonnet-4-5", Usage(200_001, 1_000)) == pytest.approx(1.222506)


def test_usage_derives_uncached_input() -> None:
    usage = Usage(
        1000, 5, cache_read_tokens=600, cache_write_5m_tokens=100, cache_write_1h_tokens=50
    )
    assert (usage.cache_write_tokens, usage.uncached_input_tokens) == (150, 250)


def test_override_dict_replaces_one_model_and_adds_another() -> None:
    pricing.set_price_overrides(
        {
            "models": {
                "claude-sonnet-4-5": {"input": 1, "output": 2},
                "my-finetune": {"input": 10, "output": 10, "aliases": ["mine"]},
            }
        }
    )
    assert cost_usd("claude-sonnet-4-5-20250929", Usage(1_000_000, 1_000_000)) == 3.0
    assert cost_usd("mine", Usage(500_000, 0)) == 5.0
    assert cost_usd("claude-haiku-4-5", Usage(1_000_000, 0)) == 1.0  # untouched
    # cache rates left out default to the documented multipliers of input (1.25x, 2x, 0.1x)
    rates = pricing.get_price_table().price("claude-sonnet-4-5").base
    assert (rates.cache_write_5m, rates.cache_write_1h, rates.cache_read) == (1.25, 2.0, 0.1)


def test_override_file_from_env_is_loaded(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    path = tmp_path / "prices.json"
    path.write_text(
        json.dumps(
            {"batch_discount": 0.25, "models": {"claude-haiku-4-5": {"input": 2, "output": 4}}}
        )
    )
    monkeypatch.setenv(pricing.ENV_VAR, str(path))
    table = load_price_table()
    assert table.cost("claude-haiku-4-5", Usage(1_000_000, 1_000_000)) == 6.0
    assert table.cost("claude-haiku-4-5", Usage(1_000_000, 1_000_000), batch=True) == 4.5


def test_explicit_override_beats_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    path = tmp_path / "prices.json"
    path.write_text(json.dumps({"claude-haiku-4-5": {"input": 2, "output": 4}}))
    monkeypatch.setenv(pricing.ENV_VAR, str(path))
    table = load_price_table({"claude-haiku-4-5": {"input": 7, "output": 0}})
    assert table.cost("claude-haiku-4-5", Usage(1_000_000, 1_000_000)) == 7.0


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ({"m": {"input": 1}}, "needs 'input' and 'output'"),
        ({"m": {"input": -1, "output": 1}}, "must be a number >= 0"),
        ({"m": {"input": "3", "output": 1}}, "must be a number >= 0"),
        ({"m": "cheap"}, "must be an object"),
        ({"batch_discount": 1.5, "models": {}}, "batch_discount"),
        (
            {"m": {"input": 1, "output": 1, "long_context": {"input": 2, "output": 2}}},
            "above_input_tokens",
        ),
    ],
)
def test_bad_override_fails_with_clear_message(override: dict, message: str) -> None:
    with pytest.raises(PriceTableError, match=message):
        load_price_table(override)


def test_unreadable_price_file_fails_with_path(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text("{not json")
    with pytest.raises(PriceTableError, match=r"broken\.json"):
        load_price_table(path)


def test_shipped_table_prices_every_model_id_the_sdk_knows_or_leaves_it_none() -> None:
    import typing

    from anthropic.types.model_param import ModelParam

    literal = typing.get_args(ModelParam)[0]
    known = [m for m in typing.get_args(literal) if pricing.get_price_table().resolve(m)]
    # Every current family with a published price is priced; the rest are None, never guessed.
    assert "claude-opus-4-5-20251101" in known and "claude-sonnet-4-5-20250929" in known
    assert "claude-haiku-4-5-20251001" in known and "claude-opus-5-5" in known
