import random
import re
from itertools import pairwise

import pytest
from django.urls import reverse
from django.utils import dateformat, timezone
from lxml.html import HtmlElement

from decisionaid.answers import Answers, read_resume_token
from decisionaid.forms import MAX_OWN_QUESTIONS, MAX_VALUES
from decisionaid.summary import DISCUSS_IN_FULL, MANY_OPTIONS, qr_svg
from tests.answers_cookie import give_answers
from tests.html import first, has_class, links, parse, section, text_of, texts_of
from tests.personas import first_choice, heaviest_persona, raised_by, typical_persona
from tests.queries import PATIENT_PAGE_QUERIES, queries_when_warm
from treatments.models import (
    Claim,
    Consideration,
    Option,
    Question,
    Source,
    SuggestedQuestion,
    Value,
)

pytestmark = pytest.mark.django_db

SECTIONS = [
    "About me",
    "Things to discuss",
    "What matters most to me",
    "Options I am considering",
    "How sure I feel about a choice",
    "My questions for the clinician",
    "Clinician's notes",
    "References",
    "Funding and interests",
]


def summary_html(client, answers: Answers | None = None, **query) -> str:
    if answers is not None:
        give_answers(client, answers)
    response = client.get(reverse("summary"), query)
    assert response.status_code == 200
    return response.content.decode()


def summary_page(client, answers: Answers | None = None, **query) -> HtmlElement:
    return parse(summary_html(client, answers, **query))


def references_in(page: HtmlElement) -> dict[int, str]:
    """The numbered reference list: number -> the entry's text."""
    entries = first(section(page, "summary-references"), ".//ol").xpath(".//li")
    assert all(entry.get("id") == f"ref-{entry.get('value')}" for entry in entries)
    return {int(entry.get("value")): text_of(entry) for entry in entries}


def cited_numbers(part: HtmlElement) -> list[int]:
    """Every number shown in a citation such as [1, 3], read from the text a person sees."""
    numbers = []
    for citation in texts_of(part, f".//sup[{has_class('ref')}]"):
        assert re.fullmatch(r"\[\d+(, \d+)*\]", citation), citation
        numbers += [int(n) for n in re.findall(r"\d+", citation)]
    return numbers


def discuss_items(discuss: HtmlElement) -> list[HtmlElement]:
    return first(discuss, f".//ul[{has_class('summary-discuss__list')}]").xpath(".//li")


def citation_after(item: HtmlElement, name: str) -> HtmlElement | None:
    """The citation that directly follows this name in the item's text, if any."""
    for before, after in pairwise(item.xpath("*|text()")):
        if (
            isinstance(before, str)
            and before.endswith(f"{name} ")
            and isinstance(after, HtmlElement)
            and after.tag == "sup"
            and "ref" in after.classes
        ):
            return after
    return None


def test_a_typical_summary_has_every_section_in_order(client, content):
    main = first(summary_page(client, typical_persona()), "//main")
    headings = texts_of(main, ".//h2")
    assert [heading for heading in headings if heading in SECTIONS] == SECTIONS, headings
    assert "This is not a recommendation." in text_of(main)


def test_the_header_gives_the_print_date_content_version_and_last_review(client, factory, content):
    reviewed = Option.objects.ready().order_by("-last_reviewed_on").first().last_reviewed_on
    release = factory.publish_version()
    page = summary_page(client, typical_persona())
    header = first(page, f"//header[{has_class('summary-header')}]")
    published = dateformat.format(timezone.localtime(release.published_at), "j F Y")
    assert texts_of(header, ".//span") == [
        f"Printed on {dateformat.format(timezone.localdate(), 'j F Y')}",
        f"Information version {release.number}, published {published}",
        f"Last reviewed: {dateformat.format(reviewed, 'j F Y')}",
        "Costs: no price was found for these options.",
    ]


def test_the_header_says_which_country_the_costs_are_for(client, factory, content):
    american = factory.make_option(ready=True)
    factory.make_cost(american, country="us")
    british = factory.make_option(ready=True)
    factory.make_cost(british, country="uk")
    factory.make_cost(british, country="")
    Option.objects.filter(pk__in=[american.pk, british.pk]).update(no_reliable_cost=False)
    factory.publish_version()
    page = summary_page(client, Answers(considering=[american.slug, british.slug]))
    header = first(page, f"//header[{has_class('summary-header')}]")
    assert texts_of(header, ".//span")[-1] == (
        "Costs are for: United States, United Kingdom, and 1 price for a place its source does "
        "not name, none converted."
    )


