import random
import re

import pytest
from django.urls import reverse
from django.utils import dateformat, timezone

from decisionaid import sure
from decisionaid.answers import Answers, read_resume_token
from decisionaid.forms import MAX_OWN_QUESTIONS, MAX_VALUES
from decisionaid.summary import DISCUSS_IN_FULL, qr_svg
from tests.answers_cookie import give_answers
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


# Personas, built from the bundled content so no test names a particular treatment.


def raised_by(*pairs: tuple[str, str]) -> list[str]:
    """Slugs of published options that these answers raise a consideration on, by name."""
    found = Consideration.objects.for_answers(pairs).order_by("option__name")
    return list(dict.fromkeys(c.option.slug for c in found))


def first_choice(question: Question) -> str:
    return question.choices.order_by("order", "pk").first().slug


def about_answers() -> dict[str, list[str]]:
    return {
        question.slug: [first_choice(question)]
        for question in Question.objects.filter(page__slug="about")
    }


def typical_persona() -> Answers:
    """Some history, one health answer that matters, three options, a few questions."""
    choices = {
        "onset": ["1-to-5-years"],
        "location": ["arm-or-hand"],
        "tried": ["physio-ot", "medicines"],
        "tried-outcome": ["helped-a-little"],
        "cost-concern": ["cost-some"],
        "travel": ["day-trips"],
        "hospital-stay": ["not-sure"],
    }
    for question in Question.objects.filter(page__about_health=True):
        choices[question.slug] = ["no"]
    choices["dental"] = ["yes"]
    dental = raised_by(("dental", "yes"))
    others = [o.slug for o in Option.objects.published().exclude(slug__in=dental).order_by("name")]
    questions = list(SuggestedQuestion.objects.values_list("slug", flat=True))
    return Answers(
        choices=choices,
        values=list(Value.objects.values_list("slug", flat=True)[:MAX_VALUES]),
        considering=[dental[0], others[0], others[-1]],
        suggested_questions=questions[:3],
        own_questions="Can I keep working while I have this treatment?",
        sure={"sure": "no", "understand": "yes", "risks_benefits": "yes", "support": "yes"},
        done=["about", "health", "practical", "values", "considering", "questions", "sure"],
    )


def heaviest_persona() -> Answers:
    """Every option considered, every health answer "yes", every question, own questions in full."""
    choices = {
        question.slug: [choice.slug for choice in question.choices.all()][:1]
        for question in Question.objects.exclude(page__about_health=True)
    }
    choices["tried"] = [c.slug for c in Question.objects.get(slug="tried").choices.all()][:-1]
    for question in Question.objects.filter(page__about_health=True):
        choices[question.slug] = ["yes"]
    own = (
        "I would like to know how long the benefit lasts for people like me, and whether I can "
        "stop if it does not suit me. "
    ) * 8
    return Answers(
        choices=choices,
        values=list(Value.objects.values_list("slug", flat=True)[:MAX_VALUES]),
        considering=list(Option.objects.published().values_list("slug", flat=True)),
        suggested_questions=list(SuggestedQuestion.objects.values_list("slug", flat=True)),
        own_questions=own[:MAX_OWN_QUESTIONS].strip(),
        sure=dict.fromkeys(sure.ITEMS, "no"),
        done=["about", "health", "practical", "values", "considering", "questions", "sure"],
    )


def summary_html(client, answers: Answers | None = None) -> str:
    if answers is not None:
        give_answers(client, answers)
    response = client.get(reverse("summary"))
    assert response.status_code == 200
    return response.content.decode()


def text_of(markup: str) -> str:
    markup = re.sub(r"<(script|style|svg)\b.*?</\1>", " ", markup, flags=re.S)
    text = re.sub(r"<[^>]+>", " ", markup)
    text = text.replace("&#x27;", "'").replace("&quot;", '"').replace("&amp;", "&")
    return re.sub(r"\s+", " ", text).strip()


def main_of(html: str) -> str:
    return re.search(r"<main\b.*?</main>", html, re.S).group(0)


def section(html: str, heading_id: str) -> str:
    return re.search(rf'<section[^>]*aria-labelledby="{heading_id}".*?</section>', html, re.S)[0]


