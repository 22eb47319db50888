"""The guided flow through the test client, on the bundled content.

Answers are built from whatever questions the content holds, so no test names a treatment.
"""

import logging
import time
from unittest import mock

import pytest
from django.urls import resolve, reverse

from decisionaid.answers import Answers, make_resume_token
from decisionaid.flow import STEPS
from tests.answers_cookie import stored
from tests.conftest import FormClient
from tests.markup import links
from treatments.models import Option, Question, SuggestedQuestion, Value

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def url(slug: str) -> str:
    return reverse("step", args=[slug])


def valid_post(step: str) -> dict:
    """A complete, valid answer to every question of a question step."""
    data = {}
    for question in Question.objects.filter(step=step).prefetch_related("choices"):
        choice = next(c for c in question.choices.all() if not c.exclusive)
        data[question.slug] = [choice.slug]
    return data


def complete_journey(client) -> None:
    for step in ("about", "health", "practical"):
        assert client.post(url(step), valid_post(step)).status_code == 302
    values = list(Value.objects.values_list("slug", flat=True)[:2])
    assert client.post(url("values"), {"values": values}).status_code == 302
    options = list(Option.objects.published().values_list("slug", flat=True)[:2])
    assert client.post(url("considering"), {"considering": options}).status_code == 302
    suggested = SuggestedQuestion.objects.first().pk
    client.post(url("questions"), {"suggested": [suggested], "own": "Will it hurt?"})
    sure = {"sure": "no", "understand": "yes", "risks_benefits": "yes", "support": "no"}
    assert client.post(url("sure"), sure).status_code == 302


def test_every_step_shows_its_questions_from_the_content(client, content):
    for step in ("about", "health", "practical"):
        html = client.get(url(step)).content.decode()
        for question in Question.objects.filter(step=step):
            assert question.text in html
    assert "Step 3 of 8" in client.get(url("health")).content.decode()


def test_every_health_question_can_be_answered_not_sure(client, content):
    html = client.get(url("health")).content.decode()
    for question in Question.objects.filter(step=Question.Step.HEALTH):
        assert f'name="{question.slug}" value="not-sure"' in html


def test_each_step_leads_to_the_next_and_back(client, content):
    response = client.post(url("about"), valid_post("about"))
    assert response.headers["Location"] == url("health")
    html = client.get(url("health")).content.decode()
    assert f'class="back-link" href="{url("about")}"' in html


def test_a_missing_answer_is_shown_with_a_message_that_says_what_to_do(client, content):
    data = valid_post("about")
    dropped = next(q for q in Question.objects.filter(step="about", required=True))
    del data[dropped.slug]
    response = client.post(url("about"), data)
    assert response.status_code == 422
    html = response.content.decode()
    assert "There is a problem" in html
    assert f"Choose {'at least one answer' if dropped.kind == 'many' else 'an answer'} for" in html
    assert f'href="#id_{dropped.slug}_0"' in html
    assert html.count(dropped.text) == 3  # the heading, the summary and the field's message
    # Every other answer is still ticked.
    for slug, [choice] in data.items():
        assert f'name="{slug}" value="{choice}" id=' in html
        assert "checked" in html.split(f'value="{choice}"')[1].split(">")[0]


def test_an_answer_that_was_not_offered_is_refused(client, content):
    data = valid_post("health")
    question = next(iter(data))
    data[question] = ["an-answer-we-never-offered"]
    response = client.post(url("health"), data)
    assert response.status_code == 422
    assert "Choose one of the answers shown for" in response.content.decode()
    assert stored(client).choices == {}


def test_a_none_of_these_answer_cannot_be_combined_with_others(client, content):
    question = next(
        q for q in Question.objects.filter(kind="many") if q.choices.filter(exclusive=True)
    )
    exclusive = question.choices.get(exclusive=True)
    other = question.choices.filter(exclusive=False).first()
    data = {**valid_post(question.step), question.slug: [exclusive.slug, other.slug]}
    response = client.post(url(question.step), data)
    assert response.status_code == 422
    assert "cannot be chosen with other answers" in response.content.decode()


def test_a_failed_step_keeps_the_answers_of_earlier_steps(client, content):
    client.post(url("about"), valid_post("about"))
    before = stored(client).choices
    assert client.post(url("health"), {}).status_code == 422
    assert stored(client).choices == before


