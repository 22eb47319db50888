"""Where a person stands: which way they lean on each option they are thinking about, how far
along they are, and how they want to decide (after the Ottawa Personal Decision Guide).

Everything the aid knows about it lives here: the wording, the answers offered and how they read
back. The form, the saved answers, the check page and the summary all read it from this module.
Nothing here is scored; every answer may be left out.
"""

TITLE = "Where do you stand?"
HINT = "All optional. Choosing none of them, or changing your mind later, is fine."

# Each answer's code (kept in the answers cookie, so never change one) and its words. The first
# letter of each leaning's code is how it travels (answers.py), so those must stay distinct.
LEANINGS = {
    "towards": "Leaning towards",
    "unsure": "Not sure",
    "against": "Leaning against",
}
STAGES = {
    "not-yet": "Not yet thought about it",
    "thinking": "Thinking about it",
    "close": "Close to choosing",
    "chosen": "Already chosen",
}
ROLES = {
    "me": "I decide, after hearing my clinician",
    "together": "We decide together",
    "clinician": "My clinician decides, after hearing me",
}
STAGE_QUESTION = "How far along are you?"
ROLE_QUESTION = "Who should decide?"


def leaning_field(slug: str) -> str:
    """The form field for one option's leaning."""
    return f"lean-{slug}"


def by_leaning(leaning: dict[str, str], options: list) -> list[tuple[str, list]]:
    """(a leaning's words, its options) for each leaning given, options in the order given."""
    grouped = []
    for code, words in LEANINGS.items():
        if leaned := [option for option in options if leaning.get(option.slug) == code]:
            grouped.append((words, leaned))
    return grouped


def leanings_in_words(leaning: dict[str, str], options: list) -> list[str]:
    """ "Leaning towards: A, B", one line per leaning given, options in the order given."""
    return [
        f"{words}: {', '.join(option.name for option in leaned)}"
        for words, leaned in by_leaning(leaning, options)
    ]
