"""The Stories tab: the story bank as a table, an edit form, import/export, the LP coverage
heatmap, per-story coaching and "find my story for a question". Every call is scoped to the
signed-in user; storage enforces the same scope again."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

import gradio as gr

from agents.stories.bank import StoryError, review_story, split_star
from agents.ui import charts
from agents.ui.common import readable_error, user_of

if TYPE_CHECKING:
    from agents.services import Services

COLUMNS = ["id", "title", "LPs", "role", "company", "date", "metrics", "strength"]
FIELDS = ("situation", "task", "action", "result", "learning")


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
    try:
        if form.get("id"):
            story = bank.update(user, form["id"], **fields, lps=lps)
            return f"Saved “{story.title}”.", story.id
        story = bank.create(user, {**fields, "lps": lps})
    except StoryError as e:
        return f"⚠ {e}", form.get("id") or None
    except Exception as e:
        return readable_error("save the story", e), form.get("id") or None
    return f"Added “{story.title}” (LPs: {', '.join(story.lps) or 'none'}).", story.id


def delete_story(
    services: Services, story_id: str | None, confirmed: bool, request: Any = None
) -> str:
    """Delete one story after confirmation."""
    if not story_id:
        return "Choose a story first."
    if not confirmed:
        return "Tick “confirm delete” first."
    bank = services.stories
    try:
        gone = bank.delete(user_of(request), story_id) if bank else False
    except Exception as e:
        return readable_error("delete the story", e)
    return "Deleted." if gone else "That story no longer exists."


def split_text(services: Services, text: str, lps: list[str] | None) -> tuple[Any, ...]:
    """Free text -> the five STAR(L) fields (for the user to confirm) and suggested LPs."""
    parts = split_star(text or "")
    suggested = list(lps or [])
    if not suggested and services.stories is not None and (text or "").strip():
        try:
            suggested = [lp for lp, _share in services.stories.suggest_lps(text, k=3)]
        except Exception:  # suggestions are a convenience; the split still shows
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
    try:
        report = bank.import_file(user_of(request), path)
    except StoryError as e:
        # Name the file as the user knows it, not by the server's upload path.
        return f"⚠ Nothing was imported: {str(e).replace(str(path), Path(path).name)}"
    except Exception as e:
        return readable_error("import the file", e)
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
    try:
        n = bank.export_file(user, path, fmt)
    except Exception as e:
        return None, readable_error("export your stories", e)
    return str(path), f"Exported {n} stories to {path.name}."


def coverage_view(services: Services, request: Any = None) -> tuple[Any, str]:
    """The LP x story heatmap and the findings (thin LPs, over-use, near-duplicates)."""
    bank = services.stories
    if bank is None:
        return None, ""
    try:
        cov = bank.coverage(user_of(request))
    except Exception as e:
        return None, readable_error("compute coverage", e)
    names = _names(services)
    notes = []
    if cov.weak_lps:
        notes.append(
            "**Fewer than two strong stories:** " + ", ".join(names[lp] for lp in cov.weak_lps)
        )
    notes += [f"- Over-used: {o.title} (told in {o.sessions} sessions)" for o in cov.overused]
    notes += [
        f"- Near-duplicates: {d.title_a} / {d.title_b} ({d.similarity:.2f})"
        for d in cov.duplicates
    ]
    return charts.coverage_heatmap(cov, names), "\n".join(notes) or "No gaps found."


def coaching_view(services: Services, story_id: str | None, request: Any = None) -> str:
    """The selected story's grade and the concrete additions that would strengthen it."""
    bank = services.stories
    if bank is None or not story_id:
        return "_Choose a story in the table to see coaching._"
    try:
        review = bank.review(user_of(request), story_id)
    except StoryError as e:
        return f"⚠ {e}"
    except Exception as e:
        return readable_error("review the story", e)
    parts = ", ".join(f"{c} {'●' * v}{'○' * (3 - v)}" for c, v in review.components.items())
    lines = [
        f"### Coaching: {review.title}",
        f"Overall **{review.overall}/5** · {parts}",
        "",
        f"Measurability {review.measurability}/3 · ownership {review.ownership.upper()}",
        "",
        "**Add this:**",
        *[f"- {a}" for a in review.additions],
    ]
    if review.flags:
        lines.append(f"_Flags: {', '.join(review.flags)}_")
    return "\n".join(lines)


def find_story(services: Services, question: str, request: Any = None) -> str:
    """The three stories that best answer a question, with why each matched."""
    bank = services.stories
    if bank is None or not (question or "").strip():
        return "_Type an interview question to find your best story for it._"
    try:
        hits = bank.search(user_of(request), question, k=3)
    except Exception as e:
        return readable_error("search your stories", e)
    if not hits:
        return "_No stories yet: import or add some first._"
    return "\n".join(f"{i}. **{h.title}** — fit {h.score:.2f}: {h.reason}"
                     for i, h in enumerate(hits, 1))  # fmt: skip


