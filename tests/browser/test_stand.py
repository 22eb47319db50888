"""Where I stand, in a browser, with JavaScript on and off: three values and three options lined
up on one phone screen, a leaning on each, the stage and the role, all on the summary."""

import pytest

from treatments.models import Option, Value, ValueRating

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
CONCERN = "Being able to drive my children to school"


def wordiest(values: list[Value], count: int) -> list[Option]:
    """The options with the most words on these values: the hardest to fit on one screen."""

    def length(option: Option) -> int:
        ratings = ValueRating.objects.filter(option=option, value__in=values)
        return sum(len(rating.text) for rating in ratings)

    return sorted(Option.objects.ready(), key=length, reverse=True)[:count]


def send(page) -> None:
    url = page.url
    page.locator("#step form button[type=submit]").click()
    page.wait_for_url(lambda new: new != url)


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_three_options_on_three_values_fit_a_phone_and_where_i_stand_reaches_the_summary(
    open_page, live_server, content, javascript, axe
):
    values = list(Value.objects.all()[:3])
    options = sorted(wordiest(values, 3), key=lambda option: option.name)
    # Without JavaScript, none of the page's own scripts load; axe-core still runs.
    wrapped = open_page(live_server.url, viewport=PHONE, scripts=javascript)
    page = wrapped.page
    wrapped.goto("/questions/values/")
    assert page.evaluate("typeof window.htmx") == ("object" if javascript else "undefined")
    for value in values:
        page.get_by_label(value.statement, exact=True).check()
    page.get_by_label("Your own concern (optional, not scored)").fill(CONCERN)
    send(page)
    assert page.url.endswith("/check/")
    assert f"Your own concern: {CONCERN}" in page.locator("main").inner_text()

    wrapped.goto("/questions/considering/")
    for option in options:
        page.get_by_label(option.name, exact=True).check()
    send(page)
    assert page.url.endswith("/questions/stand/")
    assert axe(wrapped) == [], "stand"
    legends = page.locator("#step legend").all_inner_texts()
    assert legends == [
        *(o.name for o in options),
        "How far along are you?",
        "Who should decide?",
    ]
    leanings = ["Leaning towards", "Not sure", "Leaning against"]
    for option, leaning in zip(options, leanings, strict=True):
        page.get_by_role("group", name=option.name).get_by_label(leaning, exact=True).check()
    page.get_by_label("Thinking about it", exact=True).check()
    page.get_by_label("We decide together", exact=True).check()
    send(page)
    assert page.url.endswith("/questions/knowledge/")  # the knowledge check comes next

    wrapped.goto("/options/")
    # The lines, the concern's row included, on one phone screen, with nothing sideways.
    grid = page.locator("#matters-table")
    height = grid.evaluate("e => e.getBoundingClientRect().height")
    assert height <= PHONE["height"], height
    width = "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    assert page.evaluate(width) == 0
    rows = page.locator("#matters-table tbody tr")
    assert rows.count() == 4
    for n, value in enumerate(values):
        row = rows.nth(n)
        assert row.locator("th").inner_text() == value.statement
        cells = row.locator("td").all_inner_texts()
        for option, cell in zip(options, cells, strict=True):
            rating = ValueRating.objects.filter(option=option, value=value).first()
            words = rating.text if rating else "No information on this yet."
            assert cell.startswith(f"{option.name}: {words}"), cell
    assert rows.nth(3).inner_text().split("\n")[0] == f"Your own concern: {CONCERN}"
    assert "Not scored" in rows.nth(3).inner_text()
    assert axe(wrapped) == [], "options"

    wrapped.goto("/summary/")
    stand = page.locator("section.summary-stand")
    said = stand.locator("dl > div").all_inner_texts()
    assert [" ".join(line.split()) for line in said] == [
        f"Leaning towards {options[0].name}",
        f"Not sure {options[1].name}",
        f"Leaning against {options[2].name}",
        "How far along I am Thinking about it",
        "How I want to decide We decide together",
        f"My own concern (not scored) {CONCERN}",
    ]
    headings = page.locator("main h2").all_inner_texts()
    assert headings.index("Where I stand") < headings.index("Things to discuss")
    assert axe(wrapped) == [], "summary"
