import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from decisionaid.answers import Answers
from decisionaid.references import Glossary, References
from decisionaid.templatetags.aid import icon_array
from tests.answers_cookie import give_answers
from treatments.models import Claim, ClaimCheck, Option, Source, Term

pytestmark = pytest.mark.django_db

OPTION_SECTIONS = [
    "at-a-glance",
    "discuss",
    "values",
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


def references_in(html: str) -> dict[int, str]:
    """The page's source list: number -> the entry's markup, with spacing collapsed."""
    entries = re.findall(r'<li id="ref-(\d+)" value="\1">(.*?)</li>', html, re.S)
    return {int(number): re.sub(r"\s+", " ", text) for number, text in entries}


def text_of(markup: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", markup)).strip()


def cited_in(fragment: str) -> list[int]:
    return [int(n) for n in re.findall(r'href="#ref-(\d+)"', fragment)]


def claim_blocks(html: str) -> list[str]:
    return re.findall(r'<li class="claim">(.*?)</li>', html, re.S)


def full_option(factory, **fields) -> Option:
    """A published option with something in every section."""
    option = factory.make_option(publish=True, **fields)
    factory.make_claim(
        option,
        kind=Claim.Kind.BENEFIT,
        text="Pain was lower for some people.",
        frequency_count=25,
        frequency_total=33,
        frequency_group="people in one small trial",
        frequency_timeframe="over 12 weeks",
    )
    factory.make_claim(
        option,
        kind=Claim.Kind.HARM,
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


# The comparison page


def test_the_comparison_shows_every_published_option_alphabetically_and_no_drafts(client, factory):
    factory.make_option(publish=True, name="Zinc plan")
    factory.make_option(publish=True, name="apple plan")
    factory.make_option(publish=True, name="Middle plan")
    factory.make_option(name="Draft plan")
    html = client.get(reverse("options")).content.decode()
    names = re.findall(r'<h3 id="card-[^"]+" class="option-card__name">([^<]+)</h3>', html)
    assert names == ["apple plan", "Middle plan", "Zinc plan"]
    assert "Draft plan" not in html


def test_the_comparison_says_how_the_order_was_chosen_and_never_ranks(client, factory):
    factory.make_option(publish=True)
    html = client.get(reverse("options")).content.decode()
    assert "alphabetical order by name" in html
    assert "says nothing about how well they work" in html
    for word in ("best match", "score", "recommended", "top choice", "ranked"):
        assert word not in html.lower()


def test_every_option_is_compared_under_the_same_headings(client, factory):
    full_option(factory)
    factory.make_option(publish=True)
    html = client.get(reverse("options")).content.decode()
    cards = html.split('<li class="option-card">')[1:]
    assert len(cards) == 2
    aspects = [re.findall(r'data-aspect="([a-z]+)"', card) for card in cards]
    assert (
        aspects[0]
        == aspects[1]
        == ["summary", "benefit", "harm", "cost", "time", "undo", "certainty"]
    )


def test_a_few_options_are_shown_in_a_table_with_one_column_each(client, factory):
    first, second = factory.make_option(publish=True), factory.make_option(publish=True)
    html = client.get(reverse("options")).content.decode()
    table = html[html.index("<table>") : html.index("</table>")]
    assert table.count('<th scope="col">') == 2
    for row in re.findall(r"<tr data-aspect=.*?</tr>", table, re.S):
        assert row.count("<td>") == 2
    assert first.name in table and second.name in table


def test_many_options_are_shown_as_cards_only(client, factory):
    for _ in range(5):
        factory.make_option(publish=True)
    html = client.get(reverse("options")).content.decode()
    assert "<table>" not in html
    assert html.count('<li class="option-card">') == 5


def test_a_person_can_pick_which_options_to_compare(client, factory):
    kept = factory.make_option(publish=True, name="Kept plan")
    factory.make_option(publish=True, name="Left-out plan")
    html = client.get(reverse("options"), {"compare": [kept.slug]}).content.decode()
    assert html.count('<li class="option-card">') == 1
    assert (
        f'value="{kept.slug}" id="compare-{kept.slug}" aria-describedby="compare-hint" checked'
        in html
    )
    assert "Left-out plan</label>" in html
    assert "Showing 1 of 2 options" in html


def test_an_unknown_pick_shows_every_option(client, factory):
    factory.make_option(publish=True)
    factory.make_option(publish=True)
    html = client.get(reverse("options"), {"compare": ["no-such-option"]}).content.decode()
    assert html.count('<li class="option-card">') == 2


def test_htmx_gets_only_the_comparison(client, factory):
    option = factory.make_option(publish=True)
    response = client.get(reverse("options"), {"compare": [option.slug]}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="comparison"')
    assert "<html" not in html and "Choose which options to compare" not in html
    assert 'id="ref-1"' in html
    assert "HX-Request" in response["Vary"]


def test_the_comparison_shows_a_persons_considerations_and_values(client, factory):
    option = factory.make_option(publish=True)
    other = factory.make_option(publish=True)
    question = factory.make_question(choices=("yes", "no"))
    yes = question.choices.get(slug="yes")
    factory.make_consideration(yes, option, text="Talk about your heart before starting.")
    value = factory.make_value(statement="Avoiding anything permanent")
    factory.make_value_rating(value, option, text="It wears off within weeks.")
    give_answers(client, Answers(choices={question.slug: ["yes"]}, values=[value.slug]))

    html = client.get(reverse("options")).content.decode()

    assert "Talk about your heart before starting." in html
    assert "Discuss</span>" in html
    assert "You said this matters: Avoiding anything permanent" in html
    assert "It wears off within weeks." in html
    cards = html.split('<li class="option-card">')[1:]
    other_card = next(card for card in cards if other.name in card)
    assert "Nothing you told us raises a point about this option." in other_card
    assert "No information on this yet." in other_card


def test_considerations_for_answers_not_given_are_not_shown(client, factory):
    option = factory.make_option(publish=True)
    question = factory.make_question(choices=("yes", "no"))
    factory.make_consideration(question.choices.get(slug="yes"), option, text="Heart talk.")
    give_answers(client, Answers(choices={question.slug: ["no"]}))
    html = client.get(reverse("options")).content.decode()
    assert "Heart talk." not in html
    assert "Things to discuss" in html


def test_every_fact_on_the_comparison_is_cited_to_the_source_list(client, factory):
    full_option(factory)
    html = client.get(reverse("options")).content.decode()
    entries = references_in(html)
    cited = cited_in(html.split('id="references-heading"')[0])
    assert cited and set(cited) == set(entries)
    assert sorted(entries) == list(range(1, len(entries) + 1))


def test_the_comparison_has_the_certainty_legend(client, factory):
    factory.make_option(publish=True, certainty=Option.Certainty.MODERATE)
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
    html = client.get(reverse("option", args=[option.slug])).content.decode()
    assert re.findall(r'<h2 id="([a-z-]+)"', html) == OPTION_SECTIONS
    assert "Preview" not in html
    assert "US$400 to US$900 per session, US clinics." in html
    assert "Randomised trial against a dummy drip" in html
    assert "It helps nearly everyone." in html
    assert "Interest: Published by a clinic that sells this treatment." in html
    assert "The studies show less than claimed." in html
    assert "Next review due" in html


def test_a_sparse_option_has_the_same_sections_as_a_full_one(client, factory):
    full, sparse = full_option(factory), factory.make_option(publish=True)
    headings = [
        re.findall(
            r'<h2 id="([a-z-]+)">([^<]+)</h2>',
            client.get(reverse("option", args=[o.slug])).content.decode(),
        )
        for o in (full, sparse)
    ]
    assert headings[0] == headings[1]


def test_benefits_and_harms_are_laid_out_alike(client, factory):
    option = full_option(factory)
    html = client.get(reverse("option", args=[option.slug])).content.decode()
    benefits = html[html.index('id="benefits"') : html.index('id="harms"')]
    harms = html[html.index('id="harms"') : html.index('id="limitations"')]

    def strip(part):  # the markup alone, one figure per icon array
        part = re.sub(r"(<use [^>]*/>)+", "<use/>", part)
        return re.sub(r">[^<]*<", "><", re.sub(r'"[^"]*"', '""', part))

    assert benefits.count('<li class="claim">') == harms.count('<li class="claim">') == 2
    assert benefits.count("<svg") == harms.count("<svg") == 1
    assert strip(benefits).count("<") == strip(harms).count("<")


def test_every_claim_on_an_option_page_cites_an_entry_in_its_source_list(client, factory):
    option = full_option(factory)
    html = client.get(reverse("option", args=[option.slug])).content.decode()
    entries = references_in(html)
    blocks = claim_blocks(html)
    assert len(blocks) == option.claims.count()
    for block in blocks:
        numbers = cited_in(block)
        assert numbers, f"a claim has no reference: {block[:80]}"
        assert all(n in entries for n in numbers)
    for claim in option.claims.all():
        titles = [entries[n] for block in blocks if claim.text in block for n in cited_in(block)]
        for source in claim.sources.all():
            assert any(source.title in title for title in titles)


def test_sources_are_numbered_in_order_of_first_citation(client, factory):
    option = full_option(factory)
    html = client.get(reverse("option", args=[option.slug])).content.decode()
    body = html.split('id="references-heading"')[0]
    first_seen = list(dict.fromkeys(cited_in(body)))
    assert first_seen == list(range(1, len(references_in(html)) + 1))


def test_the_source_list_shows_kind_interest_and_links(client, factory):
    option = factory.make_option(publish=True)
    source = factory.make_source(
        kind=Source.Kind.CLINIC_WEBSITE,
        interest="Published by a clinic that sells this.",
        doi="10.1000/xyz123",
        pmid="12345678",
    )
    factory.make_claim(option, kind=Claim.Kind.LIMITATION, sources=[source])
    html = client.get(reverse("option", args=[option.slug])).content.decode()
    entry = next(text for text in references_in(html).values() if source.title in text)
    assert "Clinic or provider website · Interest: Published by a clinic that sells this." in (
        text_of(entry)
    )
    assert 'href="https://doi.org/10.1000/xyz123"' in entry
    assert 'href="https://pubmed.ncbi.nlm.nih.gov/12345678/"' in entry


def test_a_source_cited_twice_keeps_one_number(factory):
    refs = References()
    one, two = factory.make_source(), factory.make_source()
    assert [n for n, _ in refs.cite([two])] == [1]
    assert [n for n, _ in refs.cite([one, two])] == [1, 2]
    assert [s for _, s in refs.entries] == [two, one]


def test_an_option_without_a_cost_says_so(client, factory):
    option = factory.make_option(publish=True, cost_note="Insurance may pay for some of it.")
    html = client.get(reverse("option", args=[option.slug])).content.decode()
    assert "No reliable cost figure found." in html
    assert "Insurance may pay for some of it." in html


def test_personal_considerations_are_flagged_to_discuss(client, factory):
    option = factory.make_option(publish=True)
    question = factory.make_question(choices=("yes", "no"))
    factory.make_consideration(question.choices.get(slug="yes"), option, text="Ask about X.")
    give_answers(client, Answers(choices={question.slug: ["yes"]}))
    html = client.get(reverse("option", args=[option.slug])).content.decode()
    section = html[html.index('id="discuss"') : html.index('id="values"')]
    assert re.search(
        r'<span class="flag"><svg[^>]*aria-hidden="true".*?</svg> Discuss</span> Ask about X\.',
        section,
    )
    assert cited_in(section)


# Icon arrays


def test_an_icon_array_has_n_figures_and_the_sentence_as_its_text(client, factory):
    option = full_option(factory)
    html = client.get(reverse("option", args=[option.slug])).content.decode()
    svgs = re.findall(r"<svg class=\"icon-array\".*?</svg>", html, re.S)
    small = next(svg for svg in svgs if "25 of 33" in svg)
    sentence = "25 of 33 people in one small trial, over 12 weeks."
    assert f'role="img" aria-label="{sentence}"' in small
    assert f"<title>{sentence}</title>" in small
    filled, empty = small.split('class="icon-array__empty"')
    assert filled.count("<use") == 25 and empty.count("<use") == 8
    assert f'<p class="frequency__text">{sentence}</p>' in html


def test_an_icon_array_over_100_people_is_scaled_and_says_so(factory):
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
        "30 of 1000 people in a large study, during treatment. "
        "The picture shows this as about 3 in every 100 people."
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
    assert "fewer than 1 in 100" in drawn["sentence"]


# Glossary


def test_the_first_use_of_a_term_links_to_its_definition_on_the_page(client, factory):
    Term.objects.create(slug="infusion", term="Infusion", definition="A drip into a vein.")
    option = factory.make_option(
        publish=True, summary="Medicine by infusion.", how_given="Two infusions a week."
    )
    html = client.get(reverse("option", args=[option.slug])).content.decode()
    assert (
        'Medicine by <a class="term" href="#term-infusion" id="term-use-infusion">infusion</a>.'
        in html
    )
    assert "Two infusions a week." in html
    assert '<dt id="term-infusion"><dfn>Infusion</dfn></dt><dd>A drip into a vein.' in html


def test_the_comparison_links_a_term_in_the_table_and_again_in_the_cards(client, factory):
    Term.objects.create(slug="infusion", term="Infusion", definition="A drip into a vein.")
    option = factory.make_option(publish=True, summary="Medicine by infusion.")
    html = client.get(reverse("options"), {"compare": option.slug}).content.decode()
    table, cards = html.split('class="comparison__cards"')
    link = '<a class="term" href="#term-infusion">infusion</a>'
    # The table shows on a wide screen and the cards on a phone: each links its own first use.
    assert table.count(link) == 1
    assert cards.split('class="words"')[0].count(link) == 1
    assert "term-use-" not in html  # two first uses: no one place for a definition to lead back to
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


# Drafts and preview


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
    response = admin_client.get(reverse("option_preview", args=[draft.slug]))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Preview: patients cannot see this draft." in html
    assert "A harm not yet checked." in html
    assert "no-cache" in response["Cache-Control"]


def test_previewing_a_published_option_shows_no_draft_banner(admin_client, client, factory):
    option = factory.make_option(publish=True)
    html = admin_client.get(reverse("option_preview", args=[option.slug])).content.decode()
    assert "Preview: patients cannot see this draft." not in html
    response = client.get(reverse("option_preview", args=[option.slug]))
    assert response.status_code == 302
    assert response["Location"] == reverse("option", args=[option.slug])


# Speed


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


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


# One query per kind of content (see Option.objects.with_content), plus values, glossary terms
# and the footer's pages.
COMPARE_QUERIES = 17
OPTION_QUERIES = 17


def test_the_comparison_runs_the_same_queries_for_2_or_20_options(client, factory):
    options, question, value = grow(factory, 2)
    give_answers(client, Answers(choices={question.slug: ["yes"]}, values=[value.slug]))
    with_two = count_queries(client, reverse("options"))
    grow(factory, 18)
    with_twenty = count_queries(client, reverse("options"))
    assert with_two == with_twenty == COMPARE_QUERIES


def test_an_option_page_runs_the_same_queries_however_much_content(client, factory):
    options, question, value = grow(factory, 1)
    give_answers(client, Answers(choices={question.slug: ["yes"]}, values=[value.slug]))
    small = count_queries(client, reverse("option", args=[options[0].slug]))
    big = full_option(factory)
    factory.make_consideration(question.choices.get(slug="yes"), big)
    factory.make_value_rating(value, big).sources.set([factory.make_source()])
    for _ in range(9):
        factory.make_claim(big, kind=Claim.Kind.BENEFIT)
        factory.make_claim(big, kind=Claim.Kind.HARM)
        factory.make_study(big)
    assert count_queries(client, reverse("option", args=[big.slug])) == small == OPTION_QUERIES
