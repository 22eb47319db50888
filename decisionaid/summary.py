"""The printable summary: one page a clinician can read in a ten-minute visit."""

import functools
import re
from dataclasses import dataclass, field
from typing import Any

import segno
from django.http import HttpResponse
from django.shortcuts import render
from django.template.defaultfilters import pluralize
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from decisionaid import stand, sure
from decisionaid.answers import RESUME_MAX_AGE, Answers, make_resume_token
from decisionaid.caching import fragment, kept_whole
from decisionaid.http import AidRequest
from decisionaid.journey import AnsweredQuestion, answered, journey_for, suggested_ticked
from decisionaid.knowledge import to_go_over
from decisionaid.options import chosen_values
from decisionaid.record import costs_are_for, note_for_record
from decisionaid.references import References
from decisionaid.safety import crisis_help, health_topics
from treatments.models import Choice, Consideration, Option
from treatments.releases import Content

# With more options than this considered, the summary prints in smaller type, with the options
# in a compact table (one short row each).
MANY_OPTIONS = 6
# More points than this are printed grouped by answer, so a heavy summary still fits two pages.
DISCUSS_IN_FULL = 8
# A bigger QR code than this (117 modules a side) prints with modules too small to scan.
QR_MAX_VERSION = 25
# With more references than this, the list prints in short.
COMPACT_FROM_REFERENCES = 20
# With more than this, the paper says where they are instead: the heaviest summary (every
# option, every answer) then fits three pages at legible type.
PRINTED_REFERENCES_UP_TO = 60


def first_sentence(text: str) -> str:
    """The text up to the end of its first sentence."""
    text = (text or "").strip()
    match = re.match(r"(.+?[.!?])(?=\s+[A-Z0-9(])", text, re.S)
    return match[1] if match else text


@dataclass
class AnswerPoints:
    """The personal considerations one answer raises, on several options."""

    choice: Choice
    considerations: list[Consideration] = field(default_factory=list)
    # On paper, the options by their numbers in the printed table, each once.
    numbers: list[int] = field(default_factory=list)


def by_answer(
    considerations: list[Consideration], numbers: dict[int, int] | None = None
) -> list[AnswerPoints]:
    groups: dict[int, AnswerPoints] = {}
    for consideration in considerations:
        choice = consideration.choice
        if choice is None:  # a caution for everyone is raised by no answer
            continue
        group = groups.setdefault(choice.pk, AnswerPoints(choice))
        group.considerations.append(consideration)
        number = (numbers or {}).get(consideration.option.pk)
        if number is not None and number not in group.numbers:
            group.numbers.append(number)
    # Health points first, as when they are set out in full.
    return sorted(
        groups.values(), key=lambda g: (not is_health(g.considerations[0]), *answer_order(g.choice))
    )


def answer_order(choice: Choice | None) -> tuple:
    if choice is None:  # a caution for everyone comes before any answer's points
        return (-1,)
    question = choice.question
    return (question.page.order, question.page_id, question.order, question.pk, choice.order)


@dataclass
class AnswerSection:
    """Answers printed under one heading ("About me"), from the pages of questions that name it."""

    heading: str
    rows: list[AnsweredQuestion] = field(default_factory=list)


def answer_sections(answers: Answers, content: Content) -> list[AnswerSection]:
    """The answers of each page of questions with a heading on the summary, in journey order."""
    sections: dict[str, AnswerSection] = {}
    for stop in journey_for(content).question_pages:
        heading = stop.page.summary_heading.strip() if stop.page else ""
        if not heading:
            continue
        rows = [row for row in answered(answers, content, [stop]) if row.answers]
        if rows:
            sections.setdefault(heading, AnswerSection(heading)).rows.extend(rows)
    return list(sections.values())


def health_answered(answers: Answers, content: Content) -> bool:
    """Whether any question about health was answered: only then can "nothing to discuss" be
    said."""
    health = [
        stop for stop in journey_for(content).question_pages if stop.page and stop.page.about_health
    ]
    return any(row.answers for row in answered(answers, content, health))


