import re
from itertools import pairwise

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from lxml.html import HtmlElement

from decisionaid.answers import Answers
from decisionaid.references import Glossary, References
from decisionaid.templatetags.aid import frequency_brief, frequency_sentence, icon_array
from tests.answers_cookie import give_answers
from tests.html import first, has_class, links, parse, section, text_of, texts_of
from tests.queries import PATIENT_PAGE_QUERIES, queries_when_warm
from treatments.models import Claim, ClaimCheck, Option, Source, Term
from treatments.releases import current_content

pytestmark = pytest.mark.django_db

OPTION_SECTIONS = [
    "at-a-glance",
    "main-points",
    "first",
    "urgent",
    "contents-heading",
    "how-given",
    "certainty",
    "values",
    "discuss",
    "benefits",
    "harms",
    "limitations",
    "practical",
    "living",
    "where",
    "costs",
    "studies",
    "claim-checks",
    "review",
    "certainty-legend-heading",
    "words-heading",
    "references-heading",
]


def references_in(part: HtmlElement, prefix: str = "ref") -> dict[int, HtmlElement]:
    """A source list: number -> its entry."""
    entries = [li for li in part.iter("li") if re.fullmatch(rf"{prefix}-\d+", li.get("id", ""))]
    assert all(entry.get("id") == f"{prefix}-{entry.get('value')}" for entry in entries)
    return {int(entry.get("value")): entry for entry in entries}


def cited_in(part: HtmlElement, prefix: str = "ref") -> list[int]:
    """The numbers of the sources this part links to, in order."""
    found = [a for a in part.iter("a") if re.fullmatch(rf"#{prefix}-\d+", a.get("href", ""))]
    return [int(a.get("href").removeprefix(f"#{prefix}-")) for a in found]


def claim_blocks(page: HtmlElement) -> list[HtmlElement]:
    blocks = page.xpath(f".//li[{has_class('claim')}]")
    return [li for li in blocks if re.fullmatch(r"claim-\d+", li.get("id", ""))]


def option_page(client, option: Option) -> HtmlElement:
    return parse(client.get(reverse("option", args=[option.slug])).content.decode())


def full_option(factory, **fields) -> Option:
    """A published option with something in every section; its main points have numbers."""
    option = factory.make_option(ready=True, **fields)
    option.claims.update(is_main=False)
    factory.make_claim(
        option,
        kind=Claim.Kind.BENEFIT,
        is_main=True,
        text="Pain was lower for some people.",
        frequency_count=25,
        frequency_total=33,
        frequency_group="people in one small trial",
        frequency_timeframe="over 12 weeks",
    )
    factory.make_claim(
        option,
        kind=Claim.Kind.HARM,
        is_main=True,
        text="Some people felt sick.",
        frequency_count=30,
        frequency_total=1000,
        frequency_group="people in a large study",
        frequency_timeframe="during treatment",
    )
    factory.make_claim(option, kind=Claim.Kind.LIMITATION, text="The trials were small.")
    factory.make_claim(option, kind=Claim.Kind.PRACTICAL, text="You need a lift home.")
    factory.make_claim(option, kind=Claim.Kind.LIVING, text="Most go back to work in a week.")
    factory.make_availability(option, text="Offered by some hospitals; the health service pays.")
    factory.make_cost(option, low=400, high=900, unit="per session", where="US clinics")
    factory.make_study(option, design="randomised trial against a dummy drip", participants=60)
    seller = factory.make_source(
        kind=Source.Kind.CLINIC_WEBSITE,
        publisher="A clinic",
        interest="Published by a clinic that sells this treatment.",
        pmid="",
        doi="",
    )
    check = ClaimCheck.objects.create(
        option=option,
        claim="It helps nearly everyone.",
        made_by=seller,
        finding=ClaimCheck.Finding.OVERSTATED,
        what_studies_found="It helped about half the people in trials.",
    )
    check.sources.set([factory.make_source()])
    option.certainty_sources.set([factory.make_source(kind=Source.Kind.SYSTEMATIC_REVIEW)])
    return option


# The options at a glance


def glance_names(html: str) -> list[str]:
    return texts_of(parse(html), f"//a[{has_class('glance__name')}]")


def table_of(html: str) -> HtmlElement:
    return first(parse(html), f"//table[{has_class('comparison__table')}]")


def column_names(table: HtmlElement) -> list[str]:
    return texts_of(first(table, ".//thead"), ".//th[@scope='col']")


def table_rows(table: HtmlElement) -> dict[str, HtmlElement]:
    """The table's rows by what they show (data-row), in order."""
    return {row.get("data-row"): row for row in table.xpath(".//tr[@data-row]")}


def test_the_overview_shows_every_published_option_alphabetically_and_no_drafts(client, factory):
    factory.make_option(ready=True, name="Zinc plan")
    factory.make_option(ready=True, name="apple plan")
    factory.make_option(ready=True, name="Middle plan")
    factory.make_option(name="Draft plan")
    factory.publish_version()
    html = client.get(reverse("options")).content.decode()
    assert glance_names(html) == ["apple plan", "Middle plan", "Zinc plan"]
    assert "Draft plan" not in html
    assert "<table" not in html


