"""The options: all at a glance, two to four side by side, and one page per option.

Nothing here ranks an option. The overview groups them by kind and sorts each group by name.
"""

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from django.contrib import admin
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe
from django.views.decorators.vary import vary_on_headers

from decisionaid.answers import Answers
from decisionaid.caching import UNCACHED, fragment, kept_whole
from decisionaid.http import AidRequest
from decisionaid.journey import journey_for
from decisionaid.references import Glossary, References
from decisionaid.safety import crisis_help, health_topics
from treatments.models import Consideration, Option, Question, Value, ValueRating
from treatments.releases import Content, draft_preview

Category = Option.Category

# The groups of the overview, by kind of treatment, in the order a person meets them.
GROUPS = [
    ("medicines", "Medicines by mouth or on the skin", [Category.MEDICINE]),
    ("drips", "Medicines by drip", [Category.INFUSION]),
    ("injections", "Injections and nerve blocks", [Category.INJECTION]),
    ("devices", "Devices and surgery", [Category.DEVICE_SURGERY]),
    ("therapies", "Therapies and rehabilitation", [Category.THERAPY, Category.PSYCHOLOGICAL]),
    ("none", "No new treatment", [Category.CURRENT_CARE]),
]

# Side by side: up to this many columns, each a picked option.
MOST_SIDE_BY_SIDE = 4

# The rows of the side-by-side table: the same questions for every option, in the same order.
# Each row's detail lives under this heading of the option's own page.
ROWS: list[dict[str, Any]] = [
    {"key": "summary", "label": "What it is", "detail": "top"},
    {"key": "benefit", "label": "How likely it is to help", "detail": "benefits"},
    {"key": "harm", "label": "The main harm, and how often", "detail": "harms"},
    {"key": "certainty", "label": "How sure anyone can be", "detail": "at-a-glance"},
    {"key": "cost", "label": "Cost", "detail": "costs"},
    {"key": "time", "label": "Time and hospital stays", "detail": "how-given"},
    {"key": "undo", "label": "Can it be undone", "detail": "how-given"},
]


@dataclass
class FirstPoint:
    """One line of "who should talk to a clinician first": one question ("choose one") or one
    answer of a list ("choose any"), in general words."""

    text: str
    answered: str = ""  # what this person answered, when it raises the point
    considerations: list[Consideration] = field(default_factory=list)


@dataclass(frozen=True)
class SeenConsideration:
    """A consideration on an option, and whether this person's answers raise it."""

    consideration: Consideration
    is_theirs: bool

    def __getattr__(self, name):  # its text, choice and sources are the consideration's own
        return getattr(self.consideration, name)


@dataclass(frozen=True)
class SeenOption:
    """An option as this person sees it: the published option (shared by every request, so
    never changed) and what their answers and values make of it."""

    option: Option
    all_considerations: list[SeenConsideration]
    personal_considerations: list[Consideration]
    on_values: list[tuple[Value, ValueRating | None]]

    def __getattr__(self, name):  # everything else is the option's own
        return getattr(self.option, name)


@dataclass(frozen=True)
class OptionParts:
    """What every person's view of an option starts from: worked out once per version."""

    option: Option
    # Cautions for everyone first: they concern every reader, so no answer marks them. Each with
    # the (question slug, choice slug) that raises it, None for a caution for everyone.
    considerations: list[tuple[Consideration, tuple[str, str] | None]]
    ratings: dict[int, ValueRating]


def option_parts(option: Option) -> OptionParts:
    return OptionParts(
        option,
        [
            (c, (c.choice.question.slug, c.choice.slug) if c.choice is not None else None)
            for c in sorted(option.related.considerations, key=lambda c: c.choice is not None)
        ],
        {rating.value_id: rating for rating in option.related.value_ratings},
    )


def parts_of(option: Option, content: Content) -> OptionParts:
    """The option's parts, kept for the version when the option is one of its own."""
    kept = content.computed(
        "option_parts", lambda content: {o.pk: option_parts(o) for o in content.options}
    ).get(option.pk)
    return kept if kept is not None and kept.option is option else option_parts(option)