def test_values_need_at_least_one_and_at_most_three(client, content):
    assert client.post(url("values"), {}).status_code == 422
    all_values = list(Value.objects.values_list("slug", flat=True))
    response = client.post(url("values"), {"values": all_values[:4]})
    assert response.status_code == 422
    assert "Choose up to 3 things. You chose 4" in response.content.decode()


def test_own_questions_are_length_limited(client, content):
    response = client.post(url("questions"), {"own": "x" * 501})
    assert response.status_code == 422
    assert "must be 500 characters or fewer" in response.content.decode()


def test_own_questions_are_shown_back_escaped(client, content):
    client.post(url("questions"), {"own": "<script>alert(1)</script>\nIs it safe?"})
    html = client.get(reverse("check")).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "Is it safe?" in html


def test_the_sure_test_needs_every_item(client, content):
    response = client.post(url("sure"), {"sure": "yes"})
    assert response.status_code == 422
    # Three missing items, each named in the summary and beside its question.
    assert response.content.decode().count("Answer yes or no") == 6


def test_the_whole_journey_ends_at_the_summary(client, content):
    complete_journey(client)
    answers = stored(client)
    assert answers.sure_score == 2
    assert answers.own_questions == "Will it hurt?"
    check = client.get(reverse("check")).content.decode()
    assert f'href="{reverse("summary")}"' in check
    for question in Question.objects.all():
        assert question.short_label in check
    assert "2 of 4 “yes” answers" in check


def test_the_check_page_leads_to_the_options_before_the_last_steps(client, content):
    client.post(url("about"), valid_post("about"))
    html = client.get(reverse("check")).content.decode()
    assert "Continue to your options" in html
    assert "Not answered" in html


def test_changing_an_answer_returns_to_the_check_page_and_keeps_the_rest(client, content):
    complete_journey(client)
    before = stored(client)
    question = Question.objects.filter(step="health").first()
    other = question.choices.exclude(slug=before.choices[question.slug][0]).first()
    page = client.get(url("health") + "?return=check").content.decode()
    assert f'href="{reverse("check")}"' in page
    response = client.post(
        url("health") + "?return=check", {**valid_post("health"), question.slug: [other.slug]}
    )
    assert response.headers["Location"] == reverse("check")
    after = stored(client)
    assert after.choices[question.slug] == [other.slug]
    assert after.values == before.values
    assert after.considering == before.considering
    assert after.sure == before.sure


def test_answers_come_back_on_a_later_visit(client, content):
    client.post(url("about"), valid_post("about"))
    html = client.get(url("about")).content.decode()
    for slug, [choice] in valid_post("about").items():
        assert "checked" in html.split(f'value="{choice}"')[1].split(">")[0], slug


def test_answers_live_in_an_encrypted_cookie_not_the_database(client, content):
    from django.contrib.sessions.models import Session

    client.post(url("about"), valid_post("about"))
    assert Session.objects.count() == 0
    assert "sessionid" not in client.cookies
    assert client.cookies["answers"].value


def test_a_tampered_answers_cookie_starts_afresh_without_an_error(client, content):
    client.cookies["answers"] = "not-a-real-value"
    response = client.get(url("about"))
    assert response.status_code == 200
    assert "could not be read" in response.content.decode()
    assert stored(client).is_empty


def test_clear_all_really_erases_the_answers(client, content):
    complete_journey(client)
    assert client.get(reverse("clear")).status_code == 200
    response = client.post(reverse("clear"), follow=True)
    assert "Your answers have been cleared" in response.content.decode()
    assert stored(client).is_empty
    assert "Start now" in client.get(reverse("home")).content.decode()


def test_a_forged_post_is_refused_with_a_plain_message(content):
    client = FormClient(enforce_csrf_checks=True)
    response = client.post(url("about"), valid_post("about"))
    assert response.status_code == 403
    assert "This form has expired" in response.content.decode()
    assert stored(client).is_empty


def test_an_unknown_step_is_not_found(client, content):
    assert client.get(url("no-such-step")).status_code == 404


def test_htmx_gets_only_the_step_and_the_address_to_show(client, content):
    response = client.get(url("health"), **HTMX)
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith("<title>") or html.lstrip().startswith('<div id="step">')
    assert "<html" not in html
    assert 'id="step"' in html
    assert response.headers["HX-Push-Url"] == url("health")
    assert "HX-Request" in response.headers["Vary"]


