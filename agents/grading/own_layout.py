"""A candidate's own layout: STAR headings, bulleted steps, a title and emphasis are the answer.

Candidates who type their answer often lay it out: "Situation: ..." lines, a bulleted list of what
they did, a "## My answer" heading. Those look like the labelled lines, result lists and section
marks of a pasted payload, so the injection rules of `structure.py` ask here first. A block whose
labelled lines are all STAR headings naming three or more parts is the candidate's layout; a list
most of whose items are the speaker's own deeds ("- I mapped every step") is the candidate's
list; a short Markdown heading is a title; emoji and **bold** are how people type. Each span is
judged on its words without that layout, by the same rules as any sentence.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from agents.grading.disguise import EMAIL
from agents.grading.own_labels import LABELLED_LINE, own_label
from agents.textutil import Span, find_metrics

# STAR headings opening a line ("Situation:", "**Task** -", "Result(s):"), by the part they name.
_STAR_HEAD = re.compile(
    r"^[ \t]*[*_#>-]*\s*(?:(?:slide|section|part|step)\s*\d*\s*[-:–—]\s*)?(?:(?:the|our)\s+)?"
    r"(?:(?P<s>situation|context|background|problem|challenge|issue|s(?=\W{0,2}:))|"
    r"(?P<t>task|goal|objective|my role|my job|my part|my bit|my goal|the ask|"
    r"why it was (?:ours|mine)|t(?=\W{0,2}:))|"
    r"(?P<a>actions?|approach|what (?:i|we) (?:did|changed|tried)|how (?:i|we) did it|"
    r"(?:my |our |the |team )?plan|"
    r"a(?=\W{0,2}:))|"
    r"(?P<r>results?|outcomes?|impact|r(?=\W{0,2}:))|"
    r"(?P<l>learnings?|lessons?(?: learned| learnt)?|reflections?|takeaways?|looking back|"
    r"what i (?:took away|learned|learnt)|what i(?:'d| would) (?:say|do) (?:now|differently)|"
    r"l(?=\W{0,2}:)))"
    # ... with a colon or dash, or alone on their line ("Context", "What I did").
    r"[*_)]*(?:\s*[:—–-]|[ \t]*$)"
    r"[*_]*[ \t]*",
    re.IGNORECASE,
)


# Labels that belong to a grade or a form, never to a candidate's notes under their headings.
_GRADE_LABEL = re.compile(
    r"^[ \t]*[*_#>-]*\s*(?:\w+\s+)?(?:score|rating|grade|marks?|measurab\w*|ownership|overall|"
    r"verdict|hire|band|assessment|evaluation|assessor|grader|reviewer|interviewer|rubric|"
    r"recommendation|decision|status|level|tier)s?\b"
    r"|^[ \t]*[*_#>-]*\s*(?:\w+\s+)?(?:note|feedback|comment|message|review)s?\s+(?:to|for|from)\b",
    re.IGNORECASE,
)


# Parts typed on one line: "Situation: ... | Task: ... | Action: ...".
_PIPE = re.compile(r"[ \t]+[|¦][ \t]+")


def _head_lines(block: str) -> list[str]:
    """The block's lines, each part of a pipe-separated line on its own, emoji taken off."""
    return [_EMOJI.sub("", part) for line in block.splitlines() for part in _PIPE.split(line)]


def star_structured(block: str) -> bool:
    """`block` is laid out under STAR headings: every labelled line from the first heading on is
    one (a title or a dated line may come before), and they name three or more parts, or two
    when one of them sets the scene or the task ("context: ... result: ...")."""
    heads: list[str | None] = []
    others = 0
    for line in _head_lines(block):
        head = _STAR_HEAD.match(line)
        if head is not None:
            heads.append(head.lastgroup)
        elif heads and LABELLED_LINE.match(line):
            if _GRADE_LABEL.match(line):
                return False
            others += 1
    # A label of the candidate's own under full headings ("Deadline: live in 5 days") is a note.
    return len(set(heads)) >= (3 if others else 2)


def own_labelled(block: str) -> bool:
    """`block`'s labelled lines are the candidate's own: STAR headings, a timeline, questions they
    put to themselves, or a dialogue they tell (`own_labels`)."""
    return star_structured(block) or own_label(block) is not None


def without_star_head(text: str) -> str:
    """The span's words after its STAR heading ("**Result:** fell 30%" -> "fell 30%"); the parts of
    a pipe-separated line each without theirs, joined as sentences."""
    parts = [_EMOJI.sub("", part).strip() for part in _PIPE.split(text)]
    heads = [_STAR_HEAD.match(part) for part in parts]
    if not any(
        head and part[head.end() :].strip() for head, part in zip(heads, parts, strict=True)
    ):
        return text
    return ". ".join(
        part[head.end() :] if head and part[head.end() :].strip() else part
        for head, part in zip(heads, parts, strict=True)
    )


