"""A person's answers for a health record, as HL7 FHIR R4: the `Questionnaire` the journey asks
(one per published version, at a stable canonical address) and the person's
`QuestionnaireResponse`, built from their cookie on request and never kept on the server.

Every answer is a coding whose code is the slug the answers already use, in a code system named
after the question, so a record system can show the words and this aid can read the codes back;
what the person wrote in their own words is a string. Each item is made beside the way its answer
is read, so the two cannot drift apart. The response names no person: it has no subject, and
carries only what the person chose.
"""

from collections.abc import Callable, Iterable

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from decisionaid import stand, sure
from decisionaid.answers import UNSURE, Answers
from decisionaid.forms import MAX_CONCERN
from decisionaid.journey import journey_for, knowledge_answer
from treatments.releases import Content

# An item's answers in the response, read from the person's answers (none when not answered).
Read = Callable[[Answers], list[dict]]
Item = tuple[dict, Read]


def canonical(request: HttpRequest) -> str:
    """The questionnaire's canonical address, the same for every version."""
    return request.build_absolute_uri(reverse("fhir_questionnaire"))


def _coding(system: str, code: str, display: str) -> dict:
    return {"system": system, "code": code, "display": display}


def _choice_item(
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
    offered = {code: _coding(system, code, label) for code, label in options}
    item = {
        "linkId": link_id,
        "text": text,
        "type": "choice",
        "repeats": repeats,
        "answerOption": [{"valueCoding": coding} for coding in offered.values()],
    } | more

    def read(answers: Answers) -> list[dict]:
        return [{"valueCoding": offered[code]} for code in chosen(answers) if code in offered]

    return item, read


def _words_item(link_id: str, text: str, kind: str, said: Callable[[Answers], str], **more) -> Item:
    """Something the person wrote in their own words: "string" for a line, "text" for more."""

    def read(answers: Answers) -> list[dict]:
        return [{"valueString": words}] if (words := said(answers)).strip() else []

    return {"linkId": link_id, "text": text, "type": kind} | more, read


def _sure_item(item: str, text: str) -> Item:
    def read(answers: Answers) -> list[dict]:
        said = answers.sure.get(item)
        return [{"valueBoolean": said == "yes"}] if said in ("yes", "no") else []

    return {"linkId": f"sure-{item}", "text": text, "type": "boolean"}, read


def _page_item(base: str, question) -> Item:
    return _choice_item(
        question.slug,
        question.text,
        f"{base}/{question.slug}",
        [(c.slug, c.label) for c in question.related.choices],
        lambda answers: answers.choices.get(question.slug, []),
        repeats=question.kind == question.Kind.MANY,
        required=question.required,
    )


def _leaning_item(base: str, option, considering: dict) -> Item:
    """Which way the person leans on one option: asked only of the options they consider."""
    return _choice_item(
        stand.leaning_field(option.slug),
        option.name,
        f"{base}/leaning",
        stand.LEANINGS.items(),
        lambda answers: [answers.leaning.get(option.slug, "")],
        repeats=False,
        enableWhen=[{"question": "considering", "operator": "=", "answerCoding": considering}],
    )


def _knowledge_item(base: str, question) -> Item:
    """One knowledge question: its answers, then "I'm not sure" (coded as the answers keep it)."""
    offered = [(c.slug, c.label) for c in question.related.choices]
    offered.append((UNSURE, knowledge_answer(question, UNSURE)))
    return _choice_item(
        f"knowledge-{question.slug}",
        question.text,
        f"{base}/knowledge/{question.slug}",
        offered,
        lambda answers: [answers.knowledge.get(question.slug, "")],
        repeats=False,
    )


def _groups(request: HttpRequest, content: Content) -> list[tuple[dict, list[Item]]]:
    """The questionnaire's groups, one per step in the journey's order, each with its items."""
    base = canonical(request)
    groups = []
    for stop in journey_for(content).forms:
        items: list[Item]
        if stop.page is not None:
            items = [_page_item(base, q) for q in content.questions_on(stop.page)]
        elif stop.slug == "values":
            values = [(v.slug, v.statement) for v in content.values]
            items = [
                _choice_item(
                    "values",
                    stop.title,
                    f"{base}/values",
                    values,
                    lambda answers: answers.values,
                    repeats=True,
                ),
                _words_item(
                    "concern",
                    "My own concern (not scored)",
                    "string",
                    lambda answers: answers.concern,
                    maxLength=MAX_CONCERN,
                ),
            ]
        elif stop.slug == "considering":
            options = [(o.slug, o.name) for o in content.options]
            items = [
                _choice_item(
                    "considering",
                    stop.title,
                    f"{base}/options",
                    options,
                    lambda answers: answers.considering,
                    repeats=True,
                )
            ]
        elif stop.slug == "stand":
            items = [
                _leaning_item(base, o, _coding(f"{base}/options", o.slug, o.name))
                for o in content.options
            ]
            items += [
                _choice_item(
                    "stage",
                    stand.STAGE_QUESTION,
                    f"{base}/stage",
                    stand.STAGES.items(),
                    lambda answers: [answers.stage],
                    repeats=False,
                ),
                _choice_item(
                    "role",
                    stand.ROLE_QUESTION,
                    f"{base}/role",
                    stand.ROLES.items(),
                    lambda answers: [answers.role],
                    repeats=False,
                ),
            ]
        elif stop.slug == "knowledge":
            items = [_knowledge_item(base, q) for q in content.knowledge_questions]
        elif stop.slug == "questions":
            suggested = [(q.slug, q.text) for q in content.suggested_questions]
            items = [
                _choice_item(
                    "questions",
                    stop.title,
                    f"{base}/questions",
                    suggested,
                    lambda answers: answers.suggested_questions,
                    repeats=True,
                ),
                _words_item("own-questions", "My own questions", "text", lambda a: a.own_questions),
            ]
        elif stop.slug == "sure":
            items = [_sure_item(item, text) for item, text in sure.ITEMS.items()]
        else:
            continue
        group = {"linkId": stop.slug, "text": stop.title, "type": "group"}
        groups.append((group, items))
    return groups


def questionnaire(request: HttpRequest, content: Content) -> dict:
    """The FHIR Questionnaire this published version asks."""
    return {
        "resourceType": "Questionnaire",
        "id": f"aid-{content.number}",
        "url": canonical(request),
        "version": str(content.number),
        "name": "DecisionAidQuestionnaire",
        "title": content.aid.name,
        "status": "active",
        "date": content.published_on.isoformat() if content.published_on else None,
        "item": [
            group | {"item": [item for item, _ in items]}
            for group, items in _groups(request, content)
        ],
    }


def questionnaire_response(request: HttpRequest, answers: Answers, content: Content) -> dict:
    """The person's answers as a FHIR QuestionnaireResponse: only what they answered."""
    groups = []
    for group, items in _groups(request, content):
        said = [
            {"linkId": item["linkId"], "text": item["text"], "answer": found}
            for item, read in items
            if (found := read(answers))
        ]
        if said:
            groups.append({"linkId": group["linkId"], "text": group["text"], "item": said})
    finished = all(
        stop.slug in answers.done for stop in journey_for(content).forms if not stop.optional
    )
    return {
        "resourceType": "QuestionnaireResponse",
        "questionnaire": f"{canonical(request)}|{content.number}",
        "status": "completed" if finished else "in-progress",
        "authored": timezone.now().isoformat(timespec="seconds"),
        "item": groups,
    }
