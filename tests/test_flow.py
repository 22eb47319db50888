"""The guided flow through the test client, on the bundled content.

Answers are built from whatever questions the content holds, so no test names a treatment.
"""

import logging
import re
import time
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.urls import resolve, reverse

from decisionaid import sure
from decisionaid.answers import UNSURE, Answers, make_resume_token
from tests.answers_cookie import give_answers, stored
from tests.html import first, has_class, links, parse, text_of, texts_of
from tests.users import FormClient
from treatments.models import (
    Consideration,
    KnowledgeQuestion,
    Option,
    Question,
    QuestionPage,
    SuggestedQuestion,
    Value,
)
from treatments.releases import current_content

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def url(slug: str) -> str:
    return reverse("step", args=[slug])


def valid_post(step: str) -> dict:
    """A complete, valid answer to every question of a question step."""
    data = {}
    for question in Question.objects.filter(page__slug=step).prefetch_related("choices"):
        choice = next(c for c in question.choices.all() if not c.exclusive)
        data[question.slug] = [choice.slug]
    return data


def complete_journey(client) -> None:
    for page in QuestionPage.objects.values_list("slug", flat=True):
        assert client.post(url(page), valid_post(page)).status_code == 302
    values = list(Value.objects.values_list("slug", flat=True)[:2])
    assert client.post(url("values"), {"values": values}).status_code == 302
    options = list(Option.objects.ready().values_list("slug", flat=True)[:2])
    assert client.post(url("considering"), {"considering": options}).status_code == 302
    suggested = SuggestedQuestion.objects.first().slug
    client.post(url("questions"), {"suggested": [suggested], "own": "Will it hurt?"})
    sure = {"sure": "no", "understand": "yes", "risks_benefits": "yes", "support": "no"}
    assert client.post(url("sure"), sure).status_code == 302


def test_every_step_shows_its_questions_from_the_content(client, content):
    for page in QuestionPage.objects.all():
        html = client.get(url(page.slug)).content.decode()
        assert f"<h1>{page.title}</h1>" in html
        for question in page.questions.all():
            assert question.text in html
    assert "Step 2 of 10" in client.get(url("health")).content.decode()


def test_every_health_question_can_be_answered_not_sure(client, content):
    html = client.get(url("health")).content.decode()
    for question in Question.objects.filter(page__about_health=True):
        assert f'name="{question.slug}" value="not-sure"' in html


def test_each_step_leads_to_the_next_and_back(client, content):
    response = client.post(url("about"), valid_post("about"))
    assert response.headers["Location"] == url("health")
    html = client.get(url("health")).content.decode()
    assert f'class="back-link" href="{url("about")}"' in html


def test_a_missing_answer_is_shown_with_a_message_that_says_what_to_do(client, content):
    data = valid_post("about")
    dropped = next(q for q in Question.objects.filter(page__slug="about", required=True))
    del data[dropped.slug]
    response = client.post(url("about"), data)
    assert response.status_code == 422
    html = response.content.decode()
    assert "There is a problem" in html
    assert f"Choose {'at least one answer' if dropped.kind == 'many' else 'an answer'} for" in html
    assert f'href="#{dropped.slug}"' in html  # the whole question, not its first answer
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
    data = {**valid_post(question.page.slug), question.slug: [exclusive.slug, other.slug]}
    response = client.post(url(question.page.slug), data)
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
    question = Question.objects.filter(page__slug="health").first()
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
    link = texts_of(parse(check), "//textarea[@id='resume-link']")[0]
    assert "Anyone with the link can see your answers for 90 days" in check
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


def step_number(html: str) -> tuple[int, int] | None:
    """The "Step n of N" a page shows, if any."""
    shown = texts_of(parse(html), f"//p[{has_class('progress')}]")
    if not shown:
        return None
    found = re.fullmatch(r"Step (\d+) of (\d+)", shown[0])
    assert found, shown[0]
    return (int(found[1]), int(found[2]))


def back_link(html: str) -> str:
    return next(href for href, label in links(html) if label == "Back")


