"""The 16 Leadership Principle YAML files and their loader."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from agents.lp.principles import (
    DEFAULT_DIR,
    LEVELS,
    THEMES,
    Principle,
    PrincipleDataError,
    UnknownPrincipleError,
    get_principle,
    load_principles,
    normalise_question,
    resolve_lp,
)

EXPECTED_SLUGS = [
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
]

OPENER = re.compile(
    r"^(Tell me about a time|Describe a situation|Give me an example of|Walk me through a time)\b"
)


@pytest.fixture(scope="module")
def principles() -> dict[str, Principle]:
    """The bundled principles, loaded once for the module."""
    return load_principles()


def _all_questions(principles: dict[str, Principle]) -> list[tuple[str, str]]:
    """Every (slug, question text) pair across all principles."""
    return [(p.slug, q.text) for p in principles.values() for q in p.questions]


def test_exactly_sixteen_in_order(principles: dict[str, Principle]) -> None:
    assert list(principles) == EXPECTED_SLUGS
    assert [p.order for p in principles.values()] == list(range(1, 17))
    assert sorted(f.stem for f in DEFAULT_DIR.glob("*.yaml")) == sorted(EXPECTED_SLUGS)


def test_special_names(principles: dict[str, Principle]) -> None:
    assert principles["have-backbone"].name == "Have Backbone; Disagree and Commit"
    assert principles["best-employer"].name == "Strive to be Earth's Best Employer"
    assert principles["broad-responsibility"].name == "Success and Scale Bring Broad Responsibility"


@pytest.mark.parametrize("slug", EXPECTED_SLUGS)
def test_minimum_content(principles: dict[str, Principle], slug: str) -> None:
    p = principles[slug]
    assert len(p.questions) >= 10
    assert len(p.probes) >= 5
    assert len(p.signals) >= 4
    assert len(p.red_flags) >= 3
    assert 15 <= len(p.keywords) <= 30
    assert all(k == k.lower() for k in p.keywords)
    assert 3 <= len(p.themes) <= 6
    # At least two questions pitched above junior so senior/manager drills have material.
    assert sum(q.level in {"senior", "manager"} for q in p.questions) >= 2
    assert all(q.level in LEVELS and q.theme in THEMES for q in p.questions)
    assert len(set(p.probes)) == len(p.probes)


def test_total_question_count(principles: dict[str, Principle]) -> None:
    assert len(_all_questions(principles)) >= 160


def test_no_duplicate_questions_anywhere(principles: dict[str, Principle]) -> None:
    seen: dict[str, str] = {}
    for slug, text in _all_questions(principles):
        key = normalise_question(text)
        assert key not in seen, f"{slug}: {text!r} duplicates a question in {seen[key]}"
        seen[key] = slug


@pytest.mark.parametrize("slug", EXPECTED_SLUGS)
def test_question_form(principles: dict[str, Principle], slug: str) -> None:
    for q in principles[slug].questions:
        assert OPENER.match(q.text), f"{slug}: not a behavioral opener: {q.text!r}"
        assert q.text.endswith(("?", ".")), f"{slug}: bad ending: {q.text!r}"
        assert q.text.count("?") <= 1, f"{slug}: compound question: {q.text!r}"


def test_normalise_question() -> None:
    assert normalise_question("  Tell me,  about a TIME...  ") == "tell me about a time"
    assert normalise_question("Give me an example?") == normalise_question("give me an example.")


@pytest.mark.parametrize(
    "query",
    [
        "have-backbone",
        "Have Backbone; Disagree and Commit",
        "have_backbone",
        "HAVE-BACKBONE",
        "have backbone; disagree and commit",
    ],
)
def test_get_principle_variants(query: str) -> None:
    assert get_principle(query).slug == "have-backbone"


def test_get_principle_by_name_and_underscore() -> None:
    assert get_principle("Customer Obsession").slug == "customer-obsession"
    assert get_principle("dive_deep").slug == "dive-deep"
    assert get_principle("Strive to be Earth's Best Employer").slug == "best-employer"
    assert get_principle("ARE_RIGHT_A_LOT").slug == "are-right-a-lot"


def test_get_principle_unknown_lists_slugs() -> None:
    with pytest.raises(KeyError) as info:
        get_principle("be-nice")
    assert "be-nice" in str(info.value)
    assert "customer-obsession" in str(info.value)


def test_resolve_lp_is_the_one_resolver() -> None:
    """One resolver; its error is a KeyError to lookups and a ValueError to pydantic validators."""
    assert resolve_lp("Dive_Deep") == "dive-deep" == get_principle("dive deep").slug
    with pytest.raises(UnknownPrincipleError) as info:
        resolve_lp("Being Nice")
    assert isinstance(info.value, KeyError) and isinstance(info.value, ValueError)
    assert str(info.value).startswith("unknown leadership principle 'Being Nice'; valid slugs: ")


@pytest.mark.parametrize("slug", EXPECTED_SLUGS)
def test_classifier_cues_and_exemplars_load(principles: dict[str, Principle], slug: str) -> None:
    p = principles[slug]
    assert len(p.classifier_cues) >= 10
    assert len(p.exemplars) >= 3


def test_exemplar_copying_a_bank_question_names_file_and_key(tmp_path: Path) -> None:
    directory = _copy_data(tmp_path)
    path = directory / "frugality.yaml"
    question = load_principles()["frugality"].questions[0].text
    text = path.read_text(encoding="utf-8").replace(
        "exemplars:\n", f'exemplars:\n  - "{question}"\n'
    )
    path.write_text(text, encoding="utf-8")
    with pytest.raises(PrincipleDataError, match=r"frugality\.yaml: exemplars: repeats a question"):
        load_principles(directory)


def test_default_load_is_cached_but_copy_is_safe() -> None:
    first = load_principles()
    first.pop("ownership")
    assert "ownership" in load_principles()
    assert load_principles()["dive-deep"] is first["dive-deep"]


def _copy_data(tmp_path: Path) -> Path:
    """A writable copy of the bundled YAML files."""
    target = tmp_path / "lps"
    shutil.copytree(DEFAULT_DIR, target)
    return target


def test_load_from_custom_directory(tmp_path: Path) -> None:
    directory = _copy_data(tmp_path)
    (directory / "frugality.yaml").unlink()
    loaded = load_principles(directory)
    assert len(loaded) == 15
    assert "frugality" not in loaded


def test_invalid_yaml_syntax_names_file(tmp_path: Path) -> None:
    directory = _copy_data(tmp_path)
    bad = directory / "think-big.yaml"
    bad.write_text("slug: think-big\nname: [unclosed\n", encoding="utf-8")
    with pytest.raises(PrincipleDataError, match=r"think-big\.yaml") as info:
        load_principles(directory)
    assert info.value.__cause__ is not None


def test_schema_error_names_file_and_field(tmp_path: Path) -> None:
    directory = _copy_data(tmp_path)
    path = directory / "frugality.yaml"
    text = path.read_text(encoding="utf-8").replace("level: manager", "level: intern", 1)
    path.write_text(text, encoding="utf-8")
    with pytest.raises(PrincipleDataError, match=r"frugality\.yaml.*questions\.\d+\.level"):
        load_principles(directory)


def test_too_few_probes_rejected(tmp_path: Path) -> None:
    directory = tmp_path / "lps"
    directory.mkdir()
    (directory / "tiny.yaml").write_text(
        "slug: tiny\nname: Tiny\norder: 1\nsummary: S.\nsignals: [a]\nred_flags: [b]\n"
        "keywords: [c]\nthemes: [cost]\nprobes: [p1]\nquestions:\n"
        + "".join(f"  - {{text: 'Tell me about a time {i}.', theme: cost}}\n" for i in range(10)),
        encoding="utf-8",
    )
    with pytest.raises(PrincipleDataError, match=r"tiny\.yaml.*probes"):
        load_principles(directory)


def test_top_level_not_mapping(tmp_path: Path) -> None:
    directory = tmp_path / "lps"
    directory.mkdir()
    (directory / "list.yaml").write_text("- just\n- a list\n", encoding="utf-8")
    with pytest.raises(PrincipleDataError, match=r"list\.yaml"):
        load_principles(directory)


def test_cross_file_duplicate_question_rejected(tmp_path: Path) -> None:
    directory = _copy_data(tmp_path)
    source = load_principles()["ownership"].questions[0].text
    path = directory / "frugality.yaml"
    text = path.read_text(encoding="utf-8")
    first = load_principles()["frugality"].questions[0].text
    path.write_text(text.replace(first, source.upper(), 1), encoding="utf-8")
    with pytest.raises(PrincipleDataError, match="duplicates a question in ownership"):
        load_principles(directory)


def test_slug_must_match_filename(tmp_path: Path) -> None:
    directory = _copy_data(tmp_path)
    (directory / "frugality.yaml").rename(directory / "thrift.yaml")
    with pytest.raises(PrincipleDataError, match=r"thrift\.yaml"):
        load_principles(directory)
