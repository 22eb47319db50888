"""Information pages (What is CRPS, About, Privacy): numbered sources and glossary words."""

import re

import pytest
from django.urls import reverse

from tests.factory import Factory
from tests.html import first, has_class, parse, section, text_of
from tests.queries import PATIENT_PAGE_QUERIES, queries_when_warm
from treatments.models import Page, PageSection, Term

pytestmark = pytest.mark.django_db


def make_page(factory, sections: int) -> Page:
    page = Page.objects.create(slug="what-is-crps", title="What is CRPS")
    for n in range(sections):
        section = PageSection.objects.create(
            page=page,
            heading=f"Part {n}",
            body="It can follow an injury.\n\nIt often eases.",
            order=n,
        )
        section.sources.set([factory.make_source(), factory.make_source()])
    return page


def get_page(client, page: Page) -> str:
    Factory().publish_version()
    response = client.get(reverse("page", args=[page.slug]))
    assert response.status_code == 200
    return response.content.decode()


def test_each_section_cites_its_sources_by_number_and_the_page_lists_them(client, factory):
    page = make_page(factory, 2)
    html = get_page(client, page)
    shown = parse(html)
    listed = [li for li in shown.iter("li") if re.fullmatch(r"ref-\d+", li.get("id", ""))]
    entries = {li.get("id"): text_of(li) for li in listed}
    assert sorted(entries) == ["ref-1", "ref-2", "ref-3", "ref-4"]
    for part in page.sections.all():
        body = section(shown, f"section-{part.pk}")
        # The numbers sit at the end of the section's last paragraph.
        *_, words, citation = body.xpath(".//p")[-1].xpath("*|text()")
        assert isinstance(words, str) and words.endswith("It often eases. ")
        assert citation.tag == "sup" and "ref" in citation.classes
        cited = [a.get("href").removeprefix("#") for a in citation.xpath(".//a")]
        titles = {source.title for source in part.sources.all()}
        assert {title for n in cited for title in titles if title in entries[n]} == titles
        assert all(source.get_kind_display() in html for source in part.sources.all())


def test_a_page_links_the_first_use_of_a_term_to_its_definition(client, factory):
    Term.objects.create(
        slug="injury", term="Injury", definition="Harm to the body, such as a break."
    )
    html = get_page(client, make_page(factory, 2))
    assert html.count('<a class="term" href="#term-injury" id="term-use-injury">injury</a>') == 1
    assert '<dt id="term-injury"><dfn>Injury</dfn></dt>' in html
    assert 'href="#term-use-injury"' in html


def test_a_page_without_sources_or_terms_shows_neither_list(client):
    page = Page.objects.create(slug="privacy", title="Privacy")
    PageSection.objects.create(page=page, heading="What we keep", body="Nothing about you.")
    html = get_page(client, page)
    assert "Sources for this page" not in html
    assert "Words used on this page" not in html


def test_a_page_runs_the_same_queries_for_2_or_20_sections(client, factory):
    page = make_page(factory, 2)
    factory.publish_version()
    small = queries_when_warm(client, reverse("page", args=[page.slug]))
    for n in range(2, 20):
        section = PageSection.objects.create(page=page, heading=f"More {n}", body="More.", order=n)
        section.sources.set([factory.make_source()])
    factory.publish_version()
    big = queries_when_warm(client, reverse("page", args=[page.slug]))
    assert small == big == PATIENT_PAGE_QUERIES


def test_the_footer_lists_the_pages_editors_choose_in_their_order(client, factory):
    Page.objects.create(slug="privacy", title="Privacy", show_in_footer=True, order=2)
    Page.objects.create(slug="about", title="About this aid", show_in_footer=True, order=1)
    Page.objects.create(slug="what-is-crps", title="What is CRPS?", show_in_footer=False)
    factory.publish_version()
    html = client.get(reverse("page", args=["privacy"])).content.decode()
    footer = first(parse(html), f"//footer[{has_class('site-footer')}]")
    assert [(a.get("href"), text_of(a)) for a in first(footer, ".//ul").xpath(".//a")] == [
        ("/info/about/", "About this aid"),
        ("/info/privacy/", "Privacy"),
        ("/standards/", "Standards we meet"),
        ("/report/?page=/info/privacy/", "Report a mistake"),
    ]
    assert [a.get("href") for a in footer.xpath(".//a[@aria-current='page']")] == ["/info/privacy/"]


@pytest.mark.parametrize(
    "path",
    ["/", "/options/", "/options/mirror-therapy/", "/sources/", "/glossary/", "/info/about/"],
)
def test_every_public_page_has_a_description_for_search_and_sharing(client, content, path):
    html = client.get(path).content.decode()
    [description] = parse(html).xpath("//meta[@name='description']/@content")
    assert 40 <= len(description.strip()) <= 400, path


def test_the_options_overview_links_at_its_foot_to_the_pages_marked_for_it(client, factory):
    Page.objects.create(slug="about", title="About this aid", show_in_footer=True)
    Page.objects.create(slug="other-treatments", title="Other treatments", after_options=True)
    factory.publish_version()
    html = client.get(reverse("options")).content.decode()
    links = parse(html).xpath(f"//main//p[{has_class('after-options')}]/a")
    assert [(a.get("href"), text_of(a)) for a in links] == [
        ("/info/other-treatments/", "Other treatments")
    ]


def test_the_bundled_other_treatments_each_cite_a_source_when_they_state_a_fact(client, content):
    html = client.get(reverse("options")).content.decode()
    [link] = parse(html).xpath(f"//main//p[{has_class('after-options')}]/a/@href")
    page = parse(client.get(link).content.decode())
    sections = page.xpath("//main//section[starts-with(@aria-labelledby, 'section-')]")
    assert len(sections) >= 7
    for part in sections:
        words = text_of(part)
        # A section that gives a number or names a study cites it by number.
        if re.search(r"\d+ (?:people|in 100|daily)|trial|review|overview|NICE", words):
            assert part.xpath(".//a[starts-with(@href, '#ref-')]"), words
