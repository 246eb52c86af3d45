"""The Stories tab: the story bank as a table, an edit form, import/export, the LP coverage
heatmap, per-story coaching and "find my story for a question". Every call is scoped to the
signed-in user; storage enforces the same scope again."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import gradio as gr

from agents.drill.wording import flag_names, ownership_label
from agents.stories import StoryError, review_story, split_star
from agents.ui import charts
from agents.ui.common import readable_error, user_of
from agents.ui.story_search import hits_markdown
from agents.ui.texts import ui_phrases

if TYPE_CHECKING:
    from agents.services import Services

log = logging.getLogger(__name__)
COLUMNS = ["id", "title", "LPs", "role", "company", "date", "metrics", "strength"]
# The page's table leaves the internal id out (it stays in a gr.State, row for row).
SHOWN = COLUMNS[1:]
FIELDS = ("situation", "task", "action", "result", "learning")
FORM_KEYS = ("title", "text", *FIELDS, "lps", "role", "company", "date", "notes")
T = TypeVar("T")


def _warn(error: StoryError) -> str:
    return f"⚠ {error}"


def _bank_call(
    action: str,
    call: Callable[[], T],
    on_story_error: Callable[[StoryError], str] | None = _warn,
) -> tuple[T | None, str | None]:
    """Run one story-bank call for a handler: (result, None), or (None, the message to show).

    A StoryError is the user's to fix and is shown as `on_story_error` words it (None: like any
    other failure); anything else becomes a one-line message and its traceback goes to the log.
    """
    try:
        return call(), None
    except StoryError as e:
        return None, (on_story_error(e) if on_story_error else readable_error(action, e))
    except Exception as e:  # edge: a page handler never raises
        return None, readable_error(action, e)


def _names(services: Services) -> dict[str, str]:
    return {slug: p.name for slug, p in services.principles.items()}


def _strength(story: Any) -> str:
    """The story's overall coaching grade as "n/5" (rule-based, so cheap per row)."""
    return f"{review_story(story).overall}/5"


def story_rows(services: Services, request: Any = None) -> list[list[str]]:
    """The user's stories as table rows (the last column is the coaching grade)."""
    bank = services.stories
    if bank is None:
        return []
    names = _names(services)
    return [
        [
            s.id,
            s.title,
            ", ".join(names.get(lp, lp) for lp in s.lps),
            s.role,
            s.company,
            s.date,
            ", ".join(s.metrics or []),
            _strength(s),
        ]
        for s in bank.list(user_of(request))
    ]


def table_view(rows: list[list[str]]) -> tuple[list[list[str]], list[str]]:
    """`story_rows` split for the page: (the rows without the id column, the ids in row order)."""
    return [r[1:] for r in rows], [r[0] for r in rows]


def load_story(services: Services, story_id: str | None, request: Any = None) -> dict[str, Any]:
    """One story's fields for the edit form (empty when none is chosen)."""
    bank = services.stories
    story = bank.get(user_of(request), story_id) if (bank and story_id) else None
    if story is None:
        return {"id": "", "title": "", "text": "", "lps": [], "role": "", "company": "",
                "date": "", "notes": "", **dict.fromkeys(FIELDS, "")}  # fmt: skip
    return {
        "id": story.id,
        "title": story.title,
        "text": story.text,
        "lps": list(story.lps),
        "role": story.role,
        "company": story.company,
        "date": story.date,
        "notes": story.notes,
        **{f: getattr(story, f) for f in FIELDS},
    }


def save_story(
    services: Services, form: dict[str, Any], request: Any = None
) -> tuple[str, str | None]:
    """Create or update a story from the form; returns (notice, story id)."""
    bank = services.stories
    if bank is None:
        return "The story bank is not configured.", None
    user = user_of(request)
    fields = {k: (form.get(k) or "") for k in ("title", "text", "role", "company", "date", "notes")}
    fields.update({f: form.get(f) or "" for f in FIELDS})
    lps = list(form.get("lps") or [])
    story_id = form.get("id")
    story, error = _bank_call(
        "save the story",
        lambda: (
            bank.update(user, story_id, **fields, lps=lps)
            if story_id
            else bank.create(user, {**fields, "lps": lps})
        ),
    )
    if error is not None or story is None:
        return error or "", story_id or None
    if story_id:
        return f"Saved “{story.title}”.", story.id
    lps_shown = ", ".join(_names(services).get(lp, lp) for lp in story.lps) or "none"
    return f"Added “{story.title}” (LPs: {lps_shown}).", story.id