def test_no_step_is_missing_from_the_flow(client, content):
    """Taking each page's own way on from the start asks every question in the content once,
    goes back the way it came, counts the steps up one at a time and ends at the summary."""
    answers = {
        "values": {
            "values": list(Value.objects.values_list("slug", flat=True)[:1]),
            "concern": "Being able to drive",
        },
        "considering": {"considering": []},
        "knowledge": dict.fromkeys(
            KnowledgeQuestion.objects.values_list("slug", flat=True), UNSURE
        ),
        "stand": {"stage": "thinking", "role": "together"},
        "questions": {"own": "Will it hurt?"},
        "sure": dict.fromkeys(sure.ITEMS, "yes"),
    }
    visited, numbers, came_from = [], [], reverse("home")
    path = client.get(reverse("start"))["Location"]
    while path != reverse("summary") and len(visited) < 50:
        html = client.get(path).content.decode()
        if number := step_number(html):
            numbers.append(number)
        match = resolve(path)
        if match.url_name == "step":
            assert back_link(html) == came_from, path
            visited.append(match.kwargs["slug"])
            data = answers.get(match.kwargs["slug"]) or valid_post(match.kwargs["slug"])
            response = client.post(path, data)
            assert response.status_code == 302, f"{path} refused its answers"
            came_from, path = path, response["Location"]
        else:  # the check page or the options: follow the page's own way on
            if match.url_name != "check":
                came_from = path
            path = next(href for href, label in links(html) if label.startswith("Continue"))
    assert path == reverse("summary")
    assert len(visited) == len(set(visited)), "a step came twice"
    # Every question of the content was on a step on the way.
    asked = {q for slug in visited for q in Question.objects.filter(page__slug=slug)}
    assert asked == set(Question.objects.all())
    # And everything else a person can say was asked for.
    said = stored(client)
    assert said.values and said.own_questions and said.sure_score == len(sure.ITEMS)
    assert said.knowledge and set(said.knowledge.values()) == {UNSURE}
    assert said.concern and said.stage and said.role
    assert set(said.done) == set(visited)
    # Each step's number shows once, counting up from 1 without a gap to the last; the check
    # page (met twice) and the summary carry none.
    total = numbers[0][1]
    assert {n for _, n in numbers} == {total}
    assert [n for n, _ in numbers] == list(range(1, total + 1))
    assert step_number(client.get(reverse("check")).content.decode()) is None
    assert step_number(client.get(reverse("summary")).content.decode()) is None


def test_a_page_of_questions_added_by_editors_becomes_a_step(client, factory, content):
    health = QuestionPage.objects.get(slug="health")
    work = factory.make_question_page(
        slug="work",
        title="Your work",
        hint="Some treatments take time off work.",
        summary_heading="My work",
        order=health.order,  # after the health questions (same order, made later)
    )
    factory.make_question(
        page=work,
        slug="working-now",
        text="Are you working at the moment?",
        short_label="Working now",
        choices=("yes", "no"),
    )
    factory.make_question_page(slug="empty", title="A page still being written", order=1)
    factory.publish_version()

    html = client.get(url("work")).content.decode()
    assert "<h1>Your work</h1>" in html and "Some treatments take time off work." in html
    assert "Are you working at the moment?" in html
    # The third step of eleven: your CRPS, health, this page; then practical, values, options,
    # considering, where you stand, the knowledge check, questions and the SURE test. A page with
    # no questions is no step.
    assert step_number(html) == (3, 11)
    assert back_link(html) == url("health")
    assert client.get(url("empty")).status_code == 404

    response = client.post(url("health"), valid_post("health"))
    assert response["Location"] == url("work")
    response = client.post(url("work"), {"working-now": "yes"})
    assert response["Location"] == url("practical")
    practical = client.get(url("practical")).content.decode()
    assert step_number(practical) == (4, 11)
    assert back_link(practical) == url("work")
    options = client.get(reverse("options")).content.decode()
    assert "Step 6 of 11" in options

    check = client.get(reverse("check")).content.decode()
    group = first(parse(check), f"//dl[{has_class('summary-list')} and @data-step='work']")
    row = next(
        row for row in group.xpath(".//div") if text_of(first(row, ".//dt")) == "Working now"
    )
    answer, change = row.xpath(".//dd")
    assert text_of(answer) == "Yes"
    assert first(change, ".//a").get("href") == f"{url('work')}?return=check#working-now"
    assert check_groups(check)[:4] == ["about", "health", "work", "practical"]

    summary = parse(client.get(reverse("summary")).content.decode())
    work = next(s for s in summary.xpath("//section") if text_of(first(s, ".//h2")) == "My work")
    row = first(first(work, ".//dl"), ".//div")
    assert (text_of(first(row, ".//dt")), text_of(first(row, ".//dd"))) == ("Working now", "Yes")


