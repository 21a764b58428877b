"""The README keeps its promises: the two commands, and every setting in the config tables."""

from __future__ import annotations

from pathlib import Path

from collector.settings import Settings
from instrument.config import Settings as PatchSettings

README = (Path(__file__).parents[1] / "README.md").read_text()


def test_readme_gives_the_demo_and_test_commands() -> None:
    assert "make demo" in README and "make test" in README


def test_every_collector_setting_is_in_the_configuration_table() -> None:
    missing = [n for n in Settings.model_fields if f"`TRACEVAULT_{n.upper()}`" not in README]
    assert missing == []


def test_every_patch_option_is_in_the_configuration_table() -> None:
    options = set(PatchSettings.__dataclass_fields__) - {"traces_url"} | {"endpoint"}
    missing = [n for n in sorted(options) if f"`{n}`" not in README]
    assert missing == []
