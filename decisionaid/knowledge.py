"""The knowledge check's answers explained: each answer beside the right one, why it is right and
its sources; and the topics to go over, for the summary and the note for the record. No score."""

from dataclasses import dataclass

from django.http import HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_safe

from decisionaid.answers import UNSURE, Answers
from decisionaid.caching import kept_whole
from decisionaid.flow import render_step_page
from decisionaid.http import AidRequest
from decisionaid.journey import KNOWLEDGE_EXPLAINED, journey_for, knowledge_answer
from decisionaid.references import References
from treatments.models import KnowledgeQuestion
from treatments.releases import Content


@dataclass(frozen=True)
class Explained:
    """One knowledge question as the person answered it."""

    question: KnowledgeQuestion
    said: str  # their answer, in words
    right: bool

    @property
    def unsure(self) -> bool:
        return self.said == knowledge_answer(self.question, UNSURE)

    @property
    def right_answer(self) -> str:
        choice = self.question.right_choice
        return choice.label if choice else ""


def explained(answers: Answers, content: Content) -> list[Explained]:
    """The questions the person answered, in the content's order."""
    found = []
    for question in content.knowledge_questions:
        chosen = answers.knowledge.get(question.slug)
        if said := knowledge_answer(question, chosen):
            right = question.right_choice
            found.append(Explained(question, said, right is not None and right.slug == chosen))
    return found


def to_go_over(answers: Answers, content: Content) -> list[Explained]:
    """The questions the person got wrong or was not sure of: topics to go over."""
    return [item for item in explained(answers, content) if not item.right]


@require_safe
@kept_whole
def answers_explained(request: AidRequest) -> HttpResponse:
    journey = journey_for(request.content)
    stop = journey.by_slug.get(KNOWLEDGE_EXPLAINED)
    if stop is None:  # this version has no knowledge check
        return redirect(journey.check.url)
    items = explained(Answers.from_request(request), request.content)
    if not items:  # nothing answered yet: the questions come first
        return redirect(journey.back(stop).url)
    context = {
        "step": stop,
        "items": items,
        "back_url": journey.back(stop).url,
        "continue_url": journey.next(stop).url,
        "refs": References(),
    }
    return render_step_page(request, "decisionaid/knowledge_answers.html", context)
