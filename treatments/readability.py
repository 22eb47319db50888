"""Reading grade (Flesch-Kincaid) of patient-facing text: one measure everywhere.

The editors' page, the live aid as they type and the content tests all call `reading_grade`, so
a text has one grade. It is measured as a patient reads it. Words the glossary explains are
listed beside the grade, never hidden from it; the grade without them is given too, because the
aid's rule (grade 8 or below, terms explained on first use) counts an explained word as plain.

textstat 0.7.8 is pinned: later releases fetch a dictionary through nltk at run time, which
fails offline.
"""

import re
from collections.abc import Iterable
from dataclasses import dataclass

import textstat

GRADE_LIMIT = 8.0
# A grade of one sentence says little: a heading or a label is left to the editor's judgement.
MIN_SENTENCES = 2
_REFERENCE = re.compile(r"\[\d+(?:[,–-]\s*\d+)*\]")
_SENTENCE_BREAK = re.compile(r"(?<=[.!?])\s+")
_LETTER = re.compile(r"[A-Za-z]")


@dataclass(frozen=True)
class Grade:
    """A text's reading grade, as written and without the words the glossary explains."""

    sentences: int = 0
    value: float | None = None  # None: nothing to measure, or under two sentences
    without_glossary: float | None = None
    glossary: tuple[str, ...] = ()

    @property
    def measured(self) -> bool:
        return self.value is not None

    @property
    def too_short(self) -> bool:
        return 0 < self.sentences < MIN_SENTENCES

    @property
    def plain(self) -> bool:
        """What the aid's rule checks: grade 8 or below, counting glossary words as plain."""
        return self.without_glossary is None or self.without_glossary <= GRADE_LIMIT

    @property
    def note(self) -> str:
        """The grade in words, as an editor sees it under the text."""
        if self.too_short:
            return "Too short to grade (under two sentences)."
        if not self.measured:
            return ""
        words = f"Reading grade {self.value:g}"
        if not self.plain:
            words += (
                f": above grade {GRADE_LIMIT:g}, try shorter sentences and words"
                if not self.glossary
                else f" ({self.without_glossary:g} without the glossary words): above grade "
                f"{GRADE_LIMIT:g}, try shorter sentences and words"
            )
        elif self.glossary and self.value != self.without_glossary:
            words += f" ({self.without_glossary:g} without the glossary words)"
        words += "."
        if self.glossary:
            words += " Explained in the glossary: " + ", ".join(self.glossary) + "."
        return words

    def as_json(self) -> dict:
        return {
            "grade": self.value,
            "without_glossary": self.without_glossary,
            "glossary": list(self.glossary),
            "too_short": self.too_short,
            "plain": self.plain,
            "limit": GRADE_LIMIT,
            "note": self.note,
        }


def reading_grade(text: str, glossary: Iterable[str] = ()) -> Grade:
    """The Flesch-Kincaid grade of `text`; `glossary` is the glossary's terms."""
    text = _REFERENCE.sub("", text or "").strip()
    sentences = sentence_count(text)
    if sentences < MIN_SENTENCES:
        return Grade(sentences=sentences)
    found = []
    plain_text = text
    for term in sorted({t.strip() for t in glossary if t and t.strip()}, key=len, reverse=True):
        pattern = re.compile(rf"\b{re.escape(term)}(?:e?s)?\b", re.IGNORECASE)
        if pattern.search(plain_text):
            found.append(term)
            # Counted as one short word: "it".
            plain_text = pattern.sub("it", plain_text)
    return Grade(
        sentences=sentences,
        value=_flesch_kincaid(text),
        without_glossary=_flesch_kincaid(plain_text),
        glossary=tuple(sorted(found, key=str.lower)),
    )


def _flesch_kincaid(text: str) -> float:
    if not re.search(r"[.!?]\s*$", text):
        text += "."
    return round(textstat.flesch_kincaid_grade(text), 1)


def sentence_count(text: str) -> int:
    """How many sentences `text` has: the readability rule measures texts of two or more."""
    text = _REFERENCE.sub("", text or "").strip()
    return sum(1 for part in _SENTENCE_BREAK.split(text) if _LETTER.search(part))
