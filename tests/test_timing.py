"""The journey keeps the time the home page promises: words at 200 a minute, 5 seconds an answer."""

import pytest
from django.urls import reverse
from lxml import html as lxml_html

from decisionaid import timing
from decisionaid.journey import journey_for
from tests.html import has_class, parse, text_of
from treatments.releases import current_content

pytestmark = pytest.mark.django_db


def words_by_lxml(page: str) -> int:
    """The visible words of a page's main content, found by lxml, to check the app's own count."""
    main = lxml_html.fromstring(page).find(".//main")
    hidden = main.xpath(
        ".//script | .//style | .//template | .//*[@hidden] | .//*[@aria-hidden='true']"
        f" | .//*[{has_class('visually-hidden')}] | .//details[not(@open)]/*[not(self::summary)]"
        f" | .//sup[{has_class('ref')}]"
    )
    for element in hidden:
        element.drop_tree()
    return len(timing.WORD.findall(" ".join(main.itertext())))


def walked_by(client) -> timing.JourneyTime:
    """A typical person's journey through the test client, as a browser would walk it."""
    content = current_content()

    def get(path: str) -> str:
        response = client.get(path)
        assert response.status_code == 200, path
        page = response.content.decode()
        assert timing.visible_words(page) == words_by_lxml(page), path
        return page

    def post(path: str, data: dict) -> None:
        assert client.post(path, data).status_code == 302, f"{path} refused {data}"

    return timing.walk(journey_for(content), content, get, post)


def test_a_typical_journey_takes_at_most_twelve_minutes(client, content):
    walked = walked_by(client)
    paths = [page.path for page in walked.pages]
    # Every step, the options at a glance and the check page (twice); no option page, no summary.
    assert paths[0] == reverse("step", args=["about"])
    assert reverse("options") in paths and paths.count(reverse("check")) == 2
    assert reverse("summary") not in paths and paths[-1] == reverse("check")
    assert walked.answers >= len(journey_for(current_content()).forms)
    print(f"\n{walked.words} words, {walked.answers} answers: {walked.minutes:.1f} minutes")
    for page in walked.pages:
        print(f"  {page.path}: {page.words} words, {page.answers} answers")
    assert walked.minutes <= timing.MOST_MINUTES


def test_the_home_page_promises_the_time_the_journey_takes(client, content):
    walked = walked_by(client)
    client.cookies.clear()
    home = text_of(parse(client.get(reverse("home")).content.decode()))
    assert f"It takes about {walked.promise} minutes." in home
    # The page works it out from the same walk, inside the process, once per version.
    assert timing.journey_time(current_content(), "testserver").minutes == walked.minutes


def test_visible_words_leave_out_what_only_a_screen_reader_hears_and_reference_marks():
    page = (
        "<html><body><nav>Skip this menu</nav><main><h1>Your options</h1>"
        '<p>Two <span class="visually-hidden">hidden words</span>shown here.</p>'
        '<div hidden>Not shown</div><script>var x = "no";</script>'
        "<details><summary>Sources</summary><p>Until opened, not read</p></details>"
        '<p>Read <sup class="ref">[<a href="#r1">1</a>, <a href="#r2">2</a>]</sup></p>'
        "</main></body></html>"
    )
    # A reference mark points to a source; it is not read as words.
    assert timing.visible_words(page) == words_by_lxml(page) == 7


def test_the_model_reads_200_words_a_minute_and_5_seconds_an_answer():
    walked = timing.JourneyTime([timing.PageRead("/a/", 1000, 12), timing.PageRead("/b/", 200, 0)])
    assert walked.minutes == 6 + 1  # 1,200 words, then 12 answers of 5 seconds
    assert walked.promise == 7
