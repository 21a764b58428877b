"""Span delivery that survives a slow, down or restarting collector.

`SpoolingSpanExporter` writes every span to a bounded on-disk spool (fsync'd, within about
`linger_s` of export) and a background thread POSTs the spool to `{endpoint}/v1/traces`,
retrying with backoff and honouring Retry-After. See `exporter` and `spool` for the design.
"""

from instrument.delivery.config import DeliveryConfig
from instrument.delivery.exporter import SpoolingSpanExporter
from instrument.delivery.stats import DeliveryStats

__all__ = ["DeliveryConfig", "DeliveryStats", "SpoolingSpanExporter"]
