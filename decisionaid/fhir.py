"""A person's answers for a health record, as HL7 FHIR R4: the `Questionnaire` the journey asks
(one per published version, at a stable canonical address) and the person's
`QuestionnaireResponse`, built from their cookie on request and never kept on the server.

Each step of the journey is a group, holding the items its stop declares (`Stop.fhir`), each
made beside the way its answer is read (decisionaid/fhir_items.py). The response names no person:
it has no subject, and carries only what the person chose.
"""

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone

from decisionaid.answers import Answers
from decisionaid.fhir_items import Item
from decisionaid.journey import journey_for
from treatments.releases import Content


def canonical(request: HttpRequest) -> str:
    """The questionnaire's canonical address, the same for every version."""
    return request.build_absolute_uri(reverse("fhir_questionnaire"))


def _groups(request: HttpRequest, content: Content) -> list[tuple[dict, list[Item]]]:
    """The questionnaire's groups, one per step in the journey's order, each with its items."""
    base = canonical(request)
    return [
        ({"linkId": stop.slug, "text": stop.title, "type": "group"}, stop.fhir(stop, content, base))
        for stop in journey_for(content).forms
        if stop.fhir
    ]


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
