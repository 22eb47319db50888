"""How long the journey takes, by one model: its words read at 200 a minute, plus 5 seconds for
each answer given.

A typical person walks the journey as `journey.py` declares it: every page of questions with one
answer to each question (optional ones too), what matters to them, the check page, the options
at a glance, the options they are thinking about, where they stand, the knowledge check and the
page explaining its answers, questions for their clinician, the SURE test and the check page
again. The option pages and the summary are theirs to read as long as they like, so they are not
counted. The home page promises what this works out, once per version.
"""

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from html.parser import HTMLParser

from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import resolve
from django_htmx.middleware import HtmxDetails

from decisionaid import caching, stand
from decisionaid.answers import AnswersMiddleware
from decisionaid.forms import MAX_VALUES
from decisionaid.journey import Journey, Stop, journey_for
from decisionaid.sure import ITEMS as SURE_ITEMS
from treatments.releases import Content

WORDS_PER_MINUTE = 200
SECONDS_PER_ANSWER = 5
# The journey must fit this; if it does not, the journey gets lighter, not the model looser.
MOST_MINUTES = 12

# What a typical person picks where they may pick several.
TYPICAL_CONSIDERING = 2
TYPICAL_SUGGESTED = 2

WORD = re.compile(r"\w[\w'’.-]*")


# Elements with no end tag.
_VOID = {
    "area",
    "base",
    "br",
    "col",
    "embed",
    "hr",
    "img",
    "input",
    "link",
    "meta",
    "source",
    "track",
    "wbr",
}


class _MainText(HTMLParser):
    """The text a person reads in a page's <main>: not scripts, not what is hidden, not what only
    a screen reader hears, not the numbers that point to sources, and of a closed <details> only
    its <summary>."""

    def __init__(self):
        self.details_open: list[bool] = []  # for each <details> we are in, whether it is open
        super().__init__()
        self.depth_in_main = 0
        self.open: list[tuple[str, bool]] = []  # (tag, whether it hides what it holds)
        self.pieces: list[str] = []

    def _hides(self, tag: str, attrs: dict) -> bool:
        parent = self.open[-1][0] if self.open else ""
        classes = (attrs.get("class") or "").split()
        return (
            tag in ("script", "style", "template")
            or "hidden" in attrs
            or attrs.get("aria-hidden") == "true"
            or "visually-hidden" in classes
            # A reference mark such as "[3, 4]" points to a source: it is not read as words.
            or (tag == "sup" and "ref" in classes)
            or (parent == "details" and tag != "summary" and not self.details_open[-1])
        )

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "main":
            self.depth_in_main += 1
        if tag in _VOID:
            return
        hides = self._hides(tag, attrs)
        self.open.append((tag, hides))
        if tag == "details":
            self.details_open.append("open" in attrs)

    def handle_endtag(self, tag):
        if tag in _VOID:
            return
        # Close up to the matching tag (HTML lets some end tags be left out).
        while self.open:
            closed, _ = self.open.pop()
            if closed == "details":
                self.details_open.pop()
            if closed == tag:
                break
        if tag == "main":
            self.depth_in_main -= 1

    def handle_data(self, data):
        if self.depth_in_main and not any(hides for _, hides in self.open):
            self.pieces.append(data)


def visible_words(page: str) -> int:
    """The words a person sees in a page's main content."""
    parser = _MainText()
    parser.feed(page)
    parser.close()
    # Pieces of text joined with spaces, so that a heading and the paragraph after it stay apart.
    return len(WORD.findall(" ".join(parser.pieces)))


@dataclass(frozen=True)
class PageRead:
    path: str
    words: int
    answers: int


@dataclass(frozen=True)
class JourneyTime:
    pages: list[PageRead]

    @property
    def words(self) -> int:
        return sum(page.words for page in self.pages)

    @property
    def answers(self) -> int:
        return sum(page.answers for page in self.pages)

    @property
    def minutes(self) -> float:
        return self.words / WORDS_PER_MINUTE + self.answers * SECONDS_PER_ANSWER / 60

    @property
    def promise(self) -> int:
        """The minutes the home page promises: the model's figure, rounded up."""
        return math.ceil(self.minutes)


