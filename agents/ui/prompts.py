"""The Prompts tab: fresh Amazon-style prompts per LP and level, export, and "drill these".

The handlers are plain functions over services (tests call them directly); the prompt generator
itself lives in `agents.question_gen`, and "drill these" is wired to the drill here, not there.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import gradio as gr
from pydantic import ValidationError

from agents.lp.vocabulary import CORE_THEMES, LEVELS, ROLE_FAMILIES
from agents.ui.common import user_of
from agents.ui.drill_guard import Outcome, request_drill
from agents.ui.drill_tab import show
from agents.ui.page_phrases import page_phrases
from agents.validation import first_validation_error

if TYPE_CHECKING:
    from agents.drill.state import DrillConfig, DrillState
    from agents.question_gen.request import GeneratedPrompt
    from agents.services import Services


def ui_generate(
    services: Any,
    lps: Sequence[str] | None,
    level: str,
    role_family: str,
    themes: Sequence[str] | None,
    n: int | float,
    context: str | None = None,
    practised: Sequence[str] | None = None,
) -> tuple[str, list[dict[str, Any]], str]:
    """The prompt generator tab: (Markdown to show, prompts as JSON state, notice line)."""
    from agents.question_gen.export import to_markdown
    from agents.question_gen.generator import generate
    from agents.question_gen.request import PromptRequest

    try:
        request = PromptRequest(
            lps=list(lps or []), level=level, role_family=role_family, themes=list(themes or []),
            n=int(n), context=(context or None), practised=list(practised or []),
        )  # fmt: skip
    except ValidationError as e:
        return "", [], f"Cannot generate: {first_validation_error(e, located=False)}"
    batch = generate(request, services.llm, settings=services.settings)
    notice = " ".join(batch.notices)
    return to_markdown(batch), [p.model_dump(mode="json") for p in batch], notice


def ui_export(state: Sequence[Mapping[str, Any]], fmt: str, directory: Path | str) -> Path:
    """Write the tab's prompts to `directory` as prompts.md or prompts.csv; returns the path."""
    from agents.question_gen.export import export, load_prompts

    prompts = load_prompts(state)
    suffix = {"markdown": ".md", "md": ".md", "csv": ".csv", "json": ".json"}.get(fmt.lower())
    if suffix is None:
        raise ValueError(f"unsupported export format {fmt!r}")
    return export(prompts, Path(directory) / f"prompts{suffix}")


def drill_config(
    prompts: Sequence[GeneratedPrompt],
    *,
    mode: Literal["coach", "interview"] = "coach",
    round_type: Literal["phone", "loop", "bar_raiser"] = "loop",
    seed: int | None = None,
) -> DrillConfig:
    """A drill that asks these prompts first, in order ("drill these")."""
    from agents.drill.state import CustomQuestion, DrillConfig
    from agents.lp.roles import drill_role_for

    if not prompts:
        raise ValueError("no prompts to drill")
    first = prompts[0]
    # The prompts' level and role family practise the same drill role as the generator used.
    role = drill_role_for(first.level, first.role_family)
    lps: list[str] = []
    for p in prompts:
        if p.lps[0] not in lps:
            lps.append(p.lps[0])
    return DrillConfig(
        role=role,  # type: ignore[arg-type]
        round_type=round_type,
        mode=mode,
        lps=lps,
        seed=seed,
        custom_questions=[CustomQuestion(lp=p.lps[0], text=p.text) for p in prompts],
    )


def ui_drill(
    services: Any, state: Sequence[Mapping[str, Any]], mode: str = "coach", user: str = "local"
) -> DrillState:
    """The drill-these action: start a drill asking the generated prompts; returns its state."""
    from agents.question_gen.export import load_prompts

    prompts = load_prompts(state)
    config = drill_config(prompts, mode="interview" if mode == "interview" else "coach")
    return services.interviewer.start(config, user=user)