def personal_view(
    option: Option,
    answers: Answers,
    values: list[Value],
    content: Content,
    pairs: set[tuple[str, str]] | None = None,
) -> SeenOption:
    """The option with what this person said: considerations raised and values they chose.
    `pairs` are the person's (question slug, choice slug) pairs, when already worked out."""
    if pairs is None:
        pairs = answers.chosen_pairs()
    parts = parts_of(option, content)
    considerations = [
        SeenConsideration(c, pair is not None and pair in pairs) for c, pair in parts.considerations
    ]
    return SeenOption(
        option=option,
        all_considerations=considerations,
        personal_considerations=[c.consideration for c in considerations if c.is_theirs],
        on_values=[(value, parts.ratings.get(value.pk)) for value in values],
    )


def first_points(option: SeenOption) -> list[FirstPoint]:
    """Questions about health that raise something, one line each, plus any other point that is
    theirs. A "choose any" list is a line per answer: each ticked box is a topic of its own.

    A question's general words come from its first answer that raises a point ("If you are
    pregnant or may be"), so someone who answered nothing still reads who it concerns.
    """
    points: dict[tuple[int, int], FirstPoint] = {}
    everyone = [
        FirstPoint(c.text.strip().rstrip("."), considerations=[c.consideration])
        for c in option.all_considerations
        if c.choice is None
    ]
    for consideration in option.all_considerations:
        choice = consideration.choice
        if choice is None:
            continue
        question = choice.question
        if not question.page.about_health and not consideration.is_theirs:
            continue
        key = (question.pk, choice.pk if question.kind == Question.Kind.MANY else 0)
        point = points.setdefault(key, FirstPoint(choice.general_form))
        point.considerations.append(consideration.consideration)
        if consideration.is_theirs:
            point.answered = consideration.choice.label
    return everyone + list(points.values())


def unsure_about(answers: Answers, content: Content) -> list[Question]:
    """The questions about health the person answered with "I'm not sure"."""
    return [
        question
        for question in content.questions
        if question.page.about_health
        and any(
            choice.unsure and choice.slug in answers.choices.get(question.slug, [])
            for choice in question.related.choices
        )
    ]


def chosen_values(answers: Answers, content: Content) -> list[Value]:
    """The values the person chose, in the order they chose them."""
    by_slug = content.value_by_slug
    return [by_slug[slug] for slug in answers.values if slug in by_slug]


def grouped(options: list) -> list[dict]:
    """The overview's groups, each alphabetical; a group with no published option is left out."""
    groups = []
    for slug, label, categories in GROUPS:
        members = [option for option in options if option.category in categories]
        if members:
            groups.append({"slug": slug, "label": label, "options": members})
    return groups