def things_to_discuss(answers: Answers, options: list[Option], content: Content) -> dict:
    """Points raised by the answers: in full on the options being considered, then the names of
    the other options they touch. Grouped by answer, each names its options, and on paper
    numbers them as the printed table of options does."""
    considering = {option.slug for option in options}
    # Health points first: they need a clinician's judgement before timing, cost and travel do.
    found = sorted(
        content.considerations_for(answers.chosen_pairs()),
        key=lambda c: (
            not is_health(c),
            c.option.name.lower(),
            c.option.pk,
            *answer_order(c.choice),
        ),
    )
    mine = [c for c in found if not considering or c.option.slug in considering]
    others = [c for c in found if considering and c.option.slug not in considering]
    in_full = len(mine) <= DISCUSS_IN_FULL
    return {
        "count": len(mine),
        "health": sum(1 for c in mine if is_health(c)),
        "in_full": mine if in_full else [],
        "grouped": [] if in_full else by_answer(mine, numbered(options)),
        # On paper, only the names: the option pages set each point out.
        "elsewhere": list(dict.fromkeys(c.option.name for c in others)),
    }


def numbered(options: list[Option]) -> dict[int, int]:
    """Each option's number in the printed table, by its key."""
    return {option.pk: number for number, option in enumerate(options, 1)}


def is_health(consideration: Consideration) -> bool:
    """A caution for everyone, or a point raised by a question about health."""
    choice = consideration.choice
    return choice is None or choice.question.page.about_health


@dataclass
class OptionSafety:
    """What a clinician checks first for the options being considered: cautions for everyone,
    and when to get help straight away, each as (first sentence, what it cites); the option's page
    sets each out in full. Options with the same points share one entry, to keep the page short."""

    options: list[Option]
    cautions: list[tuple[str, Any]]
    urgent: list[tuple[str, Any]]

    @property
    def sources(self) -> list:
        """Every source of its points, once each, cited once at the end of the line."""
        found: dict[int, Any] = {}
        for _, row in [*self.cautions, *self.urgent]:
            for source in row.related.sources:
                found.setdefault(source.pk, source)
        return list(found.values())


def safety_of(options: list[Option]) -> list[OptionSafety]:
    entries: dict[tuple, OptionSafety] = {}
    for option in options:
        cautions = [
            (first_sentence(c.text), c) for c in option.related.considerations if c.choice is None
        ]
        urgent = [(first_sentence(claim.text), claim) for claim in option.urgent_signs]
        if not cautions and not urgent:
            continue
        same = (tuple(text for text, _ in cautions), tuple(text for text, _ in urgent))
        if same in entries:
            entries[same].options.append(option)
        else:
            entries[same] = OptionSafety([option], cautions, urgent)
    return list(entries.values())


def considered_options(answers: Answers, content: Content) -> list[Option]:
    """The options the person is considering, alphabetically."""
    considering = set(answers.considering)
    return [option for option in content.options if option.slug in considering]


def compact_rows(options: list[Option], content: Content) -> dict:
    """Main benefit, main harm, rarest serious harm and time cut to their first sentence, for
    the printed table; with many options, time is left to the options' pages. Each option's row
    is worked out once for the version."""
    rows = content.computed("compact_rows", compact_row_by_option)
    return {"rows": [rows[option.pk] for option in options], "many": len(options) > MANY_OPTIONS}


def compact_row_by_option(content: Content) -> dict[int, dict]:
    """Every published option's row of the printed table, by its key."""
    rows = {}
    for option in content.options:
        benefit, harm, serious = option.main_benefit, option.main_harm, option.rare_serious_harm
        rows[option.pk] = {
            "option": option,
            "benefit": benefit,
            "benefit_text": first_sentence(benefit.text) if benefit else "",
            "harm": harm,
            "harm_text": first_sentence(harm.text) if harm else "",
            "serious": serious,
            "serious_is_main": serious is not None and serious == harm,
            "serious_text": first_sentence(serious.text) if serious else "",
            "time": first_sentence(option.time_commitment),
        }
    return rows


def where_i_stand(answers: Answers, options: list[Option]) -> list[tuple[str, str, str]]:
    """Where the person stands, as the summary shows it: (label, words, on paper) triples, in
    the first person; none for what they left out. "On paper" is empty unless many options are
    considered: then a leaning names the options by their numbers in the printed table, as the
    points to discuss do, so that it still prints in a line or two."""
    # One row a leaning, so that many options considered still print in a few lines.
    rows = []
    numbers = numbered(options) if len(options) > MANY_OPTIONS else {}
    for words, leaning in stand.by_leaning(answers.leaning, options):
        names = "; ".join(option.name for option in leaning)
        on_paper = ", ".join(str(numbers[option.pk]) for option in leaning) if numbers else ""
        rows.append((words, names, f"option{pluralize(leaning)} {on_paper}" if numbers else ""))
    if answers.stage:
        rows.append(("How far along I am", stand.STAGES[answers.stage], ""))
    if answers.role:
        rows.append(("How I want to decide", stand.ROLES[answers.role], ""))
    if answers.concern:
        rows.append(("My own concern (not scored)", answers.concern, ""))
    return rows


