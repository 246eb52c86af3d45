"""The claim check: a figure or role that contradicts the resume bullet an answer retells becomes
a debrief note quoting both versions; nothing is noted without a contradiction."""

from __future__ import annotations

from agents.material.claims import ResumeLine, check_claims

LINES = [
    ResumeLine(
        text="Cut checkout p95 latency by 25% by moving fraud checks off the critical path",
        role="Software Engineer II, Northwind Payments",
    ),
    ResumeLine(text="Mentored 3 junior engineers, two of whom were promoted within a year"),
]
ANSWER = (
    "At Northwind our checkout timed out during every sale. I was the team lead, so I moved the "
    "fraud checks off the critical path of checkout, and p95 latency dropped 40%."
)


def test_contradicting_figure_and_role_are_found_verbatim() -> None:
    claims = check_claims(ANSWER, LINES)
    figure = next(c for c in claims if c.kind == "figure")
    assert (figure.said, figure.other) == ("40%", "25%")
    assert figure.said in figure.answer_quote and figure.other in figure.quote
    role = next(c for c in claims if c.kind == "role")
    assert role.said == "team lead" and "Software Engineer II" in role.other


def test_no_note_without_a_contradiction() -> None:
    same = ANSWER.replace("40%", "25%").replace("I was the team lead, so ", "")
    assert check_claims(same, LINES) == []
    other_story = "I organised a hackathon for 40 people and we shipped 3 prototypes."
    assert check_claims(other_story, LINES) == []  # no resume bullet tells this story


def test_drill_debrief_notes_the_contradiction(services) -> None:
    from agents.drill.state import CustomQuestion, DrillConfig

    config = DrillConfig(
        mode="interview",
        n_questions=1,
        max_probes=0,
        seed=3,
        custom_questions=[
            CustomQuestion(lp="deliver-results", text="Tell me about a time you delivered results.")
        ],
        resume_lines=[line.model_dump() for line in LINES],
    )
    interviewer = services.interviewer
    state = interviewer.start(config)
    interviewer.respond(
        state,
        ANSWER + " My task was to fix it before Black Friday. I learned to load test before peaks.",
    )
    interviewer.end(state)
    assert state.debrief is not None
    notes = state.debrief.claim_notes
    assert any("You said 40% here; your resume says 25%" in n for n in notes), notes
    assert any("team lead" in n for n in notes), notes
    from agents.drill.transcript import debrief_markdown

    assert "Check your facts" in debrief_markdown(state.debrief)


def test_drill_without_resume_has_no_notes(services) -> None:
    from agents.drill.state import DrillConfig

    state = services.interviewer.start(DrillConfig(mode="interview", n_questions=1, seed=1))
    services.interviewer.respond(state, ANSWER)
    services.interviewer.end(state)
    assert state.debrief is not None and state.debrief.claim_notes == []


def test_bank_and_session_conflicts_become_notes_too() -> None:
    from agents.drill.debrief import claim_notes
    from agents.drill.state import DrillState, QuestionRecord

    q = QuestionRecord(lp="deliver-results", question="Tell me about a result.")
    q.inconsistencies.append(
        {
            "unit": "%",
            "earlier": "25",
            "now": "40",
            "source": "bank",
            "earlier_quote": "latency fell 25%",
            "now_quote": "latency fell 40%",
        }
    )
    state = DrillState(questions=[q])
    [note] = claim_notes(state)
    assert note.startswith("You said 40% here; your saved story says 25%")
