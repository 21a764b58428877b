"""The trace store: a small protocol (`Store`) and its DuckDB implementation."""

from collector.store.arrow_rows import records_to_table, span_key
from collector.store.base import CommittedBatch, IngestBatch, Store
from collector.store.duckdb_store import DuckDBStore

__all__ = ["CommittedBatch", "DuckDBStore", "IngestBatch", "Store", "records_to_table", "span_key"]
