"""The side-by-side table fits: two options on a phone with no sideways scrolling, and up to
four on a desktop with no column cut off."""

import pytest

from treatments.models import Option

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

OVERFLOW = """() => {
  const box = document.querySelector(".comparison__scroll");
  return box.scrollWidth - box.clientWidth;
}"""


@pytest.mark.parametrize(("width", "picks"), [(390, 2), (320, 2), (1280, 3), (1280, 4)], ids=str)
def test_the_table_fits_without_sideways_scrolling(
    open_page, live_server, content, axe, width, picks
):
    slugs = list(Option.objects.ready().order_by("name").values_list("slug", flat=True)[:picks])
    page = open_page(live_server.url, viewport={"width": width, "height": 900})
    page.goto("/options/?" + "&".join(f"compare={slug}" for slug in slugs))
    assert page.page.locator(".comparison__table th[scope=col]").count() == picks
    assert page.page.evaluate(OVERFLOW) <= 0, f"{picks} options at {width} px scroll sideways"
    assert page.page.evaluate("document.documentElement.scrollWidth") <= width
    assert axe(page) == []