# A list item's marker, and the rest of its line: "- I mapped ...", "2) I cut ...", "• we ...".
_ITEM = re.compile(r"^[ \t]*(?:[-*•+▪◦‣]|\d{1,2}[.)]|\(?[a-h][.)])[ \t]+(?P<body>\S.*)$", re.DOTALL)
# A list marker or step number opening a span: "- ", "2) ", "(b) ", "Step 3: ". The role model
# learned sentences as people say them; "1." would read as a figure and a dash as nothing at all.
_MARK = re.compile(
    r"^[ \t]*(?:[-*•+▪◦‣]|\(?\d{1,2}[.)]|\(?[a-h][.)]"
    r"|[*_]{0,2}(?i:step|stage|phase|point)[ \t]*\d{1,2}[*_]{0,2}[ \t]*[:.)—–-][*_]{0,2})"
    r"[ \t]+(?=\S)"
)


def unmarked(span: Span) -> Span:
    """The span without the list marker or step number it opens with (offsets stay verbatim)."""
    m = _MARK.match(span.text)
    if m is None:
        return span
    return Span(span.start + m.end(), span.end, span.text[m.end() :])


# The item's words are the speaker's own deed: "I mapped", "then we removed", "My team and I".
_OWN_DEED = re.compile(
    r"^\W*(?:(?:and|then|so|also|finally|next|first)\s+)?(?:I|we|my team and I)\b"
    # A résumé's implied "I": "Led the migration", "Built a runbook", "Reduced costs by 40%".
    r"|^\W*(?:[a-z]{2,}ed|led|built|ran|wrote|made|drove|cut|set|took|won|grew|brought|found|"
    r"taught|sold|held|kept|met|spent|sent|got|gave|began|chose|told|oversaw|rebuilt|rewrote|"
    r"hired|shipped|launched|owned)\s+(?:a|an|the|my|our|\w+)",
    re.IGNORECASE,
)
# A short Markdown heading: "## My answer", "# Background".
_MD_HEADING = re.compile(r"^[ \t]*#{1,6}[ \t]+(?P<body>[^\n#]{1,60})$")


# A plain title on the answer's first line: a few words, no sentence end or field, no figure.
_TITLE_WORDS = 8
_TITLE = re.compile(r"[\w '’&,()–—-]+")
# Shorthand people type in their own notes: arrows, "w/", "b/c", "~40 min", "6 wks", "£6k/mo".
_SHORTHAND = re.compile(
    r"->|=>|→|\bw/(?=\s)|\bb/c\b|~\s?[\d£$€]|\bapprox\b|\b\d+\s?(?:hrs?|wks?|mins?|mos?)\b|"
    r"/(?:mo|wk|hr|yr)\b",
    re.IGNORECASE,
)


def _plain_title(text: str, spans: Sequence[Span], i: int) -> bool:
    """Span `i` is a title typed on the first line ("Homework complaints — Year 7")."""
    span = spans[i]
    return (
        i == 0
        and len(spans) > 1
        and text[span.end :].lstrip(" \t").startswith("\n")
        and len(span.text.split()) <= _TITLE_WORDS
        and _TITLE.fullmatch(span.text.strip()) is not None
        and not find_metrics(span.text)
    )


def _in_own_shorthand(spans: Sequence[Span], own: set[int]) -> set[int]:
    """Indexes of shorthand spans in an answer whose own deeds are typed in shorthand: a
    candidate who writes "pulled 6 wks of data -> peaks at 7am" also writes "=> wait ~40 min"."""
    deeds = [i for i, s in enumerate(spans) if i in own or _OWN_DEED.match(s.text)]
    if not any(_SHORTHAND.search(spans[i].text) for i in deeds):
        return set()
    return {i for i, s in enumerate(spans) if _SHORTHAND.search(s.text)}


# A heading that introduces a summary of results ("Impact summary", "Key results:"): the list
# under it is a pasted scorecard, whatever its verbs.
_RESULTS_HEADING = re.compile(
    r"(?:^|[.!?]\s+)\W*(?:[\w-]+\s+){0,2}(?:impact|results?|outcomes?|metrics|achievements?|"
    r"highlights|summary|kpis?|numbers|wins|accomplishments)\b[^.!?\n]{0,30}:?\s*$",
    re.IGNORECASE,
)


def _outline(spans: Sequence[Span]) -> set[int]:
    """Indexes of every list item when the list is an outline under STAR headings of its own
    ("- The issue", "- What I did", "- Outcome", each over indented points)."""
    items = {i for i, s in enumerate(spans) if _ITEM.match(s.text)}
    parts = set()
    for i in items:
        label = _ITEM.match(spans[i].text)["body"].rstrip(" :") + ":"
        head = _STAR_HEAD.match(label)
        if head is not None and not label[head.end() :].strip():
            parts.add(head.lastgroup)
    return items if len(parts) >= 2 else set()


