"""The standards page and the other treatments page in a browser: axe finds nothing, and each
fits a 320 px phone."""

import pytest

from tests.browser.test_accessibility import SMALL_TARGETS, sideways

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_standards_page_passes_axe_and_fits_a_small_phone(open_page, live_server, content, axe):
    wrapped = open_page(live_server.url, viewport={"width": 320, "height": 640})
    wrapped.goto("/standards/")
    assert wrapped.page.locator("li.criterion").count() == 31
    assert axe(wrapped) == []
    assert sideways(wrapped.page) == 0
    assert wrapped.page.evaluate(SMALL_TARGETS) == []


def test_the_other_treatments_page_passes_axe_and_fits_a_small_phone(
    open_page, live_server, content, axe
):
    wrapped = open_page(live_server.url, viewport={"width": 320, "height": 640})
    wrapped.goto("/options/")
    wrapped.page.locator("p.after-options a").click()
    wrapped.page.wait_for_url("**/info/other-treatments/")
    assert axe(wrapped) == []
    assert sideways(wrapped.page) == 0