def delete_story(
    services: Services, story_id: str | None, confirmed: bool, request: Any = None
) -> str:
    """Delete one story after confirmation."""
    if not story_id:
        return "Choose a story first."
    if not confirmed:
        return "Tick “confirm delete” first."
    bank = services.stories
    gone, error = _bank_call(
        "delete the story", lambda: bank.delete(user_of(request), story_id) if bank else False, None
    )
    if error is not None:
        return error
    return "Deleted." if gone else "That story no longer exists."


def split_text(services: Services, text: str, lps: list[str] | None) -> tuple[Any, ...]:
    """Free text -> the five STAR(L) fields (for the user to confirm) and suggested LPs."""
    parts = split_star(text or "")
    suggested = list(lps or [])
    if not suggested and services.stories is not None and (text or "").strip():
        try:
            suggested = [lp for lp, _share in services.stories.suggest_lps(text, k=3)]
        except Exception:  # edge: suggestions are a convenience; the split still shows
            log.warning("suggesting LPs for a story failed", exc_info=True)
            suggested = []
    return (*(parts.get(f, "") for f in FIELDS), suggested)


def import_stories(
    services: Services, path: str | None, request: Any = None, progress: Any = None
) -> str:
    """Import an uploaded Markdown/JSON/YAML file: all stories or none, with a clear reason."""
    if not path:
        return "Choose a file to import."
    bank = services.stories
    if bank is None:
        return "The story bank is not configured."
    if progress is not None:
        progress(0.1, desc="Reading and embedding your stories…")
    report, error = _bank_call(
        "import the file",
        lambda: bank.import_file(user_of(request), path),
        # Name the file as the user knows it, not by the server's upload path.
        lambda e: f"⚠ Nothing was imported: {str(e).replace(str(path), Path(path).name)}",
    )
    if error is not None:
        return error
    return (
        f"Imported {report.total} stories: {report.created} new, {report.updated} updated, "
        f"{report.unchanged} unchanged (duplicates skipped)."
    )


def export_stories(services: Services, fmt: str, request: Any = None) -> tuple[str | None, str]:
    """Export the user's stories; returns (file path, notice)."""
    bank = services.stories
    if bank is None:
        return None, "The story bank is not configured."
    user = user_of(request)
    ext = {"markdown": "md", "json": "json", "yaml": "yaml"}.get(fmt, "md")
    directory = services.settings.data_dir / "exports" / re.sub(r"[^\w.-]", "_", user)
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"stories.{ext}"
    n, error = _bank_call("export your stories", lambda: bank.export_file(user, path, fmt), None)
    if error is not None:
        return None, error
    return str(path), f"Exported {n} stories to {path.name}."


def coverage_view(services: Services, request: Any = None) -> tuple[Any, str]:
    """The LP x story heatmap and the findings (thin LPs, over-use, near-duplicates)."""
    bank = services.stories
    if bank is None:
        return None, ""
    cov, error = _bank_call("compute coverage", lambda: bank.coverage(user_of(request)), None)
    if error is not None:
        return None, error
    names = _names(services)
    notes = []
    if cov.weak_lps:
        notes.append(
            "**Fewer than two strong stories:** " + ", ".join(names[lp] for lp in cov.weak_lps)
        )
    notes += [f"- Over-used: {o.title} (told in {o.sessions} sessions)" for o in cov.overused]
    notes += [
        f"- Near-duplicates: {d.title_a} / {d.title_b} ({d.similarity:.2f})" for d in cov.duplicates
    ]
    return charts.coverage_heatmap(cov, names), "\n".join(notes) or "No gaps found."


