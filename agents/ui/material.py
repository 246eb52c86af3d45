"""The candidate's own material on the page: resume import with story seeds and a guided
STAR(L) form (live grader feedback, saved to the bank) in the Stories tab, and "Practise for
this job" at the top of the Drill tab. Handlers are plain functions; the tabs call `build_*`."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING, Any

import gradio as gr

from agents.grading.grade import COMPONENTS
from agents.material.errors import MaterialError
from agents.material.phrases import material_phrases
from agents.material.store import MaterialStore, SavedResume
from agents.ui.common import ChatMessage, readable_error, user_of
from agents.ui.drill import Ref, ref_of, turns_to_chat

if TYPE_CHECKING:
    from agents.services import Services

log = logging.getLogger(__name__)
RESUME_TYPES = [".pdf", ".docx", ".md", ".markdown", ".txt"]


def _store(services: Services) -> MaterialStore:
    return MaterialStore(services.settings.data_dir)


def seed_choices(saved: SavedResume | None) -> list[tuple[str, str]]:
    """(title, id) for the seed dropdown."""
    return [(s.title, s.id) for s in saved.seeds] if saved else []


def seeds_markdown(saved: SavedResume | None, names: dict[str, str] | None = None) -> str:
    """The seeds as a Markdown list: title, metrics, suggested LPs (by name), missing parts."""
    names = names or {}
    phrases = material_phrases()
    if saved is None:
        return ""
    if not saved.seeds:
        return phrases.seeds_none
    lines = [phrases.seeds_heading, ""]
    for s in saved.seeds:
        line = phrases.seed_line.format(
            title=s.title,
            metrics=", ".join(s.metrics) or "-",
            lps=", ".join(names.get(x.lp, x.lp) for x in s.lps) or "-",
            missing=", ".join(m.part for m in s.missing) or "none",
        )
        lines.append(f"- {line}")
    return "\n".join(lines)


def import_resume(
    services: Services, path: str | None, request: Any = None
) -> tuple[str, Any, str]:
    """Read and store an uploaded resume: (notice, seed dropdown update, seeds Markdown)."""
    if not path:
        return "", gr.update(), ""
    from agents.material.resume import read_resume_bytes

    name = Path(path).name
    try:
        data = Path(path).read_bytes()
        saved = read_resume_bytes(data, name, getattr(services.stories, "classifier", None))
        _store(services).save_resume(user_of(request), name, data, saved)
    except MaterialError as e:
        return f"⚠ {e}", gr.update(choices=[], value=None), ""
    except Exception as e:  # edge: a page handler never raises
        return readable_error("Reading the resume", e), gr.update(), ""
    notice = material_phrases().resume_saved.format(n=len(saved.seeds), name=name)
    choices = seed_choices(saved)
    first = choices[0][1] if choices else None
    names = {slug: p.name for slug, p in services.principles.items()}
    return notice, gr.update(choices=choices, value=first), seeds_markdown(saved, names)


def pick_seed(services: Services, seed_id: str | None, request: Any = None) -> list[Any]:
    """Fill the guided form from a seed: title, LPs, the bullet as the action, and the question
    for each part still missing as that field's placeholder."""
    saved = _store(services).resume(user_of(request))
    seed = next((s for s in saved.seeds if s.id == seed_id), None) if saved else None
    if seed is None:
        return [gr.update()] * (2 + len(COMPONENTS))
    hints = {m.part: m.prompt for m in seed.missing}
    fields = []
    for part in COMPONENTS:
        value = seed.text if part == "action" else ""  # the bullet says what was done
        fields.append(gr.update(value=value, placeholder=hints.get(part, "")))
    lps = [x.lp for x in seed.lps]
    return [gr.update(value=seed.title), gr.update(value=lps), *fields]


