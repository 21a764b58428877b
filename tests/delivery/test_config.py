"""DeliveryConfig: argument over environment over default; bad values fail clearly."""

from __future__ import annotations

from pathlib import Path

import pytest

from instrument.delivery.config import DEFAULT_MAX_SPOOL_BYTES, DeliveryConfig, default_spool_root
from instrument.errors import ConfigError


def test_defaults_when_nothing_set() -> None:
    config = DeliveryConfig(env={"XDG_CACHE_HOME": "/c"})
    assert config.traces_url == "http://127.0.0.1:4318/v1/traces"
    assert config.spool_dir == Path("/c/tracevault/spool")
    assert config.max_spool_bytes == DEFAULT_MAX_SPOOL_BYTES == 256 * 1024 * 1024
    assert config.api_key is None
    assert "Authorization" not in config.request_headers()


def test_environment_used_when_no_argument() -> None:
    env = {"TRACEVAULT_ENDPOINT": "http://c:9/", "TRACEVAULT_API_KEY": "k",
           "TRACEVAULT_SPOOL_DIR": "/s", "TRACEVAULT_SPOOL_MAX_BYTES": "4096"}  # fmt: skip
    config = DeliveryConfig(env=env)
    assert (config.traces_url, config.api_key) == ("http://c:9/v1/traces", "k")
    assert (config.spool_dir, config.max_spool_bytes) == (Path("/s"), 4096)
    assert config.request_headers()["Authorization"] == "Bearer k"


def test_argument_wins_over_environment_when_both_set() -> None:
    env = {"TRACEVAULT_SPOOL_DIR": "/s", "TRACEVAULT_SPOOL_MAX_BYTES": "4096"}
    config = DeliveryConfig(spool_dir="/arg", max_spool_bytes=10, env=env)
    assert (config.spool_dir, config.max_spool_bytes) == (Path("/arg"), 10)


def test_default_spool_root_falls_back_to_home_cache_when_no_xdg() -> None:
    assert default_spool_root({}) == Path.home() / ".cache" / "tracevault" / "spool"


def test_destination_dir_differs_when_key_differs() -> None:
    a = DeliveryConfig(api_key="a", spool_dir="/s", env={})
    b = DeliveryConfig(api_key="b", spool_dir="/s", env={})
    assert a.destination_dir.parent == b.destination_dir.parent == Path("/s")
    assert a.destination_dir != b.destination_dir
    assert a.destination_dir == DeliveryConfig(api_key="a", spool_dir="/s", env={}).destination_dir


@pytest.mark.parametrize(
    ("kwargs", "env", "message"),
    [
        ({"endpoint": "ftp://x"}, {}, r"traces URL must be http\(s\)"),
        ({"compression": "zstd"}, {}, "compression must be one of"),
        ({"max_queue_spans": 0}, {}, "max_queue_spans must be at least 1"),
        ({"linger_s": 0}, {}, "linger_s must be positive"),
        (
            {},
            {"TRACEVAULT_SPOOL_MAX_BYTES": "lots"},
            "TRACEVAULT_SPOOL_MAX_BYTES must be an integer",
        ),
    ],
)
def test_bad_value_raises_config_error_naming_it(
    kwargs: dict[str, object], env: dict[str, str], message: str
) -> None:
    with pytest.raises(ConfigError, match=message):
        DeliveryConfig(env=env, **kwargs)  # type: ignore[arg-type]
