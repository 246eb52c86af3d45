"""Speech-to-text quality measures shared by the voice tests and the voice benchmark."""

from __future__ import annotations

import re


def word_error_rate(reference: str, hypothesis: str) -> float:
    """Word error rate by edit distance on lower-case words without punctuation."""
    ref = re.findall(r"[a-z0-9']+", reference.lower())
    hyp = re.findall(r"[a-z0-9']+", hypothesis.lower())
    d = list(range(len(hyp) + 1))
    for i, r in enumerate(ref, 1):
        prev, d[0] = d[0], i
        for j, h in enumerate(hyp, 1):
            prev, d[j] = d[j], min(d[j] + 1, d[j - 1] + 1, prev + (r != h))
    return d[-1] / max(1, len(ref))
