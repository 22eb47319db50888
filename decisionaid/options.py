"""Every published option side by side, and one page per option (with a preview for editors)."""

from django.db.models.functions import Lower
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django.views.decorators.vary import vary_on_headers

from decisionaid.answers import Answers
from decisionaid.references import Glossary, References
from treatments.models import Option, Term, Value

# Alphabetical by name, never by how well an option works: the page says so.
ORDER = (Lower("name"), "pk")

# The rows of the comparison: the same for every option, in the same order.
ASPECTS = [
    {"key": "summary", "label": "What it is"},
    {"key": "benefit", "label": "Main benefit"},
    {"key": "harm", "label": "Main harm or side effect"},
    {"key": "cost", "label": "Cost"},
    {"key": "time", "label": "Time it takes"},
    {"key": "undo", "label": "Can it be undone"},
    {"key": "certainty", "label": "How sure anyone can be"},
]


def personal_view(option: Option, answers: Answers, values: list[Value]) -> None:
    """Attach what this person said to the option: considerations raised and values they chose."""
    pairs = answers.chosen_pairs()
    option.personal_considerations = [
        consideration
        for consideration in option.considerations.all()
        if (consideration.choice.question.slug, consideration.choice.slug) in pairs
    ]
    ratings = {rating.value_id: rating for rating in option.value_ratings.all()}
    option.on_values = [(value, ratings.get(value.pk)) for value in values]


def chosen_values(answers: Answers) -> list[Value]:
    """The values the person chose, in the order they chose them."""
    if not answers.values:
        return []
    by_slug = {value.slug: value for value in Value.objects.filter(slug__in=answers.values)}
    return [by_slug[slug] for slug in answers.values if slug in by_slug]


@require_GET
@vary_on_headers("HX-Request")
def compare(request: HttpRequest) -> HttpResponse:
    options = list(Option.objects.published().with_content().order_by(*ORDER))
    wanted = set(request.GET.getlist("compare"))
    picked = [option for option in options if option.slug in wanted]
    shown = picked or options

    answers = Answers.from_request(request)
    values = chosen_values(answers)
    for option in shown:
        personal_view(option, answers, values)

    has_answers = bool(answers.choices)
    aspects = [*ASPECTS]
    if has_answers:
        aspects.append({"key": "discuss", "label": "Things to discuss"})
    aspects += [
        {"key": "value", "label": f"You said this matters: {value.statement}", "value": value}
        for value in values
    ]

    # The table and the cards show the same content: each links its own first uses of a term.
    words = Glossary(Term.objects.all(), marks_uses=False)
    context = {
        "options": options,
        "shown": shown,
        "picked": {option.slug for option in picked},
        "as_table": len(shown) <= 4,
        "aspects": aspects,
        "has_answers": has_answers,
        "values": values,
        "refs": References(),
        "words": words,
        "table_words": words.view(),
        "card_words": words.view(),
    }
    template = "decisionaid/options/compare.html"
    if request.htmx:
        template += "#comparison"
    return render(request, template, context)


def render_option(request: HttpRequest, option: Option, *, preview: bool) -> HttpResponse:
    answers = Answers.from_request(request)
    values = chosen_values(answers)
    personal_view(option, answers, values)
    context = {
        "option": option,
        "preview": preview,
        "has_answers": bool(answers.choices),
        "values": values,
        "refs": References(),
        "words": Glossary(Term.objects.all()),
    }
    return render(request, "decisionaid/options/option.html", context)


@require_GET
def option(request: HttpRequest, slug: str) -> HttpResponse:
    option = get_object_or_404(Option.objects.published().with_content(), slug=slug)
    return render_option(request, option, preview=False)


@require_GET
@never_cache
def option_preview(request: HttpRequest, slug: str) -> HttpResponse:
    """Staff see any option exactly as a patient would; everyone else only published ones."""
    if not request.user.is_staff:
        published = get_object_or_404(Option.objects.published(), slug=slug)
        return redirect("option", slug=published.slug)
    option = get_object_or_404(Option.objects.with_content(), slug=slug)
    return render_option(request, option, preview=not option.is_published)
