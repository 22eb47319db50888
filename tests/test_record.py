"""What reaches the health record: a short note to paste, and the answers as FHIR R4, both built
from the person's cookie on request. The FHIR library validates them as a record system would.

fhir.resources ships FHIR R4B (4.3) models, not 4.0.1: Questionnaire and QuestionnaireResponse
are the same in both."""

import json
import os
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse
from fhir.resources.R4B.questionnaire import Questionnaire
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse

from decisionaid import fhir, stand, sure
from decisionaid.answers import UNSURE, Answers
from decisionaid.forms import MAX_VALUES
from decisionaid.journey import journey_for
from decisionaid.record import NOTE_LIMIT, earlier_version
from tests.answers_cookie import give_answers
from tests.html import first, parse, text_of
from tests.personas import heaviest_persona, typical_persona
from tests.test_second_aid import TINY_AID
from treatments import releases
from treatments.models import KnowledgeQuestion, Option, Question, SuggestedQuestion, Value
from treatments.releases import current_content

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
            if group["linkId"] == "stand":
                if link_id in ("stage", "role"):
                    setattr(read, link_id, values[0])
                else:
                    read.leaning[link_id.removeprefix("lean-")] = values[0]
            elif group["linkId"] == "knowledge":
                read.knowledge[link_id.removeprefix("knowledge-")] = values[0]
            elif link_id in ("values", "considering"):
                setattr(read, link_id, values)
            elif link_id == "questions":
                read.suggested_questions = values
            elif link_id == "own-questions":
                read.own_questions = item["answer"][0]["valueString"]
            elif link_id == "concern":
                read.concern = item["answer"][0]["valueString"]
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
    assert read.knowledge == answers.knowledge
    assert "subject" not in data  # names no one


def stood_and_checked() -> Answers:
    """The typical person, who also said where they stand, wrote a concern of their own and took
    the knowledge check: one answer right, one wrong, one not sure."""
    answers = typical_persona()
    first, second, third = answers.considering
    answers.leaning = {first: "towards", second: "unsure", third: "against"}
    answers.stage, answers.role = "close", "together"
    answers.concern = "Whether I can still pick up my children"
    questions = current_content().knowledge_questions
    answers.knowledge = {
        questions[0].slug: questions[0].right_choice.slug,
        questions[1].slug: next(c.slug for c in questions[1].related.choices if not c.right),
        questions[2].slug: UNSURE,
    }
    return answers


def items_by_link_id(resource: dict) -> dict[str, tuple[str, dict]]:
    """Every item of a Questionnaire or a response by its linkId, with its group's linkId."""
    return {
        item["linkId"]: (group["linkId"], item)
        for group in resource["item"]
        for item in group["item"]
    }


ANSWER_TYPE = {
    "choice": "valueCoding",
    "string": "valueString",
    "text": "valueString",
    "boolean": "valueBoolean",
}


def test_where_the_person_stands_and_the_knowledge_check_reach_the_record_each_under_its_item(
    client, content
):
    answers = stood_and_checked()
    questionnaire = questionnaire_json(client)
    data = response_json(client, answers)
    Questionnaire.model_validate(questionnaire)
    QuestionnaireResponse.model_validate(data)

    forms = journey_for(current_content()).forms
    assert [group["linkId"] for group in questionnaire["item"]] == [stop.slug for stop in forms]
    asked = items_by_link_id(questionnaire)
    assert len(asked) == sum(len(group["item"]) for group in questionnaire["item"])  # unique
    said = items_by_link_id(data)
    for link_id, (group, item) in said.items():
        asked_group, asked_item = asked[link_id]
        assert (group, item["text"]) == (asked_group, asked_item["text"])
        for answer in item["answer"]:
            assert list(answer) == [ANSWER_TYPE[asked_item["type"]]]
            if "valueCoding" in answer:
                assert answer in asked_item["answerOption"]

    read = answers_from(data)
    assert read.leaning == answers.leaning and len(read.leaning) == 3
    assert (read.stage, read.role) == ("close", "together")
    assert read.knowledge == answers.knowledge and len(read.knowledge) == 3
    assert said["concern"] == (
        "values",
        {
            "linkId": "concern",
            "text": "My own concern (not scored)",
            "answer": [{"valueString": "Whether I can still pick up my children"}],
        },
    )
    url = questionnaire["url"]
    assert said["role"][1]["answer"] == [
        {
            "valueCoding": {
                "system": f"{url}/role",
                "code": "together",
                "display": stand.ROLES["together"],
            }
        }
    ]
    unsure = next(slug for slug, code in answers.knowledge.items() if code == UNSURE)
    assert said[f"knowledge-{unsure}"][1]["answer"][0]["valueCoding"]["display"] == "I'm not sure"
    # A leaning is asked of every option, but only once the person considers it.
    for option in Option.objects.ready():
        group, lean = asked[stand.leaning_field(option.slug)]
        considering = {"system": f"{url}/options", "code": option.slug, "display": option.name}
        assert (group, lean["text"]) == ("stand", option.name)
        assert lean["enableWhen"] == [
            {"question": "considering", "operator": "=", "answerCoding": considering}
        ]
        assert {"valueCoding": considering} in asked["considering"][1]["answerOption"]


