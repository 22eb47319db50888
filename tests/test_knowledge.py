"""The knowledge check: questions editors write and publish, a step that explains each answer with
its sources, and the topics to go over on the summary and the note for the record."""

import json

import pytest
import textstat
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction
from django.urls import reverse

from decisionaid.answers import PURPOSE_COOKIE, UNSURE, Answers, decrypt, encrypt
from decisionaid.journey import journey_for
from decisionaid.record import note_for_record
from tests.answers_cookie import give_answers, stored
from tests.html import form_data, links, parse, text_of, texts_of
from treatments import releases
from treatments.content import export_yaml
from treatments.models import KnowledgeChoice, KnowledgeQuestion, Option
from treatments.releases import current_content
from treatments.schema import option_sources

pytestmark = pytest.mark.django_db

STEP = reverse("step", args=["knowledge"])
EXPLAINED = reverse("knowledge_answers")
HTMX = {"HTTP_HX_REQUEST": "true"}


def make_knowledge_question(factory, *, right="no", sources=1, **fields) -> KnowledgeQuestion:
    defaults = {
        "slug": "lasts",
        "text": "Does the relief last for months?",
        "topic": "How long relief lasts",
        "explanation": "Relief often fades within weeks.",
    }
    question = KnowledgeQuestion.objects.create(**{**defaults, **fields})
    for order, slug in enumerate(("yes", "no")):
        KnowledgeChoice.objects.create(
            question=question, slug=slug, label=slug.capitalize(), right=slug == right, order=order
        )
    question.sources.set([factory.make_source() for _ in range(sources)])
    return question


def bundled_answers(pick) -> dict[str, str]:
    """An answer to each bundled question: `pick(question)` gives the choice's slug."""
    return {q.slug: pick(q) for q in current_content().knowledge_questions}


def right(question) -> str:
    return question.right_choice.slug


def wrong(question) -> str:
    return next(c.slug for c in question.related.choices if not c.right)


# --- Content ----------------------------------------------------------------------------------


def test_a_published_version_holds_the_questions_with_their_answers_and_sources(factory):
    question = make_knowledge_question(factory, sources=2)
    factory.publish_version()
    [published] = current_content().knowledge_questions
    assert published.text == question.text
    assert [c.label for c in published.related.choices] == ["Yes", "No"]
    assert published.right_choice.slug == "no"
    assert {s.pk for s in published.cited()} == set(question.sources.values_list("pk", flat=True))


def test_a_question_cannot_be_published_without_one_right_answer_and_a_source(factory):
    question = make_knowledge_question(factory, right="neither", sources=0)
    with pytest.raises(releases.NotPublishable) as refused:
        factory.publish_version()
    problems = refused.value.problems[f"Knowledge question “{question.text}”"]
    assert problems == [
        "Mark exactly one answer as the right one.",
        "Choose at least one source for its explanation.",
    ]
    with pytest.raises(CommandError) as failed:
        call_command("check_content")
    assert "1 knowledge question breaks the publication rules" in str(failed.value)
    assert "(lasts): Mark exactly one answer as the right one." in str(failed.value)


def test_only_one_answer_can_be_right(factory):
    question = make_knowledge_question(factory)
    with pytest.raises(IntegrityError), transaction.atomic():
        question.choices.filter(slug="yes").update(right=True)


def test_the_export_writes_the_questions_and_their_answers(factory, tmp_path):
    make_knowledge_question(factory)
    core = export_yaml(tmp_path)[0].read_text()
    assert "model: treatments.knowledgequestion" in core
    assert "- lasts\n  slug: 'no'\n  label: 'No'\n  right: true" in core.replace("    ", "  ")


def test_every_change_to_a_question_is_in_its_history(factory):
    question = make_knowledge_question(factory)
    question.explanation = "Relief often fades within a few weeks."
    question.save()
    records = list(question.history.order_by("history_date"))
    assert records[0].explanation == "Relief often fades within weeks."
    assert records[-1].explanation == "Relief often fades within a few weeks."
    # Its sources are kept with each record, as every source list is.
    assert [s.source_id for s in records[-1].sources.all()] == [question.sources.get().pk]
    assert question.choices.get(slug="no").history.count() == 1


def test_editors_may_edit_questions_and_their_answers(editor):
    perms = editor.get_all_permissions()
    for model in ("knowledgequestion", "knowledgechoice"):
        for verb in ("add", "change", "delete", "view"):
            assert f"treatments.{verb}_{model}" in perms
        assert f"treatments.view_historical{model}" in perms
        assert f"treatments.change_historical{model}" not in perms


