import random
import re
from itertools import pairwise

import pytest
from django.urls import reverse
from django.utils import dateformat, timezone

from decisionaid.answers import Answers, read_resume_token
from decisionaid.forms import MAX_OWN_QUESTIONS, MAX_VALUES
from decisionaid.summary import DISCUSS_IN_FULL, qr_svg
from tests.answers_cookie import give_answers
from tests.markup import Element, links, parse
from tests.personas import first_choice, heaviest_persona, raised_by, typical_persona
from tests.queries import PATIENT_PAGE_QUERIES, queries_when_warm
from treatments.models import Consideration, Option, Question, Source, SuggestedQuestion, Value

pytestmark = pytest.mark.django_db

SECTIONS = [
    "About me",
    "Things to discuss",
    "What matters most to me",
    "Options I am considering",
    "How sure I feel about a choice",
    "My questions for the clinician",
    "Clinician's notes",
    "Open these answers again",
    "References",
    "Funding and interests",
]


def summary_html(client, answers: Answers | None = None) -> str:
    if answers is not None:
        give_answers(client, answers)
    response = client.get(reverse("summary"))
    assert response.status_code == 200
    return response.content.decode()


def summary_page(client, answers: Answers | None = None) -> Element:
    return parse(summary_html(client, answers))


def references_in(page: Element) -> dict[int, str]:
    """The numbered reference list: number -> the entry's text."""
    entries = page.section("summary-references").find("ol").find_all("li")
    assert all(entry.get("id") == f"ref-{entry.get('value')}" for entry in entries)
    return {int(entry["value"]): entry.text for entry in entries}


def cited_numbers(part: Element) -> list[int]:
    """Every number shown in a citation such as [1, 3], read from the text a person sees."""
    numbers = []
    for citation in part.find_all("sup", class_="ref"):
        assert re.fullmatch(r"\[\d+(, \d+)*\]", citation.text), citation.text
        numbers += [int(n) for n in re.findall(r"\d+", citation.text)]
    return numbers


def discuss_items(discuss: Element) -> list[Element]:
    return discuss.find("ul", class_="summary-discuss__list").find_all("li")


def citation_after(item: Element, name: str) -> Element | None:
    """The citation that directly follows this name in the item's text, if any."""
    for before, after in pairwise(item.children):
        if (
            isinstance(before, str)
            and before.endswith(f"{name} ")
            and isinstance(after, Element)
            and after.matches("sup", class_="ref")
        ):
            return after
    return None


def test_a_typical_summary_has_every_section_in_order(client, content):
    main = summary_page(client, typical_persona()).find("main")
    headings = main.texts("h2")
    assert [heading for heading in headings if heading in SECTIONS] == SECTIONS, headings
    assert "This is not a recommendation." in main.text


def test_the_header_gives_the_print_date_content_version_and_last_review(client, factory, content):
    reviewed = Option.objects.published().order_by("-last_reviewed_on").first().last_reviewed_on
    release = factory.publish_version()
    header = summary_page(client, typical_persona()).find("header", class_="summary-header")
    published = dateformat.format(timezone.localtime(release.published_at), "j F Y")
    assert header.texts("span") == [
        f"Printed on {dateformat.format(timezone.localdate(), 'j F Y')}",
        f"Information version {release.number}, published {published}",
        f"Last reviewed: {dateformat.format(reviewed, 'j F Y')}",
    ]


def test_about_me_labels_each_answer_with_the_question_short_label(client, content):
    answers = typical_persona()
    about = summary_page(client, answers).section("summary-answers-1")
    assert about.find("h2").text == "About me"
    shown = dict(zip(about.texts("dt"), about.texts("dd"), strict=True))
    for question in Question.objects.filter(page__slug="about"):
        choice = question.choices.get(slug=answers.choices[question.slug][0])
        assert choice.label in shown[question.short_label].split("; ")
    # Health answers are not "about me": they appear only where they raise something to discuss.
    assert "Pregnancy" not in about.text


def test_answers_that_matter_are_flagged_with_their_option_and_source(client, content):
    pairs = [("pregnancy", "yes"), ("dental", "yes"), ("mental-health", "yes")]
    raised = Consideration.objects.for_answers(pairs).select_related("option", "choice__question")
    considering = sorted({c.option.slug for c in raised})[:4]
    answers = Answers(choices={q: [c] for q, c in pairs}, considering=considering)
    page = summary_page(client, answers)
    references = references_in(page)

    items = discuss_items(page.section("summary-discuss"))
    expected = [c for c in raised if c.option.slug in considering]
    assert len(items) == len(expected) >= 3
    for consideration in expected:
        item = next(i for i in items if consideration.text in i.text)
        text = item.text
        assert text.startswith("Discuss")
        assert item.find("span", class_="flag").find_all("svg", class_="flag__icon")
        assert item.find("strong").text == consideration.option.name
        answer = consideration.choice
        assert f"because I answered “{answer.label}” to {answer.question.short_label}" in text
        numbers = cited_numbers(item)
        assert numbers
        for source in consideration.sources.all():
            assert any(source.title in references[n] for n in numbers)


