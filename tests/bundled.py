"""The steps of the journey through the bundled content, known before any database exists (for
tests collected with one parameter per step)."""

import functools
from pathlib import Path

import yaml

from decisionaid.journey import JOURNEY, QUESTION_PAGES
from treatments.content import bundled_fixtures

# libyaml's parser when PyYAML has it (as Django's own YAML loading does): ten times faster.
SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def read_yaml(path: Path):
    return yaml.load(Path(path).read_text(encoding="utf-8"), Loader=SafeLoader)


@functools.cache
def question_page_slugs() -> list[str]:
    """The bundled pages of questions, in their order."""
    pages = []
    for path in bundled_fixtures():
        for row in read_yaml(path) or []:
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
