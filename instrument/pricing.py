"""Claude price table and cost computation, shared by the instrument and the collector.

Prices ship as data (`prices.json`, USD per million tokens). The active table is the shipped
one, overlaid by the file named in `TRACEVAULT_PRICES`, overlaid by `set_price_overrides(...)`
(explicit argument beats environment beats default). An override entry replaces the shipped
entry for that model as a whole.

Model ids are matched exactly first, then after stripping what varies around a family name:
Bedrock/Vertex/router prefixes and suffixes (`us.anthropic.`, `-v2:0`, `@20241022`,
`anthropic/`), a dated snapshot (`-20250929`), `-latest`, and dots in versions (`4.5` -> `4-5`).
Anything still unknown costs None: a wrong price is worse than no price.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = [
    "ModelPrice",
    "PriceTable",
    "PriceTableError",
    "Usage",
    "cost_usd",
    "get_price_table",
    "load_price_table",
    "set_price_overrides",
]

ENV_VAR = "TRACEVAULT_PRICES"
_DEFAULT_FILE = Path(__file__).with_name("prices.json")
_PER_TOKEN = 1e-6
_RATE_KEYS = ("input", "output", "cache_write_5m", "cache_write_1h", "cache_read")
# Anthropic's documented multipliers of the base input price; used only when an override
# gives input/output but leaves the cache rates out.
_CACHE_MULTIPLIERS = {"cache_write_5m": 1.25, "cache_write_1h": 2.0, "cache_read": 0.1}

_PREFIX = re.compile(
    r"^(?:[a-z0-9_-]+/)?"  # router namespace, e.g. openrouter's "anthropic/"
    r"(?:(?:us|eu|apac|au|jp|ca|global|us-gov)\.)?(?:anthropic\.)?"  # Bedrock
)
_SUFFIXES = (
    re.compile(r"-v\d+:\d+$"),  # Bedrock revision
    re.compile(r"@(?:\d{8}|latest)$"),  # Vertex snapshot
    re.compile(r"-(?:\d{8}|latest)$"),  # dated snapshot or alias
)


class PriceTableError(ValueError):
    """A price file or override is unreadable or has a bad value."""


@dataclass(frozen=True, slots=True)
class Usage:
    """Token counts of one inference call. `input_tokens` is INCLUSIVE of cache read/write.

    When only a total cache-write count is known, pass it as `cache_write_5m_tokens` (the
    default cache lifetime).
    """

    input_tokens: int
    output_tokens: int
    cache_read_tokens: int = 0
    cache_write_5m_tokens: int = 0
    cache_write_1h_tokens: int = 0

    @property
    def cache_write_tokens(self) -> int:
        return self.cache_write_5m_tokens + self.cache_write_1h_tokens

    @property
    def uncached_input_tokens(self) -> int:
        return max(self.input_tokens - self.cache_read_tokens - self.cache_write_tokens, 0)


@dataclass(frozen=True, slots=True)
class Rates:
    """USD per million tokens for each token category."""

    input: float
    output: float
    cache_write_5m: float
    cache_write_1h: float
    cache_read: float

    def cost(self, uncached: int, output: int, read: int, write_5m: int, write_1h: int) -> float:
        total = (
            uncached * self.input
            + output * self.output
            + read * self.cache_read
            + write_5m * self.cache_write_5m
            + write_1h * self.cache_write_1h
        )
        return total * _PER_TOKEN


@dataclass(frozen=True, slots=True)
class ModelPrice:
    model: str
    base: Rates
    # Rates for the whole request once its inclusive input passes a threshold.
    long_context: Rates | None = None
    long_context_above: int | None = None

    def rates_for(self, input_tokens: int) -> Rates:
        above = self.long_context_above
        if self.long_context is not None and above is not None and input_tokens > above:
            return self.long_context
        return self.base


class PriceTable:
    """Prices by canonical model id, with alias and dated-id resolution (cached)."""

    def __init__(
        self, prices: Mapping[str, ModelPrice], aliases: Mapping[str, str], batch_discount: float
    ) -> None:
        self.prices = dict(prices)
        self._names = {name: name for name in self.prices} | dict(aliases)
        self.batch_discount = batch_discount
        self._resolved: dict[str, str | None] = {}

    def resolve(self, model: str) -> str | None:
        """The canonical id `model` prices as, or None when it is not in the table."""
        if model in self._resolved:
            return self._resolved[model]
        found = self._lookup(model)
        if len(self._resolved) < 10_000:  # ids come from the network: bound the cache
            self._resolved[model] = found
        return found

    def _lookup(self, model: str) -> str | None:
        name = model.strip().lower()
        if name in self._names:
            return self._names[name]
        name = _PREFIX.sub("", name).replace(".", "-")
        for suffix in _SUFFIXES:
            if name in self._names:
                break
            name = suffix.sub("", name)
        return self._names.get(name)

    def price(self, model: str) -> ModelPrice | None:
        canonical = self.resolve(model)
        return None if canonical is None else self.prices[canonical]

    def cost(self, model: str, usage: Usage, *, batch: bool = False) -> float | None:
        return self.cost_tokens(
            model,
            usage.input_tokens,
            usage.output_tokens,
            usage.cache_read_tokens,
            usage.cache_write_5m_tokens,
            usage.cache_write_1h_tokens,
            batch=batch,
        )

    def cost_tokens(
        self,
        model: str,
        input_tokens: int,
        output_tokens: int,
        cache_read: int = 0,
        cache_write_5m: int = 0,
        cache_write_1h: int = 0,
        *,
        batch: bool = False,
    ) -> float | None:
        """`cost` without building a `Usage` (the collector's hot path); input is inclusive."""
        price = self.price(model)
        if price is None:
            return None
        uncached = max(input_tokens - cache_read - cache_write_5m - cache_write_1h, 0)
        rates = price.rates_for(input_tokens)
        value = rates.cost(uncached, output_tokens, cache_read, cache_write_5m, cache_write_1h)
        if batch:
            value *= 1.0 - self.batch_discount
        return round(value, 12)  # drop float noise so equal usage gives equal cost


def _rates(model: str, entry: Mapping[str, Any]) -> Rates:
    if "input" not in entry or "output" not in entry:
        raise PriceTableError(f"price for {model!r} needs 'input' and 'output'")
    values = {key: entry.get(key) for key in _RATE_KEYS}
    for key, factor in _CACHE_MULTIPLIERS.items():
        if values[key] is None:
            values[key] = float(values["input"]) * factor
    for key, value in values.items():
        if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
            raise PriceTableError(f"price {key!r} for {model!r} must be a number >= 0: {value!r}")
    return Rates(**{key: float(value) for key, value in values.items()})


def _model_price(model: str, entry: Any) -> ModelPrice:
    if not isinstance(entry, Mapping):
        raise PriceTableError(f"price for {model!r} must be an object")
    long = entry.get("long_context")
    if long is None:
        return ModelPrice(model, _rates(model, entry))
    above = long.get("above_input_tokens") if isinstance(long, Mapping) else None
    if not isinstance(above, int) or above <= 0:
        raise PriceTableError(f"long_context of {model!r} needs above_input_tokens > 0")
    return ModelPrice(model, _rates(model, entry), _rates(model, long), above)


def _read(source: str | Path | Mapping[str, Any]) -> Mapping[str, Any]:
    if isinstance(source, Mapping):
        data: Any = source
    else:
        try:
            data = json.loads(Path(source).read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise PriceTableError(f"cannot read price file {source}: {exc}") from exc
    if not isinstance(data, Mapping):
        raise PriceTableError("a price table must be a JSON object")
    return data


def _merge(layers: list[Mapping[str, Any]]) -> PriceTable:
    prices: dict[str, ModelPrice] = {}
    aliases: dict[str, str] = {}
    discount = 0.5
    for layer in layers:
        # A layer is either {"models": {...}, "batch_discount": x} or a bare {model: price}.
        models = layer.get("models", layer if "batch_discount" not in layer else {})
        discount = float(layer.get("batch_discount", discount))
        for model, entry in models.items():
            name = model.lower()
            prices[name] = _model_price(name, entry)
            aliases.update({alias.lower(): name for alias in entry.get("aliases", ())})
    if not 0.0 <= discount < 1.0:
        raise PriceTableError(f"batch_discount must be in [0, 1): {discount}")
    return PriceTable(prices, aliases, discount)


def load_price_table(override: str | Path | Mapping[str, Any] | None = None) -> PriceTable:
    """The shipped table, overlaid by `$TRACEVAULT_PRICES`, overlaid by `override`."""
    layers = [_read(_DEFAULT_FILE)]
    env_path = os.environ.get(ENV_VAR)
    if env_path:
        layers.append(_read(env_path))
    if override is not None:
        layers.append(_read(override))
    return _merge(layers)


_active: PriceTable | None = None


def set_price_overrides(override: str | Path | Mapping[str, Any] | None) -> PriceTable:
    """Make `override` (over shipped + env) the process-wide table; None goes back to those."""
    global _active
    _active = load_price_table(override)
    return _active


def get_price_table() -> PriceTable:
    """The process-wide table, loaded on first use."""
    global _active
    if _active is None:
        _active = load_price_table()
    return _active


def cost_usd(model: str, usage: Usage, *, batch: bool = False) -> float | None:
    """USD cost of one call, or None for a model the table does not know (never guessed)."""
    return get_price_table().cost(model, usage, batch=batch)