def test_htmx_errors_come_back_inline_without_changing_the_address(client, content):
    response = client.post(url("health"), {}, **HTMX)
    assert response.status_code == 422
    assert "<html" not in response.content.decode()
    assert "There is a problem" in response.content.decode()
    assert response.headers["HX-Push-Url"] == "false"


def test_flow_pages_are_never_cached(client, content):
    response = client.get(url("about"))
    assert "no-store" in response.headers["Cache-Control"]


def test_a_resume_link_reopens_the_answers_in_another_browser(client, content):
    complete_journey(client)
    original = stored(client)
    check = client.get(reverse("check")).content.decode()
    link = check.split('class="resume-link"><a href="')[1].split('"')[0]
    assert "Anyone who has the link can see your answers until it expires" in check
    assert link.startswith("http://testserver/resume/#")

    other = FormClient()
    assert "Open your saved answers" in other.get(reverse("resume")).content.decode()
    assert stored(other).is_empty  # opening the page alone changes nothing
    response = other.post(reverse("resume"), {"link": link})
    assert response.headers["Location"] == reverse("check")
    assert stored(other) == original


@pytest.mark.parametrize("damage", ["tamper", "truncate", "garbage"])
def test_a_damaged_resume_link_gets_a_clear_message(client, content, damage):
    token = make_resume_token(Answers(values=["x"]))
    token = {
        "tamper": token[:-3] + ("aaa" if not token.endswith("aaa") else "bbb"),
        "truncate": token[: len(token) // 2],
        "garbage": "hello",
    }[damage]
    response = client.post(reverse("resume"), {"link": token})
    assert response.status_code == 400
    assert "These answers cannot be opened" in response.content.decode()
    assert stored(client).is_empty


def test_an_expired_resume_link_says_so(client, content):
    with mock.patch("decisionaid.answers.time.time", return_value=time.time() - 91 * 24 * 3600):
        token = make_resume_token(Answers(values=["x"]))
    response = client.post(reverse("resume"), {"link": token})
    assert response.status_code == 400
    assert "more than 90 days old" in response.content.decode()


def test_answers_are_not_written_to_the_logs(client, content, caplog):
    caplog.set_level(logging.DEBUG)
    data = valid_post("health")
    client.post(url("health"), {**data, next(iter(data)): ["a-very-personal-answer"]})
    token = make_resume_token(Answers(own_questions="my private question"))
    client.post(reverse("resume"), {"link": token})
    assert "a-very-personal-answer" not in caplog.text
    assert "my private question" not in caplog.text


def test_resume_tokens_are_redacted_from_server_log_lines():
    from decisionaid.logging import RedactResumeLinks

    record = logging.LogRecord(
        "django.server",
        logging.INFO,
        __file__,
        1,
        '"GET /resume/%s/ HTTP/1.1" 200',
        ("abc:def",),
        None,
    )
    RedactResumeLinks().filter(record)
    assert record.getMessage() == '"GET /resume/[redacted]/ HTTP/1.1" 200'


def test_no_step_is_missing_from_the_flow(client, content):
    """Answering each page and taking its way forward visits every step once, in order."""
    answers = {
        "values": {"values": list(Value.objects.values_list("slug", flat=True)[:1])},
        "considering": {"considering": []},
        "questions": {"own": "Will it hurt?"},
        "sure": dict.fromkeys(("sure", "understand", "risks_benefits", "support"), "yes"),
    }
    visited = []
    path = client.get(reverse("start"))["Location"]
    while path != reverse("summary") and len(visited) < 3 * len(STEPS):
        match = resolve(path)
        if match.url_name == "step":
            visited.append(match.kwargs["slug"])
            data = answers.get(match.kwargs["slug"]) or valid_post(match.kwargs["slug"])
            response = client.post(path, data)
            assert response.status_code == 302, f"{path} refused its answers"
            path = response["Location"]
        else:  # the check page or the options: follow the page's own way on
            html = client.get(path).content.decode()
            path = next(href for href, text in links(html) if text.startswith("Continue"))
    assert visited == [step.slug for step in STEPS]
    assert path == reverse("summary")
    assert set(Question.Step.values) <= set(visited), "a page of questions has no step"
