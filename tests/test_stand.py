"""Where I stand (a leaning on each option considered, the stage, the role), a concern of one's
own beside what matters, and what matters line by line on the options overview."""

import pytest
from django.urls import reverse

from decisionaid import stand
from decisionaid.answers import Answers, _compact, _expand
from decisionaid.forms import MAX_CONCERN
from decisionaid.record import note_for_record
from tests.answers_cookie import give_answers, stored
from tests.html import first, has_class, parse, section, table_rows, text_of, texts_of
from treatments.models import Option, Value
from treatments.releases import current_content

pytestmark = pytest.mark.django_db

STAND = reverse("step", args=["stand"])
VALUES = reverse("step", args=["values"])


def two_options() -> list[Option]:
    return list(Option.objects.ready().order_by("name")[:2])


def radios(html: str) -> dict[str, list[str]]:
    """Each radio group on the page: its name and the values it offers."""
    groups: dict[str, list[str]] = {}
    for radio in parse(html).xpath("//input[@type='radio']"):
        groups.setdefault(radio.get("name"), []).append(radio.get("value"))
    return groups


def check_row(client, label: str) -> list[str]:
    """The lines the check page shows for one row."""
    page = parse(client.get(reverse("check")).content.decode())
    row = next(div for div in page.xpath("//dl/div") if text_of(first(div, "./dt")) == label)
    return [line.strip() for line in first(row, "./dd").itertext() if line.strip()]


# --- The step ----------------------------------------------------------------------------------


def test_the_step_comes_right_after_the_options_considered(client, content):
    one, two = two_options()
    response = client.post(
        reverse("step", args=["considering"]), {"considering": [one.slug, two.slug]}
    )
    assert response["Location"] == STAND
    html = client.get(STAND).content.decode()
    assert texts_of(parse(html), "//h1") == [stand.TITLE]
    assert "Choosing none of them, or changing your mind later, is fine." in html
    # A leaning for each option ticked, and only those; then the stage and the role.
    assert radios(html) == {
        f"lean-{one.slug}": list(stand.LEANINGS),
        f"lean-{two.slug}": list(stand.LEANINGS),
        "stage": list(stand.STAGES),
        "role": list(stand.ROLES),
    }
    legends = texts_of(parse(html), "//legend")
    assert legends == [one.name, two.name, stand.STAGE_QUESTION, stand.ROLE_QUESTION]


def test_with_no_option_ticked_it_asks_only_the_stage_and_the_role(client, content):
    client.post(reverse("step", args=["considering"]), {"considering": []})
    html = client.get(STAND).content.decode()
    assert set(radios(html)) == {"stage", "role"}
    assert "Choosing none of them" in html


def test_it_saves_where_the_person_stands_and_reads_it_back_on_the_check_page(client, content):
    one, two = two_options()
    give_answers(client, Answers(considering=[one.slug, two.slug], done=["considering"]))
    response = client.post(
        STAND, {f"lean-{one.slug}": "towards", f"lean-{two.slug}": "against", "stage": "close"}
    )
    assert response.status_code == 302
    said = stored(client)
    assert said.leaning == {one.slug: "towards", two.slug: "against"}
    assert (said.stage, said.role) == ("close", "")
    assert check_row(client, "Where you stand") == [
        f"Leaning towards: {one.name}",
        f"Leaning against: {two.name}",
        "Close to choosing",
    ]
    page = parse(client.get(reverse("check")).content.decode())
    changes = page.xpath("//dl[@data-step='stand']//a/@href")
    assert changes == [f"{STAND}?return=check"]
    # The form opens with what was saved.
    html = parse(client.get(STAND).content.decode())
    assert html.xpath("//input[@checked]/@value") == ["towards", "against", "close"]


def test_skipping_it_saves_nothing_and_the_check_page_says_not_answered(client, content):
    one, _ = two_options()
    give_answers(client, Answers(considering=[one.slug], done=["considering"]))
    assert client.post(STAND, {}).status_code == 302
    said = stored(client)
    assert (said.leaning, said.stage, said.role) == ({}, "", "")
    assert "stand" in said.done
    assert check_row(client, "Where you stand") == ["Not answered"]