@require_safe
@vary_on_headers("HX-Request")
@kept_whole
def compare(request: AidRequest) -> HttpResponse:
    content = request.content
    answers = Answers.from_request(request)
    values = chosen_values(answers, content)
    # Alphabetical by name, never by how well an option works: the page says so.
    pairs = answers.chosen_pairs()
    options = [personal_view(option, answers, values, content, pairs) for option in content.options]
    wanted = list(dict.fromkeys(request.GET.getlist("compare")))
    by_slug = {option.slug: option for option in options}
    found = [slug for slug in wanted if slug in by_slug]
    # Columns follow the overview's order, so a shared address always shows the same table.
    groups = grouped(options)
    in_order = [option.slug for group in groups for option in group["options"]]
    picked = [by_slug[slug] for slug in sorted(found, key=in_order.index)]
    shown = picked[:MOST_SIDE_BY_SIDE]

    rows = [*ROWS]
    rows += [
        {"key": "value", "label": f"You said this matters: {value.statement}", "value": value}
        for value in values
    ]
    rows.append({"key": "discuss", "label": "Things to discuss", "detail": "first"})

    # What matters, line by line: for the options the person is thinking about, else for all.
    considering = set(answers.considering)
    thinking = [
        option for group in groups for option in group["options"] if option.slug in considering
    ]
    grid = (
        (thinking or [option for group in groups for option in group["options"]]) if values else []
    )

    journey = journey_for(content)
    here = journey.by_slug["options"]
    after = journey.next(here)
    has_answers = bool(answers.choices)
    personal = (
        has_answers,
        tuple(value.slug for value in values),
        tuple(c.pk for option in options for c in option.personal_considerations),
        # This person's own random id: another visitor with the same answers never meets what
        # was kept for this one, so timing cannot tell whether someone gave those answers.
        answers.link if has_answers or values else "",
        tuple(option.slug for option in grid) if values else (),
        answers.concern if values else "",
    )
    # The address's picks, as far as they change the page (anything else in it cannot).
    nothing_picked = request.GET.get("show") == "1" and not wanted
    picks = (
        nothing_picked,
        tuple(option.slug for option in shown),
        len(picked) > MOST_SIDE_BY_SIDE,
        len(found) < len(wanted),
    )
    context = {
        "fragment": fragment(content.digest, "compare", picks, personal=personal),
        "table_fragment": fragment(content.digest, "table", picks, personal=personal),
        "groups": groups,
        "count": len(options),
        "shown": shown,
        "nothing_picked": nothing_picked,
        "picked": {option.slug for option in picked},
        "too_many": len(picked) > MOST_SIDE_BY_SIDE,
        "most": MOST_SIDE_BY_SIDE,
        "not_found": len(found) < len(wanted),
        "rows": rows,
        "has_answers": has_answers,
        "health_topics": health_topics(content),
        "values": values,
        "grid": grid,
        "grid_all": not thinking,
        "concern": answers.concern,
        "matters_refs": References("matters-ref"),
        "refs": References(),
        "glance_refs": References("glance-ref"),
        "words": Glossary(content.terms, marks_uses=False),
        "step_number": here.number,
        # The options just compared come ticked on the next step (the person can untick them).
        "next_step_url": after.url
        + ("?" + urlencode([("compared", option.slug) for option in shown]) if shown else ""),
        "total_steps": journey.total,
    }
    template = "decisionaid/options/compare.html"
    if request.htmx:
        template += "#comparison"
    return render(request, template, context)


def render_option(
    request: HttpRequest, content: Content, option: Option, *, preview: bool
) -> HttpResponse:
    answers = Answers.from_request(request)
    values = chosen_values(answers, content)
    seen = personal_view(option, answers, values, content)
    points = first_points(seen)
    unsure = unsure_about(answers, content)
    personal = (
        bool(answers.choices),
        tuple(value.slug for value in values),
        tuple(c.pk for c in seen.personal_considerations),
        tuple(question.slug for question in unsure),
        answers.link if answers.choices or values else "",  # see compare()
    )
    context = {
        "fragment": UNCACHED
        if preview
        else fragment(content.digest, "option", option.slug, personal=personal),
        "option": seen,
        "first_points": points,
        "own_points": [point for point in points if point.answered],
        "unsure": unsure,
        "up_front_pages": content.up_front_pages
        if option.category == Category.CURRENT_CARE
        else [],
        "preview": preview,
        "has_answers": bool(answers.choices),
        "health_topics": health_topics(content),
        "crisis_help": crisis_help(content),
        "values": values,
        "refs": References(),
        "words": Glossary(content.terms),
    }
    return render(request, "decisionaid/options/option.html", context)


@require_safe
@kept_whole
def option(request: AidRequest, slug: str) -> HttpResponse:
    return render_option(request, request.content, request.content.option(slug), preview=False)


@require_safe
@never_cache
def option_preview(request: AidRequest, slug: str) -> HttpResponse:
    """Staff see any option of the editors' draft exactly as a patient would see it once
    published; everyone else is sent to the published page."""
    if not admin.site.has_permission(request):  # staff, signed in with the second factor too
        return redirect(request.content.option(slug))
    draft = draft_preview(include=slug)
    try:
        option = draft.option_by_slug[slug]
    except KeyError:
        raise Http404("No option has that address.") from None
    return render_option(request, draft, option, preview=True)
