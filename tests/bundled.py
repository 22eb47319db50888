"""The steps of the journey through the bundled content, known before any database exists (for
tests collected with one parameter per step)."""

import functools
from pathlib import Path

import yaml

from decisionaid.journey import JOURNEY, QUESTION_PAGES
from treatments.content import bundled_fixtures


@functools.cache
def question_page_slugs() -> list[str]:
    """The bundled pages of questions, in their order."""
    pages = []
    for path in bundled_fixtures():
        for row in yaml.safe_load(Path(path).read_text()) or []:
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
