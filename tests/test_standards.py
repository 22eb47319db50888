"""The standards page: each criterion with Met, Partly or Not yet, why, and where in the aid."""

import re

import pytest
from django.urls import reverse

from decisionaid.standards import FRAMEWORKS, Status
from tests.html import first, has_class, parse, text_of, texts_of
from tests.queries import PATIENT_PAGE_QUERIES, queries_when_warm
from treatments.models import Page, PageSection
from treatments.readability import GRADE_LIMIT

pytestmark = pytest.mark.django_db

STATUSES = {status.value for status in Status}


def criteria_on(html: str) -> dict[str, tuple[str, str, list[str]]]:
    """Each criterion on the page by its id: its status, its reason and where it links."""
    found = {}
    for item in parse(html).xpath(f"//li[{has_class('criterion')}]"):
        status = text_of(first(item, f".//*[{has_class('criterion__status')}]"))
        why = text_of(first(item, f".//*[{has_class('criterion__why')}]"))
        found[item.get("id")] = (status, why, item.xpath(".//a/@href"))
    return found


def test_every_criterion_is_declared_with_a_status_and_a_reason():
    for framework in FRAMEWORKS:
        codes = [criterion.code for criterion in framework.criteria]
        assert len(codes) == len(set(codes)), framework.slug
        for criterion in framework.criteria:
            assert isinstance(criterion.status, Status), criterion.code
            assert criterion.text.strip() and criterion.why.strip(), criterion.code


def test_every_met_names_the_evidence_it_rests_on():
    # A "Met" without a check could outlive what earns it.
    unchecked = [
        f"{framework.slug} {criterion.code}"
        for framework in FRAMEWORKS
        for criterion in framework.criteria
        if criterion.status is Status.MET and criterion.check is None
    ]
    assert not unchecked


def test_the_lists_are_the_criteria_the_standards_name():
    # IPDAS v4.0: 6 qualifying and the 6 certification criteria that are not for screening;
    # Scotland: 4 on process and 8 on content (see decisionaid/standards.py for the sources).
    counts = {framework.slug: len(framework.criteria) for framework in FRAMEWORKS}
    assert counts == {"ipdas": 12, "nice": 7, "scotland": 12}


def test_the_page_shows_every_criterion_with_its_status_and_reason(client, content):
    html = client.get(reverse("standards")).content.decode()
    shown = criteria_on(html)
    declared = {
        f"{framework.slug}-{criterion.code}": criterion
        for framework in FRAMEWORKS
        for criterion in framework.criteria
    }
    assert shown.keys() == declared.keys()
    for key, (status, why, _) in shown.items():
        assert status in STATUSES, key
        assert why, key
        # The bundled content holds the evidence for every Met it claims.
        assert status == declared[key].status.value, (key, why)


def test_each_criterion_links_to_where_the_aid_meets_it(client, content):
    html = client.get(reverse("standards")).content.decode()
    shown = criteria_on(html)
    assert shown["ipdas-Q1"][2] == ["/info/what-is-crps/"]
    assert shown["ipdas-C6"][2] == ["/info/about/"]
    for key, (_, _, where) in shown.items():
        assert where, key
        for url in where:
            assert client.get(url).status_code == 200, (key, url)


def test_a_met_whose_evidence_is_gone_shows_not_yet(client, factory):
    factory.make_aid()
    factory.make_option(ready=True)
    about = Page.objects.create(slug="about", title="About this aid", show_in_footer=True)
    PageSection.objects.create(page=about, heading="Funding and interests", body="No one.")
    factory.publish_version()
    shown = criteria_on(client.get(reverse("standards")).content.decode())
    assert shown["ipdas-C6"][0] == "Met"
    # No page on the condition, no update policy and no option of continuing current care.
    for key in ("ipdas-Q1", "ipdas-C4", "nice-1c", "nice-1f", "scotland-P1"):
        status, why, _ = shown[key]
        assert status == "Not yet", key
        assert why.startswith("This version of the content is missing"), key


def test_the_page_gives_each_pages_reading_grade_and_where_costs_are_for(client, content):
    html = client.get(reverse("standards")).content.decode()
    tree = parse(html)
    rows = tree.xpath("//section[@aria-labelledby='reading-level']//tbody/tr")
    by_page = {text_of(row.xpath("th")[0]): [text_of(td) for td in row.xpath("td")] for row in rows}
    assert "About this aid" in by_page and "Mirror therapy" in by_page
    for page, (texts, median, highest) in by_page.items():
        assert int(texts) >= 1, page
        assert float(median) <= float(highest) <= GRADE_LIMIT, page
    [costs] = texts_of(tree, "//section[@aria-labelledby='costs-country']/p")
    assert "United Kingdom, European Union, United States" in costs


def test_the_footer_links_to_the_standards_page(client, content):
    html = client.get(reverse("home")).content.decode()
    footer = first(parse(html), f"//footer[{has_class('site-footer')}]")
    assert "/standards/" in footer.xpath(".//a/@href")


def test_the_standards_page_asks_one_query_when_warm(client, content):
    assert queries_when_warm(client, reverse("standards")) == PATIENT_PAGE_QUERIES


def test_the_page_states_who_may_be_at_a_disadvantage_and_how_it_is_kept_up_to_date(
    client, content
):
    tree = parse(client.get(reverse("standards")).content.decode())
    equality = " ".join(texts_of(tree, "//section[@aria-labelledby='equality']/p"))
    assert "only in English" in equality and "equality impact assessment" in equality
    updates = " ".join(texts_of(tree, "//section[@aria-labelledby='updates']/p"))
    assert "every 12 months" in updates
    assert re.search(r"This is version \d+, published on \d+ \w+ \d{4}\.", updates)
