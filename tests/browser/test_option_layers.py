"""Option pages in layers: the first layer leads, everything else folds under its heading and
opens in place, by a contents link, an address with #section, or "Open all sections"; printed,
every section is open. Every option page as first shown is a few screens, not dozens."""

import io
import re
import unicodedata

import pytest
from django.conf import settings
from pypdf import PdfReader

from tests.answers_cookie import cookie_value
from tests.personas import heaviest_persona
from treatments.models import Option

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
# The limits for a page as first shown, in screens of the viewport above.
MOST_SCREENS = {"phone": 6, "desktop": 4}
FIRST_LAYER_PHONE_SCREENS = 2
FIRST_LAYER_MOST_WORDS = 275  # "about 250"

SECTIONS = "details.layer__details"
OPEN_SECTIONS = "() => [...document.querySelectorAll('details.layer__details')].map(d => d.open)"
# The words of the first layer: everything in <main> up to its links onward, less the icon
# arrays' text alternatives (each the sentence printed beside it). The signs to get help
# straight away follow it, never folded.
FIRST_LAYER_WORDS = """() => {
  const range = document.createRange();
  range.setStartBefore(document.querySelector("main h1"));
  range.setEndAfter(document.querySelector(".option-more"));
  const shown = range.cloneContents();
  shown.querySelectorAll("svg").forEach(picture => picture.remove());
  return shown.textContent.split(/\\s+/).filter(Boolean).length;
}"""


def height(wrapped) -> int:
    return wrapped.page.evaluate("document.documentElement.scrollHeight")


def the_fullest() -> Option:
    """The option with the most to fold away: the hardest case for the page's length."""
    options = Option.objects.ready().prefetch_related("claims", "studies", "claim_checks")

    def weight(option):
        return option.claims.count() + option.studies.count() + option.claim_checks.count()

    return max(options, key=weight)


def with_answers(wrapped) -> None:
    """The answers that raise the most points, in the browser's cookie, as the flow leaves them."""
    wrapped.page.context.add_cookies(
        [
            {
                "name": settings.ANSWERS_COOKIE_NAME,
                "value": cookie_value(heaviest_persona()),
                "url": wrapped.base_url,
            }
        ]
    )


def open_sections(wrapped) -> list[bool]:
    return wrapped.page.evaluate(OPEN_SECTIONS)


def in_view(locator) -> bool:
    return locator.evaluate(
        "e => { const box = e.getBoundingClientRect();"
        " return box.top >= 0 && box.bottom <= innerHeight && box.height > 0; }"
    )


# Heights


@pytest.mark.slow
@pytest.mark.parametrize("answers", [False, True], ids=["no-answers", "many-points-raised"])
def test_every_option_page_as_first_shown_fits_its_screens(
    open_page, live_server, content, answers
):
    sizes = {"phone": PHONE, "desktop": DESKTOP}
    pages = {
        size: open_page(live_server.url, viewport=viewport) for size, viewport in sizes.items()
    }
    too_long, first_layer_too_long, too_wordy = [], [], []
    for wrapped in pages.values():
        if answers:
            with_answers(wrapped)
    for option in Option.objects.ready().order_by("slug"):
        for size, wrapped in pages.items():
            wrapped.goto(f"/options/{option.slug}/")
            viewport = sizes[size]
            if (tall := height(wrapped)) > MOST_SCREENS[size] * viewport["height"]:
                too_long.append(
                    f"{option.name} on a {size}: {tall} px, "
                    f"{tall / viewport['height']:.1f} screens of {viewport['height']}"
                )
            if size != "phone" or answers:
                continue
            bottom = wrapped.page.locator(".option-more").evaluate(
                "e => e.getBoundingClientRect().bottom + window.scrollY"
            )
            if bottom > FIRST_LAYER_PHONE_SCREENS * viewport["height"]:
                first_layer_too_long.append(f"{option.name}: ends at {bottom:.0f} px")
            if (words := wrapped.page.evaluate(FIRST_LAYER_WORDS)) > FIRST_LAYER_MOST_WORDS:
                too_wordy.append(f"{option.name}: {words} words")
    assert too_long == [], "longer than the issue's limit as first shown"
    assert first_layer_too_long == [], "the first layer runs past two phone screens"
    assert too_wordy == [], "the first layer is well over about 250 words"


# Opening in place


def test_an_address_with_a_section_opens_that_section_and_only_that(
    open_page, live_server, content
):
    option = the_fullest()
    wrapped = open_page(live_server.url, viewport=PHONE)
    browser = wrapped.page
    wrapped.goto(f"/options/{option.slug}/#harms")
    harms = browser.locator("section[aria-labelledby=harms] > details")
    assert harms.evaluate("d => d.open")
    assert open_sections(wrapped).count(True) == 1
    assert in_view(browser.locator("#harms"))
    assert browser.locator("section[aria-labelledby=harms] .claim").first.is_visible()

    # A new address on the same page opens its section too, as Back and Forward do.
    browser.evaluate("location.hash = '#studies'")
    studies = browser.locator("section[aria-labelledby=studies] > details")
    studies.and_(browser.locator("details[open]")).wait_for()
    assert in_view(browser.locator("#studies"))

    # A place inside a folded section (a numbered source) opens the section that holds it.
    wrapped.goto(f"/options/{option.slug}/#ref-1")
    sources = browser.locator("section[aria-labelledby=references-heading] > details")
    assert sources.evaluate("d => d.open")
    assert browser.locator("#ref-1").is_visible()


