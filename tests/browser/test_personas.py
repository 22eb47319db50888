"""Three very different people walk the whole journey by clicking, on the aid as `make run`
serves it (debug on), and print their summaries."""

import io

import pytest
from pypdf import PdfReader

from tests.browser.steps import continue_to, fill_step, through_the_knowledge_check
from tests.personas import PERSONAS

pytestmark = pytest.mark.browser

# Every piece of printed text with its size in points and what kind of text it is: a reference
# (the list, a reference mark, the funding line), table text, or body text.
PRINTED_TYPE = """() => {
  const found = [];
  const summary = document.querySelector(".summary");
  const walker = document.createTreeWalker(summary, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode, element = node.parentElement;
    if (!node.textContent.trim() || !element.getClientRects().length) continue;
    const kind = element.closest(".summary-references, .summary-funding, .ref, .summary-qr__link")
      ? "reference" : element.closest("table") ? "table" : "body";
    const points = parseFloat(getComputedStyle(element).fontSize) * 0.75;
    found.push([kind, points, node.textContent.trim()]);
  }
  return found;
}"""
SMALLEST = {"body": 10, "table": 9, "reference": 8}


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
    fill_step(page, choose, own)  # considering
    fill_step(page, choose, own)  # where you stand
    through_the_knowledge_check(page, choose)
    for _ in range(2):  # questions for the clinician, how sure
        fill_step(page, choose, own)
    continue_to(page, "/summary/", name="Continue to your summary")
    assert page.locator("h1").inner_text() == "My CRPS treatment summary"
    page.emulate_media(media="print")
    too_small = [
        (kind, size, text[:40])
        for kind, size, text in page.evaluate(PRINTED_TYPE)
        if size < SMALLEST[kind] - 0.01
    ]
    assert too_small == [], f"{persona}: printed text below its smallest size"
    for paper in ("A4", "Letter"):
        pages = len(PdfReader(io.BytesIO(page.pdf(format=paper))).pages)
        assert pages <= most_pages, f"{persona} on {paper}: {pages} pages"
