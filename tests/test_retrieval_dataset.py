"""The retrieval evaluation dataset: a story bank and interview questions labelled with the
stories that answer them (evals/data/retrieval/). Checks shape and internal consistency only;
retrieval quality itself is measured by the eval, not asserted here."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import yaml

REPO = Path(__file__).resolve().parent.parent
DATA = REPO / "evals" / "data" / "retrieval"
STORIES = DATA / "stories.yaml"
QUESTIONS = DATA / "questions.jsonl"
PRINCIPLES_DIR = REPO / "leadership_principles"

LP_SLUGS = frozenset(
    {
        "customer-obsession",
        "ownership",
        "invent-and-simplify",
        "are-right-a-lot",
        "learn-and-be-curious",
        "hire-and-develop-the-best",
        "insist-on-the-highest-standards",
        "think-big",
        "bias-for-action",
        "frugality",
        "earn-trust",
        "dive-deep",
        "have-backbone",
        "deliver-results",
        "best-employer",
        "broad-responsibility",
    }
)
KINDS = ("direct", "paraphrase", "cross_lp", "multilingual")
STORY_KEYS = {"id", "title", "lps", "role", "company", "text"}
QUESTION_KEYS = {"id", "question", "relevant", "kind", "lp"}
MIN_STORIES, MIN_QUESTIONS = 30, 60
MIN_WORDS, MAX_WORDS = 80, 300


def _load_stories() -> list[dict[str, Any]]:
    data = yaml.safe_load(STORIES.read_text(encoding="utf-8"))
    assert isinstance(data, list), "stories.yaml must be a YAML list"
    return data


def _load_questions() -> list[dict[str, Any]]:
    rows = []
    for n, line in enumerate(QUESTIONS.read_text(encoding="utf-8").splitlines(), 1):
        assert line.strip(), f"questions.jsonl line {n} is blank"
        row = json.loads(line)
        assert isinstance(row, dict), f"questions.jsonl line {n} is not an object"
        rows.append(row)
    return rows


@pytest.fixture(scope="module")
def stories() -> list[dict[str, Any]]:
    return _load_stories()


@pytest.fixture(scope="module")
def questions() -> list[dict[str, Any]]:
    return _load_questions()


def _norm(text: str) -> str:
    """Lower-cased, punctuation-free form for duplicate detection."""
    return " ".join(re.findall(r"\w+", text.lower()))


# --- loading and size ------------------------------------------------------------------------


def test_both_files_load(stories: list[dict[str, Any]], questions: list[dict[str, Any]]) -> None:
    assert stories and questions


def test_minimum_sizes(stories: list[dict[str, Any]], questions: list[dict[str, Any]]) -> None:
    assert len(stories) >= MIN_STORIES
    assert len(questions) >= MIN_QUESTIONS


def test_lp_slugs_match_the_repository_principles() -> None:
    """The slug list used here is the app's own: one YAML file per principle."""
    if not PRINCIPLES_DIR.is_dir():
        pytest.skip("leadership_principles/ not present")
    repo_slugs = {
        yaml.safe_load(p.read_text(encoding="utf-8"))["slug"] for p in PRINCIPLES_DIR.glob("*.yaml")
    }
    assert repo_slugs == LP_SLUGS


# --- stories ---------------------------------------------------------------------------------


def test_story_fields(stories: list[dict[str, Any]]) -> None:
    for s in stories:
        assert isinstance(s, dict) and set(s) == STORY_KEYS, s.get("id", s)
        for key in ("id", "title", "role", "company", "text"):
            assert isinstance(s[key], str) and s[key].strip(), (s["id"], key)
        assert re.fullmatch(r"r\d{2,3}", s["id"]), s["id"]


def test_story_ids_and_titles_unique(stories: list[dict[str, Any]]) -> None:
    ids = Counter(s["id"] for s in stories)
    titles = Counter(_norm(s["title"]) for s in stories)
    assert not [i for i, n in ids.items() if n > 1]
    assert not [t for t, n in titles.items() if n > 1]


def test_story_texts_unique(stories: list[dict[str, Any]]) -> None:
    texts = Counter(_norm(s["text"]) for s in stories)
    assert not [t[:60] for t, n in texts.items() if n > 1]