def test_the_overview_groups_options_by_kind_and_sorts_each_group_by_name(client, factory):
    kinds = Option.Category
    factory.make_option(ready=True, name="Talking", category=kinds.PSYCHOLOGICAL)
    factory.make_option(ready=True, name="Carry on", category=kinds.CURRENT_CARE)
    factory.make_option(ready=True, name="B drip", category=kinds.INFUSION)
    factory.make_option(ready=True, name="A drip", category=kinds.INFUSION)
    factory.make_option(ready=True, name="Exercise", category=kinds.THERAPY)
    factory.make_option(ready=True, name="Tablet", category=kinds.MEDICINE)
    factory.publish_version()
    html = client.get(reverse("options")).content.decode()
    headings = first(parse(html), f"//form[{has_class('glance')}]").xpath(".//h3")
    groups = [(h3.get("id").removeprefix("group-"), text_of(h3)) for h3 in headings]
    assert groups == [
        ("medicines", "Medicines by mouth or on the skin"),
        ("drips", "Medicines by drip"),
        ("therapies", "Therapies and rehabilitation"),
        ("none", "No new treatment"),
    ]
    assert glance_names(html) == ["Tablet", "A drip", "B drip", "Exercise", "Talking", "Carry on"]


def test_every_overview_row_says_what_it_is_and_how_sure_and_leaves_the_rest_a_tap_away(
    client, factory
):
    option = factory.make_option(
        ready=True,
        in_brief="A short drip",
        time_in_brief="Two hours",
        reversibility=Option.Reversibility.PARTLY,
        certainty=Option.Certainty.MODERATE,
    )
    factory.make_cost(option, low=400, high=900, unit="per session")
    factory.publish_version()
    html = client.get(reverse("options")).content.decode()
    row = text_of(first(parse(html), f"//li[{has_class('glance__row')}]"))
    assert row.startswith(f"{option.name} A short drip. Compare {option.name}")
    assert "How sure: ⊕⊕⊕◯ Moderate" in row
    # A row is light enough to read in pain: undo, time and cost are side by side and on the
    # option's page, one tap away.
    for elsewhere in ("Partly", "Two hours", "US$400"):
        assert elsewhere not in row
    assert (reverse("option", args=[option.slug]), option.name) in links(html)
    side_by_side = client.get(reverse("options"), {"compare": [option.slug]}).content.decode()
    table = text_of(first(parse(side_by_side), "//table"))
    for shown in ("Partly", "Two hours", "US$400 to US$900 per session"):
        assert shown in table


def test_the_overview_says_how_the_order_was_chosen_and_never_ranks(client, factory):
    factory.make_option(ready=True)
    html = client.get(reverse("options")).content.decode()
    assert "Grouped by kind, then A to Z." in html
    assert "says nothing about how well an option works" in html
    for word in ("best match", "score", "recommended", "top choice", "ranked"):
        assert word not in html.lower()


def test_the_overview_shows_what_matters_to_the_person_and_flags_what_to_discuss(client, factory):
    option = factory.make_option(ready=True, name="Flagged plan")
    other = factory.make_option(ready=True, name="Quiet plan")
    question = factory.make_question(choices=("yes", "no"))
    factory.make_consideration(question.choices.get(slug="yes"), option, text="Heart talk.")
    value = factory.make_value(statement="Avoiding anything permanent")
    give_answers(client, Answers(choices={question.slug: ["yes"]}, values=[value.slug]))
    factory.publish_version()
    html = client.get(reverse("options")).content.decode()
    assert "You said these matter to you: <strong>avoiding anything permanent</strong>" in html
    rows = {
        name: row
        for row in html.split('<li class="glance__row"')[1:]
        for name in [other.name, option.name]
        if name in row
    }
    assert "Discuss</span>" in rows[option.name]
    assert "Discuss</span>" not in rows[other.name]


def test_the_step_numbers_come_from_the_journey(client, factory):
    factory.make_option(ready=True)
    for _ in range(2):
        factory.make_question(page=factory.make_question_page())
    factory.publish_version()
    html = client.get(reverse("options")).content.decode()
    # Two pages of questions and what matters come first; then the options; then the four
    # pages of where you are now, a step each. The home page and the summary are no steps.
    assert '<p class="progress">Step 4 of 8</p>' in html
    following = [href for href, label in links(html) if label == "Continue to the next step"]
    assert following == [reverse("step", args=["considering"])]
    for number, slug in enumerate(("considering", "stand", "questions", "sure"), start=5):
        page = client.get(reverse("step", args=[slug])).content.decode()
        assert f'<p class="progress">Step {number} of 8</p>' in page, slug


# Side by side


def test_two_picked_options_are_shown_in_a_table_with_one_column_each(client, factory):
    one, two = factory.make_option(ready=True), factory.make_option(ready=True)
    factory.make_option(ready=True, name="Not picked")
    factory.publish_version()
    html = client.get(reverse("options"), {"compare": [one.slug, two.slug]}).content.decode()
    table = table_of(html)
    assert len(column_names(table)) == 2
    rows = table_rows(table)
    assert list(rows) == [
        "summary",
        "benefit",
        "harm",
        "certainty",
        "cost",
        "time",
        "undo",
        "discuss",
    ]
    for row in rows.values():
        assert len(row.xpath(".//td")) == 2
    assert sorted(column_names(table)) == sorted([one.name, two.name])
    assert "Not picked" not in text_of(table)
    assert 'role="region" aria-labelledby="comparison-heading" tabindex="0"' in html