def funding_statement(content: Content) -> list[str]:
    """The About page's own words on funding and interests, if the content has them."""
    about = content.page_by_slug.get("about")
    sections = about.related.sections if about else []
    section = next((s for s in sections if "funding" in s.heading.lower()), None)
    return section.paragraphs if section else []


@functools.lru_cache(maxsize=256)
def qr_svg(url: str) -> SafeString | None:
    """The resume link as an inline SVG QR code, sized by CSS (no inline style, for the CSP).

    None when the link is too long for a code that scans from paper (a person's own questions in
    a script that takes several bytes a letter can make it so): the summary then prints the link.
    Drawn once per link: a resume link stays the same for an hour (see answers.encrypt).
    """
    try:
        # Never a Micro QR code (versions "M1" to "M4"), which many phone cameras cannot read.
        code = segno.make_qr(url, error="m")
    except segno.DataOverflowError:
        return None
    if int(code.version) > QR_MAX_VERSION:
        return None
    svg = code.svg_inline(
        scale=1,
        omitsize=True,
        svgclass="summary-qr__code",
        lineclass="summary-qr__modules",
        title="QR code that opens these answers",
    )
    return mark_safe(svg.replace("<svg ", '<svg role="img" focusable="false" ', 1))


@require_safe
@never_cache
@kept_whole
def summary(request: AidRequest) -> HttpResponse:
    answers = Answers.from_request(request)
    if answers.is_empty:
        return render(request, "decisionaid/summary.html", {"answers": answers, "empty": True})

    content = request.content
    options = considered_options(answers, content)
    # Everything below is worked out only if the page's kept part is not there: on the next
    # visit with the same answers, the same day, none of it runs.
    discuss = SimpleLazyObject(lambda: things_to_discuss(answers, options, content))
    # A link back to the answers only when the person asks: a printout left in a waiting room or
    # scanned into a record must not open every answer.
    with_link = request.GET.get("link") == "yes"
    if with_link:
        token = make_resume_token(answers)
        resume_url = request.build_absolute_uri(reverse("resume")) + "#" + token
    else:
        resume_url = ""

    context = {
        "answers": answers,
        "empty": False,
        # The rest of the page follows from the answers, the link if asked for, the version and
        # the day: drawn once for them.
        "fragment": fragment(
            content.digest, "summary", timezone.localdate(), personal=(repr(answers), resume_url)
        ),
        # A long summary prints in smaller type to stay within two pages.
        "dense": SimpleLazyObject(
            lambda: len(options) > MANY_OPTIONS or len(discuss["grouped"]) > 0
        ),
        "printed_on": timezone.localdate(),
        "content_version": content.number,
        "content_published": content.published_on,
        "last_reviewed": content.last_reviewed,
        "answer_sections": SimpleLazyObject(lambda: answer_sections(answers, content)),
        "discuss": discuss,
        "health_answered": SimpleLazyObject(lambda: health_answered(answers, content)),
        "health_topics": health_topics(content),
        "safety": SimpleLazyObject(lambda: safety_of(options)),
        "crisis_help": crisis_help(content),
        "values": SimpleLazyObject(lambda: chosen_values(answers, content)),
        "options": options,
        "stand": SimpleLazyObject(lambda: where_i_stand(answers, options)),
        # On paper the options are a compact table (the screen keeps the full one).
        "compact_options": SimpleLazyObject(lambda: compact_rows(options, content)),
        "costs_are_for": SimpleLazyObject(lambda: costs_are_for(options)),
        "go_over": SimpleLazyObject(lambda: to_go_over(answers, content)),
        "sure": sure.result(answers.sure),
        "questions": SimpleLazyObject(lambda: suggested_ticked(answers, content)),
        "own_questions": answers.own_questions.strip(),
        "funding": funding_statement(content),
        "with_link": with_link,
        "resume_url": resume_url,
        "resume_qr": qr_svg(resume_url) if with_link else None,
        "note": SimpleLazyObject(lambda: note_for_record(answers, content)),
        "resume_days": RESUME_MAX_AGE // (24 * 3600),
        "refs": References(),
        "compact_references_from": COMPACT_FROM_REFERENCES,
        "printed_references_up_to": PRINTED_REFERENCES_UP_TO,
    }
    return render(request, "decisionaid/summary.html", context)