def live_feedback(services: Services, *parts: str) -> str:
    """The grader's reading of the form so far: overall, parts told and missing, next prompt."""
    from agents.grading.learned import analyze
    from agents.material.bullets import starts_with_action
    from agents.material.seeds import as_spoken

    # A resume bullet pasted as is ("Cut latency...") is read as the candidate saying it.
    said = [as_spoken(p.strip()) if starts_with_action(p) else p.strip() for p in parts if p]
    text = "\n\n".join(p for p in said if p)
    if not text:
        return material_phrases().seed_pick

    grade = analyze(text)
    phrases = material_phrases()
    told = [c for c in COMPONENTS if grade.components[c].present]
    missing = [c for c in COMPONENTS if c not in told]
    lines = [phrases.seed_feedback_heading.format(overall=grade.overall)]
    if told:
        lines.append(phrases.seed_feedback_present.format(parts=", ".join(told)))
    if missing:
        lines.append(phrases.seed_feedback_missing.format(parts=", ".join(missing)))
        lines.append(getattr(phrases.missing, missing[0]))
    return "\n\n".join(lines)


def save_seed_story(
    services: Services, title: str, lps: list[str] | None, parts: list[str], request: Any = None
) -> str:
    """Save the guided form as a story in the user's bank."""
    from agents.stories import StoryError

    bank = services.stories
    if bank is None:
        return "⚠ The story bank is not available."
    story = {"title": title, "lps": list(lps or []), **dict(zip(COMPONENTS, parts, strict=True))}
    try:
        saved = bank.create(user_of(request), story)
    except (StoryError, ValueError) as e:
        return f"⚠ {e}"
    except Exception as e:  # edge: a page handler never raises
        return readable_error("Saving the story", e)
    return material_phrases().story_saved.format(title=saved.title)


def build_resume_panel(services: Services) -> dict[str, Any]:
    """The resume accordion of the Stories tab, wired; returns its components."""
    lp_choices = [(p.name, slug) for slug, p in services.principles.items()]
    c: dict[str, Any] = {}
    with gr.Accordion("From your resume: story seeds", open=True):
        c["upload"] = gr.File(label="Import your resume (PDF, DOCX, Markdown, text)",
                              file_types=RESUME_TYPES, type="filepath",
                              elem_id="resume-upload")  # fmt: skip
        c["notice"] = gr.Markdown(elem_id="resume-notice")
        c["seeds"] = gr.Markdown(elem_id="resume-seeds")
        c["seed"] = gr.Dropdown([], label="Seed to grow into a story", elem_id="seed-choice")
        c["title"] = gr.Textbox(label="Title", elem_id="seed-title")
        c["lps"] = gr.Dropdown(lp_choices, multiselect=True, label="LPs (suggested)")
        c["parts"] = [gr.Textbox(label=p.title(), lines=2, elem_id=f"seed-{p}") for p in COMPONENTS]
        c["feedback"] = gr.Markdown(material_phrases().seed_pick, elem_id="seed-feedback")
        c["save"] = gr.Button("Save to my story bank", variant="primary", elem_id="seed-save")
        c["saved"] = gr.Markdown(elem_id="seed-saved")

    def _import(path: str | None, request: gr.Request) -> tuple[str, Any, str]:
        return import_resume(services, path, request)

    def _pick(seed_id: str | None, request: gr.Request) -> list[Any]:
        return pick_seed(services, seed_id, request)

    def _feedback(*parts: str) -> str:
        return live_feedback(services, *parts)

    def _save(title: str, lps: list[str], s: str, t: str, a: str, r: str, lrn: str,
              request: gr.Request) -> str:  # fmt: skip
        return save_seed_story(services, title, lps, [s, t, a, r, lrn], request)

    parts = c["parts"]
    c["upload"].upload(_import, [c["upload"]], [c["notice"], c["seed"], c["seeds"]])
    c["seed"].change(_pick, [c["seed"]], [c["title"], c["lps"], *parts]).then(
        _feedback, parts, [c["feedback"]]
    )
    # One listener for all five boxes: with one listener per box, replies could land out of
    # order on a busy server and an older reading would overwrite the newest.
    gr.on([box.change for box in parts], _feedback, parts, [c["feedback"]],
          trigger_mode="always_last", concurrency_limit=1, show_progress="hidden")  # fmt: skip
    c["save"].click(_save, [c["title"], c["lps"], *parts], [c["saved"]])
    return c


