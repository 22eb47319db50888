"""What keeps a person safe on every page: where to get help at once, and what the aid asked.

The box on where to get help at once is content (the information page marked `crisis_help`), so
editors keep its numbers right; the flow only decides where it shows.
"""

from decisionaid.answers import Answers
from treatments.models import Page
from treatments.releases import Content


def crisis_help(content: Content) -> Page | None:
    """The box's page, if the content has one."""
    return next((page for page in content.pages if page.crisis_help), None)


def crisis_choices(content: Content) -> set[tuple[str, str]]:
    """The (question slug, choice slug) pairs that show the box on the next page."""
    return content.computed(
        "crisis-choices",
        lambda c: {
            (question.slug, choice.slug)
            for question in c.questions
            for choice in question.related.choices
            if choice.shows_crisis_help
        },
    )


def needs_crisis_help(answers: Answers, content: Content) -> bool:
    """Whether the person ticked an answer marked to show where to get help at once."""
    return bool(answers.chosen_pairs() & crisis_choices(content))


def health_topics(content: Content) -> int:
    """How many questions the aid asks about health: what it can say it asked, and no more."""
    return content.computed(
        "health-topics",
        lambda c: sum(1 for question in c.questions if question.page.about_health),
    )
