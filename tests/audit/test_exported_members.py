"""The audit package's public surface is pinned: a change here is a deliberate API change."""

from __future__ import annotations

import collector.audit


def test_audit_package_exports_exactly_its_public_names_when_imported() -> None:
    assert collector.audit.__all__ == [
        "AccessLogMiddleware", "AuditService", "Problem", "ToolCallFilter", "VerifyReport",
        "audit_retention_job", "chain_batches", "get_policy", "install", "iter_export",
        "list_access", "log_access", "m002_audit", "run_retention", "set_policy", "tool_calls",
        "verify",
    ]  # fmt: skip
    for name in collector.audit.__all__:
        assert getattr(collector.audit, name).__module__.startswith("collector.audit.")
