"""The whole journey from the home page to the summary, with only Tab, Space and Enter."""

import pytest

from tests.browser.conftest import every_way_in
from tests.browser.steps import rejects_an_empty_form

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FOCUSED = """() => {
  const e = document.activeElement;
  return {
    tag: e.tagName, type: e.type || "", name: e.name || "", id: e.id || "",
    text: (e.innerText || e.value || "").trim(),
    inStepForm: !!e.closest("#step form"),
    groupAnswered: e.name ? !!document.querySelector(`[name="${e.name}"]:checked`) : false,
  };
}"""


def tab_until(page, wanted, limit=1500):
    """Press Tab until the focused element matches `wanted`; return what is focused."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        if wanted(focused):
            return focused
    raise AssertionError("never reached the element by pressing Tab")


def follow_link(page, text):
    url = page.url
    tab_until(page, lambda f: f["tag"] == "A" and f["text"] == text)
    page.keyboard.press("Enter")
    page.wait_for_url(lambda new: new != url)


def answer_step(page):
    """Tick the first answer of every question with Space, then press Enter on the button."""
    url = page.url
    while True:
        focused = tab_until(
            page,
            lambda f: f["inStepForm"] and (f["type"] in ("radio", "checkbox", "submit")),
        )
        if focused["type"] == "submit":
            page.keyboard.press("Enter")
            page.wait_for_url(lambda new: new != url)
            return
        if not focused["groupAnswered"]:
            page.keyboard.press("Space")


def make_a_mistake(wrapped, javascript: bool) -> None:
    """Send the step with nothing chosen; the error comes back in place, saying what to do."""
    page = wrapped.page
    url = page.url
    page.evaluate("window.stillTheSamePage = true")
    tab_until(page, lambda f: f["inStepForm"] and f["type"] == "submit")
    page.keyboard.press("Enter")
    summary = page.locator(".error-summary")
    summary.wait_for()
    assert page.url == url
    page.wait_for_function("() => document.title.startsWith('Error: ')")
    assert "There is a problem" in summary.inner_text()
    # The whole styled page, not a bare fragment.
    assert page.locator("link[rel=stylesheet]").count() >= 1
    assert page.locator("main h1, main legend h1").count() == 1
    if javascript:
        # Swapped in place, with the error summary focused so a screen reader reads it first.
        assert page.evaluate("window.stillTheSamePage === true")
        assert page.evaluate("document.activeElement.classList.contains('error-summary')")


def run_journey(wrapped, *, javascript: bool, mistakes: bool = True) -> list[str]:
    """Home page to summary by keyboard, trying each step with a mistake first; returns the
    heading of each question page."""
    wrapped.goto("/")
    page = wrapped.page
    follow_link(page, "Start now")
    headings = []

    def do_step():
        headings.append(page.locator("h1").first.inner_text())
        slug = page.url.rstrip("/").rsplit("/", 1)[-1]
        if mistakes and rejects_an_empty_form(slug):
            make_a_mistake(wrapped, javascript)
        answer_step(page)

    for _ in range(4):  # your CRPS, health, practical, what matters
        do_step()
    assert page.url.endswith("/check/")
    follow_link(page, "Continue to your options")
    assert page.url.endswith("/options/")
    follow_link(page, "Continue to the next step")
    for _ in range(3):  # considering, where you stand, the knowledge check
        do_step()
    assert page.url.endswith("/questions/knowledge/answers/")
    follow_link(page, "Continue")
    for _ in range(2):  # questions for the clinician, how sure
        do_step()
    assert page.url.endswith("/check/")
    follow_link(page, "Continue to your summary")
    assert page.url.endswith("/summary/")
    assert page.locator("h1").inner_text() == "My CRPS treatment summary"
    return headings


EXPECTED_HEADINGS = [
    "Your CRPS",
    "Your health and medicines",
    "Practical matters",
    "What matters most to you?",
    "Which options are you thinking about?",
    "Where do you stand?",
    "Check what you know",
    "Questions for your clinician",
    "How sure do you feel?",
]


@pytest.mark.slow
@every_way_in
def test_a_person_can_make_a_mistake_on_every_step_and_still_reach_the_summary(
    open_page, app_url, content, javascript
):
    wrapped = open_page(app_url, javascript=javascript)
    assert run_journey(wrapped, javascript=javascript) == EXPECTED_HEADINGS
    assert "There is a problem" not in wrapped.page.content()


def test_htmx_swaps_each_step_in_place_and_keeps_history_right(page, content):
    page.goto("/questions/about/")
    page.page.evaluate("window.stillTheSamePage = true")
    answer_step(page.page)
    assert page.page.url.endswith("/questions/health/")
    # The page was not reloaded: htmx swapped the step in and moved the address on.
    assert page.page.evaluate("window.stillTheSamePage === true")
    page.page.wait_for_function("() => document.title.startsWith('Your health and medicines – ')")
    assert page.page.evaluate("document.activeElement.tagName") == "H1"
    page.page.go_back()
    page.page.wait_for_url("**/questions/about/")
    # The answers are still there after going back (htmx reloads the page from the server).
    page.page.locator("#step input:checked").first.wait_for()
    assert page.page.locator("#step input:checked").count() >= 3


def test_a_step_swapped_in_is_ready_the_moment_its_address_shows(page, content):
    """htmx moves the address on just before it swaps the next step in. A person who presses
    Enter straight away must still get the in-place step, not a whole page load: the new form
    is wired to htmx in the same moment (no settle delay)."""
    page.goto("/questions/about/")
    page.page.evaluate(
        """() => {
          window.stillTheSamePage = true;
          document.body.addEventListener("htmx:pushedIntoHistory", () => {
            // Runs as soon as the swap that follows the address change is done.
            setTimeout(() => document.querySelector("#step form").requestSubmit(), 0);
          }, {once: true});
        }"""
    )
    answer_step(page.page)
    page.page.locator(".error-summary").wait_for()
    assert page.page.url.endswith("/questions/health/")
    assert page.page.evaluate("window.stillTheSamePage === true")


def test_errors_appear_inline_and_take_the_focus(page, content, axe):
    page.goto("/questions/health/")
    page.page.evaluate("window.stillTheSamePage = true")
    page.page.get_by_role("button", name="Continue").click()
    summary = page.page.locator(".error-summary")
    summary.wait_for()
    assert page.page.evaluate("document.activeElement.classList.contains('error-summary')")
    assert page.page.url.endswith("/questions/health/")
    assert page.page.evaluate("window.stillTheSamePage === true")
    assert axe(page) == []
