"""Rules after the learned roles: the scene is not the task unless it says whose job it was, and
a sentence that says the job was not the speaker's is not the task either.

The model often reads an answer's scene ("People on my support team were burning out from
after-hours pages", "My VP wanted me to offer a bank 35% off") as the task too, and the same
sentence is then quoted as evidence for both. A task says that something was the speaker's (or
their group's) to do; those words are exact enough for a rule, so a sentence read as both the
scene and the task keeps the task only when it says so.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from agents.grading.analyzer import Sentence

# Words that put a job on the speaker or their group: "was on me", "down to our squad", "I was
# asked to", "my part was", "the go decision was mine", "we decided we must stop this".
RESPONSIBILITY = re.compile(
    r"\b(?:was|were|is|'s)\s+(?:all\s+|also\s+|squarely\s+|really\s+)?(?:mine|ours|on me|on us|"
    r"on (?:the|our|my)\b[^,.;]{0,40}?\bto\b)|"
    r"\bdown to (?:me|us|our|my|the \w+ of us)\b|\bone of (?:mine|ours)\b|"
    r"\b(?:landed|fell|falls|rested|sat)\s+(?:\w+\s+)?(?:on|to|with)\s+(?:me|us)\b|"
    r"\bresponsib|\baccountable\b|\bin charge\b|\bmy name\b|\bthat was us\b|\bby me\b|"
    r"\b(?:asked|expected|tasked|assigned|needed|trusted|charged)\s+(?:me|us|the \w+ of us)\s+to\b|"
    r"\b(?:I|we)\s+(?:was|were)\s+(?:\w+\s+)?(?:asked|expected|tasked|assigned|charged)\b|"
    r"\b(?:volunteered|offered|agreed|decided|committed|set out)\s+(?:to|we'd|we would|we must|"
    r"we had to|I'd|I would|I had to|it was|that (?:I|we))\b|"
    r"\bset (?:myself|ourselves|the)\b[^.;]{0,30}?\b(?:target|goal|aim|metric)|"
    r"\b(?:my|our) (?:job|task|brief|goal|aim|target|remit|part|role|mandate|project|feature|"
    r"call|decision|roadmap|plan|bit)\b|"
    r"\b(?:I|we) had (?:about |only |just )?(?:\w+ ){0,3}?to (?:decide|deliver|fix|get|find|make|"
    r"sort|keep|save|turn|bring|clear|cut|reduce|win|hit)\b|"
    r"\b(?:be|been) (?:all )?(?:mine|ours)\b|\bbeen (?:asked|tasked|given|told)\b|"
    r"\b(?:I|we)(?: still| really| just)? had to (?!be\b)|"
    r"\b(?:told|asked) (?:me|us)\b[^.;]{0,60}?\bhad to\b|"
    r"\bagreed\b[^.;]{0,40}?\bthat (?:I|we)(?:'d| would)\b|"
    r"\b(?:I|we)(?:'d| would) (?:sort|fix|handle|own)\b|"
    r"\bI was (?:a|an|the) [\w -]{1,30}? (?:on|for) (?:the|that|this|our) [\w -]{1,25}\W*$|"
    r"\bif (?:I|we) (?:don't|didn't)\b[^.;]{0,40}?\bnobody (?:will|would)\b|\bmade me\b",
    re.IGNORECASE,
)


# Chosen on the dev stories (odd numbers): above it, the scene-and-task sentences without the
# words above were as often tasks as not.
TASK_SURE = 0.8


def scene_not_task(sentences: list[Sentence], p_task: Sequence[float]) -> None:
    """A sentence read as both the scene and the task that says nothing about whose job it was
    is the scene only, unless the model is sure of the task (at least TASK_SURE)."""
    for s, p in zip(sentences, p_task, strict=True):
        if (
            s.has("situation")
            and s.has("task")
            and p < TASK_SURE
            and not RESPONSIBILITY.search(s.text)
        ):
            if s.label == "task":
                s.label = "situation"
                s.also = [r for r in s.also if r != "situation"]
            else:
                s.also = [r for r in s.also if r != "task"]


# "It wasn't my call", "well outside my job", "as a postdoc I had no formal role in them", "nobody
# asked me to get involved": the words of responsibility, denied. Told that way the sentence sets
# the scene for going beyond one's remit; it becomes the task only when the speaker takes the job
# on in the same breath ("it wasn't my area, but I decided to take it on").
DISOWNS = re.compile(
    r"\b(?:(?:was|were|is|are)(?:n't| not)|had(?:n't| not) been)\s+(?:really\s+|anywhere near\s+|"
    r"even\s+|strictly\s+|technically\s+|officially\s+|exactly\s+)?(?:my|our)\s+(?:call|job|"
    r"remit|area|territory|responsibility|problem|decision|role|place|department|patch|lane|"
    r"project|account|number|business|team)\b|\bnot (?:mine|ours)\b|"
    r"\boutside (?:my|our) (?:job|remit|role|area|lane|responsibilit\w+|scope)\b|"
    r"\bno (?:formal |official |real )?(?:role|responsibility|authority|say) (?:in|over|for)\b|"
    r"\b(?:nobody|no one) (?:had )?asked (?:me|us)\b|\bnot my (?:job|call|remit|area|role)\b",
    re.IGNORECASE,
)
TAKES_ON = re.compile(
    r"\b(?:but|even though|though|so I|I decided|I'd|I said|I offered|I took|I wanted|"
    r"(?:I|we) needed|(?:I|we) had to)\b|"
    r"\b(?:was|is|it's) (?:kind of |really )?mine\b",
    re.IGNORECASE,
)


def disowns(text: str) -> bool:
    """The sentence denies that the job was the speaker's and does not take it on."""
    return bool(DISOWNS.search(text)) and not TAKES_ON.search(text)