def check_groups(html: str) -> list[str]:
    """The steps the check page lists answers for, in order."""
    groups = parse(html).xpath(f"//dl[{has_class('summary-list')} and @data-step]")
    return [dl.get("data-step") for dl in groups]


def test_a_page_of_questions_cannot_take_the_address_of_a_step_of_the_flow(db):
    from decisionaid.journey import FIXED_SLUGS
    from treatments.models import FLOW_STEP_SLUGS

    assert set(FLOW_STEP_SLUGS) >= FIXED_SLUGS
    page = QuestionPage(slug="values", title="My values")
    with pytest.raises(ValidationError, match="address of one of the aid's own steps"):
        page.full_clean()


def test_the_check_page_lists_the_last_steps_only_once_begun(client, content):
    client.post(url("about"), valid_post("about"))
    groups = check_groups(client.get(reverse("check")).content.decode())
    assert groups == [*QuestionPage.objects.values_list("slug", flat=True), "values"]
    client.post(url("considering"), {"considering": []})
    groups = check_groups(client.get(reverse("check")).content.decode())
    assert groups[-5:] == ["considering", "stand", "knowledge", "questions", "sure"]


def test_old_answers_naming_suggested_questions_by_number_still_open(client, content):
    """Before suggested questions had slugs, answers named them by number: a number that is
    still a question's becomes its slug, and one that is not is dropped without a word."""
    first, second = SuggestedQuestion.objects.all()[:2]
    give_answers(client, Answers(suggested_questions=[second.pk, 987654], done=["questions"]))
    check = client.get(reverse("check")).content.decode()
    assert second.text in check and first.text not in check
    page = client.get(url("questions")).content.decode()
    assert "checked" in page.split(f'value="{second.slug}"')[1].split(">")[0]
    client.post(url("values"), {"values": list(Value.objects.values_list("slug", flat=True)[:1])})
    assert stored(client).suggested_questions == [second.slug]


# Health answers saved as yes / no / not sure, before the two tick lists: the content says which
# new answer stands for which old one (Choice.replaces).
OLD_HEALTH_ANSWERS = {
    ("pregnancy", "yes"): ("conditions", "pregnant"),
    ("pregnancy", "not-sure"): ("conditions", "pregnant"),
    ("heart", "yes"): ("conditions", "heart"),
    ("heart", "not-sure"): ("conditions", "heart"),
    ("blood-pressure", "yes"): ("conditions", "blood-pressure"),
    ("blood-pressure", "not-sure"): ("conditions", "blood-pressure"),
    ("liver", "yes"): ("conditions", "liver"),
    ("liver", "not-sure"): ("conditions", "liver"),
    ("kidney", "yes"): ("conditions", "kidney"),
    ("kidney", "not-sure"): ("conditions", "kidney"),
    ("mental-health", "yes"): ("conditions", "psychosis-bipolar"),
    ("mental-health", "not-sure"): ("conditions", "psychosis-bipolar"),
    ("dental", "yes"): ("conditions", "dental"),
    ("dental", "not-sure"): ("conditions", "dental"),
    ("bleeding", "yes"): ("medicines", "blood-thinner"),
    ("bleeding", "not-sure"): ("medicines", "blood-thinner"),
    ("bp-medicines", "yes"): ("medicines", "heart-medicine"),
    ("bp-medicines", "not-sure"): ("medicines", "heart-medicine"),
}


def test_every_old_health_answer_reads_as_the_new_answer_that_stands_for_it(content):
    published = current_content()
    for (old_question, old_choice), (question, choice) in OLD_HEALTH_ANSWERS.items():
        answers = Answers(choices={old_question: [old_choice], "onset": ["over-5-years"]})
        answers.resolve_old_choices(published)
        assert answers.choices == {"onset": ["over-5-years"], question: [choice]}, old_question
    # A "no" raised nothing and still raises nothing: it is dropped, not guessed at.
    answers = Answers(choices={"heart": ["no"], "bleeding": ["no"]})
    answers.resolve_old_choices(published)
    assert answers.choices == {}