def build_stories_tab(services: Services) -> tuple[Any, list[Any], list[Any]]:
    """Build the Stories tab; returns the (fn, inputs, outputs) refresh to run on tab select."""
    lp_choices = [(p.name, slug) for slug, p in services.principles.items()]
    table = gr.Dataframe(
        headers=COLUMNS,
        interactive=False,
        wrap=True,
        # Widths so all eight columns fit a laptop screen (the strength column stays visible).
        column_widths=["10%", "20%", "20%", "10%", "10%", "7%", "15%", "8%"],
        elem_id="stories-table",
        label="Your stories",
    )
    selected = gr.State(None)
    with gr.Accordion("Import / export", open=True):
        with gr.Row():
            upload = gr.File(
                label="Import stories (.md, .json, .yaml)",
                file_types=[".md", ".markdown", ".json", ".yaml", ".yml"],
                type="filepath",
                elem_id="stories-upload",
            )
            with gr.Column():
                fmt = gr.Radio(["markdown", "json", "yaml"], value="markdown", label="Export as")
                export = gr.Button("Export", elem_id="stories-export")
                exported = gr.File(label="Download", interactive=False)
        notice = gr.Markdown(elem_id="stories-notice")
    with gr.Accordion("Add or edit a story", open=False):
        title = gr.Textbox(label="Title", elem_id="story-title")
        text = gr.Textbox(label="Story (free text)", lines=5, elem_id="story-text")
        split = gr.Button("Split into STAR(L) fields")
        star = [gr.Textbox(label=f.title(), lines=2) for f in FIELDS]
        lps = gr.Dropdown(lp_choices, multiselect=True, label="LPs (suggested; edit freely)")
        with gr.Row():
            role = gr.Textbox(label="Role")
            company = gr.Textbox(label="Company")
            date = gr.Textbox(label="Date")
        notes = gr.Textbox(label="Notes", lines=2)
        with gr.Row():
            save = gr.Button("Save", variant="primary", elem_id="story-save")
            new = gr.Button("New story")
            confirm = gr.Checkbox(label="confirm delete")
            delete = gr.Button("Delete", variant="stop")
    with gr.Row():
        with gr.Column():
            coverage_btn = gr.Button("Show LP coverage", elem_id="show-coverage")
            heatmap = gr.Plot(label="LP coverage", elem_id="coverage-heatmap")
            findings = gr.Markdown(elem_id="coverage-findings")
        with gr.Column():
            coaching = gr.Markdown("_Choose a story in the table to see coaching._",
                                   elem_id="story-coaching")  # fmt: skip
            question = gr.Textbox(label="Find my story for a question", elem_id="find-question")
            found = gr.Markdown(elem_id="find-result")

    form_fields = [title, text, *star, lps, role, company, date, notes]

    def _rows(request: gr.Request) -> list[list[str]]:
        return story_rows(services, request)

    def _select(evt: gr.SelectData, rows: Any, request: gr.Request) -> tuple[Any, ...]:
        row = evt.index[0] if isinstance(evt.index, (list, tuple)) else evt.index
        story_id = rows.iloc[row, 0] if hasattr(rows, "iloc") else rows[row][0]
        data = load_story(services, story_id, request)
        values = [data["title"], data["text"], *(data[f] for f in FIELDS), data["lps"],
                  data["role"], data["company"], data["date"], data["notes"]]  # fmt: skip
        return (story_id, *values, coaching_view(services, story_id, request))

    def _save(story_id: str | None, *values: Any) -> tuple[Any, ...]:
        *form_values, request = values
        keys = ["title", "text", *FIELDS, "lps", "role", "company", "date", "notes"]
        form = dict(zip(keys, form_values, strict=True))
        form["id"] = story_id or ""
        message, new_id = save_story(services, form, request)
        return message, new_id, story_rows(services, request)

    def _delete(story_id: str | None, ok: bool, request: gr.Request) -> tuple[str, Any, Any]:
        message = delete_story(services, story_id, ok, request)
        return message, None, story_rows(services, request)

    def _import(
        path: str | None, request: gr.Request, progress: Any = gr.Progress()  # noqa: B008
    ) -> tuple[str, list[list[str]], None]:
        message = import_stories(services, path, request, progress)
        # The upload box is emptied so the next file can be dropped straight in.
        return message, story_rows(services, request), None

    def _export(fmt: str, request: gr.Request) -> tuple[str | None, str]:
        return export_stories(services, fmt, request)

    def _coverage(request: gr.Request) -> tuple[Any, str]:
        return coverage_view(services, request)

    def _find(q: str, request: gr.Request) -> str:
        return find_story(services, q, request)

    # Gradio passes gr.Request by annotation, so _save's varargs get it explicitly below.
    def _save_wrapped(story_id: str | None, t: str, x: str, s: str, ta: str, a: str, r: str,
                      lrn: str, l_: list[str], ro: str, co: str, da: str, no: str,
                      request: gr.Request) -> tuple[Any, ...]:  # fmt: skip
        return _save(story_id, t, x, s, ta, a, r, lrn, l_, ro, co, da, no, request)

    table.select(_select, [table], [selected, *form_fields, coaching])
    save.click(_save_wrapped, [selected, *form_fields], [notice, selected, table])
    new.click(lambda: (None, *[""] * 7, [], "", "", "", ""), None, [selected, *form_fields])
    delete.click(_delete, [selected, confirm], [notice, selected, table])
    split.click(lambda t, l_: split_text(services, t, l_), [text, lps], [*star, lps])
    upload.upload(_import, [upload], [notice, table, upload], api_name="import_stories")
    export.click(_export, [fmt], [exported, notice])
    coverage_btn.click(_coverage, None, [heatmap, findings])
    question.submit(_find, [question], [found])
    return _rows, [], [table]
