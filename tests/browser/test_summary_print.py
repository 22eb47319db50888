"""The summary as a clinician gets it: printed from Chromium with the print stylesheet."""

import io
import os
import re
from pathlib import Path

import pytest
from django.conf import settings
from pypdf import PdfReader

from decisionaid.answers import Answers
from tests.answers_cookie import cookie_value
from tests.personas import heaviest_persona, typical_persona
from tests.test_summary import SECTIONS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PRINTED_HEADINGS = ["My CRPS treatment summary", "This is not a recommendation.", *SECTIONS]
# Set SUMMARY_PDF_DIR to keep the PDFs, to look at them.
KEEP_IN = os.environ.get("SUMMARY_PDF_DIR")
PAPER_MM = {"A4": (210, 297), "Letter": (215.9, 279.4)}


def open_summary(page, answers: Answers, query: str = ""):
    """Give the browser a cookie holding these answers, as the flow would, and open the page."""
    page.page.context.add_cookies(
        [
            {
                "name": settings.ANSWERS_COOKIE_NAME,
                "value": cookie_value(answers),
                "url": page.base_url,
            }
        ]
    )
    response = page.goto("/summary/" + query)
    assert response.status == 200


def print_to_pdf(page, paper: str, name: str) -> PdfReader:
    page.page.emulate_media(media="print")
    pdf = page.page.pdf(format=paper, print_background=False)
    if KEEP_IN:
        Path(KEEP_IN, f"{name}-{paper}.pdf").write_bytes(pdf)
    return PdfReader(io.BytesIO(pdf))


def pages_when_shorter(page, paper: str, shorter_by_mm: int) -> int:
    """Pages printed on paper this much shorter: whether a summary fits with room to spare, so
    that a small edit to the content, or a slightly wider font, does not push it onto a new page."""
    width, height = PAPER_MM[paper]
    pdf = page.page.pdf(width=f"{width}mm", height=f"{height - shorter_by_mm}mm")
    return len(PdfReader(io.BytesIO(pdf)).pages)


def text_of(reader: PdfReader) -> str:
    text = " ".join(page.extract_text() for page in reader.pages)
    return re.sub(r"\s+", " ", text.replace("\u2019", "'"))


# A typical person's summary prints on at most 2 pages at legible sizes; the heaviest (every
# health answer ticked, every option considered, every knowledge question to go over) on at
# most 3. (The room this kept for where I stand and the topics to go over is now used by them.)
TYPICAL_PAGES = 2
HEAVIEST_PAGES = 3


@pytest.mark.parametrize("paper", ["A4", "Letter"])
def test_a_typical_summary_prints_on_two_pages_at_most(page, content, paper):
    open_summary(page, typical_persona())
    reader = print_to_pdf(page, paper, "typical")
    assert len(reader.pages) <= TYPICAL_PAGES
    assert pages_when_shorter(page, paper, 5) <= TYPICAL_PAGES
    text = text_of(reader)
    for heading in PRINTED_HEADINGS:
        assert heading in text, heading
    assert "/resume/" not in text, "no link to the answers unless the person asks for one"


@pytest.mark.parametrize("paper", ["A4", "Letter"])
def test_the_heaviest_summary_prints_within_its_pages(page, content, paper):
    open_summary(page, heaviest_persona())
    reader = print_to_pdf(page, paper, "heaviest")
    assert len(reader.pages) <= HEAVIEST_PAGES
    assert pages_when_shorter(page, paper, 5) <= HEAVIEST_PAGES
    text = text_of(reader)
    for heading in PRINTED_HEADINGS:
        assert heading in text, heading
    assert "Costs are for: United States" in text
    assert "Rarest serious harm:" in text
    # 80-odd sources: the paper says where they are, and prints no number that points nowhere.
    assert "too many to print with it" in text
    assert not re.search(r"\[\d+(, \d+)*\]", text)


@pytest.mark.parametrize("persona", [typical_persona, heaviest_persona])
def test_a_link_asked_for_prints_whole(page, content, persona):
    open_summary(page, persona(), "?link=yes")
    link = page.page.locator(".summary-qr__link").inner_text()
    reader = print_to_pdf(page, "A4", "with-link")
    # The long link wraps rather than running off the page; every part of it is printed.
    assert link.removeprefix(page.base_url) in re.sub(r"\s+", "", text_of(reader))


def test_the_printout_has_no_navigation_or_buttons(page, content):
    open_summary(page, typical_persona())
    page.page.emulate_media(media="print")
    for selector in (".site-header", ".site-footer", "button", ".summary-actions", "form"):
        for element in page.page.locator(selector).all():
            assert not element.is_visible(), selector
    assert page.page.locator(".summary-notes").is_visible()


def test_nothing_is_wider_than_the_printed_page(page, content):
    open_summary(page, heaviest_persona())
    page.page.emulate_media(media="print")
    page.page.set_viewport_size({"width": 718, "height": 1000})  # A4 less the page margins
    overflow = page.page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0


def test_the_on_screen_summary_has_no_accessibility_violations(page, content, axe):
    open_summary(page, typical_persona())
    assert page.page.locator("[data-print]").is_visible()
    assert not page.page.locator(".summary-notes").is_visible()
    assert axe(page) == []


def test_the_print_button_shows_only_with_javascript(page_without_js, content):
    open_summary(page_without_js, typical_persona())
    assert not page_without_js.page.locator("[data-print]").is_visible()
    assert page_without_js.page.get_by_text("use your browser's Print command").is_visible()