def test_about_me_labels_each_answer_with_the_question_short_label(client, content):
    answers = typical_persona()
    about = section(summary_page(client, answers), "summary-answers-1")
    assert text_of(first(about, ".//h2")) == "About me"
    shown = dict(zip(texts_of(about, ".//dt"), texts_of(about, ".//dd"), strict=True))
    for question in Question.objects.filter(page__slug__in=["about", "health"]):
        choice = question.choices.get(slug=answers.choices[question.slug][0])
        assert choice.label in shown[question.short_label].split("; ")
    # The health and medicines answers are "about me" too, "None of these" and "not sure"
    # included, so the clinician knows what was and was not ticked.
    assert shown["Medicines"] == "None of these"


def test_a_not_sure_health_answer_is_printed_for_the_clinician(client, content):
    answers = Answers(choices={"conditions": ["kidney", "not-sure"], "medicines": ["not-sure"]})
    about = section(summary_page(client, answers), "summary-answers-1")
    shown = dict(zip(texts_of(about, ".//dt"), texts_of(about, ".//dd"), strict=True))
    assert shown["Health conditions"] == "Kidney problems; I'm not sure"
    assert shown["Medicines"] == "I'm not sure"


def test_answers_that_matter_are_flagged_with_their_option_and_source(client, content):
    pairs = [("conditions", "pregnant"), ("conditions", "dental"), ("medicines", "blood-thinner")]
    raised = Consideration.objects.for_answers(pairs).select_related("option", "choice__question")
    considering = sorted({c.option.slug for c in raised})[:4]
    answers = Answers(
        choices={"conditions": ["pregnant", "dental"], "medicines": ["blood-thinner"]},
        considering=considering,
    )
    page = summary_page(client, answers)
    references = references_in(page)

    items = discuss_items(section(page, "summary-discuss"))
    expected = [c for c in raised if c.option.slug in considering]
    assert len(items) == len(expected) >= 3
    for consideration in expected:
        item = next(i for i in items if consideration.text in text_of(i))
        text = text_of(item)
        assert text.startswith("Discuss")
        flag = first(item, f".//span[{has_class('flag')}]")
        assert flag.xpath(f".//svg[{has_class('flag__icon')}]")
        assert text_of(first(item, ".//strong")) == consideration.option.name
        answer = consideration.choice
        # A ticked box of a list speaks for itself; a "choose one" answer names its question.
        named = f" to {answer.question.short_label}" if answer.question.kind == "one" else ""
        assert f"because I answered “{answer.label}”{named})" in text
        numbers = cited_numbers(item)
        assert numbers
        for source in consideration.sources.all():
            assert any(source.title in references[n] for n in numbers)


def test_options_not_considered_that_answers_touch_are_named_after_in_one_line(client, content):
    raised = raised_by(("conditions", "pregnant"))
    assert len(raised) >= 3
    answers = Answers(choices={"conditions": ["pregnant"]}, considering=raised[:1])
    discuss = section(summary_page(client, answers), "summary-discuss")
    listed = text_of(first(discuss, f".//ul[{has_class('summary-discuss__list')}]"))
    elsewhere = text_of(first(discuss, f".//p[{has_class('summary-discuss__elsewhere')}]"))
    assert Option.objects.get(slug=raised[0]).name in listed
    for slug in raised[1:]:
        name = Option.objects.get(slug=slug).name
        assert name not in listed
        assert elsewhere.count(name) == 1
    assert "[" not in elsewhere  # a compact line: details are on the options pages


def test_with_no_options_considered_every_point_is_shown_in_full(client, content):
    raised = Consideration.objects.for_answers([("conditions", "dental")])
    answers = Answers(choices={"conditions": ["dental"]})
    discuss = section(summary_page(client, answers), "summary-discuss")
    assert texts_of(discuss, f".//span[{has_class('flag')}]") == ["Discuss"] * raised.count()
    assert raised.count() >= 2
    for consideration in raised:
        assert consideration.text in text_of(discuss)
    assert not discuss.xpath(f".//*[{has_class('summary-discuss__elsewhere')}]")


