import pytest

from tests.browser.conftest import _make_page
from treatments import releases
from treatments.models import Claim, Option

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
# The limits, in screens of the viewport above.
OVERVIEW_SCREENS = {"desktop": 4, "phone": 10}
SIDE_BY_SIDE_SCREENS = {"desktop": 3, "phone": 8}
OPTION_TOP_SCREENS = 2  # phone: facts, main benefit and harm, who should talk to a clinician first
# The overview is built to hold this many options within its limits.
OPTIONS_PLANNED = 32


@pytest.fixture
def phone(browser, live_server):
    context, wrapped = _make_page(browser, live_server, javascript=True, viewport=PHONE)
    yield wrapped
    context.close()
    assert wrapped.console_errors == []


@pytest.fixture
def zoomed(browser, live_server):
    """A 1280 px wide window at 200 % zoom lays out as 640 CSS pixels."""
    context, wrapped = _make_page(
        browser, live_server, javascript=True, viewport={"width": 640, "height": 450}
    )
    yield wrapped
    context.close()


def screens(page, viewport) -> float:
    return page.page.evaluate("document.documentElement.scrollHeight") / viewport["height"]


def region_screens(page, selector, viewport) -> float:
    height = page.page.locator(selector).evaluate("e => e.getBoundingClientRect().height")
    return height / viewport["height"]


def sideways_overflow(page) -> int:
    return page.page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )


def heaviest(count: int) -> list[Option]:
    """The options with the most to say in the table: the hardest case for its height."""

    def weight(option):
        claims = [option.main_benefit, option.main_harm]
        return len(option.summary) + sum(len(claim.text) for claim in claims if claim)

    options = Option.objects.ready().prefetch_related("claims", "costs")
    return sorted(options, key=weight, reverse=True)[:count]


def picks(options) -> str:
    return "&".join(f"compare={option.slug}" for option in options)


def add_options_up_to(total: int) -> None:
    """More published options, as other kinds of content will add, each with its own words."""
    existing = list(Option.objects.ready().order_by("pk"))
    for n in range(total - len(existing)):
        original = existing[n % len(existing)]
        copy = Option.objects.get(pk=original.pk)
        copy.pk = None
        copy.slug = f"{original.slug}-another-{n}"
        copy.name = f"{original.name}, another kind"
        copy.save()
        copy.certainty_sources.set(original.certainty_sources.all())
        for cost in original.costs.all():
            cost.pk, cost.option = None, copy
            cost.save()
        for claim in original.claims.all():
            sources = list(claim.sources.all())
            claim.pk, claim.option = None, copy
            claim.save()
            claim.sources.set(sources)
    releases.publish("Test publisher", "More options, as other content will add.")


# Heights: the limits of the issue, measured


def test_the_overview_fits_its_screens_now_and_with_every_planned_option(page, phone, content):
    for size, viewport, browser in (("desktop", DESKTOP, page), ("phone", PHONE, phone)):
        browser.goto("/options/")
        assert browser.page.locator(".glance__row").count() == Option.objects.ready().count()
        assert screens(browser, viewport) <= OVERVIEW_SCREENS[size], size
    add_options_up_to(OPTIONS_PLANNED)
    for size, viewport, browser in (("desktop", DESKTOP, page), ("phone", PHONE, phone)):
        browser.goto("/options/")
        assert browser.page.locator(".glance__row").count() == OPTIONS_PLANNED
        assert screens(browser, viewport) <= OVERVIEW_SCREENS[size], size


def test_three_picked_options_fit_one_table_on_a_desktop_and_a_phone(page, phone, content):
    chosen = heaviest(3)
    for size, viewport, browser in (("desktop", DESKTOP, page), ("phone", PHONE, phone)):
        browser.goto(f"/options/?{picks(chosen)}")
        headers = browser.page.locator(".comparison__table thead th").all_inner_texts()
        assert sorted(headers) == sorted(o.name for o in chosen)
        assert (
            region_screens(browser, ".comparison__scroll", viewport) <= (SIDE_BY_SIDE_SCREENS[size])
        ), size


def test_every_option_page_leads_with_what_matters_within_two_phone_screens(phone, content):
    for option in Option.objects.ready():
        phone.goto(f"/options/{option.slug}/")
        bottom = phone.page.locator("section[aria-labelledby=first]").evaluate(
            "e => e.getBoundingClientRect().bottom + window.scrollY"
        )
        assert bottom / PHONE["height"] <= OPTION_TOP_SCREENS, option.slug


# The table on a phone: one table, the questions held in place, scrolled in its own region


def test_on_a_phone_the_table_scrolls_in_its_own_region_with_the_questions_in_place(phone, content):
    phone.goto(f"/options/?{picks(heaviest(3))}")
    browser = phone.page
    region = browser.get_by_role("region", name="Side by side: 3 options you picked")
    assert region.get_attribute("tabindex") == "0"
    question = browser.locator(".comparison__table tbody th").first
    left_before = question.bounding_box()["x"]
    region.focus()
    browser.keyboard.press("ArrowRight")
    browser.keyboard.press("ArrowRight")
    browser.keyboard.press("ArrowRight")
    browser.wait_for_timeout(300)
    assert browser.locator(".comparison__scroll").evaluate("e => e.scrollLeft") > 0
    assert question.bounding_box()["x"] == pytest.approx(left_before, abs=1)
    assert sideways_overflow(phone) <= 0


