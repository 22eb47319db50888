"""The steps of the journey through the bundled content, known before any database exists (for
tests collected with one parameter per step)."""

import functools

import yaml

from decisionaid.journey import JOURNEY, QUESTION_PAGES
from treatments.content import FIXTURE_DIR, bundled_fixtures


@functools.cache
def question_page_slugs() -> list[str]:
    """The bundled pages of questions, in their order."""
    pages = []
    for name in bundled_fixtures():
        for row in yaml.safe_load((FIXTURE_DIR / f"{name}.yaml").read_text()) or []:
            if row["model"] == "treatments.questionpage":
                pages.append(row["fields"])
    return [page["slug"] for page in sorted(pages, key=lambda page: page["order"])]


def step_slugs() -> list[str]:
    """Every form step of the journey through the bundled content, in order."""
    slugs = []
    for stop in JOURNEY:
        if stop is QUESTION_PAGES:
            slugs += question_page_slugs()
        elif stop.is_form:
            slugs.append(stop.slug)
    return slugs