@pytest.mark.parametrize(
    ("field", "junk", "message"),
    [
        ("lean", "certainly", "Choose which way you lean on {name} from the answers shown"),
        ("stage", "done-and-dusted", "Choose how far along you are from the answers shown"),
        ("role", "my-cat", "Choose how you want to decide from the answers shown"),
    ],
)
def test_it_refuses_an_answer_not_offered_and_keeps_the_others(
    client, content, field, junk, message
):
    one, _ = two_options()
    before = Answers(
        considering=[one.slug],
        leaning={one.slug: "unsure"},
        stage="thinking",
        role="together",
        values=[Value.objects.first().slug],
        done=["values", "considering", "stand"],
    )
    give_answers(client, before)
    name = f"lean-{one.slug}" if field == "lean" else field
    data = {f"lean-{one.slug}": "towards", "stage": "chosen", "role": "me", name: junk}
    response = client.post(STAND, data)
    assert response.status_code == 422
    html = parse(response.content.decode())
    expected = message.format(name=one.name) + ", or leave it out."
    assert texts_of(html, f"//*[{has_class('error-summary')}]//li") == [expected]
    assert expected in texts_of(html, f"//*[{has_class('field-error')}]")[0]
    assert stored(client) == before


def test_a_leaning_on_an_option_no_longer_considered_is_dropped(client, content):
    one, two = two_options()
    give_answers(
        client,
        Answers(
            considering=[one.slug, two.slug],
            leaning={one.slug: "towards", two.slug: "against"},
            done=["considering", "stand"],
        ),
    )
    client.post(reverse("step", args=["considering"]), {"considering": [two.slug]})
    assert stored(client).leaning == {two.slug: "against"}
    assert check_row(client, "Where you stand") == [f"Leaning against: {two.name}"]


# --- In the answers cookie ---------------------------------------------------------------------


def test_leanings_travel_as_one_letter_per_option_considered():
    answers = Answers(
        considering=["a-option", "b-option", "c-option"],
        leaning={"a-option": "towards", "c-option": "against"},
        stage="not-yet",
        role="clinician",
        concern="Being able to drive",
        done=["considering", "stand"],
    )
    compact = _compact(answers)
    assert b'"l":"t-a"' in compact and b'"d":"48"' in compact
    assert _expand(compact) == answers


@pytest.mark.parametrize(
    "data",
    [
        {"considering": ["a"], "leaning": {"a": "maybe"}, "stage": "soon", "role": 3},
        {"considering": ["a"], "leaning": ["a", "towards"], "stage": ["close"], "role": None},
        {"considering": [], "leaning": {"a": "towards"}, "stage": "", "concern": 7},
        {"considering": ["a"], "leaning": {"a": ["towards"]}, "stage": {}, "role": ["me"]},
    ],
)
def test_answers_of_the_wrong_shape_are_left_out(data):
    answers = Answers.from_data(data)
    assert (answers.leaning, answers.stage, answers.role, answers.concern) == ({}, "", "", "")


# --- The concern of one's own ------------------------------------------------------------------


def test_a_concern_of_ones_own_is_kept_with_what_matters(client, content):
    values = list(Value.objects.values_list("slug", flat=True)[:2])
    data = {"values": values, "concern": "  Being able\n to drive  "}
    assert client.post(VALUES, data).status_code == 302
    assert stored(client).concern == "Being able to drive"
    rows = check_row(client, "What matters most to you")
    assert rows[-1] == "Your own concern: Being able to drive"


def test_a_concern_too_long_is_refused_with_a_message_and_nothing_is_lost(client, content):
    values = list(Value.objects.values_list("slug", flat=True)[:2])
    before = Answers(values=values[:1], concern="Driving", done=["values"])
    give_answers(client, before)
    response = client.post(VALUES, {"values": values, "concern": "x" * (MAX_CONCERN + 1)})
    assert response.status_code == 422
    html = parse(response.content.decode())
    message = f"Your concern must be {MAX_CONCERN} characters or fewer. Shorten it and try again."
    assert texts_of(html, f"//*[{has_class('error-summary')}]//li") == [message]
    # The page keeps what was typed and ticked; the saved answers are as they were.
    assert html.xpath("//input[@name='values' and @checked]/@value") == values
    assert first(html, "//input[@name='concern']").get("value") == "x" * (MAX_CONCERN + 1)
    assert stored(client) == before


# --- What matters, line by line, on the overview -----------------------------------------------


@pytest.fixture
def rated(factory):
    """Three options and three values, each option rated on each value in words."""
    options = [factory.make_option(ready=True, name=f"Choice {n}") for n in "ABC"]
    factory.make_option(ready=True, name="Choice D")
    values = [factory.make_value(statement=f"Matter {n}") for n in (1, 2, 3)]
    for option in options:
        for value in values[:2]:
            text = f"{option.name} on {value.statement.lower()}, in words."
            factory.make_value_rating(value, option, text=text)
    factory.publish_version()
    return options, values


