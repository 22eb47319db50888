"""The knowledge check in a browser, with JavaScript on and off: four questions answered, each
answer explained with its sources, the topics to go over on the summary; or skipped in one click,
leaving nothing new in the way. axe-core finds nothing on any of its pages."""

import pytest

from decisionaid.answers import UNSURE
from tests.browser.steps import continue_to
from treatments.models import KnowledgeQuestion

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

js_on_and_off = pytest.mark.parametrize("javascript", [True, False], ids=["js-on", "js-off"])


def send(page) -> None:
    url = page.url
    page.locator("#step form button[type=submit]").click()
    page.wait_for_url(lambda new: new != url)


@js_on_and_off
def test_a_person_answers_four_questions_and_sees_why_each_answer_is_right(
    open_page, live_server, content, axe, javascript
):
    questions = list(KnowledgeQuestion.objects.prefetch_related("choices"))
    assert len(questions) == 4
    right = {q.slug: q.choices.get(right=True) for q in questions}
    wrong = {q.slug: q.choices.exclude(right=True).first() for q in questions}
    # The first answered wrongly, the second "not sure", the last two right.
    chosen = {
        questions[0].slug: wrong[questions[0].slug].slug,
        questions[1].slug: UNSURE,
        questions[2].slug: right[questions[2].slug].slug,
        questions[3].slug: right[questions[3].slug].slug,
    }
    wrapped = open_page(live_server.url, scripts=javascript)
    page = wrapped.page
    wrapped.goto("/questions/stand/")
    send(page)  # where I stand is optional too
    assert page.url.endswith("/questions/knowledge/")
    assert page.locator("h1").inner_text() == "Check what you know"
    assert axe(wrapped) == []

    # Three answered, one left out: the mistake says what to do and keeps the other three.
    page.evaluate("window.stillTheSamePage = true")
    for slug, value in list(chosen.items())[:3]:
        page.locator(f'#step input[name="{slug}"][value="{value}"]').check()
    page.locator("#step form button[type=submit]").click()
    page.locator(".error-summary").wait_for()
    assert questions[3].text in page.locator(".error-summary").inner_text()
    assert page.locator("#step input:checked").count() == 3
    assert axe(wrapped) == []

    page.locator(
        f'#step input[name="{questions[3].slug}"][value="{chosen[questions[3].slug]}"]'
    ).check()
    send(page)
    assert page.url.endswith("/questions/knowledge/answers/")
    # With JavaScript the explanations are swapped in place; without, a page of their own.
    assert page.evaluate("window.stillTheSamePage === true") is javascript
    assert page.locator("h1").inner_text() == "Why each answer is right"
    sections = page.locator("section.explained")
    assert sections.count() == 4
    for n, question in enumerate(questions):
        section = sections.nth(n)
        assert section.locator("h2").inner_text() == question.topic
        assert question.explanation in section.inner_text()
        assert section.locator("sup.ref a").count() == question.sources.count()
    label = right[questions[0].slug].label
    assert sections.nth(0).locator("p").first.inner_text() == f"The answer is “{label}”."
    label = right[questions[2].slug].label
    assert sections.nth(2).locator("p").first.inner_text() == f"“{label}” is right."
    # Each number leads to its source in the list at the foot of the page.
    first_ref = sections.nth(0).locator("sup.ref a").first
    source = questions[0].sources.order_by("pk").first()
    assert source.title in page.locator(first_ref.get_attribute("href")).text_content()
    assert axe(wrapped) == []

    continue_to(page, "/questions/questions/", name="Continue")
    wrapped.goto("/summary/")
    go_over = page.locator(".summary-go-over")
    assert go_over.locator("h2").inner_text() == "Things I'd like to go over"
    items = go_over.locator("li").all_inner_texts()
    assert len(items) == 2
    assert items[0].startswith(f"{questions[0].topic}. {questions[0].text}")
    assert items[1].startswith(f"{questions[1].topic}. {questions[1].text} I was not sure.")
    assert axe(wrapped) == []


@js_on_and_off
def test_a_person_who_skips_the_check_meets_nothing_new(
    open_page, live_server, content, axe, javascript
):
    wrapped = open_page(live_server.url, scripts=javascript)
    page = wrapped.page
    wrapped.goto("/questions/stand/")
    send(page)
    continue_to(page, "/questions/questions/", name="Skip these questions")
    assert page.locator("h1").inner_text() == "Questions for your clinician"
    send(page)
    assert page.url.endswith("/questions/sure/")
    wrapped.goto("/summary/")
    assert page.locator(".summary-go-over").count() == 0
    assert "go over" not in page.locator("main").inner_text()
    assert axe(wrapped) == []
