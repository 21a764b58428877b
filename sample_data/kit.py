"""What a scripted agent run uses: the simulated mock API, a client, and small helpers that
make one model call or one tool call the way a real agent loop would."""

from __future__ import annotations

import json
import random
from dataclasses import dataclass, field
from typing import Any

import instrument
from sample_data.mock import ApiError, MockUsage, Reply, text_block, tool_use_block
from sample_data.scenarios import MODELS, SYSTEM_PROMPTS, User
from sample_data.sim import SimAnthropic, SimClock

# Output tokens per second by model family, for the latency model.
_SPEED = {"haiku": 160.0, "sonnet": 75.0, "opus": 40.0}


@dataclass
class Run:
    """One task (one trace) to replay."""

    agent: str
    start_ns: int
    user: User
    session_id: str
    task_id: str
    incidents: frozenset[str]
    rng: random.Random


@dataclass
class Kit:
    agent: str
    clock: SimClock
    mock: SimAnthropic
    client: Any
    tools: list[dict[str, Any]]
    messages: list[dict[str, Any]] = field(default_factory=list)
    calls: int = 0

    @classmethod
    def create(cls, agent: str, clock: SimClock, tools: list[dict[str, Any]]) -> Kit:
        mock = SimAnthropic(clock)
        return cls(agent, clock, mock, mock.client(max_retries=2), tools)

    def start(self, first_message: str) -> None:
        self.mock.reset()
        self.messages = [{"role": "user", "content": first_message}]
        self.calls = 0

    # -- model calls ----------------------------------------------------------------------
    def ask(
        self,
        rng: random.Random,
        reply: Reply,
        *,
        errors: tuple[ApiError, ...] = (),
        model: str | None = None,
        input_tokens: int | None = None,
    ) -> Any:
        """One model call: scripted errors first (the SDK retries them), then `reply`."""
        model = model or MODELS[self.agent]
        for error in errors:
            self.mock.script(error, latency_ms=rng.uniform(80, 400))
        tokens = input_tokens or _prompt_tokens(self.messages)
        usage = MockUsage(
            input_tokens=tokens,
            output_tokens=_output_tokens(reply),
            cache_read=0 if self.calls == 0 else 900,
            cache_write_5m=900 if self.calls == 0 else 0,
        )
        scripted = Reply(content=reply.content, usage=usage, stop_reason=reply.stop_reason)
        self.mock.script(scripted, latency_ms=_latency_ms(model, usage.output_tokens, rng))
        self.calls += 1
        message = self.client.messages.create(
            model=model,
            max_tokens=1024,
            system=SYSTEM_PROMPTS[self.agent],
            tools=self.tools,
            messages=self.messages,
        )
        self.messages.append({"role": "assistant", "content": [_plain(b) for b in message.content]})
        return message

    def tool_use(self, rng: random.Random, name: str, args: dict[str, Any], **kw: Any) -> str:
        """A model call that answers with one tool_use block; returns the block's id."""
        call_id = f"toolu_{rng.getrandbits(64):016x}"
        self.ask(
            rng,
            Reply(content=(tool_use_block(name, args, id=call_id),), stop_reason="tool_use"),
            **kw,
        )
        return call_id

    def answer(self, rng: random.Random, text: str, **kw: Any) -> None:
        self.ask(rng, Reply(content=(text_block(text),)), **kw)

    # -- tools ----------------------------------------------------------------------------
    def run_tool(
        self,
        name: str,
        call_id: str,
        args: dict[str, Any],
        result: Any,
        ms: float,
        fail: str | None = None,
    ) -> None:
        """Run a tool under its span; its result (or error) goes back to the model."""
        content = json.dumps(result) if not isinstance(result, str) else result
        try:
            with instrument.tool_span(name, call_id=call_id, arguments=args) as run:
                self.clock.advance_ms(ms)
                if fail:
                    raise ToolFailed(fail)
                run.set_result(result)
        except ToolFailed as exc:
            content = f"error: {exc}"
        block = {"type": "tool_result", "tool_use_id": call_id, "content": content}
        self.messages.append({"role": "user", "content": [block]})


class ToolFailed(Exception):
    """A tool's own failure, as an agent framework would surface it."""


def _plain(block: Any) -> dict[str, Any]:
    return block.model_dump(exclude_none=True)


def _prompt_tokens(messages: list[dict[str, Any]]) -> int:
    return 250 + len(json.dumps(messages)) // 4


def _output_tokens(reply: Reply) -> int:
    return max(12, sum(len(json.dumps(b)) for b in reply.content) // 4)


def _latency_ms(model: str, output_tokens: int, rng: random.Random) -> float:
    speed = next((v for k, v in _SPEED.items() if k in model), 75.0)
    return rng.uniform(250, 700) + 1000 * output_tokens / speed
