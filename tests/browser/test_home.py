import pytest

from tests.browser.conftest import axe_violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_home_page_has_no_accessibility_violations(page, content):
    page.goto("/")
    assert page.page.locator("h1").inner_text() == "Thinking about treatment for CRPS?"
    assert axe_violations(page) == []


def test_the_skip_link_is_the_first_tab_stop_and_moves_to_the_main_content(page, content):
    page.goto("/")
    page.page.keyboard.press("Tab")
    focused = page.page.evaluate("document.activeElement.textContent")
    assert focused == "Skip to main content"
    page.page.keyboard.press("Enter")
    assert page.page.evaluate("document.activeElement.id") == "main"


def test_the_home_page_fits_a_phone_without_sideways_scrolling(phone_page, content):
    phone_page.goto("/")
    overflow = phone_page.page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0


@pytest.mark.parametrize("slug", ["what-is-crps", "about", "privacy", "accessibility"])
def test_the_information_pages_have_no_accessibility_violations(page, content, slug):
    page.goto(f"/info/{slug}/")
    assert axe_violations(page) == []
