"""Keyboard use as WCAG 2.2 asks: every control that takes the focus shows it whole (never under
the side-by-side table's held column or past the window's edge, 2.4.11) with a ring at least
3:1 against what is around it (1.4.11); text keeps 4.5:1 when focused, hovered or pressed
(1.4.3); a link in the error summary brings its question into view."""

from pathlib import Path

import pytest

from tests.browser.steps import fill_step, the_journey
from tests.personas import leg_for_years
from treatments.models import Option

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = [320, 768]

# The checks, loaded into every page a test opens (see `checked`).
CHECKS = (Path(__file__).parent / "focus.js").read_text()
FOCUSED = "() => focusProblems()"
TEXT_CONTRAST = "e => textContrast(e)"


def checked(open_page, url: str, width: int, **options):
    wrapped = open_page(url, viewport={"width": width, "height": 700}, **options)
    wrapped.page.add_init_script(
        CHECKS + "window.focusProblems = focusProblems; window.textContrast = textContrast;"
    )
    return wrapped


def tab_through(page, key: str) -> tuple[int, list[str]]:
    """Press `key` (Tab or Shift+Tab) until the focus comes round to where it started; return
    how many stops there were and what was wrong at each."""
    first, stops, problems = None, 0, []
    for _ in range(600):
        page.keyboard.press(key)
        focused = page.evaluate(FOCUSED)
        if focused is None:
            continue
        if focused["id"] == first:
            return stops, problems
        first = first or focused["id"]
        stops += 1
        problems += [f"{key} to {focused['name']}: {problem}" for problem in focused["problems"]]
    raise AssertionError(f"{key} never came round to where it started")


def tab_both_ways(page) -> tuple[int, list[str]]:
    page.evaluate("document.activeElement && document.activeElement.blur()")
    forward, found = tab_through(page, "Tab")
    back, found_back = tab_through(page, "Shift+Tab")
    assert back == forward, "Shift+Tab met a different number of stops than Tab"
    return forward + back, found + found_back


def home_then_the_journey(wrapped):
    wrapped.goto("/")
    yield "/"
    yield from the_journey(wrapped)


@pytest.mark.slow
@pytest.mark.parametrize("width", WIDTHS, ids=lambda width: f"{width}px")
def test_tabbing_through_the_journey_shows_every_focus_whole_and_clearly(
    open_page, live_server, content, width
):
    wrapped = checked(open_page, live_server.url, width)
    problems, stops = {}, 0
    for state in home_then_the_journey(wrapped):
        count, found = tab_both_ways(wrapped.page)
        stops += count
        if found:
            problems[state] = found
    assert stops > 300
    assert problems == {}


def four_options(page) -> None:
    slugs = Option.objects.ready().order_by("name").values_list("slug", flat=True)[:4]
    page.goto("/options/?" + "&".join(f"compare={slug}" for slug in slugs))
    assert page.page.locator(".comparison__table th[scope=col]").count() == 4


@pytest.mark.parametrize("javascript", [True, False], ids=["js-on", "js-off"])
@pytest.mark.parametrize("width", [320, 390, 768], ids=lambda width: f"{width}px")
def test_tabbing_through_four_options_side_by_side_never_hides_the_focus(
    open_page, live_server, content, width, javascript
):
    # Without the page's scripts (aid.js scrolls what Tab reaches clear of the held column), the
    # browser's own scrolling on focus must do it: the table's whole-column views see to that.
    wrapped = checked(open_page, live_server.url, width, scripts=javascript)
    four_options(wrapped)
    # Through the table, which scrolls sideways under its held column of questions: forwards
    # from its heading, and back from the first stop after it.
    stops, problems = 0, []
    ends = {"Tab": "#comparison-heading", "Shift+Tab": ".comparison__sources summary"}
    for key, start in ends.items():
        wrapped.page.locator(start).focus()
        for _ in range(200):
            wrapped.page.keyboard.press(key)
            focused = wrapped.page.evaluate(FOCUSED)
            if not wrapped.page.evaluate("!!document.activeElement.closest('.comparison__scroll')"):
                break
            stops += 1
            problems += [f"{key} to {focused['name']}: {p}" for p in focused["problems"]]
    assert stops > 60
    assert problems == [], "\n".join(problems)


