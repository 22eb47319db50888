"""A second decision aid made of content alone: a tiny knee pain aid (tests/fixtures/tinyaid.yaml),
loaded with none of the bundled content, walked from the home page to the summary.

A new condition is new content, not new code: every page names the tiny aid, shows its content,
and never the bundled condition.
"""

from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import override_settings
from django.urls import reverse

from decisionaid.answers import UNSURE
from decisionaid.timing import journey_time
from tests.html import parse, texts_of
from treatments.models import Option, Question, SuggestedQuestion, Value
from treatments.releases import current_content

pytestmark = pytest.mark.django_db

TINY_AID = Path(__file__).resolve().parent / "fixtures" / "tinyaid.yaml"
NAME = "Knee pain decision aid"
HTMX = {"HTTP_HX_REQUEST": "true"}
BUNDLED_CONDITION = "crps"


@pytest.fixture
def tiny_aid(db):
    """The tiny aid alone (a test without `content` starts with no content), loaded and
    published the way `make run` loads the bundled aid: load_content, told where by the
    CONTENT_FIXTURES setting."""
    with override_settings(CONTENT_FIXTURES=[TINY_AID]):
        call_command("load_content", verbosity=0)
    assert not Option.objects.exclude(slug__startswith="knee-").exists()


def seen(response, url: str) -> str:
    """The page as a person sees it: it loaded, and it does not name the bundled condition."""
    assert response.status_code == 200, url
    html = response.content.decode()
    assert BUNDLED_CONDITION not in html.lower(), url
    return html


def get(client, url: str, **extra) -> str:
    return seen(client.get(url, **extra), url)


def post(client, url: str, data: dict) -> str:
    """Post a valid answer; where it leads next."""
    response = client.post(url, data)
    assert response.status_code == 302, (url, response.content.decode())
    assert BUNDLED_CONDITION not in response.content.decode().lower()
    return response["Location"]


def link_to(page: str, text: str) -> str:
    """Where the page's link with this text leads."""
    [href] = parse(page).xpath(f"//main//a[normalize-space()='{text}']/@href")
    return href


def answers_for(step: str) -> dict[str, list[str]]:
    return {
        question.slug: [question.choices.first().slug]
        for question in Question.objects.filter(page__slug=step).prefetch_related("choices")
    }


def test_the_whole_journey_of_another_aid_shows_only_its_own_content(client, tiny_aid):
    home = get(client, reverse("home"))
    assert texts_of(parse(home), "//title") == [f"Home – {NAME}"]
    assert texts_of(parse(home), "//a[@class='site-name']") == [NAME]
    assert texts_of(parse(home), "//h1") == ["Thinking about treatment for knee pain?"]
    assert "about long-lasting knee pain" in home
    for point in (
        "asks two short questions about your knee",
        "shows three options side by side",
        "ends with a summary you can print",
    ):
        assert point in texts_of(parse(home), "//li")
    # The time it promises is worked out from this aid's own, shorter journey.
    walked = journey_time(current_content(), "testserver")
    assert walked is not None and walked.promise < 12
    assert f"It takes about {walked.promise} minutes." in home

    url = client.get(reverse("start"))["Location"]
    for step in ("about", "health", "practical"):
        assert url == reverse("step", args=[step])
        page = get(client, url)
        assert texts_of(parse(page), "//title")[0].endswith(f" – {NAME}")
        for question in Question.objects.filter(page__slug=step):
            assert question.text in page
        url = post(client, url, answers_for(step))
    about = get(client, reverse("step", args=["about"]), **HTMX)
    assert texts_of(parse(about), "//title") == [f"Your knee pain – {NAME}"]
    assert texts_of(parse(about), "//h1") == ["Your knee pain"]

    values = [value.slug for value in Value.objects.all()]
    assert "Avoiding tablets" in get(client, url)
    url = post(client, url, {"values": values})
    assert url == reverse("check")
    check = get(client, url, **HTMX)
    assert texts_of(parse(check), "//title") == [f"Check your answers – {NAME}"]
    for text in ("Time with knee pain", "Less than a year", "Avoiding tablets"):
        assert text in check

    picked = Option.objects.filter(slug__in=["knee-exercise", "knee-tablets"])
    compare = get(client, reverse("options") + "?compare=knee-exercise&compare=knee-tablets")
    assert texts_of(parse(compare), "//title")[0].endswith(f" – {NAME}")
    columns = texts_of(parse(compare), "//*[@id='comparison']//th[@scope='col']")
    assert len(columns) == 2
    for option in picked:
        assert any(option.name in column for column in columns), option.name
    assert "Carrying on with your current care" in compare  # at a glance, not side by side
    assert not any("Carrying on" in column for column in columns)

    option = get(client, reverse("option", args=["knee-tablets"]))
    assert texts_of(parse(option), "//h1") == ["Anti-inflammatory tablets"]
    assert "The tablets can upset the stomach" in option
    assert "Exercise and pain medicines for knee pain, a review" in option  # its source
    assert "These tablets can make a stomach ulcer bleed" in option

    url = post(client, reverse("step", args=["considering"]), {"considering": ["knee-tablets"]})
    stand = get(client, url)
    assert "Anti-inflammatory tablets" in stand and "Carrying on" not in stand
    url = post(client, url, {"lean-knee-tablets": "unsure", "stage": "close", "role": "together"})
    # Its own knowledge check: one question, answered "not sure", then explained with its source.
    assert url == reverse("step", args=["knowledge"])
    assert "Can knee pain ease without a new treatment?" in get(client, url)
    url = post(client, url, {"knee-eases": UNSURE})
    assert url == reverse("knowledge_answers")
    explained = get(client, url)
    assert "some people find it eases on its own" in explained
    assert "Exercise and pain medicines for knee pain, a review" in explained  # its source
    url = link_to(explained, "Continue")
    get(client, url)
    suggested = SuggestedQuestion.objects.get()
    url = post(client, url, {"suggested": [suggested.slug], "own": "Can I still run?"})
    get(client, url)
    sure = {"sure": "yes", "understand": "yes", "risks_benefits": "no", "support": "yes"}
    url = post(client, url, sure)
    assert url == reverse("check")
    assert reverse("summary") in get(client, url)

    summary = get(client, reverse("summary"))
    assert texts_of(parse(summary), "//title")[0] == f"Your summary – {NAME}"
    assert texts_of(parse(summary), "//h1") == ["My knee pain treatment summary"]
    for text in (
        "Less than a year",  # about me
        "These tablets can make a stomach ulcer bleed",  # to discuss: the answer "Yes"
        "Anti-inflammatory tablets",  # considering
        "Avoiding tablets",  # what matters
        "Whether knee pain eases on its own",  # a topic to go over
        "Not sure",  # where I stand
        "Close to choosing",
        "We decide together",
        "What would happen if I waited?",
        "Can I still run?",
        "Exercise and pain medicines for knee pain, a review",  # a reference
    ):
        assert text in summary, text

    for url in (reverse("sources"), reverse("glossary"), reverse("page", args=["privacy"])):
        page = get(client, url)
        assert texts_of(parse(page), "//title")[0].endswith(f" – {NAME}")