def test_answers_saved_under_the_old_health_questions_keep_their_meaning(client, content):
    old = Answers(
        choices={
            "onset": ["1-to-5-years"],
            "pregnancy": ["yes"],
            "heart": ["not-sure"],
            "kidney": ["no"],
            "bleeding": ["yes"],
        },
        done=["about", "health"],
    )
    give_answers(client, old)
    page = client.get(url("health")).content.decode()
    for question, choice in [
        ("conditions", "pregnant"),
        ("conditions", "heart"),
        ("medicines", "blood-thinner"),
    ]:
        assert "checked" in page.split(f'name="{question}" value="{choice}"')[1].split(">")[0]
    assert "checked" not in page.split('name="conditions" value="kidney"')[1].split(">")[0]
    # What they raise on an option is marked as theirs.
    raised = Consideration.objects.for_answers([("conditions", "pregnant")]).first()
    option_page = client.get(raised.option.get_absolute_url()).content.decode()
    assert "(your answer)" in option_page
    # Saved again, they are in the new form: the old questions are gone.
    client.post(url("practical"), valid_post("practical"))
    choices = stored(client).choices
    assert choices["conditions"] == ["pregnant", "heart"]
    assert choices["medicines"] == ["blood-thinner"]
    assert not {"pregnancy", "heart", "kidney", "bleeding"} & set(choices)


def test_a_resume_link_with_old_health_answers_opens_in_the_new_form(client, content):
    token = make_resume_token(Answers(choices={"dental": ["not-sure"]}, done=["health"]))
    assert client.post(reverse("resume"), {"link": token}).status_code == 302
    assert stored(client).choices == {"conditions": ["dental"]}


def test_suggested_questions_are_kept_by_slug(client, content):
    question = SuggestedQuestion.objects.last()
    assert client.post(url("questions"), {"suggested": [question.slug]}).status_code == 302
    assert stored(client).suggested_questions == [question.slug]
    response = client.post(url("questions"), {"suggested": [str(question.pk)]})
    assert response.status_code == 422
    assert "Choose from the questions shown." in response.content.decode()


def test_the_options_just_compared_come_ticked_on_the_considering_step(client, content):
    a, b = Option.objects.ready().order_by("name").values_list("slug", flat=True)[:2]
    give_answers(client, Answers(values=[], done=["about"], choices={"onset": ["recent"]}))
    overview = client.get(reverse("options"), {"compare": [a, b]}).content.decode()
    [onward] = [href for href, text in links(overview) if text == "Continue to the next step"]
    assert onward == f"/questions/considering/?compared={a}&compared={b}"
    page = parse(client.get(onward).content.decode())
    ticked = page.xpath("//input[@name='considering' and @checked]/@value")
    assert sorted(ticked) == sorted([a, b])
    # Nothing is saved until the person sends the step; an earlier choice of theirs wins.
    give_answers(client, Answers(considering=[b], done=["considering"]))
    page = parse(client.get(onward).content.decode())
    assert page.xpath("//input[@name='considering' and @checked]/@value") == [b]


def test_the_health_lists_say_what_to_do_when_nothing_is_ticked(client, content):
    response = client.post(url("health"), {})
    assert response.status_code == 422
    html = response.content.decode()
    for question in Question.objects.filter(page__slug="health"):
        assert (
            f"Choose at least one answer for “{question.text}”. If none of them apply, choose "
            "“None of these”"
        ) in html
    data = {"conditions": ["none", "not-sure"], "medicines": ["none"]}
    assert client.post(url("health"), data).status_code == 422
    assert (
        client.post(url("health"), {"conditions": ["not-sure"], "medicines": ["none"]}).status_code
        == 302
    )


@pytest.mark.django_db
def test_suggested_questions_beyond_the_first_four_open_in_place_and_show_open_when_ticked(
    client, content
):
    questions = current_content().suggested_questions
    url = reverse("step", args=["questions"])
    page = parse(client.get(url).content.decode())
    folded = page.xpath("//details[contains(@class, 'more-choices')]")
    assert len(folded) == 1 and folded[0].get("open") is None
    assert text_of(folded[0].find("summary")) == "More questions you could ask"
    inside = folded[0].xpath(".//input/@value")
    assert inside == [q.slug for q in questions[4:]]
    # A question ticked among them is never out of sight.
    give_answers(client, Answers(suggested_questions=[questions[-1].slug]))
    page = parse(client.get(url).content.decode())
    assert page.xpath("//details[contains(@class, 'more-choices')]")[0].get("open") is not None