def references_in(html: str) -> dict[int, str]:
    entries = re.findall(r'<li id="ref-(\d+)" value="\1">(.*?)</li>', html, re.S)
    return {int(number): text_of(text) for number, text in entries}


def cited_numbers(html: str) -> list[int]:
    """Every number shown in a citation such as [1, 3], read from the text a person sees."""
    numbers = []
    for group in re.findall(r'<sup class="ref">(.*?)</sup>', html, re.S):
        text = re.sub(r"<[^>]+>", "", group)
        assert re.fullmatch(r"\[\d+(, \d+)*\]", text), text
        numbers += [int(n) for n in re.findall(r"\d+", text)]
    return numbers


def test_a_typical_summary_has_every_section_in_order(client, content):
    html = summary_html(client, typical_persona())
    text = text_of(main_of(html))
    positions = [text.find(heading) for heading in SECTIONS]
    assert -1 not in positions, [h for h, p in zip(SECTIONS, positions, strict=True) if p < 0]
    assert positions == sorted(positions)
    assert "This is not a recommendation." in text


def test_the_header_gives_the_print_date_content_version_and_last_review(client, factory, content):
    reviewed = Option.objects.published().order_by("-last_reviewed_on").first().last_reviewed_on
    release = factory.publish_version()
    text = text_of(summary_html(client, typical_persona()))
    published = dateformat.format(timezone.localtime(release.published_at), "j F Y")
    assert f"Printed on {dateformat.format(timezone.localdate(), 'j F Y')}" in text
    assert f"Information version {release.number}, published {published}" in text
    assert f"Last reviewed: {dateformat.format(reviewed, 'j F Y')}" in text


def test_about_me_labels_each_answer_with_the_question_short_label(client, content):
    answers = typical_persona()
    html = section(summary_html(client, answers), "summary-answers-1")
    assert "<h2" in html and ">About me</h2>" in html
    text = text_of(html)
    for question in Question.objects.filter(page__slug="about"):
        choice = question.choices.get(slug=answers.choices[question.slug][0])
        assert f"{question.short_label} {choice.label}" in text
    # Health answers are not "about me": they appear only where they raise something to discuss.
    assert "Pregnancy" not in text


def test_answers_that_matter_are_flagged_with_their_option_and_source(client, content):
    pairs = [("pregnancy", "yes"), ("dental", "yes"), ("mental-health", "yes")]
    raised = Consideration.objects.for_answers(pairs).select_related("option", "choice__question")
    considering = sorted({c.option.slug for c in raised})[:4]
    answers = Answers(choices={q: [c] for q, c in pairs}, considering=considering)
    html = summary_html(client, answers)
    discuss = section(html, "summary-discuss")
    references = references_in(html)

    items = re.findall(r"<li>(.*?)</li>", discuss, re.S)
    expected = [c for c in raised if c.option.slug in considering]
    assert len(items) == len(expected) >= 3
    for consideration in expected:
        item = next(i for i in items if consideration.text in text_of(i))
        text = text_of(item)
        assert text.startswith("Discuss")
        assert 'class="flag__icon"' in item
        assert consideration.option.name in text
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
    discuss = section(summary_html(client, answers), "summary-discuss")
    listed, elsewhere = discuss.split('class="summary-discuss__elsewhere"')
    first = Option.objects.get(slug=raised[0])
    assert first.name in text_of(listed)
    for slug in raised[1:]:
        name = Option.objects.get(slug=slug).name
        assert name not in text_of(listed)
        assert text_of(elsewhere).count(name) == 1
    assert "[" not in text_of(elsewhere)  # a compact line: details are on the options pages


def test_with_no_options_considered_every_point_is_shown_in_full(client, content):
    raised = Consideration.objects.for_answers([("dental", "yes")])
    answers = Answers(choices={"dental": ["yes"]})
    discuss = section(summary_html(client, answers), "summary-discuss")
    assert discuss.count("Discuss</span>") == raised.count() >= 2
    for consideration in raised:
        assert consideration.text in text_of(discuss)
    assert "summary-discuss__elsewhere" not in discuss


