"""Resume links in a real browser: the token stays after '#', with or without JavaScript."""

import re

import pytest
from django.conf import settings

from decisionaid.answers import Answers, read_resume_token
from tests.answers_cookie import cookie_value

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ANSWERS = Answers(
    values=["x"], own_questions="A question only I should see", done=["about", "questions"]
)


def give(page, answers: Answers) -> None:
    page.page.context.add_cookies(
        [
            {
                "name": settings.ANSWERS_COOKIE_NAME,
                "value": cookie_value(answers),
                "url": page.base_url,
            }
        ]
    )


def link_on_check_page(page) -> str:
    page.goto("/check/")
    return page.page.locator("textarea#resume-link").input_value()


def test_opening_a_link_never_sends_its_token_to_the_server(page, content, browser, live_server):
    give(page, ANSWERS)
    link = link_on_check_page(page)
    assert "#" in link

    sent: list[str] = []
    other = browser.new_context()
    tab = other.new_page()
    tab.on("request", lambda request: sent.append(request.url + str(request.headers)))
    tab.goto(link)
    token = link.split("#", 1)[1]
    assert tab.locator("textarea[name=link]").input_value() == token
    assert tab.url == live_server.url + "/resume/"  # out of the address bar and history
    tab.get_by_role("button", name="Open the saved answers").click()
    tab.wait_for_url(re.compile(r"/check/$"))
    assert "A question only I should see" in tab.content()
    assert "Your saved answers are open" in tab.content()
    other.close()
    assert sent and not any(token in line for line in sent)


def test_without_javascript_a_pasted_link_opens_the_answers(page_without_js, content):
    link = "http://elsewhere.example/resume/#" + make_token()
    page_without_js.goto("/resume/")
    page_without_js.page.fill("textarea[name=link]", link)
    page_without_js.page.get_by_role("button", name="Open the saved answers").click()
    page_without_js.page.wait_for_url(re.compile(r"/check/$"))
    assert "A question only I should see" in page_without_js.page.content()


def test_a_damaged_link_gets_a_calm_page(page, content):
    page.expected_statuses.add(400)
    page.goto("/resume/#" + make_token()[:-6])
    page.page.get_by_role("button", name="Open the saved answers").click()
    assert page.page.get_by_role("heading", level=1).inner_text() == (
        "These answers cannot be opened"
    )


def test_remember_on_this_device_then_start_again_from_the_summary(page, content):
    give(page, ANSWERS)
    page.goto("/check/")
    page.page.get_by_text("Keep your answers for later").click()
    page.page.get_by_label("Remember my answers on this device for 30 days").check()
    page.page.get_by_role("button", name="Save this choice").click()
    assert "kept on this device for 30 days" in page.page.content()
    cookie = next(
        c for c in page.page.context.cookies() if c["name"] == settings.ANSWERS_COOKIE_NAME
    )
    assert cookie["expires"] > 0  # kept beyond the browser session
    page.goto("/summary/")
    page.page.get_by_role("button", name="Start again").click()
    page.page.wait_for_url(page.base_url + "/")
    assert "Your answers have been cleared" in page.page.content()
    names = [c["name"] for c in page.page.context.cookies()]
    assert settings.ANSWERS_COOKIE_NAME not in names


def make_token() -> str:
    from decisionaid.answers import make_resume_token

    token = make_resume_token(ANSWERS)
    assert read_resume_token(token) == ANSWERS
    return token