def test_many_points_are_grouped_by_answer_naming_each_option(client, content):
    pairs = [("conditions", "pregnant"), ("conditions", "heart")]
    raised = list(Consideration.objects.for_answers(pairs))
    assert len(raised) > DISCUSS_IN_FULL
    page = summary_page(client, Answers(choices={"conditions": ["pregnant", "heart"]}))
    discuss = section(page, "summary-discuss")
    items = discuss_items(discuss)
    assert [text_of(i).split(":")[0] for i in items] == [
        # A ticked box of a list speaks for itself.
        "Discuss Pregnant, trying for a baby or breastfeeding",
        "Discuss Heart problem or pacemaker; past heart attack, stroke or clot",
    ]
    for consideration in raised:
        item = items[0] if consideration.choice.slug == "pregnant" else items[1]
        assert consideration.option.name in text_of(item)
    # Each option's page sets each point out with its source; the summary only names them.
    assert cited_numbers(discuss) == []
    assert not discuss.xpath(f".//*[{has_class('print-only')}]"), "no table to number them by"
    assert f"There are {len(raised)}, grouped by answer" in text_of(discuss)


def test_grouped_points_give_on_paper_the_numbers_of_the_options_in_the_printed_table(
    client, content
):
    pairs = [("conditions", "pregnant"), ("conditions", "heart")]
    raised = list(Consideration.objects.for_answers(pairs))
    considering = list(dict.fromkeys(c.option.slug for c in raised))
    answers = Answers(choices={"conditions": ["pregnant", "heart"]}, considering=considering)
    page = summary_page(client, answers)
    table = first(section(page, "summary-options"), f".//table[{has_class('summary-compact')}]")
    numbered = {}
    for heading in table.xpath(".//tbody/tr/th"):
        number, _, name = heading.text.strip().partition(". ")  # the name, before its certainty
        numbered[int(number)] = name
    assert sorted(numbered) == list(range(1, len(considering) + 1))
    items = discuss_items(section(page, "summary-discuss"))
    for item, slug in zip(items, ["pregnant", "heart"], strict=True):
        on_paper = text_of(first(item, f".//span[{has_class('print-only')}]"))
        numbers = [int(n) for n in re.findall(r"\d+", on_paper)]
        names = {c.option.name for c in raised if c.choice.slug == slug}
        assert {numbered[n] for n in numbers} == names
        on_screen = text_of(first(item, f".//span[{has_class('screen-only')}]"))
        assert all(name in on_screen for name in names)


def test_what_matters_lists_the_values_in_the_order_chosen(client, content):
    values = list(Value.objects.all()[:MAX_VALUES])[::-1]
    answers = Answers(values=[v.slug for v in values])
    shown = texts_of(section(summary_page(client, answers), "summary-values"), ".//li")
    assert shown == [value.statement for value in values]


def test_each_option_considered_shows_the_same_compact_row(client, content):
    answers = typical_persona()
    options_part = section(summary_page(client, answers), "summary-options")
    table = first(options_part, f".//table[{has_class('summary-options__table')}]")
    rows = first(table, ".//tbody").xpath(".//tr")
    names = [text_of(first(row, ".//th[@scope='row']")) for row in rows]
    options = Option.objects.ready().filter(slug__in=answers.considering).with_content()
    assert names == sorted((o.name for o in options), key=str.lower)
    for option in options:
        row = rows[names.index(option.name)]
        cells = row.xpath(".//td")
        assert [cell.get("data-label") for cell in cells] == [
            "Main benefit",
            "Main harm or side effect",
            "Rarest serious harm",
            "How sure anyone can be",
            "Cost",
            "Time it takes",
        ]
        shown = [text_of(cell) for cell in cells]
        text = " ".join(shown)
        assert option.main_benefit.text in shown[0]
        assert option.main_harm.text in shown[1]
        serious = option.rare_serious_harm
        if serious is None:
            assert shown[2] == "None listed."
        elif serious == option.main_harm:
            assert shown[2] == "The main harm."
        else:
            assert serious.text in shown[2]
        assert option.get_certainty_display() in shown[3]
        assert cells[3].xpath(f".//*[{has_class('certainty__symbol')}]")
        assert shown[5] == option.time_commitment
        costs = list(option.costs.all())
        for cost in costs:
            assert cost.display in text
        if not costs:
            assert "No reliable cost figure found." in text
    assert "alphabetical order, not in order of preference" in text_of(options_part)