def test_many_points_are_grouped_by_answer_each_option_with_its_source(client, content):
    pairs = [("pregnancy", "yes"), ("heart", "yes")]
    raised = list(Consideration.objects.for_answers(pairs))
    assert len(raised) > DISCUSS_IN_FULL
    html = summary_html(client, Answers(choices={q: [c] for q, c in pairs}))
    discuss = section(html, "summary-discuss")
    items = re.findall(r"<li>(.*?)</li>", discuss, re.S)
    assert [text_of(i).split(":")[0] for i in items] == [
        "Discuss I answered “Yes” to Pregnancy",
        "Discuss I answered “Yes” to Heart disease or rhythm problems",
    ]
    references = references_in(html)
    for consideration in raised:
        item = items[0] if consideration.choice.question.slug == "pregnancy" else items[1]
        cited = re.search(
            rf"{re.escape(consideration.option.name)} <sup class=\"ref\">(.*?)</sup>", item
        )
        assert cited, consideration.option.name
        numbers = [int(n) for n in re.findall(r"#ref-(\d+)", cited[1])]
        for source in consideration.sources.all():
            assert any(source.title in references[n] for n in numbers), source.title
    assert f"There are {len(raised)}, so they are grouped by answer" in text_of(discuss)


def test_what_matters_lists_the_values_in_the_order_chosen(client, content):
    values = list(Value.objects.all()[:MAX_VALUES])[::-1]
    answers = Answers(values=[v.slug for v in values])
    text = text_of(section(summary_html(client, answers), "summary-values"))
    positions = [text.find(value.statement) for value in values]
    assert -1 not in positions and positions == sorted(positions)


def test_each_option_considered_shows_the_same_compact_row(client, content):
    answers = typical_persona()
    html = summary_html(client, answers)
    table = section(html, "summary-options")
    rows = re.findall(r"<tr>\s*<th scope=\"row\">(.*?)</th>(.*?)</tr>", table, re.S)
    names = [text_of(name) for name, _cells in rows]
    options = Option.objects.published().filter(slug__in=answers.considering).with_content()
    assert names == sorted((o.name for o in options), key=str.lower)
    for option in options:
        cells = dict(rows)[option.name]
        labels = re.findall(r'data-label="([^"]+)"', cells)
        assert labels == [
            "Main benefit",
            "Main harm or side effect",
            "How sure anyone can be",
            "Cost",
            "Time it takes",
        ]
        text = text_of(cells)
        assert option.main_benefit.text in text
        assert option.main_harm.text in text
        assert option.get_certainty_display() in text
        assert 'class="certainty__symbol"' in cells
        assert option.time_commitment in text
        costs = list(option.costs.all())
        for cost in costs:
            assert cost.display in text
        if not costs:
            assert "No reliable cost figure found." in text
    assert "alphabetical order, not in order of preference" in text_of(table)


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
    text = text_of(section(summary_html(client, Answers(sure=sure)), "summary-sure"))
    assert f"SURE test: {score} of 4" in text
    assert ("may be unsure: worth talking through" in text) is flagged
    assert ("Discuss" in text) is flagged


def test_an_unfinished_sure_test_says_so_without_a_flag(client, content):
    answers = Answers(sure={"sure": "no"}, values=[Value.objects.first().slug])
    text = text_of(section(summary_html(client, answers), "summary-sure"))
    assert "I have not answered the 4 questions of the SURE test." in text
    assert "unsure" not in text and "Discuss" not in text


def test_questions_for_the_clinician_are_listed_with_free_text_escaped(client, content):
    ticked = list(SuggestedQuestion.objects.all()[:2])
    own = '<script>alert("x")</script>\nWhat about <b>sleep</b>?'
    answers = Answers(suggested_questions=[q.slug for q in ticked], own_questions=own)
    html = summary_html(client, answers)
    questions = section(html, "summary-questions")
    for question in ticked:
        assert question.text in text_of(questions)
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;<br>What about &lt;b&gt;sleep" in html