CONTROLS = "main button:not([hidden]), main a.button, main .link-button, .site-nav a"


def test_buttons_and_links_keep_their_text_readable_when_hovered_pressed_or_focused(
    open_page, live_server, content
):
    wrapped = checked(open_page, live_server.url, 768)
    page = wrapped.page
    for _ in the_journey(wrapped):
        pass
    weak = []
    for path in ("/check/", "/clear/", "/options/", "/summary/"):
        wrapped.goto(path)
        controls = page.locator(CONTROLS)
        assert controls.count(), path
        for index in range(controls.count()):
            control = controls.nth(index)
            if not control.is_visible():
                continue
            name = f"{path} {control.inner_text().strip()[:40]!r}"
            control.scroll_into_view_if_needed()
            states = {"as shown": control.evaluate(TEXT_CONTRAST)}
            control.hover()
            states["hovered"] = control.evaluate(TEXT_CONTRAST)
            page.mouse.down()
            states["pressed"] = control.evaluate(TEXT_CONTRAST)
            page.mouse.move(0, 0)  # let go away from it, so nothing is clicked
            page.mouse.up()
            page.keyboard.press("Shift")  # focus from the keyboard shows the focus style
            control.focus()
            assert control.evaluate("e => e.matches(':focus-visible')"), name
            states["focused"] = control.evaluate(TEXT_CONTRAST)
            weak += [
                f"{name} {state}: {ratio:.2f}:1" for state, ratio in states.items() if ratio < 4.5
            ]
    assert weak == []


QUESTION_IN_VIEW = """link => {
  const question = document.getElementById(link.hash.slice(1)).closest(".form-group");
  const heading = question.querySelector("legend, label");
  const at = heading.getBoundingClientRect();
  return at.top >= 0 && at.bottom <= innerHeight;
}"""


@pytest.mark.parametrize("javascript", [True, False], ids=["js-on", "js-off"])
def test_a_link_in_the_error_summary_brings_its_question_into_view(
    open_page, live_server, content, javascript
):
    wrapped = open_page(live_server.url, viewport={"width": 320, "height": 640}, scripts=javascript)
    wrapped.goto("/questions/health/")
    page = wrapped.page
    page.locator("#step form button[type=submit]").click()
    links = page.locator(".error-summary a")
    links.first.wait_for()
    assert links.count() >= 2
    for index in range(links.count()):
        page.evaluate("window.scrollTo(0, 0)")
        link = links.nth(index)
        link.focus()
        page.keyboard.press("Enter")
        page.wait_for_function(QUESTION_IN_VIEW, arg=link.element_handle(), timeout=3000)
        if not javascript:
            page.keyboard.press("Tab")  # the browser goes on from the question
        first_answer = link.evaluate(
            "link => document.getElementById(link.hash.slice(1)).closest('.form-group')"
            ".querySelector('input, textarea') === document.activeElement"
        )
        assert first_answer, f"{link.inner_text()}: the focus is not on the question's first answer"
        assert page.evaluate(QUESTION_IN_VIEW, link.element_handle())


FLOODED = """() => {
  const style = getComputedStyle(document.activeElement);
  return {tag: document.activeElement.tagName, background: style.backgroundColor,
          outline: style.outlineStyle};
}"""


def test_what_the_page_focuses_itself_is_not_flooded(open_page, live_server, content):
    wrapped = checked(open_page, live_server.url, 320)
    page = wrapped.page
    wrapped.goto("/questions/about/")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")  # "Skip to main content"
    assert page.evaluate(FLOODED) == {
        "tag": "MAIN",
        "background": "rgba(0, 0, 0, 0)",
        "outline": "none",
    }
    fill_step(page, leg_for_years, "")  # htmx swaps the next step in and focuses its heading
    page.wait_for_function("document.activeElement.tagName === 'H1'")
    assert page.evaluate(FLOODED) == {
        "tag": "H1",
        "background": "rgba(0, 0, 0, 0)",
        "outline": "none",
    }