def disowned_not_task(sentences: list[Sentence]) -> None:
    """A sentence that says the job was not the speaker's, and does not take it on, is the scene
    (when it was read as the task alone) or loses the task (when it was read as more)."""
    for s in sentences:
        if not s.has("task") or not disowns(s.text):
            continue
        if s.label == "task":
            s.label, s.also = (s.also[0], s.also[1:]) if s.also else ("situation", [])
        else:
            s.also = [r for r in s.also if r != "task"]


# Shorter openings ("So, the rota.") do not set a scene on their own.
SCENE_MIN_WORDS = 8
# ...nor does an opening the model is sure is only a deed ("So we pulled the raw order tables").
# Chosen on the dev part: openings it rightly marks read 0.17-0.59 as context, bare deeds < 0.1.
OPENING_SCENE_FLOOR = 0.1
# What makes an opening the scene: it frames time, place or role ("In my final year", "At
# Harbourline", "When fraud moved under me", "As head chef"), or says how things were ("I was a
# paralegal", "the call-out system was just ringing down a list"). "I restored the database from
# the last good backup" frames nothing: it is the first deed.
SCENE_CUE = re.compile(
    r"^\W*(?:(?:so|well|okay|ok|right|um|uh|yeah)\b,?\s+)*(?:in|at|on|during|when|while|after|"
    r"before|back|last|as|every|the first time|one|a few|early|late)\b"
    # A state said early, before any deed: "The customer I worked most closely with was a
    # university"; a "were" deep in a list of deeds ("...until mismatches were explained") is not.
    r"|^\W*(?:[\w'’-]+,?\s+){0,8}?(?:was|were|am|is|are|had been|'d been|used to)\b"
    r"|^\W*(?:\w+\s+){0,2}\w+'m\b|\bwhich meant\b",
    re.IGNORECASE,
)


def opening_scene(sentences: list[Sentence], p_situation: Sequence[float]) -> None:
    """An answer of three or more sentences with no scene over the model's threshold: its opening
    sets it. The model reads many openings as deeds ("In my final year I entered a case
    competition", "In 2020 I wrote the cabinet report"), yet what a story opens with is its
    context. A result-first or lesson-first opening hands this to the next sentence; a task stated
    up front ("My job was to ...") is not the scene, nor is a short opening or a bare deed."""
    if len(sentences) < 3 or any(s.has("situation") for s in sentences):
        return
    for i, s in enumerate(sentences[:2]):
        if s.has("learning") or s.has("result"):
            continue
        if (
            len(s.text.split()) >= SCENE_MIN_WORDS
            and not s.has("task")
            and p_situation[i] >= OPENING_SCENE_FLOOR
            and SCENE_CUE.search(s.text)
        ):
            s.add("situation")
        return
