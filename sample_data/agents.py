"""The three scripted agents. Each run is one task: an `invoke_agent` span with model calls
and tool calls below it, shaped by whatever incident is active at its time."""

from __future__ import annotations

from collections.abc import Callable

import instrument
from sample_data.kit import Kit, Run
from sample_data.mock import ApiError
from sample_data.scenarios import (
    CODING_TASKS,
    INJECTED_PAGE,
    PASTED_SECRETS,
    RESEARCH_TOPICS,
    SUPPORT_QUESTIONS,
)

# A long pasted document: the cost spike. Billed tokens come from the mock's usage.
_LONG_DOC = "Quarterly vendor contract, section {n}: terms, renewals, liabilities. " * 40
_SPIKE_TOKENS = 180_000


def _tool(name: str, description: str, **props: str) -> dict:
    schema = {
        "type": "object",
        "properties": {k: {"type": v} for k, v in props.items()},
        "required": list(props),
    }
    return {"name": name, "description": description, "input_schema": schema}


SUPPORT_TOOLS = [
    _tool("lookup_order", "Look an order up", order_id="string"),
    _tool("refund", "Refund an order", order_id="string", amount="number"),
    _tool(
        "send_email",
        "Email the customer (asks for confirmation)",
        to="string",
        subject="string",
        body="string",
    ),
]
RESEARCH_TOOLS = [_tool("fetch_page", "Fetch a web page", url="string")]
CODING_TOOLS = [
    _tool("read_file", "Read a file", path="string"),
    _tool("run_tests", "Run the test suite", cmd="string"),
    _tool("edit_file", "Apply a patch", path="string", patch="string"),
]


def _storm_errors(run: Run) -> tuple[ApiError, ...]:
    """During the 429/529 storm most calls are retried; some run out of retries."""
    if "storm" not in run.incidents:
        return ()
    roll = run.rng.random()
    if roll < 0.3:
        return (ApiError(429), ApiError(529), ApiError(429))  # 3 failures > max_retries=2
    if roll < 0.85:
        return (ApiError(429), ApiError(529))[: run.rng.randint(1, 2)]
    return ()


def support(kit: Kit, run: Run) -> None:
    rng, user = run.rng, run.user
    order = f"A-{rng.randint(10000, 99999)}"
    question = rng.choice(SUPPORT_QUESTIONS).format(order=order)
    if "pii" in run.incidents and rng.random() < 0.5:
        question += " Also, " + rng.choice(PASTED_SECRETS) + "."
    kit.start(question)
    lookups = 8 if "loop" in run.incidents else 1
    for _ in range(lookups):  # a runaway loop asks for the same order again and again
        call = kit.tool_use(rng, "lookup_order", {"order_id": order}, errors=_storm_errors(run))
        status = {
            "order_id": order,
            "status": rng.choice(["shipped", "delivered", "delayed"]),
            "total": round(rng.uniform(20, 400), 2),
            "email": user.email,
        }
        kit.run_tool("lookup_order", call, {"order_id": order}, status, rng.uniform(60, 250))
    if "loop" in run.incidents:
        for _ in range(20):  # and then keeps "thinking" without converging
            kit.answer(rng, "Let me double-check the order status once more.")
    if "refund" in question:
        args = {"order_id": order, "amount": status["total"]}
        call = kit.tool_use(rng, "refund", args, errors=_storm_errors(run))
        outcome = {
            "refund_id": f"R-{rng.randint(1000, 9999)}",
            "status": "needs_human" if status["total"] > 200 else "approved",
        }
        kit.run_tool("refund", call, args, outcome, rng.uniform(150, 600))
    if rng.random() < 0.4:
        args = {"to": user.email, "subject": f"About {order}", "body": "Update on your order."}
        call = kit.tool_use(rng, "send_email", args)
        ask = {"status": "confirmation_required", "message": "Ask the user before sending."}
        kit.run_tool("send_email", call, args, ask, rng.uniform(20, 60))
    kit.answer(
        rng, f"Your order {order} is {status['status']}. Anything else?", errors=_storm_errors(run)
    )


def research(kit: Kit, run: Run) -> None:
    rng = run.rng
    topic = rng.choice(RESEARCH_TOPICS)
    spike = "cost_spike" in run.incidents
    if spike:
        topic = "Summarise this contract for me:\n" + _LONG_DOC.format(n=1)
    kit.start(topic)
    model = "claude-opus-4-1" if spike else None
    tokens = _SPIKE_TOKENS if spike else None
    for page in range(2):
        url = f"https://docs.example-research.org/{rng.randint(100, 999)}/{page}"
        call = kit.tool_use(rng, "fetch_page", {"url": url}, model=model, input_tokens=tokens)
        html = (
            INJECTED_PAGE
            if "injection" in run.incidents and page == 1
            else f"<html><p>Findings on {topic[:40]}: results vary by workload.</p></html>"
        )
        slow = "slow_tool" in run.incidents
        ms = rng.uniform(30_000, 95_000) if slow else rng.uniform(250, 1_200)
        kit.run_tool("fetch_page", call, {"url": url}, html, ms)
    kit.answer(
        rng,
        "Summary: the sources agree on the main trade-offs; details below.",
        model=model,
        input_tokens=tokens,
    )


def coding(kit: Kit, run: Run) -> None:
    rng = run.rng
    task = rng.choice(CODING_TASKS)
    if "pii" in run.incidents and rng.random() < 0.5:
        task += " (" + PASTED_SECRETS[2] + ")"
    kit.start(task)
    expired = (ApiError(401, "invalid x-api-key"),) if "auth_401" in run.incidents else ()
    call = kit.tool_use(rng, "read_file", {"path": "app/billing.py"}, errors=expired)
    kit.run_tool(
        "read_file",
        call,
        {"path": "app/billing.py"},
        "def total(items):\n    return sum(i.price for i in items)\n",
        rng.uniform(5, 40),
    )
    call = kit.tool_use(rng, "run_tests", {"cmd": "pytest -q"})
    failing = rng.random() < 0.15
    kit.run_tool(
        "run_tests",
        call,
        {"cmd": "pytest -q"},
        "2 failed, 40 passed",
        rng.uniform(4_000, 20_000),
        fail="test runner crashed" if failing else None,
    )
    args = {"path": "app/billing.py", "patch": "- return sum(...)\n+ return round(sum(...), 2)"}
    call = kit.tool_use(rng, "edit_file", args)
    kit.run_tool("edit_file", call, args, {"applied": True}, rng.uniform(5, 30))
    kit.answer(rng, "Patched `total()` to round to cents; all 42 tests pass now.")


AGENTS: dict[str, tuple[Callable[[Kit, Run], None], list[dict]]] = {
    "support": (support, SUPPORT_TOOLS),
    "research": (research, RESEARCH_TOOLS),
    "coding": (coding, CODING_TOOLS),
}


def run_task(kit: Kit, run: Run) -> bool:
    """Replay one task under its context and agent span; False if the task failed."""
    task, _ = AGENTS[run.agent]
    ctx = instrument.context(
        user_id=run.user.user_id,
        session_id=run.session_id,
        tenant_id=run.user.tenant,
        task_id=run.task_id,
    )
    try:
        with ctx, instrument.agent(run.agent):
            task(kit, run)
    except Exception:  # the agent's own failure (exhausted retries, 401): recorded on spans
        return False
    return True
