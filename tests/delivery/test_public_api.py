"""The pinned public surface of instrument.delivery."""

import instrument.delivery


def test_all_lists_public_names_when_imported() -> None:
    assert instrument.delivery.__all__ == [
        "DeliveryConfig",
        "DeliveryStats",
        "SpoolingSpanExporter",
    ]
    for name in instrument.delivery.__all__:
        assert getattr(instrument.delivery, name).__module__.startswith("instrument.delivery.")