# A footnote under the answer ("* Roughly four times a normal month's volume."), whose mark the
# answer carries after a word ("more than 3,000 new claims in two days*").
_FOOTNOTE = re.compile(r"^[ \t]*(?P<mark>\*{1,3}|†{1,2}|‡)[ \t]+(?P<body>\S.*)$", re.DOTALL)


def _footnotes(text: str, spans: Sequence[Span]) -> dict[int, str]:
    """Footnote spans, by index, with their words: each mark also stands after a word above."""
    notes = {}
    for i, span in enumerate(spans):
        note = _FOOTNOTE.match(span.text)
        if note is None:
            continue
        called = re.compile(r"(?<=[\w.,;:)\]%])" + re.escape(note["mark"]) + r"(?![*†‡])")
        if called.search(text[: span.start]):
            notes[i] = note["body"]
    return notes


# A story typed as bullets, one or two of its sentences an item: most items are whole sentences
# (this many words or more, ending like one), and the speaker is in two of them and a third or
# more (a story has other people in it; a list of outcomes has nobody).
_STORY_ITEM_WORDS = 8
_SPEAKER = re.compile(
    r"\b(?:i|i'm|i'd|i've|i'll|me|my|mine|myself|we|we're|we'd|we've|us|our|ours)\b", re.IGNORECASE
)


def _told_story(bodies: Sequence[str]) -> bool:
    """List items that tell the speaker's story in whole sentences ("- I told him we couldn't
    stand behind it."), as opposed to a list of outcomes in nobody's voice."""
    whole = sum(
        len(b.split()) >= _STORY_ITEM_WORDS and b.rstrip(" \"'’”)*_")[-1:] in ".!?" for b in bodies
    )
    speaker = sum(bool(_SPEAKER.search(b)) for b in bodies)
    return len(bodies) >= 3 and 3 * whole >= 2 * len(bodies) and speaker >= max(2, len(bodies) / 3)


def _own_list_items(text: str, spans: Sequence[Span]) -> set[int]:
    """Indexes of list items in runs (one paragraph, not under a results heading) where at least
    half the items are the speaker's own deeds, or that tell the speaker's story in sentences.
    A second sentence on an item's line continues the item, not the run's end."""
    own: set[int] = set()
    run: list[int] = []
    for i, span in enumerate([*spans, None]):
        item = _ITEM.match(span.text) if span is not None else None
        gap = text[spans[run[-1]].end : span.start] if run and span is not None else "\n\n"
        if item and (not run or "\n\n" not in gap):
            run.append(i)
            continue
        if run and span is not None and "\n" not in gap:
            continue  # the item's line goes on: "- I called her. She agreed."
        bodies = [_ITEM.match(spans[j].text)["body"] for j in run]
        deeds = sum(bool(_OWN_DEED.match(b)) for b in bodies)
        lead = text[: spans[run[0]].start].rstrip() if run else ""
        summary = bool(_RESULTS_HEADING.search(lead[-80:]))
        # Under a results heading, only a told story is the candidate's: a list of outcomes there
        # is a pasted summary ("Results: - churn down 40% - $2M saved").
        if len(run) >= 2 and ((2 * deeds >= len(run) and not summary) or _told_story(bodies)):
            own.update(run)
        run = [i] if item else []
    return own


# Short lines of the candidate's own notes, one thought a line and no full stops: "Night shift,
# ambulance crew / Called to an elderly man, fallen at home / I did a stroke assessment...".
_NOTE_WORDS = 14
_NOTE_LINES = 4


def _note_lines(text: str, spans: Sequence[Span]) -> set[int]:
    """Indexes of runs of at least _NOTE_LINES short unpunctuated lines, each a span of its own,
    of which at least two are the speaker's own deeds: their notes, whose form is theirs."""
    own: set[int] = set()
    run: list[int] = []
    for i, span in enumerate([*spans, None]):
        short = (
            span is not None
            and len(span.text.split()) <= _NOTE_WORDS
            and span.text[-1:].isalnum()
        )
        if short and run and text[spans[run[-1]].end : span.start].count("\n") == 1:
            run.append(i)
            continue
        deeds = sum(bool(_OWN_DEED.match(spans[j].text)) for j in run)
        if len(run) >= _NOTE_LINES and deeds >= 2:
            own.update(run)
        run = [i] if short else []
    return own


