"""What a clinician can put in the health record: a short plain-text note, and the answers as FHIR
(decisionaid/fhir.py). Both are built from the person's cookie on request and never kept."""

import functools
import json

from django.http import Http404, HttpResponse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from decisionaid import fhir, sure
from decisionaid.answers import Answers
from decisionaid.http import AidRequest
from decisionaid.journey import answered, journey_for, stand_in_words, suggested_ticked
from decisionaid.knowledge import to_go_over
from decisionaid.options import chosen_values
from treatments.models import Option, Release
from treatments.releases import Content, content_of

NOTE_LIMIT = 1500  # characters: what most record systems take in one free-text note
FHIR_JSON = "application/fhir+json"


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def costs_are_for(options: list[Option]) -> str:
    """Which country the prices of these options are for, in one sentence."""
    countries: dict[str, int] = {}
    for option in options:
        for cost in option.related.costs:
            label = cost.get_country_display() if cost.country else ""
            countries[label] = countries.get(label, 0) + 1
    if not countries:
        return "Costs: no price was found for these options."
    unnamed = countries.pop("", 0)
    elsewhere = f"{unnamed} price for a place its source does not name"
    if unnamed > 1:
        elsewhere = f"{unnamed} prices for places their sources do not name"
    if not countries:
        said = f"Costs: {elsewhere}"
    else:
        said = "Costs are for: " + ", ".join(countries) + (f", and {elsewhere}" if unnamed else "")
    return said + ", none converted."


def note_for_record(answers: Answers, content: Content) -> str:
    """The summary as one short plain-text note: situation, the options considered, health
    points, what matters, how sure, questions. Under NOTE_LIMIT characters: a line too long is
    cut, and a line that no longer fits is left out."""
    today = timezone.localdate()
    considering = [o for o in content.options if o.slug in set(answers.considering)]
    lines = [
        f"{content.aid.summary_title} ({content.aid.name}, information version "
        f"{content.number}, {today:%d %b %Y}). Made by the patient; not a recommendation."
    ]
    for stop in journey_for(content).question_pages:
        said = [
            f"{row.label}: {', '.join(row.answers)}" for row in answered(answers, content, [stop])
        ]
        said = [line for line in said if not line.endswith(": ")]
        if said:
            lines.append(f"{stop.title}: " + "; ".join(said) + ".")
    if considering:
        lines.append("Considering: " + "; ".join(o.name for o in considering) + ".")
        lines.append(costs_are_for(considering))
    else:
        lines.append("Considering: no option chosen.")
    if stand := stand_in_words(answers, content):
        lines.append("Where I stand: " + "; ".join(stand) + ".")
    points = content.considerations_for(answers.chosen_pairs())
    flagged = [c for c in points if c.option.slug in set(answers.considering)]
    if flagged:
        lines.append(
            "To discuss: "
            + "; ".join(
                f"{c.option.name} ({c.choice.label.lower() if c.choice else 'for everyone'})"
                for c in flagged
            )
            + "."
        )
    if values := chosen_values(answers, content):
        lines.append("Matters most: " + "; ".join(v.statement for v in values) + ".")
    if answers.concern:
        lines.append(f"Own concern (not scored): {answers.concern}")
    if (score := answers.sure_score) is not None:
        unsure = " (may be unsure)" if sure.is_unsure(score) else ""
        lines.append(f"SURE test: {score} of {sure.OUT_OF}{unsure}.")
    if go_over := to_go_over(answers, content):
        lines.append("To go over: " + "; ".join(item.question.topic for item in go_over) + ".")
    questions = suggested_ticked(answers, content) + answers.own_questions.split("\n")
    if questions := [q.strip() for q in questions if q.strip()]:
        lines.append("Questions: " + " ".join(questions))
    closing = "Health and medicines were asked in brief only: check the full list."
    note = ""
    for line in lines:
        candidate = f"{note}\n{_clip(line, 300)}" if note else line
        if len(candidate) + len(closing) + 1 <= NOTE_LIMIT:
            note = candidate
    return f"{note}\n{closing}"


@require_safe
@never_cache
def fhir_response(request: AidRequest) -> HttpResponse:
    """The person's answers as a FHIR QuestionnaireResponse, to download."""
    answers = Answers.from_request(request)
    data = fhir.questionnaire_response(request, answers, request.content)
    response = HttpResponse(json.dumps(data, indent=2, ensure_ascii=False), content_type=FHIR_JSON)
    response["Content-Disposition"] = 'attachment; filename="my-answers.fhir.json"'
    return response


@functools.lru_cache(maxsize=4)
def earlier_version(number: int) -> Content:
    """An earlier published version's content, built once per process for the last few asked
    for: a version never changes, and building one for every request would be a cheap way to
    keep a server busy. (A number not yet published raises, so it is not kept.)"""
    release = Release.objects.filter(number=number).first()
    if release is None:
        raise Http404("No version has that number.")
    return Content(
        content_of(release),
        number=release.number,
        digest=release.digest,
        published_at=release.published_at,
    )


@require_safe
def fhir_questionnaire(request: AidRequest, number: int | None = None) -> HttpResponse:
    """The Questionnaire of the current published version, or of version `number`."""
    content = request.content
    if number is not None and number != content.number:
        content = earlier_version(number)
    data = fhir.questionnaire(request, content)
    return HttpResponse(json.dumps(data, indent=2, ensure_ascii=False), content_type=FHIR_JSON)
