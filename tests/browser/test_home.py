"""The home page's keyboard path. Every page's axe-core check and its fit at 360 px are in
test_accessibility.py."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_skip_link_is_the_first_tab_stop_and_moves_to_the_main_content(page, content):
    page.goto("/")
    assert page.page.locator("h1").inner_text() == "Thinking about treatment for CRPS?"
    page.page.keyboard.press("Tab")
    focused = page.page.evaluate("document.activeElement.textContent")
    assert focused == "Skip to main content"
    page.page.keyboard.press("Enter")
    assert page.page.evaluate("document.activeElement.id") == "main"
