"""A person's answers for a health record, as HL7 FHIR R4: the `Questionnaire` the journey asks
(one per published version, at a stable canonical address) and the person's
`QuestionnaireResponse`, built from their cookie on request and never kept on the server.

Every answer is a coding whose code is the slug the answers already use, in a code system named
after the question, so a record system can show the words and this aid can read the codes back.
The response names no person: it has no subject, and carries only what the person chose.
"""

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from decisionaid import sure
from decisionaid.answers import Answers
from decisionaid.journey import journey_for
from treatments.releases import Content


def canonical(request: HttpRequest) -> str:
    """The questionnaire's canonical address, the same for every version."""
    return request.build_absolute_uri(reverse("fhir_questionnaire"))


def _coding(system: str, code: str, display: str) -> dict:
    return {"system": system, "code": code, "display": display}


def _choice_item(link_id: str, text: str, system: str, options, *, repeats: bool) -> dict:
    return {
        "linkId": link_id,
        "text": text,
        "type": "choice",
        "repeats": repeats,
        "answerOption": [{"valueCoding": _coding(system, code, label)} for code, label in options],
    }


def _items(request: HttpRequest, content: Content) -> list[dict]:
    """The questionnaire's items, a group per step, in the journey's order."""
    base = canonical(request)
    groups = []
    for stop in journey_for(content).forms:
        if stop.page is not None:
            items = [
                _choice_item(
                    q.slug,
                    q.text,
                    f"{base}/{q.slug}",
                    [(c.slug, c.label) for c in q.related.choices],
                    repeats=q.kind == q.Kind.MANY,
                )
                | {"required": q.required}
                for q in content.questions_on(stop.page)
            ]
        elif stop.slug == "values":
            values = [(v.slug, v.statement) for v in content.values]
            items = [_choice_item("values", stop.title, f"{base}/values", values, repeats=True)]
        elif stop.slug == "considering":
            options = [(o.slug, o.name) for o in content.options]
            items = [
                _choice_item("considering", stop.title, f"{base}/options", options, repeats=True)
            ]
        elif stop.slug == "questions":
            suggested = [(q.slug, q.text) for q in content.suggested_questions]
            items = [
                _choice_item("questions", stop.title, f"{base}/questions", suggested, repeats=True),
                {"linkId": "own-questions", "text": "My own questions", "type": "text"},
            ]
        elif stop.slug == "sure":
            items = [
                {"linkId": f"sure-{item}", "text": text, "type": "boolean"}
                for item, text in sure.ITEMS.items()
            ]
        else:
            continue
        groups.append({"linkId": stop.slug, "text": stop.title, "type": "group", "item": items})
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
        "item": _items(request, content),
    }


def _answers_for(item: dict, answers: Answers) -> list[dict]:
    link_id = item["linkId"]
    if item["type"] == "boolean":
        said = answers.sure.get(link_id.removeprefix("sure-"))
        return [{"valueBoolean": said == "yes"}] if said in ("yes", "no") else []
    if item["type"] == "text":
        return [{"valueString": answers.own_questions}] if answers.own_questions.strip() else []
    lists: dict[str, list] = {
        "values": answers.values,
        "considering": answers.considering,
        "questions": answers.suggested_questions,
    }
    chosen = lists.get(link_id, answers.choices.get(link_id, []))
    offered = {o["valueCoding"]["code"]: o["valueCoding"] for o in item["answerOption"]}
    return [{"valueCoding": offered[code]} for code in chosen if code in offered]


def questionnaire_response(request: HttpRequest, answers: Answers, content: Content) -> dict:
    """The person's answers as a FHIR QuestionnaireResponse: only what they answered."""
    groups = []
    for group in _items(request, content):
        items = []
        for item in group["item"]:
            if found := _answers_for(item, answers):
                items.append({"linkId": item["linkId"], "text": item["text"], "answer": found})
        if items:
            groups.append({"linkId": group["linkId"], "text": group["text"], "item": items})
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
