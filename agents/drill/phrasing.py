"""LLM phrasing of probes and clarifications, streamed, with the template as the fallback.

The model only rewords what the policy chose: its text is shown as it streams, then checked
(`ok`); a failure or a rejected phrasing discards it and the template is said instead. After a
model failure the drill phrases from the banks for `LLM_COOLDOWN_SECONDS` (no retry storm) and
the candidate is told once.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Generator
from typing import TYPE_CHECKING, Any

from agents.drill.context import DrillContext, say
from agents.drill.phrases import interviewer_phrases
from agents.drill.policy import LLM_COOLDOWN_SECONDS
from agents.drill.state import DrillState, StreamEvent
from agents.llm_errors import LLMBackendError
from agents.prompts import render
from agents.tokens import trim_history

if TYPE_CHECKING:
    from agents.llm import ChatModel

# Words that coach; none may appear in an interviewer turn before the debrief in interview mode.
COACHING_RE = re.compile(
    r"\bSTAR\b|\bSTAR\(L\)|\bscor(?:e|ed|ing)\b|\bgrad(?:e|ed|ing)\b|/5\b|\bcoach|\btip\b|"
    r"\bstronger answer\b|\bmeasurab|\bgap\b|\brubric\b|\bgood answer\b|\bstrong answer\b|"
    r"\bgreat answer\b|\byou should have\b|\bbiggest gap\b",
    re.IGNORECASE,
)
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")


def numbers_in(text: str) -> list[str]:
    """Every digit sequence in the text (thousands separators kept), e.g. ['300', '1,200']."""
    return _NUMBER.findall(text)


def candidate_numbers(state: DrillState) -> set[str]:
    """Numbers the candidate said: the only ones a phrasing may repeat (it must not invent)."""
    said = " ".join(t.text for t in state.turns if t.role == "candidate")
    return set(numbers_in(said))


def fence(text: str) -> str:
    """Candidate text as untrusted data: fenced, with any fence look-alikes neutralised."""
    safe = re.sub(r"<\s*/?\s*candidate_reply\s*>", "[tag removed]", text, flags=re.I)
    return f"<candidate_reply>\n{safe}\n</candidate_reply>"


def llm_ready(ctx: DrillContext, state: DrillState) -> bool:
    """A model is configured, reachable and not cooling down after a failure."""
    return ctx.llm is not None and ctx.llm.available and ctx.clock() >= state.llm_cooldown_until


def llm_messages(
    ctx: DrillContext, state: DrillState, prompt: str, variables: dict[str, Any]
) -> list[dict[str, str]]:
    """System prefix (static), the fenced transcript trimmed to budget, then the task."""
    messages: list[dict[str, str]] = [{"role": "system", "content": render("interviewer_system")}]
    for turn in state.turns:
        if turn.kind in ("notice", "debrief"):
            continue
        if turn.role == "interviewer":
            messages.append({"role": "assistant", "content": turn.text})
        else:
            messages.append({"role": "user", "content": fence(turn.text)})
    messages.append({"role": "user", "content": render(prompt, **variables)})
    return trim_history(messages, ctx.history_token_budget, ctx.model_name, keep_first=1)


def llm_phrase(
    ctx: DrillContext,
    state: DrillState,
    prompt: str,
    variables: dict[str, Any],
    ok: Callable[[str], bool],
) -> Generator[StreamEvent, None, str | None]:
    """Stream a phrasing from the LLM; None (after a `discard`) when it fails or is invalid."""
    if not llm_ready(ctx, state):
        return None
    llm: ChatModel | None = ctx.llm
    assert llm is not None
    chunks: list[str] = []
    try:
        for chunk in llm.stream(llm_messages(ctx, state, prompt, variables)):
            chunks.append(chunk)
            yield StreamEvent(type="delta", text=chunk)
    except LLMBackendError as e:
        if chunks:
            yield StreamEvent(type="discard")
        llm_failed(ctx, state, e)
        return None
    text = " ".join("".join(chunks).split()).strip().strip('"“”')
    if not ok(text):
        if chunks:
            yield StreamEvent(type="discard")
        return None
    return text


def llm_failed(ctx: DrillContext, state: DrillState, error: LLMBackendError) -> None:
    """Cool down after a model failure and tell the candidate (once per drill)."""
    state.llm_cooldown_until = ctx.clock() + LLM_COOLDOWN_SECONDS
    llm_notice(ctx, state, error.user_message + interviewer_phrases().notices.llm_fallback)


def llm_notice(ctx: DrillContext, state: DrillState, message: str) -> None:
    """At most one model-failure notice per drill; later failures are silent."""
    if state.llm_notice_given:
        return
    state.llm_notice_given = True
    state.notices.append(message)
    say(ctx, state, "notice", message)
