"""The audit trail as a runtime Service: built with the runtime, so its commit hook is on the
store before the first batch can arrive. Nothing runs in the background: retention is a job of
the analytics scheduler (`collector.audit.job.JOB`)."""

from __future__ import annotations

from typing import Any

from collector.audit.chain import install
from collector.store.base import Store


class AuditService:
    def __init__(self, store: Store) -> None:
        install(store)

    @classmethod
    def from_runtime(cls, runtime: Any) -> AuditService:
        return cls(runtime.store)

    def start(self) -> None:
        """Nothing to start: the hook runs on the store's writer thread."""

    def stop(self) -> None:
        """Nothing to stop; safe to call any number of times."""