def test_nothing_scrolls_sideways_at_360_pixels_outside_the_table(phone_page, content):
    option = heaviest(1)[0]
    for path in ("/options/", f"/options/?{picks(heaviest(4))}", f"/options/{option.slug}/"):
        phone_page.goto(path)
        assert sideways_overflow(phone_page) <= 0, path


def test_at_200_percent_zoom_nothing_scrolls_sideways_and_the_table_is_reachable(zoomed, content):
    zoomed.goto(f"/options/?{picks(heaviest(3))}")
    assert sideways_overflow(zoomed) <= 0
    assert zoomed.page.locator(".comparison__table").is_visible()
    zoomed.goto("/options/")
    assert sideways_overflow(zoomed) <= 0
    zoomed.page.get_by_label(f"Compare {heaviest(1)[0].name}", exact=True).check()


# Accessibility, with JavaScript on and off


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_the_options_pages_have_no_accessibility_violations(
    browser, live_server, content, javascript, axe
):
    context, wrapped = _make_page(browser, live_server, javascript=True)
    if not javascript:
        # The page's own scripts never load, as in a browser without JavaScript; axe still runs.
        context.route("**/*.js", lambda route: route.abort())
    option = Option.objects.ready().filter(claims__frequency_total__isnull=False).first()
    try:
        for path in ("/options/", f"/options/?{picks(heaviest(3))}", f"/options/{option.slug}/"):
            wrapped.goto(path)
            assert wrapped.page.evaluate("typeof window.htmx") == (
                "object" if javascript else "undefined"
            )
            assert axe(wrapped) == [], path
    finally:
        context.close()


# Picking


def test_picking_options_works_without_javascript(page_without_js, content):
    chosen = heaviest(3)
    page_without_js.goto("/options/")
    browser = page_without_js.page
    for option in chosen:
        browser.get_by_label(f"Compare {option.name}", exact=True).check()
    browser.get_by_role("button", name="Show side by side").first.click()
    assert all(f"compare={option.slug}" in browser.url for option in chosen)
    headers = browser.locator(".comparison__table thead th").all_inner_texts()
    assert sorted(headers) == sorted(option.name for option in chosen)
    for option in chosen:
        assert browser.get_by_label(f"Compare {option.name}", exact=True).is_checked()


def test_picking_with_javascript_swaps_the_table_in_place_and_keeps_the_address(page, content):
    chosen = heaviest(3)
    page.goto("/options/")
    browser = page.page
    browser.evaluate("window.marker = 'still the same page'")
    for option in chosen:
        browser.get_by_label(f"Compare {option.name}", exact=True).check()
    browser.get_by_role("button", name="Show side by side").last.click()
    browser.wait_for_url("**compare=*")
    browser.locator(".comparison__table").wait_for()
    assert browser.evaluate("window.marker") == "still the same page"
    assert all(f"compare={option.slug}" in browser.url for option in chosen)
    assert sorted(browser.locator(".comparison__table thead th").all_inner_texts()) == sorted(
        option.name for option in chosen
    )
    assert browser.evaluate("document.activeElement.id") == "comparison-heading"
    # The address is the pick: opening it afresh shows the same table.
    address = browser.url
    browser.goto(address)
    assert browser.locator(".comparison__table thead th").count() == 3


def test_the_table_prints_within_an_a4_or_letter_page(page, content):
    page.goto(f"/options/?{picks(heaviest(4))}")
    browser = page.page
    browser.emulate_media(media="print")
    browser.evaluate("window.dispatchEvent(new Event('beforeprint'))")
    for width_mm in (210, 216):  # A4, Letter; 12 mm margins each side
        browser.set_viewport_size({"width": round((width_mm - 24) * 96 / 25.4), "height": 1000})
        table = browser.locator(".comparison__table")
        assert table.evaluate("t => t.scrollWidth <= t.parentElement.clientWidth + 1")
        assert browser.locator(".glance").is_hidden()
        assert browser.locator(".comparison__sources").evaluate("d => d.open")


# Option pages


def test_an_option_page_draws_every_number_out_of_100(page, content):
    option = (
        Option.objects.ready()
        .filter(claims__frequency_total__isnull=False)
        .order_by("name")
        .first()
    )
    page.goto(f"/options/{option.slug}/")
    arrays = page.page.locator("svg.icon-array[role=img]")
    assert arrays.count() >= 1
    for n in range(arrays.count()):
        assert arrays.nth(n).locator("use").count() == 100
        assert arrays.nth(n).get_attribute("aria-label")


def test_a_glossary_word_on_an_option_page_leads_to_its_definition_by_keyboard(page, content):
    option = Option.objects.ready().order_by("name").first()
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
    option = Option.objects.ready().filter(claims__kind=Claim.Kind.HARM).first()
    page.goto(f"/options/{option.slug}/")
    hrefs = set(page.page.locator("sup.ref a").evaluate_all("links => links.map(a => a.hash)"))
    assert hrefs
    # The sources fold under their heading: a reference opens them at its entry.
    first_reference = page.page.locator("sup.ref a").first
    first_reference.click()
    assert page.page.locator(first_reference.evaluate("a => a.hash")).is_visible()
    for href in hrefs:
        page.page.evaluate("hash => { location.hash = hash; }", href)
        entry = page.page.locator(href)
        assert entry.count() == 1
        assert entry.locator(".references__kind").inner_text()