def test_options_not_considered_that_answers_touch_are_named_after_in_one_line(client, content):
    raised = raised_by(("pregnancy", "yes"))
    assert len(raised) >= 3
    answers = Answers(choices={"pregnancy": ["yes"]}, considering=raised[:1])
    discuss = summary_page(client, answers).section("summary-discuss")
    listed = discuss.find("ul", class_="summary-discuss__list").text
    elsewhere = discuss.find("p", class_="summary-discuss__elsewhere").text
    first = Option.objects.get(slug=raised[0])
    assert first.name in listed
    for slug in raised[1:]:
        name = Option.objects.get(slug=slug).name
        assert name not in listed
        assert elsewhere.count(name) == 1
    assert "[" not in elsewhere  # a compact line: details are on the options pages


def test_with_no_options_considered_every_point_is_shown_in_full(client, content):
    raised = Consideration.objects.for_answers([("dental", "yes")])
    answers = Answers(choices={"dental": ["yes"]})
    discuss = summary_page(client, answers).section("summary-discuss")
    assert discuss.texts("span", class_="flag") == ["Discuss"] * raised.count()
    assert raised.count() >= 2
    for consideration in raised:
        assert consideration.text in discuss.text
    assert not discuss.find_all(class_="summary-discuss__elsewhere")


def test_many_points_are_grouped_by_answer_each_option_with_its_source(client, content):
    pairs = [("pregnancy", "yes"), ("heart", "yes")]
    raised = list(Consideration.objects.for_answers(pairs))
    assert len(raised) > DISCUSS_IN_FULL
    page = summary_page(client, Answers(choices={q: [c] for q, c in pairs}))
    discuss = page.section("summary-discuss")
    items = discuss_items(discuss)
    assert [i.text.split(":")[0] for i in items] == [
        "Discuss I answered “Yes” to Pregnancy",
        "Discuss I answered “Yes” to Heart disease or rhythm problems",
    ]
    references = references_in(page)
    for consideration in raised:
        item = items[0] if consideration.choice.question.slug == "pregnancy" else items[1]
        cited = citation_after(item, consideration.option.name)
        assert cited, consideration.option.name
        numbers = [int(a["href"].removeprefix("#ref-")) for a in cited.find_all("a")]
        for source in consideration.sources.all():
            assert any(source.title in references[n] for n in numbers), source.title
    assert f"There are {len(raised)}, so they are grouped by answer" in discuss.text


def test_what_matters_lists_the_values_in_the_order_chosen(client, content):
    values = list(Value.objects.all()[:MAX_VALUES])[::-1]
    answers = Answers(values=[v.slug for v in values])
    shown = summary_page(client, answers).section("summary-values").texts("li")
    assert shown == [value.statement for value in values]


def test_each_option_considered_shows_the_same_compact_row(client, content):
    answers = typical_persona()
    section = summary_page(client, answers).section("summary-options")
    rows = section.find("table", class_="summary-options__table").find("tbody").find_all("tr")
    names = [row.find("th", scope="row").text for row in rows]
    options = Option.objects.published().filter(slug__in=answers.considering).with_content()
    assert names == sorted((o.name for o in options), key=str.lower)
    for option in options:
        row = rows[names.index(option.name)]
        cells = row.find_all("td")
        assert [cell.get("data-label") for cell in cells] == [
            "Main benefit",
            "Main harm or side effect",
            "How sure anyone can be",
            "Cost",
            "Time it takes",
        ]
        text = " ".join(cell.text for cell in cells)
        assert option.main_benefit.text in cells[0].text
        assert option.main_harm.text in cells[1].text
        assert option.get_certainty_display() in cells[2].text
        assert cells[2].find_all(class_="certainty__symbol")
        assert cells[4].text == option.time_commitment
        costs = list(option.costs.all())
        for cost in costs:
            assert cost.display in text
        if not costs:
            assert "No reliable cost figure found." in text
    assert "alphabetical order, not in order of preference" in section.text


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
    text = summary_page(client, Answers(sure=sure)).section("summary-sure").text
    assert f"SURE test: {score} of 4" in text
    assert ("may be unsure: worth talking through" in text) is flagged
    assert ("Discuss" in text) is flagged


def test_an_unfinished_sure_test_says_so_without_a_flag(client, content):
    answers = Answers(sure={"sure": "no"}, values=[Value.objects.first().slug])
    text = summary_page(client, answers).section("summary-sure").text
    assert "I have not answered the 4 questions of the SURE test." in text
    assert "unsure" not in text and "Discuss" not in text


def test_questions_for_the_clinician_are_listed_with_free_text_escaped(client, content):
    ticked = list(SuggestedQuestion.objects.all()[:2])
    own = '<script>alert("x")</script>\nWhat about <b>sleep</b>?'
    answers = Answers(suggested_questions=[q.slug for q in ticked], own_questions=own)
    questions = summary_page(client, answers).section("summary-questions")
    *suggested, mine = questions.find_all("li")
    assert [item.text for item in suggested] == [question.text for question in ticked]
    # Shown as typed, the line break kept as the only markup.
    assert mine.text == '<script>alert("x")</script>What about <b>sleep</b>?'
    assert [element.tag for element in mine.elements()] == ["br"]