def test_the_rarest_serious_harm_is_printed_beside_the_main_harm(client, factory, content):
    marked, main_is_serious, unmarked = (factory.make_option(ready=True) for _ in range(3))
    rare = factory.make_claim(
        marked,
        kind=Claim.Kind.HARM,
        text="Bleeding near the spine is rare. It can cause lasting weakness.",
        is_rare_serious=True,
    )
    Claim.objects.filter(option=main_is_serious, kind=Claim.Kind.HARM).update(is_rare_serious=True)
    factory.publish_version()
    answers = Answers(considering=[marked.slug, main_is_serious.slug, unmarked.slug])
    page = summary_page(client, answers)
    table = first(section(page, "summary-options"), f".//table[{has_class('summary-compact')}]")
    headings = [text_of(th) for th in table.xpath(".//thead//th")]
    assert headings[2:4] == ["Main harm", "Rarest serious harm"]
    rows = {first(row, "./th").text.strip(): row for row in table.xpath(".//tbody/tr")}
    printed = {name: text_of(row.xpath("./td")[2]) for name, row in rows.items()}
    # On paper, its first sentence, with its source.
    assert printed[marked.name].startswith("Bleeding near the spine is rare. [")
    assert "lasting weakness" not in printed[marked.name]
    assert rows[marked.name].xpath(f"./td[3]/sup[{has_class('ref')}]")
    assert printed[main_is_serious.name] == "The main harm."
    assert printed[unmarked.name] == "None listed."
    assert rare.sources.get().title in text_of(section(page, "summary-references"))


def test_with_many_options_a_rarest_serious_harm_prints_only_where_one_is_listed(
    client, factory, content
):
    """Many options print as short paragraphs; "Rarest serious harm: None listed." in each
    would take lines the safety points need, so the cell is left off the paper."""
    options = [factory.make_option(ready=True) for _ in range(MANY_OPTIONS + 1)]
    marked, unmarked = options[0], options[1]
    factory.make_claim(
        marked, kind=Claim.Kind.HARM, text="Bleeding near the spine is rare.", is_rare_serious=True
    )
    Claim.objects.filter(option__in=options, is_rare_serious=True).exclude(option=marked).update(
        is_rare_serious=False
    )
    factory.publish_version()
    page = summary_page(client, Answers(considering=[option.slug for option in options]))
    table = first(section(page, "summary-options"), f".//table[{has_class('summary-compact')}]")
    rows = table.xpath(".//tbody/tr")
    marked_row = next(row for row in rows if marked.name in text_of(first(row, "./th")))
    unmarked_row = next(row for row in rows if unmarked.name in text_of(first(row, "./th")))
    assert "summary-compact__none" not in (marked_row.xpath("./td")[2].get("class") or "")
    assert text_of(marked_row.xpath("./td")[2]).startswith("Bleeding near the spine is rare.")
    assert "summary-compact__none" in (unmarked_row.xpath("./td")[2].get("class") or "")
    note = text_of(first(section(page, "summary-options"), f".//p[{has_class('summary-note')}]"))
    assert "A rarest serious harm shows where one is listed" in note


@pytest.mark.parametrize(
    ("sure", "flagged"),
    [
        ({"sure": "yes", "understand": "yes", "risks_benefits": "yes", "support": "yes"}, False),
        ({"sure": "no", "understand": "yes", "risks_benefits": "yes", "support": "yes"}, True),
        ({"sure": "no", "understand": "no", "risks_benefits": "no", "support": "no"}, True),
    ],
)
def test_the_sure_score_is_flagged_at_3_or_less(client, content, sure, flagged):
    score = sum(1 for v in sure.values() if v == "yes")
    text = text_of(section(summary_page(client, Answers(sure=sure)), "summary-sure"))
    assert f"SURE test: {score} of 4" in text
    assert ("may be unsure: worth talking through" in text) is flagged
    assert ("Discuss" in text) is flagged


