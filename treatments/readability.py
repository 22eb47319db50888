"""Reading grade (Flesch-Kincaid) of patient-facing text.

textstat 0.7.8 is pinned: later releases fetch a dictionary through nltk at run time, which
fails offline. Names of treatments and glossary terms are set aside before measuring, because
a patient cannot be spared the word "ketamine" and it should not count against the sentence.
"""

import re
from collections.abc import Iterable

import textstat

GRADE_LIMIT = 8.0
_REFERENCE = re.compile(r"\[\d+(?:[,–-]\s*\d+)*\]")
_SENTENCE_BREAK = re.compile(r"(?<=[.!?])\s+")


def reading_grade(text: str, names: Iterable[str] = ()) -> float | None:
    """The Flesch-Kincaid grade of `text`, or None when there is nothing to measure."""
    text = _REFERENCE.sub("", text or "")
    for name in sorted({n for n in names if n}, key=len, reverse=True):
        text = re.sub(rf"\b{re.escape(name)}\b", "it", text, flags=re.IGNORECASE)
    if not re.search(r"[A-Za-z]", text):
        return None
    if not re.search(r"[.!?]\s*$", text.strip()):
        text = text.strip() + "."
    return round(textstat.flesch_kincaid_grade(text), 1)


def sentence_count(text: str) -> int:
    """How many sentences `text` has: the readability rule measures texts of two or more."""
    text = _REFERENCE.sub("", text or "").strip()
    return sum(1 for part in _SENTENCE_BREAK.split(text) if re.search(r"[A-Za-z]", part))


def is_plain(grade: float | None) -> bool:
    return grade is None or grade <= GRADE_LIMIT