# Typed decoration, not structure: emoji (with their joiners and variation selectors) and
# Markdown emphasis around words ("fell from **300 a week to 4**").
_EMOJI = re.compile("[\U0001f300-\U0001faff\u2764\u2b50\u2728][\ufe0f\u200d\U0001f3fb-\U0001f3ff]*")
_EMPHASIS = re.compile(r"(\*\*|__|\*|_)(?=\S)([^*_\n]{1,200}?)(?<=\S)\1")
# Social typing: "@Dana" is Dana; "#electionnight" is a tag, not words of the sentence.
_MENTION = re.compile(r"(?<![\w@])@(?=[A-Za-z])")
_HASHTAG = re.compile(r"(?<![\w#&])#[A-Za-z]\w*")
# The words of a CamelCase tag: "#Saved4000Pounds" -> "Saved", "4000", "Pounds".
_TAG_WORD = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+")


def _untagged(text: str) -> str:
    """`text` without a tag or two ("#electionnight"); a run of tags, or tags with figures, are
    read as their words ("#Saved4000Pounds #TopMarks" -> "Saved 4000 Pounds Top Marks")."""
    tags = _HASHTAG.findall(text)
    if len(tags) <= 2 and not any(c.isdigit() for tag in tags for c in tag):
        return _HASHTAG.sub("", text)
    return _HASHTAG.sub(lambda m: " ".join(_TAG_WORD.findall(m[0])), text)


def undecorated(text: str) -> str:
    """`text` without emoji and Markdown emphasis marks, spaces tidied."""
    # An e-mail address typed in a sentence ("my old manager is at jane.doe@example.com") is a
    # contact, not a payload's form: the model of form reads it as the word "e-mail".
    plain = EMAIL.sub("e-mail", text)
    plain = _EMPHASIS.sub(r"\2", _EMOJI.sub("", _untagged(_MENTION.sub("", plain))))
    return " ".join(plain.split()) if plain != text else text


def layout_bodies(text: str, spans: Sequence[Span]) -> list[tuple[str, bool]]:
    """What each span says once the candidate's own layout is taken off, and whether it is part
    of that layout: the words after a STAR heading (when the answer is laid out under them),
    after the marker of an item of the candidate's own list, after a short heading's hashes;
    otherwise the span as it is (without emoji and emphasis)."""
    # Headings open a line, or a sentence typed straight after the last ("... left. Team plan:").
    joined = "\n".join(s.text for s in spans)
    star = star_structured(joined)
    # ... or by a time, a question and answer, or a speaker of their dialogue.
    label = None if star else own_label(joined)
    own = _own_list_items(text, spans) | _outline(spans)
    note_lines = _note_lines(text, spans)
    notes = _footnotes(text, spans)
    shorthand = _in_own_shorthand(spans, own)
    bodies = []
    for i, span in enumerate(spans):
        body = without_star_head(span.text) if star else span.text
        if label is not None and (head := label.match(span.text)) and span.text[head.end() :]:
            body = span.text[head.end() :]
        owned = (
            i in own
            or i in notes
            or i in shorthand
            or i in note_lines
            or body != span.text
            # Under STAR headings every line is the candidate's: the title and date line above
            # the first, and the notes under each ("Mobile banking app, store rejected it").
            or star
            or _plain_title(text, spans, i)
        )
        if i in notes:
            body = notes[i]
        elif i in own:
            body = _ITEM.match(span.text)["body"]
        elif (heading := _MD_HEADING.match(body)) and len(heading["body"].split()) <= 8:
            body = heading["body"].strip()
        plain = undecorated(body)
        # A line of tags and emoji only ("#electionnight 🗳️") is decoration: nothing to read.
        bodies.append((plain, True) if not plain.strip() and body.strip() else (plain, owned))
    return bodies


# A letter's sign-off on its own line ("Best regards,\n"): what follows is a pasted signature.
_VALEDICTION = re.compile(
    r"^\W*(?:(?:best|kind|warm|warmest|with)\s+)?(?:regards|wishes)\s*,?$"
    r"|^\W*(?:many thanks|thanks|cheers|sincerely|yours (?:sincerely|truly|faithfully))\s*,$",
    re.IGNORECASE,
)
# ... unless all that follows is the writer's name: the candidate's own e-mail, signed.
_NAME_ONLY = re.compile(r"[A-Z][\w'’.-]*(?:[ \t]+[A-Z][\w'’.-]*){0,2}")


def signs_off(text: str, span: Span) -> bool:
    """True for a sign-off line that a line break follows: an e-mail's signature starts there.

    The e-mail signature separator, "--" alone on a line, is one too. A sign-off followed by a name
    alone ("Thanks,\nLuis") ends the candidate's own e-mail."""
    rest = text[span.end :]
    if not rest.lstrip(" \t").startswith("\n"):
        return False
    if _VALEDICTION.match(span.text):
        return not _NAME_ONLY.fullmatch(rest.strip())
    return span.text.strip() == "--"