def test_the_overview_lines_up_the_options_considered_on_what_matters(client, rated):
    options, values = rated
    give_answers(
        client,
        Answers(
            values=[v.slug for v in values],
            considering=[o.slug for o in options],
            concern="Being able to drive",
        ),
    )
    html = client.get(reverse("options")).content.decode()
    rows = table_rows(html, "matters-table")
    assert rows[0] == ["", "Choice A", "Choice B", "Choice C"]
    assert rows[1] == [
        "Matter 1",
        "Choice A: Choice A on matter 1, in words.",
        "Choice B: Choice B on matter 1, in words.",
        "Choice C: Choice C on matter 1, in words.",
    ]
    assert rows[3][1:] == [f"{o.name}: No information on this yet." for o in options]
    # The concern is the last row, shown and not scored; nothing is a score, total or rank.
    assert rows[4] == [
        "Your own concern: Being able to drive",
        "Not scored. Talk it over with your clinician.",
    ]
    assert len(rows) == 5
    grid = section(parse(html), "matters-heading")
    assert not grid.xpath(f"./details[{has_class('matters__fold')}]")  # shown, not folded


def test_with_no_option_considered_it_folds_every_option_in_a_stacked_list(client, rated):
    options, values = rated
    give_answers(client, Answers(values=[values[0].slug]))
    page = parse(client.get(reverse("options")).content.decode())
    grid = section(page, "matters-heading")
    fold = first(grid, f"./details[{has_class('matters__fold')}]")
    assert fold.get("open") is None
    assert text_of(first(fold, "./summary")) == "What matters, option by option"
    table = first(fold, ".//table")
    assert has_class_name(table, "matters__table--stacked")
    columns = texts_of(table, ".//th[@scope='col']")
    assert columns == ["Choice A", "Choice B", "Choice C", "Choice D"]


def has_class_name(element, name: str) -> bool:
    return name in (element.get("class") or "").split()


def test_without_values_the_overview_shows_no_lines(client, rated):
    options, _ = rated
    give_answers(client, Answers(considering=[options[0].slug]))
    page = parse(client.get(reverse("options")).content.decode())
    assert not page.xpath("//*[@id='matters-heading']")


def test_the_overview_shows_the_lines_as_the_values_step_promises(client, content):
    from decisionaid.journey import JOURNEY

    values_step = next(stop for stop in JOURNEY if stop.slug == "values")
    assert "The options page shows how each option does on them" in values_step.hint
    values = list(Value.objects.all()[:3])
    options = two_options()
    give_answers(
        client, Answers(values=[v.slug for v in values], considering=[o.slug for o in options])
    )
    rows = table_rows(client.get(reverse("options")).content.decode(), "matters-table")
    assert [row[0] for row in rows[1:]] == [v.statement for v in values]
    columns = list(zip(*rows[1:], strict=True))[1:]
    for option, column in zip(options, columns, strict=True):
        ratings = {r.value_id: r.text for r in option.value_ratings.all()}
        for value, cell in zip(values, column, strict=True):
            assert cell.startswith(f"{option.name}: {ratings[value.pk]}")


# --- The summary and the note for the record ---------------------------------------------------


def test_the_summary_shows_where_the_person_stands_near_the_top(client, content):
    one, two = two_options()
    answers = Answers(
        values=[Value.objects.first().slug],
        considering=[one.slug, two.slug],
        leaning={one.slug: "towards", two.slug: "unsure"},
        stage="thinking",
        role="together",
        concern="Being able to drive",
        done=["values", "considering", "stand"],
    )
    give_answers(client, answers)
    page = parse(client.get(reverse("summary")).content.decode())
    mine = section(page, "summary-stand")
    pairs = [
        (text_of(first(d, "./dt")), text_of(first(d, "./dd"))) for d in mine.xpath(".//dl/div")
    ]
    assert pairs == [
        ("Leaning towards", one.name),
        ("Not sure", two.name),
        ("How far along I am", "Thinking about it"),
        ("How I want to decide", "We decide together"),
        ("My own concern (not scored)", "Being able to drive"),
    ]
    assert "I can choose none of these options, and I can change my mind later." in text_of(mine)
    headings = texts_of(page, "//h2")
    assert headings.index("Where I stand") < headings.index("Things to discuss")

    note = note_for_record(answers, current_content())
    assert (
        f"Where I stand: Leaning towards: {one.name}; Not sure: {two.name}; Thinking about it; "
        "We decide together." in note
    )
    assert "Own concern (not scored): Being able to drive" in note


def test_a_person_who_skips_all_of_it_sees_nothing_new(client, content):
    one, _ = two_options()
    give_answers(
        client,
        Answers(
            values=[Value.objects.first().slug],
            considering=[one.slug],
            done=["values", "considering", "stand"],
        ),
    )
    summary = client.get(reverse("summary")).content.decode()
    assert not parse(summary).xpath("//*[@id='summary-stand']")
    assert "Where I stand" not in summary and "concern" not in summary.lower()
    note = note_for_record(stored(client), current_content())
    assert "Where I stand" not in note and "concern" not in note
    overview = client.get(reverse("options")).content.decode()
    assert "own-concern" not in overview and "Your own concern" not in overview
