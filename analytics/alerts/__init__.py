"""Alert rules, their evaluation (ok → pending → firing → resolved) and default rules.

Notification rendering and delivery live in `analytics.notify`.
"""

from analytics.alerts.model import (
    Channel,
    Comparison,
    Metric,
    MetricParams,
    NoData,
    Rule,
    RuleSpec,
    Scope,
    Severity,
)
from analytics.alerts.service import JOB, NotifyService, evaluate_alerts
from analytics.alerts.state import AlertState, step

__all__ = [
    "JOB",
    "AlertState",
    "Channel",
    "Comparison",
    "Metric",
    "MetricParams",
    "NoData",
    "NotifyService",
    "Rule",
    "RuleSpec",
    "Scope",
    "Severity",
    "evaluate_alerts",
    "step",
]