def typical_answers(stop: Stop, content: Content) -> dict[str, list[str]]:
    """What a typical person sends at this step of the journey."""
    if stop.page is not None:
        # One answer to every question, optional ones too: the first that is not "none".
        return {
            question.slug: [
                next(
                    (c.slug for c in question.related.choices if not c.exclusive),
                    question.related.choices[0].slug,
                )
            ]
            for question in content.questions_on(stop.page)
        }
    considering = [option.slug for option in content.options[:TYPICAL_CONSIDERING]]
    first = {
        name: [next(iter(codes))]
        for name, codes in (("stage", stand.STAGES), ("role", stand.ROLES))
    }
    typical: dict[str, dict[str, list[str]]] = {
        "values": {"values": [value.slug for value in content.values[:MAX_VALUES]]},
        "considering": {"considering": considering},
        # The first answer to each: a leaning on each option considered, the stage and the role.
        "stand": {stand.leaning_field(slug): [next(iter(stand.LEANINGS))] for slug in considering}
        | first,
        # The knowledge check: each question's first answer, right or not.
        "knowledge": {
            question.slug: [question.related.choices[0].slug]
            for question in content.knowledge_questions
        },
        "questions": {
            "suggested": [q.slug for q in content.suggested_questions[:TYPICAL_SUGGESTED]]
        },
        "sure": {item: ["yes"] for item in SURE_ITEMS},
    }
    return typical[stop.slug]


Get = Callable[[str], str]
Post = Callable[[str, dict], None]


def walk(journey: Journey, content: Content, get: Get, post: Post) -> JourneyTime:
    """Walk the journey as a typical person does, reading each page through `get` and sending
    each step's answers through `post`."""
    pages = []

    def read(path: str, answers: int = 0) -> None:
        pages.append(PageRead(path, visible_words(get(path)), answers))

    for stop in journey.stops:
        if stop.slug in ("start", "summary") or stop is journey.check:
            continue
        if not stop.is_form:
            read(stop.url)
            continue
        data = typical_answers(stop, content)
        read(stop.url, sum(len(chosen) for chosen in data.values()))
        post(stop.url, data)
        if journey.next(stop) is journey.check:  # after what matters, and at the end
            read(journey.check.url)
    return JourneyTime(pages)


class _InProcess:
    """A person's browser for the walk, inside this process: each page is the view's own
    response, with the answers cookie carried from one to the next. No database is asked."""

    def __init__(self, content: Content, host: str, secure: bool):
        self.content = content
        self.factory = RequestFactory(HTTP_HOST=host)
        self.secure = secure
        self.cookies: dict[str, str] = {}

    def _send(self, request) -> HttpResponse:
        request.content = self.content
        request.htmx = HtmxDetails(request)
        request.COOKIES.update(self.cookies)
        match = resolve(request.path_info)
        response = AnswersMiddleware(lambda r: match.func(r, *match.args, **match.kwargs))(request)
        self.cookies.update({name: morsel.value for name, morsel in response.cookies.items()})
        return response

    def get(self, path: str) -> str:
        response = self._send(self.factory.get(path, secure=self.secure))
        return response.content.decode()

    def post(self, path: str, data: dict) -> None:
        response = self._send(self.factory.post(path, data, secure=self.secure))
        if response.status_code != 302:
            raise ValueError(f"The typical answers to {path} were refused.")


def journey_time(content: Content, host: str, secure: bool = False) -> JourneyTime | None:
    """The typical journey through this version, walked once per version; None when this
    version's journey cannot be walked (content still being written, with no values, say)."""

    def measure(content: Content) -> JourneyTime | None:
        browser = _InProcess(content, host, secure)
        walking = caching.keeping.set(False)
        try:
            return walk(journey_for(content), content, browser.get, browser.post)
        except (ValueError, KeyError, IndexError):
            return None
        finally:
            caching.keeping.reset(walking)

    return content.computed("journey_time", measure)
