"""The content model, declared once: what a published version holds, and what an option's parts are.

Everything that walks the content follows from these two lists: the prefetch of an option page
(`Option.objects.with_content()`), the rows a release keeps and their order, the bundled files
`export_content` writes, an option's history with its parts, the sources an option cites, the texts
the reading-grade check reads, the publication rules and the admin's links to each long group.

To add a kind of part: write its model (on `CitesSources`, with a foreign key `option` with a
`related_name`, its sources in a many-to-many or foreign key to `Source`, `HistoricalRecords`,
`patient_texts()`), declare it in `OPTION_PARTS`, make
its migrations (`grant_editor_permissions` in a data migration lets Editors edit it) and, if
editors edit it on a page of its own, register its admin. tests/test_schema.py shows it.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from django.apps import apps
from django.db import models

APP = "treatments"


@dataclass(frozen=True)
class Part:
    """One kind of an option's parts: rows that belong to one option, by their `option` field."""

    model_name: str
    # Rows this part's rows point to that an option page shows (beyond sources, found by itself).
    shows: tuple[str, ...] = ()
    # Edited on a page of its own, filtered to the option, rather than inline on the option's page.
    own_page: bool = False
    # Every row must cite a source before the option can be published (a claim's rule is its own).
    needs_sources: bool = True
    # What editors and the publication rules call one of them, when not the model's own name.
    called: str = ""

    @property
    def model(self) -> type[models.Model]:
        return apps.get_model(APP, self.model_name)

    @property
    def related_name(self) -> str:
        """The option's list of these parts: `option.<related_name>`."""
        field = self.model._meta.get_field("option")
        assert isinstance(field, models.ForeignKey)
        return field.remote_field.get_accessor_name() or ""

    @property
    def noun(self) -> str:
        return self.called or str(self.model._meta.verbose_name)


# An option's parts, in the order an option page and the bundled files list them.
OPTION_PARTS: list[Part] = [
    Part("claim", needs_sources=False),
    Part("claimcheck", own_page=True),
    Part("cost", needs_sources=False),
    Part("availability", called="note on where it is offered"),
    Part("study", own_page=True, needs_sources=False),
    Part(
        "consideration", shows=("choice__question",), own_page=True, called="personal consideration"
    ),
    Part("valuerating", shows=("value",), own_page=True, needs_sources=False),
]

# What every option shares (the aid, sources, questionnaire, values, knowledge check, pages,
# glossary), parents before children: the bundled files load them first.
SHARED_MODELS: list[str] = [
    "aid",
    "source",
    "questionpage",
    "question",
    "choice",
    "value",
    "suggestedquestion",
    "knowledgequestion",
    "knowledgechoice",
    "page",
    "pagesection",
    "term",
]


def model(name: str) -> type[models.Model]:
    return apps.get_model(APP, name)


def shared_models() -> list[type[models.Model]]:
    return [model(name) for name in SHARED_MODELS]


def part_models() -> list[type[models.Model]]:
    return [part.model for part in OPTION_PARTS]


def published_models() -> list[type[models.Model]]:
    """Every model a published version holds, parents before children."""
    return [*shared_models(), model("option"), *part_models()]


def is_source(field) -> bool:
    return field.is_relation and field.related_model is model("source")


def source_fields(of: type[models.Model]) -> tuple[list[str], list[str]]:
    """The names of a model's sources: (its many-to-many lists, its foreign keys)."""
    many = [f.name for f in of._meta.many_to_many if is_source(f)]
    single = [f.name for f in of._meta.concrete_fields if f.many_to_one and is_source(f)]
    return many, single


def sources_in(row: Any) -> Iterator[Any]:
    """Every source one row cites, from its prefetched lists and cached foreign keys."""
    many, single = source_fields(type(row))
    for name in single:
        if (source := getattr(row, name)) is not None:
            yield source
    for name in many:
        yield from getattr(row.related, name)


def option_prefetches(*, for_editors: bool = False) -> list[models.Prefetch]:
    """What `Option.objects.with_content()` prefetches: every part, with what it shows and
    cites, and the option's own certainty sources, in a fixed number of queries.

    `for_editors` leaves out the source lists the option's admin page never reads: those of
    parts edited on their own pages, unless the publication rules need them to tell whether a
    row cites anything (a part that names a source in a field of its own always does)."""
    Source = model("source")
    in_order = Source._default_manager.order_by("pk")
    found = []
    for part in OPTION_PARTS:
        many, single = source_fields(part.model)
        if for_editors and part.own_page and (single or not part.needs_sources):
            many = []
        rows = part.model._default_manager.select_related(*single, *part.shows).prefetch_related(
            *(models.Prefetch(name, queryset=in_order) for name in many)
        )
        found.append(models.Prefetch(part.related_name, queryset=rows))
    many, _ = source_fields(model("option"))
    found += [models.Prefetch(name, queryset=in_order) for name in many]
    return found


def option_sources(option: Any, parts: list[Part] = OPTION_PARTS) -> Iterator[Any]:
    """Every source an option's page cites (or those of some of its parts, and the option's
    own), from its prefetched parts."""
    for part in parts:
        for row in getattr(option.related, part.related_name):
            yield from sources_in(row)
    yield from sources_in(option)


class RelatedLists:
    """A row's to-many lists, read one way whether the row comes from a published version or
    from the database: `option.related.claims`, `claim.related.sources`.

    A published version's content sets each row's `related` to a `Lists` of what the version
    holds; a row read from the database falls back to its managers (and so to what
    `prefetch_related` fetched)."""

    def __init__(self, row: Any):
        self._row = row

    def __getattr__(self, name: str) -> tuple:
        if name.startswith("_"):
            raise AttributeError(name)
        return tuple(getattr(self._row, name).all())


class Lists:
    """A published row's to-many lists, fixed when the version's content is built."""

    __slots__ = ("_lists",)
    _lists: dict[str, tuple]

    def __init__(self, lists: dict[str, tuple]):
        object.__setattr__(self, "_lists", lists)

    def __getattr__(self, name: str) -> tuple:
        try:
            return self._lists[name]
        except KeyError:
            raise AttributeError(name) from None

    def __setattr__(self, name, value):
        raise AttributeError("A published version's content cannot change.")


class HasRelated:
    """Mixed into every content model: `row.related.<list>` (see RelatedLists)."""

    @cached_property
    def related(self) -> RelatedLists | Lists:
        return RelatedLists(self)