@pytest.mark.parametrize("javascript", [True, False], ids=["js-on", "js-off"])
def test_every_contents_link_leads_to_a_heading_that_opens_its_section(
    open_page, live_server, content, javascript
):
    option = the_fullest()
    wrapped = open_page(live_server.url, javascript=javascript, viewport=PHONE)
    browser = wrapped.page
    wrapped.goto(f"/options/{option.slug}/")
    links = browser.locator("nav.contents a")
    assert links.count() >= 10
    for n in range(links.count()):
        link = links.nth(n)
        target = link.get_attribute("href")
        heading = browser.locator(target)
        details = heading.locator("xpath=ancestor::details[1]")
        assert heading.locator("xpath=parent::summary").count() == 1, target
        link.click()
        # Without JavaScript the heading is in view, shut, and opens when chosen.
        assert in_view(heading), target
        if not javascript:
            assert not details.evaluate("d => d.open"), target
            heading.click()
        assert details.evaluate("d => d.open"), target


def test_open_all_sections_opens_every_section_and_closes_them_again(
    open_page, live_server, content
):
    option = the_fullest()
    wrapped = open_page(live_server.url, viewport=PHONE)
    browser = wrapped.page
    wrapped.goto(f"/options/{option.slug}/")
    shut = height(wrapped)
    button = browser.get_by_role("button", name="Open all sections")
    assert button.is_visible()
    assert set(open_sections(wrapped)) == {False}
    button.click()
    assert set(open_sections(wrapped)) == {True}
    assert height(wrapped) > 3 * shut
    assert browser.locator(".claim").last.is_visible()
    again = browser.get_by_role("button", name="Close all sections")
    again.click()
    assert set(open_sections(wrapped)) == {False}
    assert height(wrapped) == shut


def test_without_javascript_there_is_no_open_all_button_and_the_page_says_how_sections_open(
    open_page, live_server, content
):
    option = the_fullest()
    wrapped = open_page(live_server.url, javascript=False, viewport=PHONE)
    wrapped.goto(f"/options/{option.slug}/")
    browser = wrapped.page
    assert browser.locator("[data-open-all]").is_hidden()
    assert browser.get_by_text("Select a heading below to open or close its part.").is_visible()
    summary = browser.locator("section[aria-labelledby=benefits] summary")
    summary.click()
    assert browser.locator("section[aria-labelledby=benefits] .claim").first.is_visible()


# Printed


@pytest.mark.parametrize("javascript", [True, False], ids=["js-on", "js-off"])
def test_printed_every_section_is_open_with_its_heading(
    open_page, live_server, content, javascript
):
    option = the_fullest()
    wrapped = open_page(live_server.url, scripts=javascript)
    browser = wrapped.page
    wrapped.goto(f"/options/{option.slug}/")
    browser.emulate_media(media="print")
    if javascript:
        browser.evaluate("window.dispatchEvent(new Event('beforeprint'))")
        assert set(open_sections(wrapped)) == {True}
    bodies = browser.locator(".layer__body")
    headings = browser.locator(".layer__summary h2")
    assert bodies.count() == headings.count() == len(open_sections(wrapped)) >= 15
    for n in range(bodies.count()):
        assert headings.nth(n).is_visible()
        assert bodies.nth(n).is_visible(), headings.nth(n).inner_text()
    if javascript:
        # After printing, the sections the person had shut are shut again.
        browser.evaluate("window.dispatchEvent(new Event('afterprint'))")
        browser.emulate_media(media="screen")
        assert set(open_sections(wrapped)) == {False}


def test_the_printed_page_holds_every_section_and_every_source(open_page, live_server, content):
    """On paper, without JavaScript: every heading, every claim and every source's title."""
    option = the_fullest()
    wrapped = open_page(live_server.url, scripts=False)
    browser = wrapped.page
    wrapped.goto(f"/options/{option.slug}/")
    headings = browser.locator(".layer__summary h2").all_inner_texts()
    claims = browser.locator(".claim > p").all_text_contents()
    sources = browser.locator(".references__list .source__citation").all_text_contents()
    pdf = PdfReader(io.BytesIO(browser.pdf(format="A4")))

    def words(text: str) -> str:  # letters and digits alone; NFKC reads a ligature as letters
        return re.sub(r"[^a-z0-9]+", "", unicodedata.normalize("NFKC", text).lower())

    printed = words(" ".join(page.extract_text() for page in pdf.pages))
    missing = [text for text in [*headings, *claims, *sources] if words(text) not in printed]
    assert missing == []


# Accessibility: sections open and shut, JavaScript on and off


@pytest.mark.parametrize("javascript", [True, False], ids=["js-on", "js-off"])
def test_an_option_page_in_layers_passes_axe_open_and_shut(
    open_page, live_server, content, axe, javascript
):
    option = the_fullest()
    wrapped = open_page(live_server.url, scripts=javascript)
    browser = wrapped.page
    found = {}
    for answers in (False, True):
        if answers:
            with_answers(wrapped)
        wrapped.goto(f"/options/{option.slug}/")
        found[f"shut, answers {answers}"] = axe(wrapped)
        if javascript:
            browser.get_by_role("button", name="Open all sections").click()
        else:
            browser.evaluate(
                "document.querySelectorAll('details').forEach(d => { d.open = true; })"
            )
        assert set(open_sections(wrapped)) == {True}
        found[f"open, answers {answers}"] = axe(wrapped)
    assert {state: v for state, v in found.items() if v} == {}
