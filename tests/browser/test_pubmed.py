"""A source's "Fill in from PubMed" in Chromium: an editor adds a source by its PubMed ID; the page
asks this site (which answers from a recorded esummary on a loopback port), never NCBI itself."""

import pytest
from playwright.sync_api import expect

from tests.browser.steps import sign_in
from treatments.models import Source

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = (
    "Ketamine produces effective and long-term pain relief in patients with Complex Regional "
    "Pain Syndrome Type 1"
)


def test_fill_in_from_pubmed_fills_the_empty_boxes_and_keeps_what_was_typed(
    page, editor, recorded_pubmed, live_server, axe
):
    sign_in(page, "editor")
    page.goto("/admin/treatments/source/add/")
    screen = page.page
    button = screen.get_by_role("button", name="Fill in from PubMed")
    status = screen.get_by_role("status")

    screen.fill("#id_pmid", "40000001")
    button.click()
    expect(status).to_have_text(
        "PubMed has no paper with the ID 40000001. Check the number against the paper, or type "
        "the details in yourself."
    )
    expect(screen.locator("#id_title")).to_have_value("")

    screen.fill("#id_publisher", "Pain (journal)")
    screen.fill("#id_pmid", "PMID: 19604642")
    button.click()
    expect(status).to_have_text(
        "Filled in from PubMed: Title, Authors, Year, DOI. Kept as you typed: Publisher (PubMed "
        "has “Pain”). Check each against the paper. Nothing is saved until you save."
    )
    expect(screen.locator("#id_title")).to_have_value(TITLE)
    expect(screen.locator("#id_authors")).to_have_value(
        "Sigtermans MJ, van Hilten JJ, Bauer MCR, Arbous MS, Marinus J, Sarton EY, et al."
    )
    expect(screen.locator("#id_year")).to_have_value("2009")
    expect(screen.locator("#id_doi")).to_have_value("10.1016/j.pain.2009.06.023")
    expect(screen.locator("#id_publisher")).to_have_value("Pain (journal)")
    # The slug follows the filled title (cut to its 80 characters), as it follows a typed one.
    expect(screen.locator("#id_slug")).to_have_value(
        "ketamine-produces-effective-and-long-term-pain-relief-in-patients-with-complex-r"
    )
    assert [asked["id"] for asked in recorded_pubmed.asked] == ["40000001", "19604642"]
    before = list(page.console_errors)
    assert axe(page) == []
    # axe-core adds a <style> of its own, which the page's Content-Security-Policy rightly
    # refuses: the tool's noise, not the page's.
    page.console_errors[:] = before + [
        error
        for error in page.console_errors[len(before) :]
        if "Applying inline style violates" not in error
    ]

    # The button is no submit button here: Enter in a box still saves the form.
    screen.select_option("#id_kind", "randomised_trial")
    screen.press("#id_title", "Enter")
    expect(screen.locator(".messagelist")).to_contain_text("was added successfully")
    source = Source.objects.get()
    assert (source.title, source.pmid, source.year) == (TITLE, "19604642", 2009)
    assert source.publisher == "Pain (journal)"


def test_without_javascript_the_button_brings_the_form_back_filled_in(
    page_without_js, editor, recorded_pubmed, live_server
):
    sign_in(page_without_js, "editor")
    page_without_js.goto("/admin/treatments/source/add/")
    screen = page_without_js.page
    screen.fill("#id_pmid", "https://pubmed.ncbi.nlm.nih.gov/19604642/")
    screen.get_by_role("button", name="Fill in from PubMed").click()
    expect(screen.locator(".messagelist")).to_contain_text("Filled in from PubMed: Title, Authors")
    expect(screen.locator("#id_title")).to_have_value(TITLE)
    expect(screen.locator("#id_pmid")).to_have_value("19604642")
    expect(screen.locator(".errornote")).to_have_count(0)
    assert not Source.objects.exists()

    # Enter in a box saves, as on any admin page: Save comes before the button in the form.
    screen.fill("#id_slug", "sigtermans-2009")  # without JavaScript no slug follows the title
    screen.select_option("#id_kind", "randomised_trial")
    screen.press("#id_title", "Enter")
    expect(screen.locator(".messagelist")).to_contain_text("was added successfully")
    assert Source.objects.get().pmid == "19604642"
