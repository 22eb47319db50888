"""What reaches the health record: a short note to paste, and the answers as FHIR R4, both built
from the person's cookie on request. The FHIR library validates them as a record system would.

fhir.resources ships FHIR R4B (4.3) models, not 4.0.1: Questionnaire and QuestionnaireResponse
are the same in both."""

import json

import pytest
from django.urls import reverse
from fhir.resources.R4B.questionnaire import Questionnaire
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse

from decisionaid import sure
from decisionaid.answers import Answers
from decisionaid.record import NOTE_LIMIT
from tests.answers_cookie import give_answers
from tests.html import first, parse, text_of
from tests.personas import heaviest_persona, typical_persona
from treatments.models import Option

pytestmark = pytest.mark.django_db


def note_on_summary(client, answers: Answers) -> str:
    give_answers(client, answers)
    page = parse(client.get(reverse("summary")).content.decode())
    return text_of(first(page, "//textarea[@id='record-note']"))


@pytest.mark.parametrize("persona", [typical_persona, heaviest_persona])
def test_the_note_for_the_record_is_short_and_names_the_options(client, content, persona):
    answers = persona()
    note = note_on_summary(client, answers)
    assert 200 < len(note) <= NOTE_LIMIT
    assert "information version" in note and "not a recommendation" in note
    named = Option.objects.filter(slug__in=answers.considering).values_list("name", flat=True)
    mentioned = [name for name in named if name in note]
    # Every option considered is named, unless the note ran out of room (the heaviest persona
    # considers every option): then as many as fit, and never a part of a line.
    assert mentioned == list(named) or len(note) > NOTE_LIMIT - 400
    assert "Considering:" in note


def questionnaire_json(client) -> dict:
    response = client.get(reverse("fhir_questionnaire"))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/fhir+json"
    return json.loads(response.content)


def response_json(client, answers: Answers) -> dict:
    give_answers(client, answers)
    response = client.get(reverse("fhir_response"))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert response["Content-Disposition"].startswith("attachment;")
    return json.loads(response.content)


def answers_from(response: dict) -> Answers:
    """Read a QuestionnaireResponse back into answers, as a record system's data would be."""
    read = Answers()
    for group in response["item"]:
        for item in group["item"]:
            values = [a.get("valueCoding", {}).get("code") for a in item["answer"]]
            link_id = item["linkId"]
            if link_id in ("values", "considering"):
                setattr(read, link_id, values)
            elif link_id == "questions":
                read.suggested_questions = values
            elif link_id == "own-questions":
                read.own_questions = item["answer"][0]["valueString"]
            elif link_id.startswith("sure-"):
                said = "yes" if item["answer"][0]["valueBoolean"] else "no"
                read.sure[link_id.removeprefix("sure-")] = said
            else:
                read.choices[link_id] = values
    return read


def codes_offered(questionnaire: dict) -> dict[str, set[str]]:
    return {
        item["linkId"]: {o["valueCoding"]["code"] for o in item.get("answerOption", [])}
        for group in questionnaire["item"]
        for item in group["item"]
    }


@pytest.mark.parametrize("persona", [typical_persona, heaviest_persona])
def test_the_fhir_answers_validate_against_their_questionnaire_and_round_trip(
    client, content, persona
):
    answers = persona()
    questionnaire = questionnaire_json(client)
    data = response_json(client, answers)
    Questionnaire.model_validate(questionnaire)
    QuestionnaireResponse.model_validate(data)

    url, _, version = data["questionnaire"].partition("|")
    assert (url, version) == (questionnaire["url"], questionnaire["version"])
    offered = codes_offered(questionnaire)
    for group in data["item"]:
        for item in group["item"]:
            for answer in item["answer"]:
                if "valueCoding" in answer:
                    assert answer["valueCoding"]["code"] in offered[item["linkId"]]
    read = answers_from(data)
    assert read.choices == {q: cs for q, cs in answers.choices.items() if cs}
    assert (read.values, read.considering) == (answers.values, answers.considering)
    assert read.suggested_questions == answers.suggested_questions
    assert read.own_questions == answers.own_questions
    assert read.sure == answers.sure and set(read.sure) <= set(sure.ITEMS)
    assert "subject" not in data  # names no one


def test_each_published_version_keeps_its_questionnaire_at_its_own_address(client, content):
    current = questionnaire_json(client)
    number = int(current["version"])
    again = client.get(reverse("fhir_questionnaire_version", args=[number]))
    assert json.loads(again.content) == current
    assert client.get(reverse("fhir_questionnaire_version", args=[number + 1])).status_code == 404


def test_the_note_says_which_country_the_costs_are_for(client, factory, content):
    priced = factory.make_option(ready=True)
    factory.make_cost(priced, country="us")
    factory.make_cost(priced, country="")
    factory.make_cost(priced, country="")
    Option.objects.filter(pk=priced.pk).update(no_reliable_cost=False)
    factory.publish_version()
    note = note_on_summary(client, Answers(considering=[priced.slug]))
    assert (
        "Costs are for: United States, and 2 prices for places their sources do not name, "
        "none converted." in note
    )