def test_an_unfinished_sure_test_says_so_without_a_flag(client, content):
    answers = Answers(sure={"sure": "no"}, values=[Value.objects.first().slug])
    text = text_of(section(summary_page(client, answers), "summary-sure"))
    assert "I have not answered the 4 questions of the SURE test." in text
    assert "unsure" not in text and "Discuss" not in text


def test_questions_for_the_clinician_are_listed_with_free_text_escaped(client, content):
    ticked = list(SuggestedQuestion.objects.all()[:2])
    own = '<script>alert("x")</script>\nWhat about <b>sleep</b>?'
    answers = Answers(suggested_questions=[q.slug for q in ticked], own_questions=own)
    questions = section(summary_page(client, answers), "summary-questions")
    *suggested, mine = questions.xpath(".//li")
    assert [text_of(item) for item in suggested] == [question.text for question in ticked]
    # Shown as typed, the line break kept as the only markup.
    assert text_of(mine) == '<script>alert("x")</script>What about <b>sleep</b>?'
    assert [element.tag for element in mine.xpath(".//*")] == ["br"]


def test_every_cited_number_resolves_to_a_numbered_reference(client, content):
    page = summary_page(client, heaviest_persona())
    references = references_in(page)
    cited = cited_numbers(page)
    assert cited
    assert set(cited) == set(references)
    assert sorted(references) == list(range(1, len(references) + 1))
    addresses = {a.get("href") for a in page.xpath("//a[@href]")}
    links_to_references = {href for href in addresses if re.fullmatch(r"#ref-.*", href)}
    assert links_to_references == {f"#ref-{n}" for n in references}
    # Each entry says what kind of source it is, any interest, and its PubMed ID or DOI.
    kinds = {kind.label for kind in Source.Kind}
    for number, entry in references.items():
        assert any(f"{kind}." in entry for kind in kinds), number
    assert any("PMID" in entry for entry in references.values())
    assert any("DOI" in entry for entry in references.values())
    assert any("Interest:" in entry for entry in references.values())


def test_the_funding_line_comes_from_the_about_page(client, content):
    text = text_of(section(summary_page(client, typical_persona()), "summary-funding"))
    assert "no money from any company that makes or sells a treatment" in text
    assert "no interests to declare" in text


def test_by_default_the_printout_carries_no_link_or_code_that_opens_the_answers(client, content):
    answers = typical_persona()
    html = summary_html(client, answers)
    page = parse(html)
    assert not page.xpath("//*[@id='summary-qr']") and "summary-qr__code" not in html
    assert "/resume/" not in html.replace('action="/resume/"', "")
    box = first(page, "//input[@name='link']")
    assert box.get("type") == "checkbox" and "checked" not in box.attrib
    hint = text_of(first(page, "//*[@id='summary-link-hint']"))
    assert "open every answer" in hint


def test_the_qr_code_and_link_reopen_these_answers_when_asked_for(client, content):
    answers = typical_persona()
    page = summary_page(client, answers, link="yes")
    assert "checked" in first(page, "//input[@name='link']").attrib
    qr = section(page, "summary-qr")
    link = text_of(first(qr, f".//p[{has_class('summary-qr__link')}]"))
    assert not qr.xpath(".//a"), "printed as text to type or scan, not a link to click here"
    address, _, token = link.partition("#")
    assert address == "http://testserver/resume/"
    assert read_resume_token(token) == answers
    svg = first(qr, ".//svg")
    assert svg.xpath(".//path") and "viewbox" in svg.attrib  # the parser lowercases names
    assert not svg.xpath("descendant-or-self::*[self::style or @style]")
    assert "Anyone with this link or code can see these answers." in text_of(qr)


def test_the_page_has_no_inline_style_or_script(client, content):
    elements = summary_page(client, heaviest_persona()).xpath("//*")
    assert not [e for e in elements if "style" in e.attrib]
    assert not [e for e in elements if any(name.startswith("on") for name in e.attrib)]
    assert not [e for e in elements if e.tag == "style"]
    assert not [e for e in elements if e.tag == "script" and "src" not in e.attrib]


