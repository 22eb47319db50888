import pytest

from tests.browser.conftest import axe_violations
from treatments.models import Claim, Option

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def sideways_overflow(page) -> int:
    return page.page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )


def first_options(count: int) -> list[Option]:
    return list(Option.objects.published().order_by("name")[:count])


def test_the_comparison_of_every_option_has_no_accessibility_violations(page, content):
    page.goto("/options/")
    assert page.page.locator(".option-card").count() == Option.objects.published().count()
    assert axe_violations(page) == []


def test_the_comparison_table_has_no_accessibility_violations(page, content):
    picks = "&".join(f"compare={option.slug}" for option in first_options(4))
    page.goto(f"/options/?{picks}")
    assert page.page.locator(".comparison__table table").is_visible()
    assert page.page.locator(".comparison__cards").is_hidden()
    assert axe_violations(page) == []


def test_an_option_page_has_no_accessibility_violations(page, content):
    option = (
        Option.objects.published()
        .filter(claims__frequency_total__isnull=False)
        .order_by("name")
        .first()
    )
    assert option, "the bundled content has a frequency to draw"
    page.goto(f"/options/{option.slug}/")
    assert page.page.locator("svg.icon-array[role=img]").count() >= 1
    assert axe_violations(page) == []


def test_the_sources_page_has_no_accessibility_violations(page, content):
    page.goto("/sources/")
    assert page.page.locator(".source").count() > 0
    assert axe_violations(page) == []


def test_the_glossary_has_no_accessibility_violations(page, content):
    page.goto("/glossary/")
    assert page.page.locator("dfn").count() > 0
    assert axe_violations(page) == []


def test_the_comparison_fits_a_phone_without_sideways_scrolling(phone_page, content):
    phone_page.goto("/options/")
    assert phone_page.page.locator(".option-card").first.is_visible()
    assert sideways_overflow(phone_page) <= 0
    picks = "&".join(f"compare={option.slug}" for option in first_options(4))
    phone_page.goto(f"/options/?{picks}")
    assert phone_page.page.locator(".comparison__table").is_hidden()
    assert phone_page.page.locator(".option-card").count() == 4
    assert sideways_overflow(phone_page) <= 0
    assert axe_violations(phone_page) == []


def test_an_option_page_fits_a_phone_without_sideways_scrolling(phone_page, content):
    option = first_options(1)[0]
    phone_page.goto(f"/options/{option.slug}/")
    assert sideways_overflow(phone_page) <= 0


def test_picking_options_works_without_javascript(page_without_js, content):
    chosen = first_options(2)
    page_without_js.goto("/options/")
    browser = page_without_js.page
    browser.get_by_text("Choose which options to compare").click()
    for option in chosen:
        browser.get_by_label(option.name, exact=True).check()
    browser.get_by_role("button", name="Show these options").click()
    assert all(f"compare={option.slug}" in browser.url for option in chosen)
    headers = browser.locator(".comparison__table thead th").all_inner_texts()
    assert headers == [option.name for option in chosen]


def test_picking_options_with_javascript_swaps_the_comparison_and_keeps_the_address(page, content):
    chosen = first_options(3)
    page.goto("/options/")
    browser = page.page
    browser.evaluate("window.marker = 'still the same page'")
    browser.get_by_text("Choose which options to compare").click()
    for option in chosen:
        browser.get_by_label(option.name, exact=True).check()
    browser.get_by_role("button", name="Show these options").click()
    browser.wait_for_url("**compare=*")
    browser.locator(".comparison__table").wait_for()
    assert browser.evaluate("window.marker") == "still the same page"
    assert browser.locator(".comparison__table thead th").all_inner_texts() == [
        option.name for option in chosen
    ]
    assert browser.locator("#references-heading").count() == 1


def test_a_glossary_word_on_an_option_page_leads_to_its_definition_by_keyboard(page, content):
    option = first_options(1)[0]
    page.goto(f"/options/{option.slug}/")
    term = page.page.locator("a.term").first
    if term.count() == 0:
        pytest.fail("expected at least one glossary word on the first option page")
    target = term.get_attribute("href")
    term.focus()
    page.page.keyboard.press("Enter")
    assert page.page.evaluate("location.hash") == target
    assert page.page.locator(f"{target} + dd").is_visible()


def test_every_reference_on_an_option_page_leads_to_an_entry_with_its_kind(page, content):
    option = Option.objects.published().filter(claims__kind=Claim.Kind.HARM).first()
    page.goto(f"/options/{option.slug}/")
    hrefs = set(page.page.locator("sup.ref a").evaluate_all("links => links.map(a => a.hash)"))
    assert hrefs
    for href in hrefs:
        entry = page.page.locator(href)
        assert entry.count() == 1
        assert entry.locator(".references__kind").inner_text()