def test_an_editor_writes_a_question_with_its_answers_inline(editor_client, factory):
    source = factory.make_source()
    add = "/admin/treatments/knowledgequestion/add/"
    data = form_data(editor_client.get(add).content.decode(), "knowledgequestion_form")
    data.update(
        {
            "text": "Does the relief last for months?",
            "slug": "lasts",
            "topic": "How long relief lasts",
            "explanation": "Relief often fades within weeks.",
            "sources": [source.pk],
            "order": 1,
            "choices-TOTAL_FORMS": 2,
            "choices-0-label": "Yes",
            "choices-0-slug": "yes",
            "choices-0-right": "on",
            "choices-0-order": 1,
            "choices-1-label": "No",
            "choices-1-slug": "no",
            "choices-1-right": "on",
            "choices-1-order": 2,
        }
    )
    refused = editor_client.post(add, data)
    assert "Tick “the right answer” on exactly one answer." in refused.content.decode()
    del data["choices-0-right"]
    assert editor_client.post(add, data).status_code == 302
    question = KnowledgeQuestion.objects.get(slug="lasts")
    assert question.right_choice.slug == "no"
    assert question.publication_problems() == []


def test_every_bundled_question_states_a_fact_the_content_cites_in_plain_words(content):
    published = current_content()
    cited_elsewhere = {s.pk for option in published.options for s in option_sources(option)}
    assert 4 <= len(published.knowledge_questions) <= 6
    for question in published.knowledge_questions:
        assert question.publication_problems() == [], question.slug
        # The same sources the content cites for the fact, not new ones.
        assert {s.pk for s in question.cited()} <= cited_elsewhere, question.slug
        for text in (question.text, question.explanation):
            assert textstat.flesch_kincaid_grade(text) <= 8, text


# --- The step -----------------------------------------------------------------------------------


def test_the_check_comes_after_the_options_and_can_be_skipped_in_one_click(client, content):
    journey = journey_for(current_content())
    slugs = [stop.slug for stop in journey.stops]
    assert slugs.index("options") < slugs.index("knowledge") < slugs.index("knowledge-answers")
    # After where the person stands on the options they are considering.
    assert journey.by_slug["knowledge"].number == journey.by_slug["stand"].number + 1
    html = client.get(STEP).content.decode()
    page = parse(html)
    for question in current_content().knowledge_questions:
        assert question.text in texts_of(page, "//legend//h2")
    assert texts_of(page, "//label").count("I'm not sure") == 4
    skip = dict((label, href) for href, label in links(html))["Skip these questions"]
    assert skip == reverse("step", args=["questions"])
    # Skipping saves nothing: the next step is as it was.
    client.get(skip)
    assert stored(client).knowledge == {}


def test_each_answer_is_explained_with_its_sources_and_no_score(client, content):
    questions = current_content().knowledge_questions
    answers = bundled_answers(right) | {questions[0].slug: wrong(questions[0])}
    answers[questions[1].slug] = UNSURE
    response = client.post(STEP, answers)
    assert response.status_code == 302 and response["Location"] == EXPLAINED
    assert stored(client).knowledge == answers

    html = client.get(EXPLAINED).content.decode()
    page = parse(html)
    assert texts_of(page, "//h2[@class='question']") == [q.topic for q in questions]
    said = texts_of(page, "//section[@class='explained']/p[1]")
    assert said[0] == f"The answer is “{questions[0].right_choice.label}”."
    assert said[1] == f"The answer is “{questions[1].right_choice.label}”."
    assert said[2] == f"“{questions[2].right_choice.label}” is right."
    for question in questions:
        assert question.explanation in text_of(page)
    # Each explanation cites its sources by number, listed at the foot of the page.
    refs = page.xpath("//section[@class='explained']//sup[@class='ref']")
    assert len(refs) == len(questions)
    for source in questions[0].cited():
        assert source.title in text_of(page)
    assert not any(word in text_of(page).lower() for word in ("score", "out of", "%"))
    onward = dict((label, href) for href, label in links(html))["Continue"]
    assert onward == reverse("step", args=["questions"])


def test_with_htmx_the_explained_answers_swap_in_and_the_address_follows(client, content):
    client.post(STEP, bundled_answers(right), **HTMX)
    response = client.get(EXPLAINED, **HTMX)
    assert response["HX-Push-Url"] == EXPLAINED
    html = response.content.decode()
    assert html.lstrip().startswith("<title>Why each answer is right")
    assert "<html" not in html and 'id="step"' in html


