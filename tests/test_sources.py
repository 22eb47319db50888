import pytest
from django.urls import reverse

from tests.html import has_class, parse, text_of, texts_of
from tests.queries import PATIENT_PAGE_QUERIES, queries_when_warm
from treatments.models import Claim, ClaimCheck, Page, PageSection, Source, Term

pytestmark = pytest.mark.django_db


def entry_for(html: str, source: Source) -> str:
    entries = parse(html).xpath(f"//li[{has_class('source')} and @id='source-{source.slug}']")
    assert entries, f"{source.slug} is not listed"
    return text_of(entries[0])


def test_the_sources_page_groups_sources_by_kind_with_what_they_are_cited_for(client, factory):
    review = factory.make_source(kind=Source.Kind.SYSTEMATIC_REVIEW, title="A review")
    first = factory.make_option(ready=True, name="Beta plan")
    second = factory.make_option(ready=True, name="Alpha plan")
    factory.make_claim(first, kind=Claim.Kind.LIMITATION, sources=[review])
    factory.make_claim(second, kind=Claim.Kind.LIMITATION, sources=[review])

    factory.publish_version()
    html = client.get(reverse("sources")).content.decode()

    review_group = html[html.index('<h2 id="kind-systematic_review">') :]
    review_group = review_group[: review_group.index("</section>")]
    assert 'id="source-' + review.slug in review_group
    assert "Cited for: Alpha plan, Beta plan" in entry_for(html, review)
    assert f'href="{reverse("option", args=[second.slug])}"' in review_group


def test_each_source_shows_its_kind_interest_and_links(client, factory):
    option = factory.make_option(ready=True)
    seller = factory.make_source(
        kind=Source.Kind.CLINIC_WEBSITE,
        interest="Published by a clinic that sells this.",
        pmid="",
        doi="",
        url="https://clinic.example/page",
    )
    check = ClaimCheck.objects.create(
        option=option,
        claim="It works for all.",
        made_by=seller,
        finding=ClaimCheck.Finding.UNSUPPORTED,
        what_studies_found="No study tests this.",
    )
    trial = factory.make_source(doi="10.1000/abc", pmid="123")
    check.sources.set([trial])

    factory.publish_version()
    html = client.get(reverse("sources")).content.decode()

    assert "Clinic or provider website · Interest: Published by a clinic that sells this." in (
        entry_for(html, seller)
    )
    assert 'href="https://clinic.example/page"' in html
    assert 'href="https://doi.org/10.1000/abc"' in html
    assert 'href="https://pubmed.ncbi.nlm.nih.gov/123/"' in html
    assert "No interest to declare" in entry_for(html, trial)


def test_sources_used_only_by_drafts_are_not_listed(client, factory):
    draft = factory.make_option()
    hidden = factory.make_source(title="Only in a draft")
    factory.make_claim(draft, sources=[hidden])
    factory.make_source(title="Used by nothing")
    html = client.get(reverse("sources")).content.decode()
    assert "Only in a draft" not in html
    assert "Used by nothing" not in html


def test_sources_behind_information_pages_are_listed_with_the_page(client, factory):
    page = Page.objects.create(slug="about-crps", title="What is CRPS")
    section = PageSection.objects.create(page=page, heading="Who gets it", body="Some people.")
    guideline = factory.make_source(kind=Source.Kind.GUIDELINE)
    section.sources.set([guideline])
    factory.publish_version()
    html = client.get(reverse("sources")).content.decode()
    assert "Cited for: What is CRPS" in entry_for(html, guideline)


def test_the_sources_page_runs_the_same_queries_for_2_or_20_options(client, factory):
    def grow(times):
        for _ in range(times):
            option = factory.make_option(ready=True)
            factory.make_cost(option)
            factory.make_study(option)
            option.certainty_sources.set([factory.make_source()])

    grow(2)
    factory.publish_version()
    small = queries_when_warm(client, reverse("sources"))
    grow(18)
    factory.publish_version()
    big = queries_when_warm(client, reverse("sources"))
    assert small == big == PATIENT_PAGE_QUERIES


def test_the_glossary_lists_every_term_alphabetically(client, factory):
    Term.objects.create(slug="placebo", term="Placebo", definition="A dummy treatment.")
    Term.objects.create(slug="infusion", term="Infusion", definition="A drip into a vein.")
    factory.publish_version()
    html = client.get(reverse("glossary")).content.decode()
    assert texts_of(parse(html), "//dfn") == ["Infusion", "Placebo"]
    assert '<dt id="placebo"><dfn>Placebo</dfn></dt><dd>A dummy treatment.</dd>' in html


def test_the_glossary_runs_one_query_once_warm(client, content):
    assert queries_when_warm(client, reverse("glossary")) == PATIENT_PAGE_QUERIES


def test_the_main_navigation_links_to_options_sources_and_glossary(client):
    html = client.get(reverse("glossary")).content.decode()
    assert f'<a href="{reverse("options")}">Your options</a>' in html
    assert f'<a href="{reverse("sources")}">Sources</a>' in html
    assert f'<a href="{reverse("glossary")}" aria-current="page">Glossary</a>' in html
