"""The material handlers of the page as plain functions: resume upload, seed form, live feedback,
saving to the bank, transcript upload, practise for this job."""

from __future__ import annotations

from pathlib import Path

from agents.ui.material import (
    import_resume,
    import_transcript,
    live_feedback,
    pick_seed,
    practise_for_job,
    save_seed_story,
)
from evals.material_files import DATA_DIR, load_resumes, render_pdf


def test_resume_to_story_and_job_practice(services, tmp_path: Path) -> None:
    resume = next(r for r in load_resumes("dev") if r.name == "dev_01_backend")
    path = tmp_path / "cv.pdf"
    path.write_bytes(render_pdf(resume))
    notice, dropdown, seeds = import_resume(services, str(path))
    assert notice.startswith("Read 5 story seed(s)")
    assert "Cut checkout p95 latency" in seeds
    first = dropdown["value"]
    title, lps, *parts = pick_seed(services, first)
    assert "checkout" in title["value"].lower() and lps["value"]
    assert any(resume.gold[0] == p["value"] for p in parts)
    assert "No situation yet" in parts[0]["placeholder"]
    assert "Still missing" in live_feedback(services, "I cut latency by 40%.", "", "", "", "")
    message = save_seed_story(
        services, "Checkout latency", lps["value"],
        ["Sales timed out.", "I owned it.", resume.gold[0], "Carts fell 18%.", "Load test."],
    )  # fmt: skip
    assert message.startswith("Saved")
    assert [s.title for s in services.stories.list("local")] == ["Checkout latency"]

    _chat, ref, job_notice = practise_for_job(
        services, "Payments platform team.", "senior", "coach"
    )
    assert ref is not None and job_notice.startswith("Practising for this job")
    state = services.sessions.load(ref["id"], "local")
    assert state.config.resume_lines and state.config.custom_questions
    assert "payments" in state.questions[0].question.lower()


def test_bad_resume_and_transcript_upload(services, tmp_path: Path) -> None:
    empty = tmp_path / "cv.docx"
    empty.write_bytes(b"")
    notice, _, seeds = import_resume(services, str(empty))
    assert notice.startswith("⚠") and "empty" in notice and seeds == ""
    done = import_transcript(services, str(DATA_DIR / "transcripts" / "dev_01.vtt"))
    assert "saved to Feedback" in done
    [info] = services.sessions.list("local")
    # The Feedback tab shows and exports it like any drill.
    from agents.ui.feedback import export_debrief, feedback_view, session_choices

    assert [c[1] for c in session_choices(services)] == [info.id]
    text, *_charts = feedback_view(services, info.id)
    assert "disagreed with your manager" in text or "Debrief" in text
    path, notice = export_debrief(services, info.id, "pdf")
    assert path and Path(path).stat().st_size > 0, notice
    assert import_transcript(services, str(tmp_path / "cv.docx")).startswith("⚠")
