"""The items of the FHIR Questionnaire (decisionaid/fhir.py), each made beside the way its answer
is read, so the two cannot drift apart. Each step of the journey declares its own items with
these (`Stop.fhir`).

Every answer is a coding whose code is the slug the answers already use, in a code system named
after the question, so a record system can show the words and this aid can read the codes back;
what the person wrote in their own words is a string.
"""

from collections.abc import Callable, Iterable

from decisionaid.answers import Answers

# An item's answers in the response, read from the person's answers (none when not answered).
Read = Callable[[Answers], list[dict]]
Item = tuple[dict, Read]


def coding(system: str, code: str, display: str) -> dict:
    return {"system": system, "code": code, "display": display}


def choice_item(
    link_id: str,
    text: str,
    system: str,
    options: Iterable[tuple[str, str]],
    chosen: Callable[[Answers], list],
    *,
    repeats: bool,
    **more,
) -> Item:
    """A question answered from a list: its codes are the slugs `chosen` reads."""
    offered = {code: coding(system, code, label) for code, label in options}
    item = {
        "linkId": link_id,
        "text": text,
        "type": "choice",
        "repeats": repeats,
        "answerOption": [{"valueCoding": code} for code in offered.values()],
    } | more

    def read(answers: Answers) -> list[dict]:
        return [{"valueCoding": offered[code]} for code in chosen(answers) if code in offered]

    return item, read


def words_item(link_id: str, text: str, kind: str, said: Callable[[Answers], str], **more) -> Item:
    """Something the person wrote in their own words: "string" for a line, "text" for more."""

    def read(answers: Answers) -> list[dict]:
        return [{"valueString": words}] if (words := said(answers)).strip() else []

    return {"linkId": link_id, "text": text, "type": kind} | more, read


def yes_no_item(link_id: str, text: str, said: Callable[[Answers], bool | None]) -> Item:
    """A question answered yes or no (`said` is None when not answered)."""

    def read(answers: Answers) -> list[dict]:
        return [] if (yes := said(answers)) is None else [{"valueBoolean": yes}]

    return {"linkId": link_id, "text": text, "type": "boolean"}, read