def test_a_missing_answer_says_what_to_do_and_keeps_the_others(client, content):
    questions = current_content().knowledge_questions
    answers = bundled_answers(right)
    del answers[questions[2].slug]
    answers[questions[0].slug] = "maybe"
    response = client.post(STEP, answers)
    assert response.status_code == 422
    page = parse(response.content.decode())
    assert texts_of(page, "//div[@class='error-summary']//li") == [
        f"Choose one of the answers shown for “{questions[0].text}”",
        f"Choose an answer for “{questions[2].text}”, or “I'm not sure”",
    ]
    kept = page.xpath(f"//input[@name='{questions[1].slug}' and @checked]/@value")
    assert kept == [right(questions[1])]
    assert stored(client).knowledge == {}


def test_the_explanations_wait_for_answers(client, content):
    assert client.get(EXPLAINED)["Location"] == STEP


def test_the_check_page_reads_the_answers_back_with_change_links(client, content):
    questions = current_content().knowledge_questions
    give_answers(
        client,
        Answers(knowledge={questions[0].slug: UNSURE}, done=["considering", "knowledge"]),
    )
    html = client.get(reverse("check")).content.decode()
    rows = parse(html).xpath("//dl[@data-step='knowledge']/div")
    assert [text_of(row.xpath("dt")[0]) for row in rows] == [questions[0].topic]
    assert "I'm not sure" in text_of(rows[0])
    assert f"{STEP}?return=check#{questions[0].slug}" in [href for href, _ in links(html)]


def test_a_version_with_no_questions_has_no_knowledge_step(client, factory):
    factory.make_option(ready=True)
    factory.make_question(page=factory.make_question_page())
    factory.publish_version()
    journey = journey_for(current_content())
    assert "knowledge" not in journey.by_slug and "knowledge-answers" not in journey.by_slug
    assert journey.back(journey.by_slug["questions"]).slug == "stand"
    assert client.get(STEP).status_code == 404
    assert client.get(EXPLAINED)["Location"] == reverse("check")


# --- The answers, the summary and the record ------------------------------------------------------


def test_the_answers_travel_in_the_cookie_and_junk_is_dropped():
    answers = Answers(knowledge={"lasts": "no", "trial": UNSURE})
    token = encrypt(answers, PURPOSE_COOKIE)
    assert decrypt(token, PURPOSE_COOKIE, 60)[0].knowledge == answers.knowledge
    junk = Answers.from_data({"knowledge": {"lasts": ["no"], "ok": "yes", 3: "no"}})
    assert junk.knowledge == {"ok": "yes"}


def test_topics_got_wrong_or_unsure_go_to_the_summary_with_the_question(client, content):
    questions = current_content().knowledge_questions
    answers = bundled_answers(right) | {questions[0].slug: wrong(questions[0])}
    answers[questions[3].slug] = UNSURE
    considering = [Option.objects.ready().first().slug]
    give_answers(client, Answers(knowledge=answers, considering=considering))
    summary = parse(client.get(reverse("summary")).content.decode())
    items = texts_of(summary, "//section[@class='summary-section summary-go-over']//li")
    assert len(items) == 2
    wrong_label = next(c.label for c in questions[0].related.choices if not c.right)
    assert items[0].startswith(
        f"{questions[0].topic}. {questions[0].text} I answered “{wrong_label}”. ["
    )
    assert items[1].startswith(f"{questions[3].topic}. {questions[3].text} I was not sure. [")
    assert "Things I'd like to go over" in texts_of(summary, "//h2")

    note = note_for_record(Answers(knowledge=answers), current_content())
    assert f"To go over: {questions[0].topic}; {questions[3].topic}." in note


def test_all_right_or_skipped_adds_nothing_to_the_summary(client, content):
    give_answers(client, Answers(knowledge=bundled_answers(right), values=["avoid-permanent"]))
    assert "Things I'd like to go over" not in client.get(reverse("summary")).content.decode()
    give_answers(client, Answers(values=["avoid-permanent"]))
    assert "Things I'd like to go over" not in client.get(reverse("summary")).content.decode()


def test_the_answers_are_complete_without_the_optional_check(client, content):
    journey = journey_for(current_content())
    done = [stop.slug for stop in journey.forms if stop.slug != "knowledge"]
    give_answers(client, Answers(values=["avoid-permanent"], done=done))
    response = json.loads(client.get(reverse("fhir_response")).content)
    assert response["status"] == "completed"
    assert journey.by_slug["knowledge"].optional


def test_a_version_published_before_knowledge_questions_reads_with_none(content):
    """Adding the models needed no new release format: an earlier version has no rows of them."""
    earlier = [
        row for row in releases.draft_content() if "knowledge" not in row["model"].split(".")[1]
    ]
    version = releases.Content(releases.upgrade(earlier, 1))
    assert version.knowledge_questions == []
    assert "knowledge" not in journey_for(version).by_slug
    assert releases.Content(releases.draft_content()).knowledge_questions