def practise_for_job(
    services: Services, job: str, role: str, mode: str, request: Any = None
) -> tuple[list[ChatMessage], Ref | None, str]:
    """Start a drill on the LPs this job needs and the bank covers worst, in the user's domains."""
    from agents.drill.state import CustomQuestion, DrillConfig
    from agents.question_gen.generator import get_generator
    from agents.question_gen.tailored import lp_strength, role_title, tailor

    user = user_of(request)
    phrases = material_phrases()
    try:
        saved = _store(services).resume(user)
        bank = services.stories
        strength = lp_strength(bank.coverage(user).matrix) if bank and bank.count(user) else {}
        titles = [role_title(s.role) for s in saved.seeds if s.role] if saved else []
        llm = services.llm if services.llm.available else None
        questions = tailor(
            resume=saved.text if saved else None, job=job or None, role=role, strength=strength,
            titles=list(dict.fromkeys(t for t in titles if t)),
            generator=get_generator(services.settings), llm=llm,
        )  # fmt: skip
        config = DrillConfig(
            role=role,  # type: ignore[arg-type]
            mode="interview" if mode == "interview" else "coach",
            lps=[q.lp for q in questions],
            custom_questions=[CustomQuestion(lp=q.lp, text=q.text) for q in questions],
            resume_lines=_store(services).resume_lines(user),
        )
        state = services.interviewer.start(config, user=user)
    except Exception as e:  # edge: a page handler never raises
        return [], None, readable_error("Preparing practice for this job", e)
    domains = ", ".join(dict.fromkeys(q.domain for q in questions if q.domain)) or "-"
    notice = phrases.job_practice_ready.format(
        n=len(questions),
        lps=", ".join(services.principles[q.lp].name for q in questions),
        domains=domains,
    )
    if saved is None:
        notice = f"{notice} {phrases.job_practice_no_resume}"
    return turns_to_chat(state.turns), ref_of(state), notice


def build_job_practice(services: Services) -> dict[str, Any]:
    """The "Practise for this job" box (laid out where it is called); wire it with `wire_job`."""
    c: dict[str, Any] = {}
    with gr.Accordion("Practise for this job", open=False, elem_id="job-practice"):
        c["job"] = gr.Textbox(label="Job description (optional; your resume is used too)",
                              lines=4, elem_id="job-description")  # fmt: skip
        c["go"] = gr.Button("Practise for this job", elem_id="practise-job")
        c["notice"] = gr.Markdown(elem_id="job-notice")
    return c


def wire_job(services: Services, c: dict[str, Any], drill: dict[str, Any]) -> None:
    """Start the tailored drill into the Drill tab's chat."""

    def _go(job: str, role: str, mode: str, request: gr.Request) -> tuple[Any, ...]:
        return practise_for_job(services, job, role, mode, request)

    c["go"].click(_go, [c["job"], drill["role"], drill["mode"]],
                  [drill["chat"], drill["ref"], c["notice"]])  # fmt: skip


def import_transcript(services: Services, path: str | None, request: Any = None) -> str:
    """Grade an uploaded interview transcript like a drill and save it to Feedback."""
    if not path:
        return ""
    from agents.drill.imported import import_interview
    from agents.material.transcript_formats import read_transcript
    from agents.material.transcript_split import exchanges, split_transcript

    name, user = Path(path).name, user_of(request)
    phrases = material_phrases()
    try:
        found = exchanges(split_transcript(read_transcript(path)[0]))
        if not found:
            return f"⚠ {phrases.transcript_empty.format(name=name)}"
        store = _store(services)
        store.folder(user)  # checks the user name before anything is saved
        state = import_interview(found, services.grader, services.principles, user=user,
                                 source=name, store=services.sessions)  # fmt: skip
        store.save_transcript(user, name, Path(path).read_bytes(), state.id)
    except MaterialError as e:
        return f"⚠ {e}"
    except Exception as e:  # edge: a page handler never raises
        return readable_error("Importing the transcript", e)
    return phrases.transcript_imported.format(n=len(state.questions), name=name, id=state.id)


def build_transcript_panel(services: Services) -> Any:
    """The transcript upload (laid out where it is called); returns its notice component."""
    with gr.Accordion("Import a real interview transcript", open=False):
        upload = gr.File(label="WebVTT, SRT, or a Zoom / Teams / Otter text export",
                         file_types=[".vtt", ".srt", ".txt"], type="filepath",
                         elem_id="transcript-upload")  # fmt: skip
        notice = gr.Markdown(elem_id="transcript-notice")

    def _import(path: str | None, request: gr.Request) -> str:
        return import_transcript(services, path, request)

    upload.upload(_import, [upload], [notice])
    return notice