def coaching_view(services: Services, story_id: str | None, request: Any = None) -> str:
    """The selected story's grade and the concrete additions that would strengthen it."""
    bank = services.stories
    if bank is None or not story_id:
        return "_Choose a story in the table to see coaching._"
    review, error = _bank_call("review the story", lambda: bank.review(user_of(request), story_id))
    if error is not None:
        return error
    parts = ", ".join(f"{c} {'●' * v}{'○' * (3 - v)}" for c, v in review.components.items())
    lines = [
        f"### Coaching: {review.title}",
        f"Overall **{review.overall}/5** · {parts}",
        "",
        f"Measurability {review.measurability}/3 · ownership: {ownership_label(review.ownership)}",
        "",
        "**Add this:**",
        *[f"- {a}" for a in review.additions],
    ]
    if review.flags:
        lines.append(f"_Flags: {flag_names(review.flags)}_")
    return "\n".join(lines)


def find_story(services: Services, question: str, request: Any = None) -> str:
    """The three stories that best answer a question, with why each matched."""
    bank = services.stories
    if bank is None or not (question or "").strip():
        return "_Type an interview question to find your best story for it._"
    hits, error = _bank_call(
        "search your stories", lambda: bank.search(user_of(request), question, k=3), None
    )
    if error is not None:
        return error
    if not hits:
        return "_No stories yet: import or add some first._"
    return hits_markdown(hits)


def _build_layout(services: Services) -> dict[str, Any]:
    """The tab's components, by name (laid out inside the current Blocks)."""
    lp_choices = [(p.name, slug) for slug, p in services.principles.items()]
    c: dict[str, Any] = {}
    c["table"] = gr.Dataframe(
        headers=SHOWN,
        interactive=False,  # read-only: editing happens in the form below
        wrap=True,
        # Widths so all seven columns fit a laptop screen (the strength column stays visible).
        column_widths=["24%", "22%", "11%", "11%", "8%", "15%", "9%"],
        elem_id="stories-table",
        label="Your stories",
    )
    c["selected"] = gr.State(None)
    c["ids"] = gr.State([])  # the story id of each table row
    with gr.Accordion("Import / export", open=True):
        with gr.Row():
            c["upload"] = gr.File(
                label="Import stories (.md, .json, .yaml)",
                file_types=[".md", ".markdown", ".json", ".yaml", ".yml"],
                type="filepath",
                elem_id="stories-upload",
            )
            gr.Markdown(ui_phrases().stories_import_hint, elem_id="stories-format-hint")
            with gr.Column():
                c["fmt"] = gr.Radio(["markdown", "json", "yaml"], value="markdown",
                                    label="Export as")  # fmt: skip
                c["export"] = gr.Button("Export", elem_id="stories-export")
                c["exported"] = gr.File(label="Download", interactive=False)
        c["notice"] = gr.Markdown(elem_id="stories-notice")
    with gr.Accordion("Add or edit a story", open=False) as c["editor"]:
        c["title"] = gr.Textbox(label="Title", elem_id="story-title")
        c["text"] = gr.Textbox(label="Story (free text)", lines=5, elem_id="story-text")
        c["split"] = gr.Button("Split into STAR(L) fields")
        c["star"] = [gr.Textbox(label=f.title(), lines=2) for f in FIELDS]
        c["lps"] = gr.Dropdown(lp_choices, multiselect=True, label="LPs (suggested; edit freely)")
        with gr.Row():
            c["role"] = gr.Textbox(label="Role")
            c["company"] = gr.Textbox(label="Company")
            c["date"] = gr.Textbox(label="Date")
        c["notes"] = gr.Textbox(label="Notes", lines=2)
        with gr.Row():
            c["save"] = gr.Button("Save", variant="primary", elem_id="story-save")
            c["new"] = gr.Button("New story")
            c["confirm"] = gr.Checkbox(label="confirm delete")
            c["delete"] = gr.Button("Delete", variant="stop")
    with gr.Row():
        with gr.Column():
            c["coverage"] = gr.Button("Show LP coverage", elem_id="show-coverage")
            c["heatmap"] = gr.Plot(label="LP coverage", elem_id="coverage-heatmap")
            c["findings"] = gr.Markdown(elem_id="coverage-findings")
        with gr.Column():
            c["coaching"] = gr.Markdown("_Choose a story in the table to see coaching._",
                                        elem_id="story-coaching")  # fmt: skip
            c["question"] = gr.Textbox(label=ui_phrases().stories_find_label,
                                       elem_id="find-question")  # fmt: skip
            c["find"] = gr.Button(ui_phrases().stories_find_button, elem_id="find-story")
            c["found"] = gr.Markdown(elem_id="find-result")
    # In FORM_KEYS order: what _select fills in and _save reads back.
    c["form"] = [c["title"], c["text"], *c["star"], c["lps"], c["role"], c["company"], c["date"],
                 c["notes"]]  # fmt: skip
    return c


