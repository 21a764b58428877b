"""The tamper-evident audit trail: a per-project hash chain over every stored span.

See docs/audit.md for the algorithm. Modules: `canonical` (serialization), `chain` (tables and
the commit hook), `verify` / `walk` / `report`, `export`, `retention` (+ `job` for the
scheduler), `toolcalls`, `access` (who read what), `service` (runtime wiring), `cli`.
"""

from collector.audit.access import AccessLogMiddleware, list_access, log_access
from collector.audit.chain import chain_batches, install, m002_audit
from collector.audit.export import iter_export
from collector.audit.report import Problem, VerifyReport
from collector.audit.retention import audit_retention_job, get_policy, run_retention, set_policy
from collector.audit.service import AuditService
from collector.audit.toolcalls import ToolCallFilter, tool_calls
from collector.audit.verify import verify

__all__ = [
    "AccessLogMiddleware",
    "AuditService",
    "Problem",
    "ToolCallFilter",
    "VerifyReport",
    "audit_retention_job",
    "chain_batches",
    "get_policy",
    "install",
    "iter_export",
    "list_access",
    "log_access",
    "m002_audit",
    "run_retention",
    "set_policy",
    "tool_calls",
    "verify",
]