def generate_prompts(
    services: Services,
    lps: list[str] | None,
    level: str,
    role_family: str,
    themes: list[str] | None,
    n: float,
    context: str | None,
    request: Any = None,
) -> tuple[str, list[dict[str, Any]], str]:
    """Markdown of fresh prompts, their JSON for later actions, and a notice."""
    # Questions already practised in recent drills are never offered again.
    user = user_of(request)
    practised = services.sessions.recent_questions(user, 50) if services.sessions else []
    return ui_generate(services, lps, level, role_family, themes, n, context, practised)


def export_prompts(services: Services, prompts: list[dict[str, Any]], fmt: str) -> str | None:
    """Write the generated prompts to a file in the data dir and return its path."""
    if not prompts:
        return None
    directory = services.settings.data_dir / "exports"
    directory.mkdir(parents=True, exist_ok=True)
    return str(ui_export(prompts, fmt, directory))


def drill_these(
    services: Services,
    prompts: list[dict[str, Any]],
    mode: str,
    request: Any = None,
    ref: dict[str, Any] | None = None,
) -> Outcome | None:
    """Start a drill that asks the generated prompts (asking first when a drill is unfinished);
    None when there are no prompts (e.g. after a reload): the Drill tab is left as it is."""
    from agents.question_gen.export import load_prompts

    if not prompts:
        return None
    chosen = "interview" if mode == "interview" else "coach"
    config = drill_config(load_prompts(prompts), mode=chosen)
    return request_drill(services, config, ref, request)


def build_prompts_tab(
    services: Services, lp_choices: list[tuple[str, str]], drill: dict[str, Any], tabs: Any
) -> None:
    """Build the Prompts tab; "drill these" starts a drill in the Drill tab."""
    with gr.Row():
        p_lps = gr.Dropdown(lp_choices, multiselect=True, label="LPs (empty: all)")
        p_level = gr.Dropdown(list(LEVELS), value="sde2", label="Level")
        p_family = gr.Dropdown(list(ROLE_FAMILIES), value="sde", label="Role family")
        p_n = gr.Slider(1, 50, value=10, step=1, label="How many")
    p_themes = gr.Dropdown(list(CORE_THEMES), multiselect=True, label="Themes (optional)")
    p_context = gr.Textbox(
        label="Your context (optional): a job description or your stories", lines=3
    )
    with gr.Row():
        p_generate = gr.Button("Generate", variant="primary", elem_id="gen-prompts")
        p_drill = gr.Button("Drill these", elem_id="drill-these")
        p_fmt = gr.Radio(["markdown", "csv"], value="markdown", label="Export as")
        p_export = gr.Button("Export")
    p_notice = gr.Markdown(elem_id="prompts-notice")
    p_out = gr.Markdown(elem_id="prompts-out")
    p_file = gr.File(label="Download", interactive=False)
    p_state = gr.State([])

    def _generate(
        lps: list[str] | None,
        level: str,
        family: str,
        themes: list[str] | None,
        n: float,
        context: str | None,
        request: gr.Request,
    ) -> tuple[str, list[dict[str, Any]], str]:
        return generate_prompts(services, lps, level, family, themes, n, context, request)

    def _drill(
        prompts: list[dict[str, Any]], mode: str, ref: dict[str, Any] | None, request: gr.Request
    ) -> tuple[Any, ...]:
        outcome = drill_these(services, prompts, mode, request, ref)
        if outcome is None:
            return (*[gr.skip()] * 3, page_phrases().no_prompts, gr.skip())
        return (*show(outcome), "", gr.Tabs(selected="drill"))

    def _export(prompts: list[dict[str, Any]], fmt: str) -> str | None:
        return export_prompts(services, prompts, fmt)

    p_generate.click(
        _generate,
        [p_lps, p_level, p_family, p_themes, p_n, p_context],
        [p_out, p_state, p_notice],
        api_name="generate_prompts",
    )
    p_export.click(_export, [p_state, p_fmt], [p_file])
    inputs = [p_state, drill["mode"], drill["ref"]]
    event = p_drill.click(_drill, inputs, [*drill["confirm"], p_notice, tabs])
    for step in drill["after_start"]:
        event = event.then(*step)