def test_every_cited_number_resolves_to_a_numbered_reference(client, content):
    page = summary_page(client, heaviest_persona())
    references = references_in(page)
    cited = cited_numbers(page)
    assert cited
    assert set(cited) == set(references)
    assert sorted(references) == list(range(1, len(references) + 1))
    links_to_references = page.find_all("a", href=re.compile(r"#ref-.*"))
    assert {a["href"] for a in links_to_references} == {f"#ref-{n}" for n in references}
    # Each entry says what kind of source it is, any interest, and its PubMed ID or DOI.
    kinds = {kind.label for kind in Source.Kind}
    for number, entry in references.items():
        assert any(f"{kind}." in entry for kind in kinds), number
    assert any("PMID" in entry for entry in references.values())
    assert any("DOI" in entry for entry in references.values())
    assert any("Interest:" in entry for entry in references.values())


def test_the_funding_line_comes_from_the_about_page(client, content):
    text = summary_page(client, typical_persona()).section("summary-funding").text
    assert "no money from any company that makes or sells a treatment" in text
    assert "no interests to declare" in text


def test_the_qr_code_and_link_reopen_these_answers(client, content):
    answers = typical_persona()
    qr = summary_page(client, answers).section("summary-qr")
    link = qr.find("p", class_="summary-qr__link").find("a")
    assert link.text == link["href"], "the resume link is printed as text"
    address, _, token = link["href"].partition("#")
    assert address == "http://testserver/resume/"
    assert read_resume_token(token) == answers
    svg = qr.find("svg")
    assert svg.find_all("path") and "viewbox" in svg.attrs  # the parser lowercases names
    assert not [e for e in [svg, *svg.elements()] if e.tag == "style" or "style" in e.attrs]
    assert "Anyone with this link or code can see these answers." in qr.text


def test_the_page_has_no_inline_style_or_script(client, content):
    elements = list(summary_page(client, heaviest_persona()).elements())
    assert not [e for e in elements if "style" in e.attrs]
    assert not [e for e in elements if any(name.startswith("on") for name in e.attrs)]
    assert not [e for e in elements if e.tag == "style"]
    assert not [e for e in elements if e.tag == "script" and "src" not in e.attrs]


def test_it_offers_to_print_change_answers_or_start_again(client, content):
    html = summary_html(client, typical_persona())
    page = parse(html)
    # Hidden until the page's script can print; without it, the words say how.
    button = page.find("button", data_print=True)
    assert (button["type"], button.text, "hidden" in button.attrs) == (
        "button",
        "Print this page",
        True,
    )
    assert "use your browser's Print command" in page.find("main").text
    assert (reverse("check"), "Change your answers") in links(html)
    form = page.find("form", method="post")
    assert form["action"] == reverse("clear")
    assert form.find_all("input", name="csrfmiddlewaretoken")
    assert form.texts("button", type="submit") == ["Start again"]


def test_a_summary_with_hardly_any_answers_has_no_empty_sections(client, content):
    onset = Question.objects.get(slug="onset")
    answers = Answers(choices={"onset": [first_choice(onset)]})
    main = summary_page(client, answers).find("main")
    text = main.text
    assert "Time since it started" in text
    for absent in ("What matters most to me", "My questions for the clinician"):
        assert absent not in text
    assert "I have not chosen any options to consider yet." in text
    assert "I have not answered the 4 questions of the SURE test." in text
    for block in main.find_all("section"):
        heading = block.find("h2").text
        body = block.text.removeprefix(heading).strip()
        assert body or block["aria-labelledby"] == "summary-notes", f"{heading} is empty"


def test_with_no_answers_it_says_how_to_begin(client, content):
    html = summary_html(client)
    text = parse(html).find("main").text
    assert "You have not answered any questions yet" in text
    assert reverse("start") in [href for href, _ in links(html)]
    assert "Things to discuss" not in text and "References" not in text


def test_it_never_ranks_the_options(client, content):
    summary = summary_page(client, heaviest_persona()).find("article", class_="summary")
    shown = [part for part in summary.children if isinstance(part, Element)]
    text = " ".join(part.text for part in shown if part.tag != "footer").lower()
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
    response = client.get(reverse("summary"))
    assert response.status_code == 200
    qr = parse(response.content.decode()).section("summary-qr")
    assert not qr.find_all("svg")
    assert "Go to the link below to see these answers" in qr.text
    link = qr.find("p", class_="summary-qr__link").find("a")
    assert link["href"].startswith("http://testserver/resume/#") and link.text == link["href"]


def test_a_qr_code_is_only_made_for_a_link_that_scans_from_paper():
    assert qr_svg("https://aid.example.org/resume/" + "a" * 100).startswith("<svg")
    assert qr_svg("https://aid.example.org/resume/" + "a" * 1000) is None  # version 26 or more
    assert qr_svg("https://aid.example.org/resume/" + "a" * 3000) is None  # fits no QR code