def test_every_cell_of_the_table_links_to_its_detail(client, factory):
    option = full_option(factory)
    other = factory.make_option(ready=True)
    factory.publish_version()
    html = client.get(reverse("options"), {"compare": [option.slug, other.slug]}).content.decode()
    table = table_of(html)
    page = reverse("option", args=[option.slug])
    addresses = {a.get("href") for a in table.xpath(".//a")}
    for anchor in ("top", "benefits", "harms", "at-a-glance", "costs", "how-given"):
        assert f"{page}#{anchor}" in addresses
    assert "in a randomised trial of 33 people." in text_of(table)


def test_the_columns_follow_the_overview_order_whatever_the_address_says(client, factory):
    zinc = factory.make_option(ready=True, name="Zinc plan")
    apple = factory.make_option(ready=True, name="Apple plan")
    factory.publish_version()
    html = client.get(reverse("options"), {"compare": [zinc.slug, apple.slug]}).content.decode()
    assert column_names(table_of(html)) == ["Apple plan", "Zinc plan"]


def test_picks_stay_ticked_and_more_than_four_shows_four_and_says_so(client, factory):
    options = [factory.make_option(ready=True, name=f"Plan {n}") for n in range(6)]
    factory.publish_version()
    html = client.get(reverse("options"), {"compare": [o.slug for o in options]}).content.decode()
    assert len(column_names(table_of(html))) == 4
    assert "You picked more than 4. The table shows 4 at a time" in html
    for option in options:
        assert (
            f'value="{option.slug}" id="pick-{option.slug}" aria-describedby="pick-hint" checked'
        ) in html


def test_an_unknown_pick_is_left_out_and_said_so(client, factory):
    kept = factory.make_option(ready=True)
    factory.make_option(ready=True)
    factory.publish_version()
    response = client.get(reverse("options"), {"compare": ["no-such-option", kept.slug]})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Some options you picked are no longer listed, so they are left out." in html
    assert len(column_names(table_of(html))) == 1
    assert "Tick at least one more option below" in html


