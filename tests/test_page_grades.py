"""Every patient page reads at grade 8 or below, measured as a person sees it, with the aid's
own readability tool (treatments/readability.py)."""

import pytest
from django.urls import reverse
from lxml import html as lxml_html

from decisionaid import timing
from decisionaid.journey import journey_for
from tests.html import has_class
from treatments.readability import GRADE_LIMIT, Grade, reading_grade
from treatments.releases import current_content
from treatments.writing import glossary_terms

pytestmark = pytest.mark.django_db

# Each of these ends a unit of text: a heading, a label or a table cell reads as a sentence of
# its own, not as the start of the next one.
BLOCKS = {
    *("h1", "h2", "h3", "h4", "h5", "h6", "p", "li", "dt", "dd", "th", "td"),
    *("label", "legend", "summary", "button", "caption", "figcaption"),
}
UNIT_END = "\u2029"
# Not read, or not our words: what is hidden, what only a screen reader hears, a folded
# section's body (as the time model counts it), reference numbers, and the lists of sources,
# whose titles are the sources' own.
NOT_MEASURED = (
    ".//script | .//style | .//template | .//*[@hidden] | .//*[@aria-hidden='true']"
    f" | .//*[{has_class('visually-hidden')}] | .//details[not(@open)]/*[not(self::summary)]"
    f" | .//sup | .//*[{has_class('references')}] | .//*[{has_class('summary-references')}]"
)


def page_text(page: str) -> str:
    """The words a person reads in a page's main content, one unit after another, each ended
    with a full stop where it has none (so a heading does not run into what follows)."""
    main = lxml_html.fromstring(page).find(".//main")
    for element in main.xpath(NOT_MEASURED):
        element.drop_tree()
    for element in main.iter(*BLOCKS):
        end = lxml_html.Element("span")
        end.tail = UNIT_END
        element.append(end)
    units = (" ".join(unit.split()) for unit in "".join(main.itertext()).split(UNIT_END))
    return " ".join(unit if unit[-1] in ".!?:" else f"{unit}." for unit in units if unit)


def grades_of_every_patient_page(client) -> dict[str, Grade]:
    """The journey as a typical person walks it, then every page they can reach with those
    answers: the options at a glance (with and without answers, and with four side by side),
    every option page, the summary, the glossary and the information pages."""
    content = current_content()
    terms = glossary_terms()
    grades: dict[str, Grade] = {}

    def get(path: str) -> str:
        response = client.get(path)
        assert response.status_code == 200, path
        page = response.content.decode()
        grades[path] = reading_grade(page_text(page), terms)
        return page

    def post(path: str, data: dict) -> None:
        assert client.post(path, data).status_code == 302, path

    get(reverse("options"))
    grades["the options at a glance, before any answer"] = grades.pop(reverse("options"))
    timing.walk(journey_for(content), content, get, post)
    four = "&".join(f"compare={option.slug}" for option in content.options[:4])
    paths = [reverse("home"), f"{reverse('options')}?{four}", reverse("summary")]
    paths += [reverse("glossary"), *(page.get_absolute_url() for page in content.footer_pages)]
    paths += [option.get_absolute_url() for option in content.options]
    for path in paths:
        get(path)
    return grades


def test_every_patient_page_reads_at_grade_eight_or_below(client, content):
    grades = grades_of_every_patient_page(client)
    assert len(grades) >= 40
    for page, grade in grades.items():
        print(f"{page}: grade {grade.value} ({grade.without_glossary} counting glossary words)")
    # The aid's rule: grade 8 or below, counting a word the glossary explains as plain.
    too_hard = {page: grade.note for page, grade in grades.items() if not grade.plain}
    assert too_hard == {}
    # The options at a glance is read by everyone: it holds grade 8 even with the glossary's
    # words counted as hard.
    for page in ("the options at a glance, before any answer", reverse("options")):
        assert grades[page].value <= GRADE_LIMIT, f"{page}: {grades[page].note}"


def test_a_page_is_measured_unit_by_unit_as_it_is_shown():
    page = (
        "<html><body><main><h1>Your options</h1><p>Two ways <sup>[1]</sup>to go.</p>"
        '<ul><li>One</li><li>Two</li></ul><p class="visually-hidden">Not shown</p>'
        "<details><summary>More</summary><p>Folded away</p></details>"
        '<section class="references"><p>A randomised controlled trial.</p></section>'
        "</main></body></html>"
    )
    assert page_text(page) == "Your options. Two ways to go. One. Two. More."


def test_a_hard_page_is_found_too_hard():
    hard = (
        "<html><body><main><h1>Administration</h1><p>Intravenous administration necessitates"
        " continuous cardiovascular monitoring. Contraindications encompass uncontrolled"
        " hypertension.</p></main></body></html>"
    )
    assert not reading_grade(page_text(hard)).plain