def test_every_cited_number_resolves_to_a_numbered_reference(client, content):
    html = summary_html(client, heaviest_persona())
    references = references_in(html)
    cited = cited_numbers(html)
    assert cited
    assert set(cited) == set(references)
    assert sorted(references) == list(range(1, len(references) + 1))
    assert set(re.findall(r'href="#ref-(\d+)"', html)) == {str(n) for n in references}
    # Each entry says what kind of source it is, any interest, and its PubMed ID or DOI.
    kinds = {kind.label for kind in Source.Kind}
    for number, entry in references.items():
        assert any(f"{kind}." in entry for kind in kinds), number
    assert any("PMID" in entry for entry in references.values())
    assert any("DOI" in entry for entry in references.values())
    assert any("Interest:" in entry for entry in references.values())


def test_the_funding_line_comes_from_the_about_page(client, content):
    text = text_of(section(summary_html(client, typical_persona()), "summary-funding"))
    assert "no money from any company that makes or sells a treatment" in text
    assert "no interests to declare" in text


def test_the_qr_code_and_link_reopen_these_answers(client, content):
    answers = typical_persona()
    html = summary_html(client, answers)
    qr = section(html, "summary-qr")
    link = re.search(r'<a href="(http://testserver/resume/#([^/"]+))">\1</a>', qr)
    assert link, "the resume link is printed as text"
    assert read_resume_token(link[2]) == answers
    svg = re.search(r"<svg\b.*?</svg>", qr, re.S)[0]
    assert "<path" in svg and "viewBox" in svg
    assert "style" not in svg
    assert "Anyone with this link or code can see these answers." in text_of(qr)


def test_the_page_has_no_inline_style_or_script(client, content):
    html = summary_html(client, heaviest_persona())
    assert not re.search(r"\sstyle=", html)
    assert not re.search(r"<style\b", html)
    assert not re.search(r"<script(?![^>]*\bsrc=)", html)
    assert not re.search(r"\son[a-z]+=", html)


def test_it_offers_to_print_change_answers_or_start_again(client, content):
    html = summary_html(client, typical_persona())
    assert re.search(r'<button type="button" class="button" data-print hidden>', html)
    assert "use your browser's Print command" in text_of(html)
    assert f'href="{reverse("check")}">Change your answers</a>' in html
    form = re.search(r'<form method="post" action="([^"]+)"[^>]*>(.*?)</form>', html, re.S)
    assert form[1] == reverse("clear")
    assert "csrfmiddlewaretoken" in form[2] and "Start again" in form[2]


def test_a_summary_with_hardly_any_answers_has_no_empty_sections(client, content):
    onset = Question.objects.get(slug="onset")
    answers = Answers(choices={"onset": [first_choice(onset)]})
    html = summary_html(client, answers)
    text = text_of(main_of(html))
    assert "Time since it started" in text
    for absent in ("What matters most to me", "My questions for the clinician"):
        assert absent not in text
    assert "I have not chosen any options to consider yet." in text
    assert "I have not answered the 4 questions of the SURE test." in text
    for block in re.findall(r"<section\b.*?</section>", main_of(html), re.S):
        heading = re.search(r"<h2[^>]*>(.*?)</h2>", block, re.S)[1]
        body = text_of(block.replace(heading, "", 1))
        assert body or "summary-notes" in block, f"{heading} is empty"


def test_with_no_answers_it_says_how_to_begin(client, content):
    response = client.get(reverse("summary"))
    assert response.status_code == 200
    text = text_of(main_of(response.content.decode()))
    assert "You have not answered any questions yet" in text
    assert f'href="{reverse("start")}"' in response.content.decode()
    assert "Things to discuss" not in text and "References" not in text


def test_it_never_ranks_the_options(client, content):
    html = main_of(summary_html(client, heaviest_persona()))
    text = text_of(html.split('class="summary-footer"')[0]).lower()
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
    qr = section(response.content.decode(), "summary-qr")
    assert "<svg" not in qr
    assert "Go to the link below to see these answers" in text_of(qr)
    assert re.search(r'<a href="http://testserver/resume/[^"]+">', qr)


def test_a_qr_code_is_only_made_for_a_link_that_scans_from_paper():
    assert qr_svg("https://aid.example.org/resume/" + "a" * 100).startswith("<svg")
    assert qr_svg("https://aid.example.org/resume/" + "a" * 1000) is None  # version 26 or more
    assert qr_svg("https://aid.example.org/resume/" + "a" * 3000) is None  # fits no QR code