def test_a_person_who_skipped_where_they_stand_and_the_check_gets_no_empty_items(client, content):
    asked = [group["linkId"] for group in questionnaire_json(client)["item"]]
    assert {"stand", "knowledge"} <= set(asked)
    answers = typical_persona()  # no leaning, stage, role, concern or knowledge answer
    data = response_json(client, answers)
    QuestionnaireResponse.model_validate(data)
    groups = [group["linkId"] for group in data["item"]]
    assert "stand" not in groups and "knowledge" not in groups and "values" in groups
    assert "concern" not in items_by_link_id(data)
    assert all(item["answer"] for group in data["item"] for item in group["item"])

    answers.stage = "thinking"
    data = response_json(client, answers)
    stood = next(group for group in data["item"] if group["linkId"] == "stand")
    assert [item["linkId"] for item in stood["item"]] == ["stage"]


def test_a_version_without_knowledge_questions_asks_none_and_the_one_before_still_does(
    client, factory, content
):
    earlier_version.cache_clear()  # version numbers start again with each test's database
    before = questionnaire_json(client)
    answers = stood_and_checked()  # answered while the version had a knowledge check
    KnowledgeQuestion.objects.all().delete()
    factory.publish_version()

    now = questionnaire_json(client)
    Questionnaire.model_validate(now)
    assert int(now["version"]) == int(before["version"]) + 1
    assert "knowledge" not in [group["linkId"] for group in now["item"]]
    assert not [link_id for link_id in items_by_link_id(now) if link_id.startswith("knowledge-")]
    data = response_json(client, answers)
    assert "knowledge" not in [group["linkId"] for group in data["item"]]
    assert "stand" in [group["linkId"] for group in data["item"]]

    again = client.get(reverse("fhir_questionnaire_version", args=[int(before["version"])]))
    assert json.loads(again.content) == before
    assert "knowledge" in [group["linkId"] for group in before["item"]]


def test_a_version_published_before_the_new_steps_builds_its_questionnaire(rf, content):
    """A format-1 release with no knowledge questions, as the first versions were published."""
    rows = [r for r in releases.draft_content() if "knowledge" not in r["model"].split(".")[1]]
    version = releases.Content(releases.upgrade(rows, 1), number=1)
    built = fhir.questionnaire(rf.get("/"), version)
    Questionnaire.model_validate(built)
    assert [group["linkId"] for group in built["item"]] == [
        stop.slug for stop in journey_for(version).forms
    ]
    assert "knowledge" not in [group["linkId"] for group in built["item"]]


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


# --- The FHIR output, pinned ----------------------------------------------------------------------

PINNED = Path(__file__).resolve().parent / "fixtures" / "fhir"
UNSTABLE = {"date": "2000-01-01", "authored": "2000-01-01T00:00:00+00:00"}  # when, not what


def answered_in_full() -> Answers:
    """Every question answered and every box that can be ticked ticked, from whatever content is
    loaded: a leaning on every option, a concern, and each knowledge answer right, wrong or not
    sure in turn."""
    choices = {
        question.slug: [c.slug for c in question.choices.all() if not c.exclusive][
            : None if question.kind == Question.Kind.MANY else 1
        ]
        for question in Question.objects.prefetch_related("choices")
    }
    options = list(Option.objects.ready().values_list("slug", flat=True))
    leanings = list(stand.LEANINGS)
    knowledge = {}
    for n, question in enumerate(KnowledgeQuestion.objects.prefetch_related("choices")):
        wrong = next(c.slug for c in question.choices.all() if not c.right)
        knowledge[question.slug] = [question.right_choice.slug, wrong, UNSURE][n % 3]
    return Answers(
        choices=choices,
        values=list(Value.objects.values_list("slug", flat=True)[:MAX_VALUES]),
        concern="Whether I can still drive to work",
        considering=options,
        leaning={slug: leanings[n % len(leanings)] for n, slug in enumerate(options)},
        stage=list(stand.STAGES)[-1],
        role=list(stand.ROLES)[0],
        knowledge=knowledge,
        suggested_questions=list(SuggestedQuestion.objects.values_list("slug", flat=True)),
        own_questions="How long does it last?\nCan I stop if it does not suit me?",
        sure=dict(zip(sure.ITEMS, ["yes", "no", "yes", "no"], strict=True)),
        done=[stop.slug for stop in journey_for(current_content()).forms],
    )


def pinned(name: str, response) -> None:
    """The response's JSON is, byte for byte, the file's (but for the times it was made).

    After a deliberate change to the content or to the FHIR output, write the files again with
    PIN_FHIR=1 and read the difference before committing it."""
    data = json.loads(response.content)
    # Written again as decisionaid/record.py writes it, it is the same bytes: so the comparison
    # below is of bytes too.
    assert json.dumps(data, indent=2, ensure_ascii=False).encode() == response.content
    data |= {key: stands_in for key, stands_in in UNSTABLE.items() if data.get(key)}
    made = json.dumps(data, indent=2, ensure_ascii=False)
    path = PINNED / f"{name}.json"
    if os.environ.get("PIN_FHIR"):
        path.write_text(made + "\n")
    assert made + "\n" == path.read_text(), f"{path} differs: see this function's docstring"


def pin_a_full_journey(client, name: str) -> None:
    pinned(f"{name}-questionnaire", client.get(reverse("fhir_questionnaire")))
    give_answers(client, answered_in_full())
    pinned(f"{name}-response", client.get(reverse("fhir_response")))


def test_the_fhir_record_of_a_full_journey_is_as_pinned(client, content):
    pin_a_full_journey(client, "bundled")


def test_the_fhir_record_of_a_full_journey_through_another_aid_is_as_pinned(client, db):
    with override_settings(CONTENT_FIXTURES=[TINY_AID]):
        call_command("load_content", verbosity=0)
    pin_a_full_journey(client, "tinyaid")
