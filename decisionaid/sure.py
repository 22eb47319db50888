"""The SURE test: four yes/no questions on how sure a person feels about a choice.

(Légaré F, et al. Can Fam Physician 2010;56:e308-14.) Everything the aid knows about it lives
here: the items and their wording, how it is scored and what counts as unsure. The form, the
saved answers, the check page and the summary all read it from this module.
"""

from dataclasses import dataclass

TITLE = "How sure do you feel?"
HINT = "Four yes-or-no questions, the SURE test. They show what may need more talk."

# Item -> question. Saved answers carry the items by position (answers.py), so never reorder
# them: add new ones at the end.
ITEMS = {
    "sure": "Do you feel sure about the best choice for you?",
    "understand": "Do you know the benefits and risks of each option?",
    "risks_benefits": "Are you clear about which benefits and risks matter most to you?",
    "support": "Do you have enough support and advice to make a choice?",
}
ANSWERS = [("yes", "Yes"), ("no", "No")]

OUT_OF = len(ITEMS)  # one point for each "yes"
SCORING = "one point for each “yes”"
UNSURE_AT = 3  # a score of 3 or less suggests the person may be unsure


def score(answers: dict[str, str]) -> int | None:
    """One point per "yes"; None until every item is answered."""
    if any(answers.get(item) not in ("yes", "no") for item in ITEMS):
        return None
    return sum(1 for item in ITEMS if answers[item] == "yes")


def is_unsure(points: int | None) -> bool:
    return points is not None and points <= UNSURE_AT


def in_words(points: int | None) -> str:
    """The score as the check page says it; empty until every item is answered."""
    return "" if points is None else f"{points} of {OUT_OF} “yes” answers"


@dataclass(frozen=True)
class Result:
    """The test as the summary prints it."""

    score: int | None
    unsure: bool
    no_to: list[str]  # the questions answered "no", in their own words
    out_of: int = OUT_OF
    scoring: str = SCORING


def result(answers: dict[str, str]) -> Result:
    points = score(answers)
    return Result(
        score=points,
        unsure=is_unsure(points),
        no_to=[question for item, question in ITEMS.items() if answers.get(item) == "no"],
    )
