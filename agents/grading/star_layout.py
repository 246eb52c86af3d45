"""A candidate's own STAR layout: "Situation: ...", "**Result:** ..." lines are the answer.

Candidates who type their answer often label its parts. Those labels look like the labelled lines
of a pasted data block, so the injection rules of `structure.py` ask here first: a block whose
labelled lines are all STAR headings naming three or more parts is the candidate's layout, and a
span that opens with such a heading is judged on what follows the heading.
"""

from __future__ import annotations

import re

# STAR headings opening a line ("Situation:", "**Task** -", "Result(s):"), by the part they name.
_STAR_HEAD = re.compile(
    r"^[ \t]*[*_#>-]*\s*(?:(?P<s>situation|context|background|s(?=\W{0,2}:))|"
    r"(?P<t>task|goal|objective|t(?=\W{0,2}:))|(?P<a>actions?|approach|what i did|a(?=\W{0,2}:))|"
    r"(?P<r>results?|outcomes?|impact|r(?=\W{0,2}:))|"
    r"(?P<l>learnings?|lessons?(?: learned| learnt)?|reflections?|takeaways?|l(?=\W{0,2}:)))"
    r"[*_)]*\s*[:—–-]"
    r"[*_]*[ \t]*",
    re.IGNORECASE,
)
# Any "Label:" opening a line, STAR heading or not.
_LABELLED_LINE = re.compile(r"^[ \t]*[*_#>-]*\s*[\w ()/&'-]{1,30}[*_]*\s*[:—–]", re.MULTILINE)


def star_structured(block: str) -> bool:
    """Every labelled line of `block` is a STAR heading, and they name three or more parts."""
    heads = []
    for line in block.splitlines():
        head = _STAR_HEAD.match(line)
        if head is not None:
            heads.append(head.lastgroup)
        elif _LABELLED_LINE.match(line):
            return False
    return len(set(heads)) >= 3


def without_star_head(text: str) -> str:
    """The span's words after its STAR heading ("**Result:** fell 30%" -> "fell 30%")."""
    head = _STAR_HEAD.match(text)
    return text[head.end() :] if head and text[head.end() :].strip() else text
