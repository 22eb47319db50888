"""Every page and every state a person can reach passes axe-core, with JavaScript on and off;
nothing scrolls sideways at 360 px; every target is at least 44 by 44 px."""

import itertools

import pytest

from tests.browser.steps import the_journey

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PAGES = [
    "/",
    "/options/",
    "/sources/",
    "/glossary/",
    "/clear/",
    "/check/",
    "/summary/",
    "/resume/not-a-real-link/",
    "/report/?page=/options/",
    "/summary/?link=yes",
    "/no-such-page/",
]

# Targets below 44 by 44 px: inline links inside a sentence are exempt (WCAG 2.5.8), and so is
# what is not shown (the skip link until it is focused).
SMALL_TARGETS = """() => [...document.querySelectorAll(
  "a[href], button, input:not([type=hidden]), select, textarea, summary"
)].flatMap(element => {
  const style = getComputedStyle(element);
  const box = element.getBoundingClientRect();
  if (!box.width || !box.height || style.visibility === "hidden") return [];
  if (element.tagName === "A" && style.display === "inline") return [];
  if (element.classList.contains("skip-link")) return [];
  if (box.width >= 44 && box.height >= 44) return [];
  if (element.type === "checkbox" || element.type === "radio") {
    // The target is all that takes the click: the box and its label (and the label's padding).
    // Measure how far that region reaches across and down through the box's centre.
    element.scrollIntoView({block: "center"});
    const at = element.getBoundingClientRect();
    const [x, y] = [at.left + at.width / 2, at.top + at.height / 2];
    const takes = (px, py) => {
      const hit = document.elementFromPoint(px, py);
      return !!hit && (hit === element || !!hit.closest(`label[for="${element.id}"]`));
    };
    const reach = (dx, dy) => {
      let n = 0;
      while (n < 60 && takes(x + dx * (n + 1), y + dy * (n + 1))) n++;
      return n;
    };
    if (reach(-1, 0) + reach(1, 0) + 1 >= 44 && reach(0, -1) + reach(0, 1) + 1 >= 44) return [];
  }
  const label = (element.innerText || element.name || element.id || "").trim().slice(0, 40);
  const size = `${Math.round(box.width)}x${Math.round(box.height)}`;
  return [`${element.tagName.toLowerCase()} "${label}" ${size}`];
})"""


def sideways(page) -> int:
    return page.evaluate(
        "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )


def information_pages(wrapped) -> list[str]:
    wrapped.goto("/")
    return wrapped.page.locator(".footer-links a").evaluate_all(
        "links => links.map(a => a.pathname)"
    )


def the_pages(wrapped):
    """Every page that shows no personal answers, once each."""
    wrapped.expected_statuses |= {400, 404}  # a damaged resume link and a missing page, on purpose
    for path in [*PAGES, *information_pages(wrapped)]:
        wrapped.goto(path)
        yield path
    wrapped.goto("/options/")
    option = wrapped.page.locator("main a[href^='/options/'][href$='/']").first
    path = option.get_attribute("href")
    wrapped.goto(path)
    yield path


def axe_failures(axe, wrapped, states) -> dict:
    return {state: found for state in states if (found := axe(wrapped))}


@pytest.mark.parametrize("javascript", [True, False], ids=["js-on", "js-off"])
def test_every_page_passes_axe_as_make_run_serves_it(open_page, debug_server, axe, javascript):
    wrapped = open_page(debug_server, scripts=javascript)
    assert axe_failures(axe, wrapped, the_pages(wrapped)) == {}


@pytest.mark.parametrize("javascript", [True, False], ids=["js-on", "js-off"])
def test_every_step_its_errors_the_check_page_and_summary_pass_axe(
    open_page, live_server, content, axe, javascript
):
    """Production's way (debug off); the journey as `make run` serves it is in test_flow.py."""
    wrapped = open_page(live_server.url, scripts=javascript)
    assert axe_failures(axe, wrapped, the_journey(wrapped)) == {}


def test_every_page_fits_360_px_and_every_target_is_big_enough(open_page, debug_server, content):
    wrapped = open_page(debug_server, viewport={"width": 360, "height": 740})
    wide, small = {}, {}
    for state in itertools.chain(the_pages(wrapped), the_journey(wrapped)):
        if (overflow := sideways(wrapped.page)) > 0:
            wide[state] = overflow
        if targets := wrapped.page.evaluate(SMALL_TARGETS):
            small[state] = targets
    assert wide == {}
    assert small == {}


def test_axe_judges_a_changed_document_again(open_page, live_server, content, axe):
    """Verdicts are reused only for the very same document: one image without a description
    added to a page already judged clean is found."""
    wrapped = open_page(live_server.url)
    wrapped.goto("/")
    assert axe(wrapped) == []
    wrapped.page.evaluate("document.querySelector('main').append(document.createElement('img'))")
    assert [found.split(":")[0] for found in axe(wrapped)] == ["image-alt"]