def test_story_lps_valid(stories: list[dict[str, Any]]) -> None:
    for s in stories:
        lps = s["lps"]
        assert isinstance(lps, list) and 1 <= len(lps) <= 3, s["id"]
        assert len(set(lps)) == len(lps), s["id"]
        assert set(lps) <= LP_SLUGS, (s["id"], set(lps) - LP_SLUGS)


def test_every_lp_covered_by_at_least_two_stories(stories: list[dict[str, Any]]) -> None:
    counts = Counter(lp for s in stories for lp in s["lps"])
    missing = {lp: counts[lp] for lp in LP_SLUGS if counts[lp] < 2}
    assert not missing, f"LPs with fewer than 2 stories: {missing}"


def test_story_word_counts(stories: list[dict[str, Any]]) -> None:
    bad = {
        s["id"]: n for s in stories if not MIN_WORDS <= (n := len(s["text"].split())) <= MAX_WORDS
    }
    assert not bad, f"story texts outside {MIN_WORDS}-{MAX_WORDS} words: {bad}"


def test_stories_are_first_person(stories: list[dict[str, Any]]) -> None:
    """A story-bank entry is the candidate's own account: it says what *I* did."""
    for s in stories:
        assert len(re.findall(r"\bI\b", s["text"])) >= 3, s["id"]


# --- questions -------------------------------------------------------------------------------


def test_question_fields(questions: list[dict[str, Any]]) -> None:
    for q in questions:
        assert set(q) == QUESTION_KEYS, q.get("id", q)
        assert re.fullmatch(r"q\d{3}", q["id"]), q["id"]
        assert isinstance(q["question"], str) and q["question"].strip(), q["id"]
        assert q["kind"] in KINDS, q["id"]
        assert q["lp"] in LP_SLUGS, (q["id"], q["lp"])
        rel = q["relevant"]
        assert isinstance(rel, list) and rel, q["id"]
        assert all(isinstance(r, str) for r in rel), q["id"]
        assert len(set(rel)) == len(rel), q["id"]


def test_question_ids_unique(questions: list[dict[str, Any]]) -> None:
    ids = Counter(q["id"] for q in questions)
    assert not [i for i, n in ids.items() if n > 1]


def test_no_duplicate_questions(questions: list[dict[str, Any]]) -> None:
    texts = Counter(_norm(q["question"]) for q in questions)
    assert not [t for t, n in texts.items() if n > 1]


def test_relevant_ids_exist(stories: list[dict[str, Any]], questions: list[dict[str, Any]]) -> None:
    known = {s["id"] for s in stories}
    unknown = {q["id"]: sorted(set(q["relevant"]) - known) for q in questions}
    assert not {k: v for k, v in unknown.items() if v}


def test_every_story_answers_some_question(
    stories: list[dict[str, Any]], questions: list[dict[str, Any]]
) -> None:
    used = {r for q in questions for r in q["relevant"]}
    orphans = [s["id"] for s in stories if s["id"] not in used]
    assert not orphans, f"stories never relevant to any question: {orphans}"


def test_each_kind_present(questions: list[dict[str, Any]]) -> None:
    kinds = Counter(q["kind"] for q in questions)
    assert all(kinds[k] > 0 for k in KINDS), kinds


def test_every_lp_asked_about(questions: list[dict[str, Any]]) -> None:
    asked = {q["lp"] for q in questions}
    assert asked == LP_SLUGS, sorted(LP_SLUGS - asked)


def test_cross_lp_questions_reach_outside_a_story_tags(
    stories: list[dict[str, Any]], questions: list[dict[str, Any]]
) -> None:
    """A cross_lp question asks for an LP that at least one of its relevant stories is not
    tagged with; otherwise it is just another direct question."""
    tags = {s["id"]: set(s["lps"]) for s in stories}
    for q in questions:
        if q["kind"] == "cross_lp":
            assert any(q["lp"] not in tags[r] for r in q["relevant"]), q["id"]


def test_multilingual_questions_are_not_english(questions: list[dict[str, Any]]) -> None:
    """Multilingual items carry non-English function words (Spanish, German or French)."""
    markers = re.compile(
        r"\b(una|que|los|las|en|el|de|ich|sie|und|der|die|das|einem|vous|une|où|avez|votre)\b",
        re.IGNORECASE,
    )
    english = re.compile(r"\b(the|you|your|tell me|about a time)\b", re.IGNORECASE)
    for q in questions:
        if q["kind"] == "multilingual":
            assert markers.search(q["question"]), q["id"]
            assert not english.search(q["question"]), q["id"]