def test_htmx_gets_only_the_comparison(client, factory):
    one, two = factory.make_option(ready=True), factory.make_option(ready=True)
    factory.publish_version()
    response = client.get(
        reverse("options"), {"compare": [one.slug, two.slug]}, HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="comparison"')
    assert "<html" not in html and "Show side by side" not in html
    assert 'id="ref-1"' in html
    assert "HX-Request" in response["Vary"]


def test_the_table_shows_a_persons_considerations_and_values(client, factory):
    option = factory.make_option(ready=True)
    other = factory.make_option(ready=True)
    question = factory.make_question(choices=("yes", "no"))
    yes = question.choices.get(slug="yes")
    yes.applies_to = "If you have a heart problem"
    yes.save()
    factory.make_consideration(yes, option, text="Talk about your heart before starting.")
    value = factory.make_value(statement="Avoiding anything permanent")
    factory.make_value_rating(value, option, text="It wears off within weeks.")
    give_answers(client, Answers(choices={question.slug: ["yes"]}, values=[value.slug]))

    factory.publish_version()
    html = client.get(reverse("options"), {"compare": [option.slug, other.slug]}).content.decode()
    rows = table_rows(table_of(html))
    value = rows["value"]
    assert text_of(first(value, ".//th")) == "You said this matters: Avoiding anything permanent"
    assert texts_of(value, ".//td") == [
        "It wears off within weeks.",
        "No information on this yet.",
    ]
    theirs, other = rows["discuss"].xpath(".//td")
    assert theirs.xpath(f".//span[{has_class('flag')}]")
    assert text_of(theirs).startswith(
        "Discuss Your answers raise 1 point: if you have a heart problem."
    )
    assert "Nothing you told us raises a point." not in text_of(theirs)
    assert text_of(other) == (
        "We asked about 1 health topic; none is listed here. This is not everything. "
        "Bring your full list of medicines."
    )


def test_every_fact_in_the_table_and_the_overview_is_cited_to_its_own_list(client, factory):
    one, two = full_option(factory), factory.make_option(ready=True)
    factory.publish_version()
    html = client.get(reverse("options"), {"compare": [one.slug, two.slug]}).content.decode()
    page = parse(html)
    table = first(page, "//*[@id='comparison']")
    table_refs = set(references_in(table))
    assert table_refs and table_refs == set(cited_in(table))
    glance = first(page, f"//form[{has_class('glance')}]")
    overview = [glance, first(page, f"//*[{has_class('glance__sources')}]")]
    glance_refs = {n for part in overview for n in references_in(part, "glance-ref")}
    assert glance_refs and glance_refs == {
        n for part in overview for n in cited_in(part, "glance-ref")
    }
    assert not [n for part in overview for n in cited_in(part)]


def test_the_overview_has_the_certainty_legend(client, factory):
    factory.make_option(ready=True, certainty=Option.Certainty.MODERATE)
    html = client.get(reverse("options")).content.decode()
    assert (
        '<span class="certainty certainty--moderate"><span class="certainty__symbol" '
        'aria-hidden="true">⊕⊕⊕◯</span> Moderate</span>'
    ) in html
    legend = html[html.index('id="certainty-legend-heading"') :]
    for symbol, word in (
        ("⊕⊕⊕⊕", "High"),
        ("⊕⊕⊕◯", "Moderate"),
        ("⊕⊕◯◯", "Low"),
        ("⊕◯◯◯", "Very low"),
    ):
        assert f'aria-hidden="true">{symbol}</span> {word}</span>' in legend


# One page per option


def test_an_option_page_shows_every_section(client, factory):
    option = full_option(factory)
    factory.publish_version()
    html = client.get(reverse("option", args=[option.slug])).content.decode()
    assert [h2.get("id") for h2 in parse(html).xpath("//h2[@id]")] == OPTION_SECTIONS
    assert "Preview" not in html
    assert "US$400 to US$900 per session, US clinics." in html
    assert "Randomised trial against a dummy drip" in html
    assert "It helps nearly everyone." in html
    assert "Interest: Published by a clinic that sells this treatment." in html
    assert "The studies show less than claimed." in html
    assert "Next review due" in html


def test_a_sparse_option_has_the_same_sections_as_a_full_one(client, factory):
    full, sparse = full_option(factory), factory.make_option(ready=True)
    headings = [
        [(h2.get("id"), text_of(h2)) for h2 in option_page(client, o).xpath("//h2[@id]")]
        for o in (full, sparse)
    ]
    assert headings[0] == headings[1]


def test_benefits_and_harms_are_laid_out_alike(client, factory):
    option = full_option(factory)
    factory.publish_version()
    page = option_page(client, option)
    benefits, harms = section(page, "benefits"), section(page, "harms")

    def shape(part):  # the elements alone, in order, one figure per icon array
        tags = [element.tag for element in part.xpath(".//*")]
        return [tag for before, tag in pairwise([None, *tags]) if tag != "use" or before != "use"]

    assert len(claim_blocks(benefits)) == len(claim_blocks(harms)) == 2
    assert len(benefits.xpath(".//svg")) == len(harms.xpath(".//svg")) == 1
    assert shape(benefits) == shape(harms)


def test_every_claim_on_an_option_page_cites_an_entry_in_its_source_list(client, factory):
    option = full_option(factory)
    factory.publish_version()
    page = option_page(client, option)
    entries = {number: text_of(entry) for number, entry in references_in(page).items()}
    blocks = claim_blocks(page)
    assert len(blocks) == option.claims.count()
    for block in blocks:
        numbers = cited_in(block)
        assert numbers, f"a claim has no reference: {text_of(block)[:80]}"
        assert all(n in entries for n in numbers)
    for claim in option.claims.all():
        titles = [
            entries[n] for block in blocks if claim.text in text_of(block) for n in cited_in(block)
        ]
        for source in claim.sources.all():
            assert any(source.title in title for title in titles)


def test_sources_are_numbered_in_order_of_first_citation(client, factory):
    option = full_option(factory)
    factory.publish_version()
    page = option_page(client, option)
    sources = section(page, "references-heading")
    body = [a for a in cited_in(first(page, "//main")) if a not in cited_in(sources)]
    first_seen = list(dict.fromkeys(body))
    assert first_seen == list(range(1, len(references_in(page)) + 1))
    assert len(first_seen) > 1


def test_the_source_list_shows_kind_interest_and_links(client, factory):
    option = factory.make_option(ready=True)
    source = factory.make_source(
        kind=Source.Kind.CLINIC_WEBSITE,
        interest="Published by a clinic that sells this.",
        doi="10.1000/xyz123",
        pmid="12345678",
    )
    factory.make_claim(option, kind=Claim.Kind.LIMITATION, sources=[source])
    factory.publish_version()
    page = option_page(client, option)
    entry = next(entry for entry in references_in(page).values() if source.title in text_of(entry))
    assert "Clinic or provider website · Interest: Published by a clinic that sells this." in (
        text_of(entry)
    )
    addresses = [a.get("href") for a in entry.xpath(".//a")]
    assert "https://doi.org/10.1000/xyz123" in addresses
    assert "https://pubmed.ncbi.nlm.nih.gov/12345678/" in addresses


def test_a_source_cited_twice_keeps_one_number(factory):
    refs = References()
    one, two = factory.make_source(), factory.make_source()
    assert [n for n, _ in refs.cite([two])] == [1]
    assert [n for n, _ in refs.cite([one, two])] == [1, 2]
    assert [s for _, s in refs.entries] == [two, one]


def test_an_option_without_a_cost_says_so(client, factory):
    option = factory.make_option(ready=True, cost_note="Insurance may pay for some of it.")
    factory.publish_version()
    html = client.get(reverse("option", args=[option.slug])).content.decode()
    assert "No reliable cost figure found." in html
    assert "Insurance may pay for some of it." in html


def test_personal_considerations_are_flagged_to_discuss(client, factory):
    option = factory.make_option(ready=True)
    question = factory.make_question(choices=("yes", "no"))
    factory.make_consideration(question.choices.get(slug="yes"), option, text="Ask about X.")
    give_answers(client, Answers(choices={question.slug: ["yes"]}))
    factory.publish_version()
    discuss = section(option_page(client, option), "discuss")
    point = first(discuss, f".//p[{has_class('consideration--theirs')}]")
    flag = first(point, f".//span[{has_class('flag')}]")
    assert text_of(flag) == "Discuss" and first(flag, ".//svg").get("aria-hidden") == "true"
    assert re.fullmatch(
        r"If you answered “Yes” to “[^”]+” \(your answer\):", text_of(first(point, ".//strong"))
    )
    assert re.fullmatch(r"Discuss If you .*: Ask about X\. \[\d+\]", text_of(point))
    assert cited_in(discuss)


def test_someone_who_answered_nothing_still_sees_who_should_talk_to_a_clinician_first(
    client, factory
):
    option = factory.make_option(ready=True)
    health = factory.make_question(choices=("yes", "not-sure", "no"))
    yes, not_sure = health.choices.get(slug="yes"), health.choices.get(slug="not-sure")
    yes.applies_to = "If you are pregnant or may be"
    yes.save()
    factory.make_consideration(yes, option, text="Usually avoided in pregnancy; discuss.")
    factory.make_consideration(not_sure, option, text="Say if you might be pregnant.")
    practical = factory.make_question(
        choices=("far", "near"), page=factory.make_question_page(title="Practical matters")
    )
    factory.make_consideration(practical.choices.get(slug="far"), option, text="Travel talk.")

    factory.publish_version()
    page = option_page(client, option)
    # The first layer marks nothing as theirs and links once to the list for everyone.
    first_part = section(page, "first")
    assert not first_part.xpath(f".//*[{has_class('flag')}]")
    assert "none is marked as yours" in text_of(first_part)
    assert "pregnant" not in text_of(first_part)
    to_everyone = [a for a in first_part.xpath(".//a") if a.get("href") == "#discuss"]
    assert [text_of(a) for a in to_everyone] == [
        "Who should talk to a clinician first: the list for everyone"
    ]
    # The list for everyone opens what to discuss: one line per health question, in general
    # words, cited; nothing marked as theirs.
    everyone = first(section(page, "discuss"), f".//ul[{has_class('first-list')}]")
    assert text_of(everyone).count("If you are pregnant or may be.") == 1
    assert "Travel talk" not in text_of(everyone)
    assert not everyone.xpath(f".//*[{has_class('flag')}]")
    assert cited_in(everyone)
    # Further down, every point in full, each in general words.
    discuss = text_of(section(page, "discuss"))
    assert "If you are pregnant or may be: Usually avoided in pregnancy; discuss." in discuss
    assert f"If you answered “{not_sure.label}” to “{health.text}”: Say if you might be" in discuss
    assert "Travel talk." in discuss

    give_answers(client, Answers(choices={health.slug: ["not-sure"]}))
    first_part = section(option_page(client, option), "first")
    theirs = first(first_part, f".//li[{has_class('first-list__theirs')}]")
    opening = theirs.xpath("*|text()")[0]
    assert isinstance(opening, HtmlElement) and "flag" in opening.classes
    assert text_of(theirs).startswith(
        f"Discuss If you are pregnant or may be (you answered “{not_sure.label}”)."
    )
    assert text_of(first(theirs, f".//span[{has_class('first-list__answer')}]")) == (
        f"(you answered “{not_sure.label}”)"
    )
    assert cited_in(theirs)
    # Only what their answers raise comes first.
    assert len(first_part.xpath(".//li")) == 1


def test_the_first_layer_says_when_no_answer_is_on_the_list_without_reassuring(client, factory):
    option = factory.make_option(ready=True)
    health = factory.make_question(choices=("yes", "no"))
    factory.make_consideration(health.choices.get(slug="yes"), option, text="Ask first.")
    factory.publish_version()
    give_answers(client, Answers(choices={health.slug: ["no"]}))
    first_part = section(option_page(client, option), "first")
    assert not first_part.xpath(".//li")
    assert "None of your answers is on the list for this option." in text_of(first_part)
    assert "this is not everything. Bring your full list of medicines" in text_of(first_part)
    assert "#discuss" in [a.get("href") for a in first_part.xpath(".//a")]


def test_the_first_part_of_an_option_page_holds_the_main_benefit_and_harm_with_numbers(
    client, factory
):
    option = full_option(factory)
    factory.publish_version()
    page = option_page(client, option)
    top = section(page, "main-points")
    shown = text_of(top)
    assert "Pain was lower for some people." in shown and "Some people felt sick." in shown
    assert len(top.xpath(f".//svg[{has_class('icon-array')}]")) == 2
    assert "About 76 in 100 people, in a randomised trial of 33 people." in shown
    assert "3 in 100 people, in a randomised trial of 1000 people." in shown
    contents = first(page, "//nav[@aria-labelledby='contents-heading']")
    addresses = [a.get("href") for a in contents.xpath(".//a")]
    assert [f"#{name}" for name in OPTION_SECTIONS[5:-3]] == addresses[:-1]


def test_a_main_benefit_or_harm_without_a_number_says_so_alike(client, factory):
    option = factory.make_option(ready=True)  # its main claims have no numbers
    factory.publish_version()
    top = section(option_page(client, option), "main-points")
    reasons = texts_of(top, f".//p[{has_class('frequency__none')}]")
    assert reasons == [
        "No number to show: we found no count of how many people this helped. More about this",
        "No number to show: we found no count of how many people had this. More about this",
    ]
    assert not top.xpath(".//svg")


def test_everything_after_the_first_layer_folds_under_its_own_heading(client, factory):
    option = full_option(factory)
    factory.publish_version()
    page = option_page(client, option)
    first_layer = ["at-a-glance", "main-points", "urgent", "first"]
    for name in first_layer:
        assert not section(page, name).xpath("ancestor::details"), name
    folded = [name for name in OPTION_SECTIONS if name not in [*first_layer, "contents-heading"]]
    for name in folded:
        details = section(page, name).xpath("./details")
        assert len(details) == 1, name
        # Shut on screen, printed open; its heading is what a screen reader announces.
        assert details[0].get("open") is None and details[0].get("data-print-open") == "", name
        assert [h2.get("id") for h2 in details[0].xpath("./summary/h2")] == [name]
    # Nothing is left outside a section: every claim sits in a folded one.
    assert all(block.xpath("ancestor::details") for block in claim_blocks(page))


# Icon arrays


# Icon arrays


def test_every_icon_array_has_100_figures_and_the_sentence_as_its_text(client, factory):
    option = full_option(factory)
    factory.publish_version()
    page = option_page(client, option)
    svgs = page.xpath(f"//svg[{has_class('icon-array')}]")
    small = next(svg for svg in svgs if "25 of 33" in svg.get("aria-label"))
    sentence = (
        "About 76 in 100 people. That is 25 of 33 people in one small trial, over 12 weeks. "
        "It comes from a randomised trial."
    )
    assert (small.get("role"), small.get("aria-label")) == ("img", sentence)
    assert texts_of(small, ".//title") == [sentence]
    assert len(first(small, f".//g[{has_class('icon-array__filled')}]").xpath(".//use")) == 76
    assert len(first(small, f".//g[{has_class('icon-array__empty')}]").xpath(".//use")) == 24
    assert sentence in texts_of(page, f"//p[{has_class('frequency__text')}]")
    for svg in svgs:
        assert len(svg.xpath(".//use")) == 100


def test_an_icon_array_over_100_people_is_drawn_out_of_100(factory):
    option = factory.make_option()
    claim = factory.make_claim(
        option,
        frequency_count=30,
        frequency_total=1000,
        frequency_group="people in a large study",
        frequency_timeframe="during treatment",
    )
    drawn = icon_array(claim)
    assert len(drawn["filled"]) == 3 and len(drawn["filled"]) + len(drawn["empty"]) == 100
    assert drawn["sentence"] == (
        "3 in 100 people. That is 30 of 1000 people in a large study, during treatment. "
        "It comes from a randomised trial."
    )


def test_an_icon_array_never_hides_a_rare_event(factory):
    claim = factory.make_claim(
        factory.make_option(),
        frequency_count=2,
        frequency_total=1000,
        frequency_group="people",
        frequency_timeframe="in a year",
    )
    drawn = icon_array(claim)
    assert drawn["filled"] == []
    assert drawn["sentence"].startswith("Fewer than 1 in 100 people.")


def test_a_number_from_a_very_small_study_says_so_in_words(factory):
    case_report = factory.make_source(kind=Source.Kind.CASE_SERIES)
    claim = factory.make_claim(
        factory.make_option(),
        sources=[case_report],
        frequency_count=3,
        frequency_total=6,
        frequency_group="people in one small study",
        frequency_timeframe="over two courses",
    )
    assert frequency_sentence(claim) == (
        "50 in 100 people. That is 3 of 6 people in one small study, over two courses. "
        "It comes from reports of people treated, with no comparison group. "
        "Only 6 people were in it, too few to be sure of the number."
    )
    assert frequency_brief(claim) == (
        "50 in 100 people, in a case report or series of only 6 people: too few to be sure."
    )


def test_a_percentage_gives_the_studys_real_size_and_its_range(factory):
    claim = factory.make_claim(
        factory.make_option(),
        frequency_count=62,
        frequency_total=100,
        study_size=48,
        range_low=48,
        range_high=75,
        frequency_group="people treated in one hospital",
        frequency_timeframe="at the end of the drip",
    )
    assert frequency_sentence(claim) == (
        "62 in 100 people. That is from a study of 48 people: people treated in one hospital, "
        "at the end of the drip. It comes from a randomised trial. "
        "The study gives a range of 48 to 75 in 100."
    )
    assert frequency_brief(claim) == (
        "62 in 100 people (range 48 to 75), in a randomised trial of 48 people."
    )


def test_a_range_must_run_low_to_high_within_100(factory):
    claim = factory.make_claim(
        factory.make_option(),
        frequency_count=5,
        frequency_total=10,
        frequency_group="people",
        frequency_timeframe="in a year",
    )
    claim.range_low, claim.range_high = 60, 40
    with pytest.raises(ValidationError):
        claim.clean()
    claim.range_low, claim.range_high = 40, None
    with pytest.raises(ValidationError):
        claim.clean()


# Glossary


def test_the_first_use_of_a_term_links_to_its_definition_on_the_page(client, factory):
    Term.objects.create(slug="infusion", term="Infusion", definition="A drip into a vein.")
    option = factory.make_option(
        ready=True, summary="Medicine by infusion.", how_given="Two infusions a week."
    )
    factory.publish_version()
    html = client.get(reverse("option", args=[option.slug])).content.decode()
    assert (
        'Medicine by <a class="term" href="#term-infusion" id="term-use-infusion">infusion</a>.'
        in html
    )
    assert "Two infusions a week." in html
    assert '<dt id="term-infusion"><dfn>Infusion</dfn></dt><dd>A drip into a vein.' in html


def test_the_table_links_a_term_to_its_definition_in_the_table_s_own_list(client, factory):
    Term.objects.create(slug="infusion", term="Infusion", definition="A drip into a vein.")
    option = factory.make_option(ready=True, summary="Medicine by infusion.")
    factory.publish_version()
    html = client.get(reverse("options"), {"compare": option.slug}).content.decode()
    terms = table_of(html).xpath(f".//a[{has_class('term')}]")
    assert [(a.get("href"), text_of(a)) for a in terms] == [("#term-infusion", "infusion")]
    assert '<dt id="term-infusion"><dfn>Infusion</dfn></dt><dd>A drip into a vein.</dd>' in html


def test_the_glossary_prefers_the_longest_term_and_escapes_text():
    words = Glossary(
        [
            Term(slug="nerve", term="Nerve", definition="."),
            Term(slug="nerve-block", term="Nerve block", definition="."),
        ]
    )
    linked = words.link("A nerve block <b>near</b> a nerve.")
    assert linked == (
        'A <a class="term" href="#term-nerve-block" id="term-use-nerve-block">nerve block</a> '
        "&lt;b&gt;near&lt;/b&gt; a "
        '<a class="term" href="#term-nerve" id="term-use-nerve">nerve</a>.'
    )


def test_a_term_that_matches_inside_an_entity_leaves_the_html_whole():
    words = Glossary([Term(slug="amp", term="amp", definition=".")])
    linked = words.link("Heat & cold, then an amp.")
    assert linked == (
        'Heat &amp; cold, then an <a class="term" href="#term-amp" id="term-use-amp">amp</a>.'
    )


def test_a_term_that_is_a_piece_of_markup_is_linked_as_text():
    words = Glossary([Term(slug="lt", term="lt", definition=".")], marks_uses=False)
    assert words.link("a < b, lt") == 'a &lt; b, <a class="term" href="#term-lt">lt</a>'


# Drafts and preview


def test_every_link_to_an_option_leads_to_its_own_page(client, factory):
    one, two = factory.make_option(ready=True), factory.make_option(ready=True)
    factory.publish_version()
    html = client.get(reverse("options"), {"compare": [one.slug, two.slug]}).content.decode()
    to_one = {href.partition("#")[0] for href, label in links(html) if one.name in label}
    assert to_one == {one.get_absolute_url()}
    page = client.get(one.get_absolute_url()).content.decode()
    assert texts_of(parse(page), "//h1") == [one.name]


def test_patients_get_404_for_a_draft_on_both_addresses(client, factory):
    draft = factory.make_option()
    assert client.get(reverse("option", args=[draft.slug])).status_code == 404
    assert client.get(reverse("option_preview", args=[draft.slug])).status_code == 404


def test_a_logged_in_non_staff_user_cannot_preview_a_draft(client, factory, django_user_model):
    draft = factory.make_option()
    client.force_login(django_user_model.objects.create_user("someone", password="x"))
    assert client.get(reverse("option_preview", args=[draft.slug])).status_code == 404


def test_staff_preview_a_draft_as_patients_would_see_it(admin_client, factory):
    draft = factory.make_option(name="Unfinished plan")
    factory.make_claim(draft, kind=Claim.Kind.HARM, text="A harm not yet checked.")
    factory.publish_version()
    response = admin_client.get(reverse("option_preview", args=[draft.slug]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Preview of the draft: patients see these words only after a publisher" in html
    assert "A harm not yet checked." in html
    assert "no-cache" in response["Cache-Control"]


def test_a_preview_shows_edits_patients_see_only_once_published(admin_client, client, factory):
    option = factory.make_option(ready=True, summary="The published words.")
    factory.publish_version()
    Option.objects.filter(pk=option.pk).update(summary="The edited words.")
    preview = admin_client.get(reverse("option_preview", args=[option.slug])).content.decode()
    assert "The edited words." in preview
    assert "The published words." not in preview
    page = client.get(reverse("option", args=[option.slug])).content.decode()
    assert "The published words." in page
    assert "The edited words." not in page
    factory.publish_version()
    page = client.get(reverse("option", args=[option.slug])).content.decode()
    assert "The edited words." in page
    response = client.get(reverse("option_preview", args=[option.slug]))
    assert response.status_code == 302
    assert response["Location"] == reverse("option", args=[option.slug])


def test_a_source_edited_in_the_draft_shows_as_edited_in_the_preview_only(
    admin_client, client, factory
):
    """A source's entry is drawn once per copy of the source: the published version's copy for
    patients, the draft's own copy for the preview, so neither meets the other's words."""
    option = factory.make_option(ready=True)
    factory.make_claim(option, kind=Claim.Kind.HARM, text="A harm with a source.")
    factory.publish_version()
    source = option.claims.first().sources.first()
    published_title = source.title
    assert published_title in client.get(reverse("option", args=[option.slug])).content.decode()
    Source.objects.filter(pk=source.pk).update(title="A retitled review")
    preview = admin_client.get(reverse("option_preview", args=[option.slug])).content.decode()
    assert "A retitled review" in preview
    page = client.get(reverse("option", args=[option.slug])).content.decode()
    assert published_title in page
    assert "A retitled review" not in page


# Speed


def grow(factory, times: int) -> list[Option]:
    question = factory.make_question(choices=("yes", "no"))
    value = factory.make_value()
    options = []
    for _ in range(times):
        option = full_option(factory)
        factory.make_consideration(question.choices.get(slug="yes"), option)
        factory.make_value_rating(value, option).sources.set([factory.make_source()])
        options.append(option)
    return options, question, value


def test_the_comparison_runs_the_same_queries_for_2_or_20_options(client, factory):
    options, question, value = grow(factory, 2)
    give_answers(client, Answers(choices={question.slug: ["yes"]}, values=[value.slug]))
    factory.publish_version()
    with_two = queries_when_warm(client, reverse("options"))
    grow(factory, 18)
    factory.publish_version()
    with_twenty = queries_when_warm(client, reverse("options"))
    assert with_two == with_twenty == PATIENT_PAGE_QUERIES


def test_an_option_page_runs_the_same_queries_however_much_content(client, factory):
    options, question, value = grow(factory, 1)
    give_answers(client, Answers(choices={question.slug: ["yes"]}, values=[value.slug]))
    factory.publish_version()
    small = queries_when_warm(client, reverse("option", args=[options[0].slug]))
    big = full_option(factory)
    factory.make_consideration(question.choices.get(slug="yes"), big)
    factory.make_value_rating(value, big).sources.set([factory.make_source()])
    for _ in range(9):
        factory.make_claim(big, kind=Claim.Kind.BENEFIT)
        factory.make_claim(big, kind=Claim.Kind.HARM)
        factory.make_study(big)
    factory.publish_version()
    assert queries_when_warm(client, reverse("option", args=[big.slug])) == small
    assert small == PATIENT_PAGE_QUERIES


def test_show_side_by_side_with_nothing_ticked_says_what_to_do(client, content):
    html = client.get(reverse("options"), {"show": "1"}).content.decode()
    comparison = first(parse(html), "//*[@id='comparison']")
    assert "hidden" not in comparison.attrib
    assert "No options are ticked yet" in text_of(comparison)
    plain = first(parse(client.get(reverse("options")).content.decode()), "//*[@id='comparison']")
    assert "hidden" in plain.attrib


def test_a_list_of_health_conditions_gives_each_ticked_box_its_own_first_line(client, content):
    option = next(
        o
        for o in Option.objects.ready()
        if {"pregnant", "kidney"}
        <= set(
            o.considerations.filter(choice__question__slug="conditions").values_list(
                "choice__slug", flat=True
            )
        )
    )
    give_answers(client, Answers(choices={"conditions": ["kidney"]}))
    page = parse(client.get(option.get_absolute_url()).content.decode())
    everyone = f"//h2[@id='discuss']/ancestor::details//ul[{has_class('first-list')}]"
    lines = texts_of(first(page, everyone), "./li")
    pregnant = next(line for line in lines if line.startswith("If you may be pregnant"))
    kidney = next(line for line in lines if "kidney" in line)
    assert "you answered" not in pregnant
    assert "(you answered “Kidney problems”)" in kidney


def test_an_option_page_says_when_the_person_was_not_sure(client, content):
    option = Option.objects.ready().filter(considerations__choice__question__slug="conditions")[0]
    html = client.get(option.get_absolute_url()).content.decode()
    assert "You said you were not sure" not in html
    give_answers(client, Answers(choices={"conditions": ["not-sure"], "medicines": ["none"]}))
    first_part = section(parse(client.get(option.get_absolute_url()).content.decode()), "first")
    assert text_of(first_part).startswith(
        "What your answers raise Discuss You said you were not sure about health "
        "conditions. Ask your clinician whether any of the points for everyone apply to you."
    )
    # Where no point on health is listed, there is nothing to ask about.
    quiet = Option.objects.ready().exclude(
        considerations__choice__question__page__about_health=True
    )
    page = client.get(quiet[0].get_absolute_url()).content.decode()
    assert "You said you were not sure" not in page
    assert "and none of them is listed for this option" in page


def test_what_happens_over_time_is_one_tap_from_home_the_overview_and_current_care(client, content):
    course = next(page for page in current_content().pages if page.up_front)
    assert course.title == "What usually happens over time"
    href = course.get_absolute_url()
    assert client.get(href).status_code == 200
    current_care = Option.objects.ready().get(category=Option.Category.CURRENT_CARE)
    for address in [reverse("home"), reverse("options"), current_care.get_absolute_url()]:
        html = client.get(address).content.decode()
        assert (href, course.title) in links(html), address
    other = Option.objects.ready().exclude(category=Option.Category.CURRENT_CARE).first()
    assert (href, course.title) not in links(client.get(other.get_absolute_url()).content.decode())