def test_it_offers_to_print_change_answers_or_start_again(client, content):
    html = summary_html(client, typical_persona())
    page = parse(html)
    # Hidden until the page's script can print; without it, the words say how.
    button = first(page, "//button[@data-print]")
    assert (button.get("type"), text_of(button), "hidden" in button.attrib) == (
        "button",
        "Print this page",
        True,
    )
    assert "use your browser's Print command" in text_of(first(page, "//main"))
    assert (reverse("check"), "Change your answers") in links(html)
    form = first(page, "//form[@method='post']")
    assert form.get("action") == reverse("clear")
    assert form.xpath(".//input[@name='csrfmiddlewaretoken']")
    assert texts_of(form, ".//button[@type='submit']") == ["Start again"]


def test_a_summary_with_hardly_any_answers_has_no_empty_sections(client, content):
    onset = Question.objects.get(slug="onset")
    answers = Answers(choices={"onset": [first_choice(onset)]})
    main = first(summary_page(client, answers), "//main")
    text = text_of(main)
    assert "Time since it started" in text
    for absent in ("What matters most to me", "My questions for the clinician"):
        assert absent not in text
    assert "I have not chosen any options to consider yet." in text
    assert "I have not answered the 4 questions of the SURE test." in text
    for block in main.xpath(".//section"):
        heading = text_of(first(block, ".//h2"))
        body = text_of(block).removeprefix(heading).strip()
        assert body or block.get("aria-labelledby") == "summary-notes", f"{heading} is empty"


def test_with_no_answers_it_says_how_to_begin(client, content):
    html = summary_html(client)
    text = text_of(first(parse(html), "//main"))
    assert "You have not answered any questions yet" in text
    assert reverse("start") in [href for href, _ in links(html)]
    assert "Things to discuss" not in text and "References" not in text


def test_it_never_ranks_the_options(client, content):
    summary = first(summary_page(client, heaviest_persona()), f"//article[{has_class('summary')}]")
    text = " ".join(texts_of(summary, "*[not(self::footer)]")).lower()
    for words in ("best for you", "we recommend", "ranked", "top choice", "first choice"):
        assert words not in text


def test_the_summary_is_never_cached(client, content):
    give_answers(client, typical_persona())
    response = client.get(reverse("summary"))
    assert "no-store" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


def test_the_query_count_does_not_grow_with_the_options_considered(client, content):
    few = typical_persona()
    few.considering = few.considering[:1]
    counts = []
    for answers in (few, heaviest_persona()):
        give_answers(client, answers)
        counts.append(queries_when_warm(client, reverse("summary")))
    assert counts[0] == counts[1] == PATIENT_PAGE_QUERIES


def test_a_link_too_long_for_a_qr_code_leaves_the_code_out_and_keeps_the_link(client, content):
    """The longest own questions the form takes, in scripts of several bytes a letter."""
    scripts = [(0x4E00, 0x9FFF), (0xAC00, 0xD7A3), (0x0600, 0x06FF), (0x1F300, 0x1FAFF)]
    rng = random.Random(10)
    own = "".join(chr(rng.randint(*rng.choice(scripts))) for _ in range(MAX_OWN_QUESTIONS))
    assert client.post(reverse("step", args=["questions"]), {"own": own}).status_code == 302
    response = client.get(reverse("summary"), {"link": "yes"})
    assert response.status_code == 200
    qr = section(parse(response.content.decode()), "summary-qr")
    assert not qr.xpath(".//svg")
    assert "Go to the link below to see these answers" in text_of(qr)
    link = text_of(first(qr, f".//p[{has_class('summary-qr__link')}]"))
    assert link.startswith("http://testserver/resume/#")


def test_a_qr_code_is_only_made_for_a_link_that_scans_from_paper():
    assert qr_svg("https://aid.example.org/resume/" + "a" * 100).startswith("<svg")
    assert qr_svg("https://aid.example.org/resume/" + "a" * 1000) is None  # version 26 or more
    assert qr_svg("https://aid.example.org/resume/" + "a" * 3000) is None  # fits no QR code
