"""Three very different people walk the whole journey by clicking, JavaScript on and off, on the
aid as `make run` serves it (debug on), and print their summaries."""

import io

import pytest
from pypdf import PdfReader

pytestmark = pytest.mark.browser

LONG_QUESTION = (
    "How long does any benefit last for people like me, and can I stop if it does not suit me? "
)


def everything(group: dict) -> list[str]:
    """Every box ticked, every health answer "yes", the longest own questions the form takes."""
    values = group["values"]
    if group["name"] == "values":
        return values[:3]
    if group["type"] == "checkbox":
        return values[:-1] if group["name"] in ("location", "tried") else values
    if group["name"] in ("sure", "understand", "risks_benefits", "support"):
        return ["no"]
    return ["yes"] if "yes" in values else values[:1]


def almost_nothing(group: dict) -> list[str]:
    """Only what must be answered, and "not sure" wherever it is offered."""
    if group["optional"] or group["name"] in ("considering", "suggested"):
        return []
    values = group["values"]
    if group["name"] == "values":
        return values[:1]
    if group["name"] in ("sure", "understand", "risks_benefits", "support"):
        return ["yes"]
    return ["not-sure"] if "not-sure" in values else values[-1:]


LEG_FOR_YEARS = {
    "onset": ["over-5-years"],
    "location": ["leg-or-foot"],
    "tried": ["physio-ot", "medicines", "nerve-blocks"],
    "tried-outcome": ["no-change"],
    "sure": ["no"],
    "understand": ["yes"],
    "risks_benefits": ["no"],
    "support": ["yes"],
}


def leg_for_years(group: dict) -> list[str]:
    """A leg affected for years, several things tried, no health worries, a few options."""
    values = group["values"]
    if group["name"] in LEG_FOR_YEARS:
        return LEG_FOR_YEARS[group["name"]]
    if group["name"] == "values":
        return [values[1], values[3]]
    if group["name"] == "considering":
        return [values[0], values[len(values) // 2], values[-1]]
    if group["name"] == "suggested":
        return values[:2]
    return ["no"] if "no" in values else values[:1]


PERSONAS = {
    "everything": (everything, LONG_QUESTION * 6, 2),
    "almost-nothing": (almost_nothing, "", 1),
    "leg-for-years": (leg_for_years, "Will I be able to drive after it?", 1),
}

GROUPS = """() => [...document.querySelectorAll("#step form .form-group")].flatMap(group => {
  const inputs = [...group.querySelectorAll("input[type=radio], input[type=checkbox]")];
  if (!inputs.length) return [];
  const next = group.nextElementSibling;
  return [{
    name: inputs[0].name, type: inputs[0].type, values: inputs.map(i => i.value),
    optional: !!(next && next.classList.contains("optional-note")),
  }];
})"""


def continue_to(page, path_end: str, *, name: str) -> None:
    url = page.url
    page.get_by_role("link", name=name).click()
    page.wait_for_url(lambda new: new != url)
    assert page.url.endswith(path_end)


def fill_step(page, choose, own: str) -> None:
    for group in page.evaluate(GROUPS):
        for value in choose(group):
            page.locator(f'#step input[name="{group["name"]}"][value="{value}"]').check()
    if own and page.locator("#step textarea").count():
        page.locator("#step textarea").fill(own[:500])
    url = page.url
    page.locator("#step form button[type=submit]").click()
    page.wait_for_url(lambda new: new != url)
    assert page.locator(".error-summary").count() == 0, page.url


# The heaviest persona both ways; the others once each, one with JavaScript and one without.
@pytest.mark.parametrize(
    ("persona", "javascript"),
    [
        ("everything", True),
        ("everything", False),
        ("almost-nothing", False),
        ("leg-for-years", True),
    ],
    ids=["everything-js-on", "everything-js-off", "almost-nothing-js-off", "leg-for-years-js-on"],
)
def test_each_persona_reaches_a_summary_that_prints_within_its_pages(
    open_page, debug_server, persona, javascript
):
    choose, own, most_pages = PERSONAS[persona]
    wrapped = open_page(debug_server, javascript=javascript)
    page = wrapped.page
    wrapped.goto("/")
    continue_to(page, "/questions/about/", name="Start now")
    for _ in range(4):
        fill_step(page, choose, own)
    assert page.url.endswith("/check/")
    continue_to(page, "/options/", name="Continue to your options")
    continue_to(page, "/questions/considering/", name="Continue to the next step")
    for _ in range(3):
        fill_step(page, choose, own)
    continue_to(page, "/summary/", name="Continue to your summary")
    assert page.locator("h1").inner_text() == "My CRPS treatment summary"
    page.emulate_media(media="print")
    for paper in ("A4", "Letter"):
        pages = len(PdfReader(io.BytesIO(page.pdf(format=paper))).pages)
        assert pages <= most_pages, f"{persona} on {paper}: {pages} pages"