def build_stories_tab(services: Services) -> tuple[Any, list[Any], list[Any]]:
    """Build the Stories tab; returns the (fn, inputs, outputs) refresh to run on tab select."""
    c = _build_layout(services)

    # Closures, not partials: Gradio injects gr.Request only into parameters annotated with it.
    def _rows(request: gr.Request) -> tuple[list[list[str]], list[str]]:
        return table_view(story_rows(services, request))

    def _select(evt: gr.SelectData, ids: list[str], request: gr.Request) -> tuple[Any, ...]:
        row = evt.index[0] if isinstance(evt.index, (list, tuple)) else evt.index
        story_id = ids[row] if isinstance(row, int) and 0 <= row < len(ids) else None
        data = load_story(services, story_id, request)
        values = [data[k] for k in FORM_KEYS]
        # The table is read-only: a click opens the story in the edit form.
        editor = gr.Accordion(open=True)
        return (story_id, *values, coaching_view(services, story_id, request), editor)

    # One parameter per form field: Gradio passes gr.Request by annotation, never into varargs.
    def _save(story_id: str | None, t: str, x: str, s: str, ta: str, a: str, r: str,
              lrn: str, l_: list[str], ro: str, co: str, da: str, no: str,
              request: gr.Request) -> tuple[Any, ...]:  # fmt: skip
        form = dict(zip(FORM_KEYS, (t, x, s, ta, a, r, lrn, l_, ro, co, da, no), strict=True))
        form["id"] = story_id or ""
        message, new_id = save_story(services, form, request)
        return message, new_id, *_rows(request)

    def _delete(story_id: str | None, ok: bool, request: gr.Request) -> tuple[Any, ...]:
        message = delete_story(services, story_id, ok, request)
        return message, None, *_rows(request)

    def _import(
        path: str | None,
        request: gr.Request,
        progress: Any = gr.Progress(),  # noqa: B008
    ) -> tuple[Any, ...]:
        message = import_stories(services, path, request, progress)
        # The upload box is emptied so the next file can be dropped straight in.
        return message, *_rows(request), None

    def _export(fmt: str, request: gr.Request) -> tuple[str | None, str]:
        return export_stories(services, fmt, request)

    def _coverage(request: gr.Request) -> tuple[Any, str]:
        return coverage_view(services, request)

    def _find(q: str, request: gr.Request) -> str:
        return find_story(services, q, request)

    form, notice, selected = c["form"], c["notice"], c["selected"]
    table = [c["table"], c["ids"]]
    c["table"].select(_select, [c["ids"]], [selected, *form, c["coaching"], c["editor"]])
    c["save"].click(_save, [selected, *form], [notice, selected, *table])
    c["new"].click(lambda: (None, *[""] * 7, [], "", "", "", ""), None, [selected, *form])
    c["delete"].click(_delete, [selected, c["confirm"]], [notice, selected, *table])
    c["split"].click(lambda t, l_: split_text(services, t, l_), [c["text"], c["lps"]],
                     [*c["star"], c["lps"]])  # fmt: skip
    c["upload"].upload(_import, [c["upload"]], [notice, *table, c["upload"]],
                       api_name="import_stories")  # fmt: skip
    c["export"].click(_export, [c["fmt"]], [c["exported"], notice])
    c["coverage"].click(_coverage, None, [c["heatmap"], c["findings"]])
    c["question"].submit(_find, [c["question"]], [c["found"]])
    c["find"].click(_find, [c["question"]], [c["found"]])
    return _rows, [], table
