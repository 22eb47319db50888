"""Published versions: what publishing writes, and the content patients' pages render from.

Publishing serialises everything patients can see (the published options and their parts, the
questionnaire, values, information pages, glossary and sources) into one `Release` row. Patient
pages never read the editors' tables: each process turns the current release into a graph of
model instances once (`Content`), and every request reuses it. A request costs one small query,
to learn which release is current, so a newly published version is what the very next request
shows in every process.
"""

import datetime
import hashlib
import json
import logging
import threading
from collections import defaultdict
from collections.abc import Callable, Sequence
from typing import cast

from django.core import serializers
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import DatabaseError, IntegrityError, connection, models, transaction
from django.db.models import Q
from django.http import Http404
from django.utils import timezone

from treatments.content import for_serializing
from treatments.models import (
    Aid,
    Consideration,
    KnowledgeQuestion,
    Option,
    Page,
    Question,
    QuestionPage,
    Release,
    SuggestedQuestion,
    Term,
    Value,
)
from treatments.schema import Lists, published_models

log = logging.getLogger("treatments.releases")

# The database alias a published row names: none, so a row never queries the editors' tables.
PUBLISHED = "published version"

# The shape of a release's content as this code writes it. A change to the content model that
# renames or moves what a version holds adds one step to UPGRADES and raises this number, so
# every earlier version stays readable without rewriting it. (Added fields need no step: a row
# without them takes their defaults, and fields that are gone are skipped.)
RELEASE_FORMAT = 1
# From format n to n + 1: a function from the content as written to the content one step on.
UPGRADES: dict[int, Callable[[list[dict]], list[dict]]] = {}


def upgrade(content: list[dict], written_in: int) -> list[dict]:
    """A release's content in the shape this code reads, whatever shape it was written in."""
    if written_in > RELEASE_FORMAT:
        raise ValueError(f"Content of format {written_in} is newer than this code reads.")
    for format in range(written_in, RELEASE_FORMAT):
        content = UPGRADES[format](content)
    return content


def content_of(release: Release) -> list[dict]:
    return upgrade(release.content, release.format)


class NotPublishable(ValidationError):
    """The draft breaks the publication rules; `problems` names each option and what to fix."""

    def __init__(self, problems: dict[str, list[str]]):
        self.problems = problems
        super().__init__(
            [f"{name}: {problem}" for name, found in problems.items() for problem in found]
        )


def published_rows(model: type[models.Model], include: str = "") -> models.QuerySet:
    """The model's rows patients can see: only published options and their parts (and the
    option `include`, published or not, for a preview)."""
    rows = model._default_manager.all()
    if model is Option:
        return rows.filter(Q(status=Option.Status.READY) | Q(slug=include))
    if any(field.name == "option" for field in model._meta.concrete_fields):
        return rows.filter(Q(option__status=Option.Status.READY) | Q(option__slug=include))
    return rows


def draft_content(include: str = "") -> list[dict]:
    """The editors' tables as they stand, in the serialised form a release keeps.

    Each model's rows come in its own ordering, so every list rebuilt from them (an option's
    claims, a question's choices) keeps the order editors gave it.
    """
    rows = []
    for model in published_models():
        published = for_serializing(published_rows(model, include), natural_keys=False)
        rows += json.loads(serializers.serialize("json", published))
    return rows


def digest_of(content: list[dict]) -> str:
    canonical = json.dumps(content, sort_keys=True, cls=DjangoJSONEncoder, ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def problems_in_draft() -> dict[str, list[str]]:
    """Every option marked for publishing, and every knowledge question, that breaks the rules,
    with what to fix."""
    problems = {}
    for option in Option.objects.ready().with_content().order_by("name"):
        if found := option.publication_problems():
            problems[option.name] = found
    for question in KnowledgeQuestion.objects.prefetch_related("choices", "sources"):
        if found := question.publication_problems():
            problems[f"Knowledge question “{question.text}”"] = found
    return problems


@transaction.atomic
def publish(by: str, reason: str, *, again: Release | None = None) -> Release:
    """Publish the draft (or an earlier version, again) as the next numbered version.

    Raises NotPublishable when an option marked for publishing breaks the rules, and
    ValidationError when no reason is given.
    """
    if not reason.strip():
        raise ValidationError("Say why this version is published.")
    if again is None:
        if problems := problems_in_draft():
            raise NotPublishable(problems)
        content = draft_content()
    else:
        content = content_of(again)
    latest = Release.objects.select_for_update().order_by("-number").first()
    release = Release(
        number=(latest.number if latest else 0) + 1,
        published_by=by,
        reason=reason.strip(),
        republished_from=again,
        content=content,
        format=RELEASE_FORMAT,
        digest=digest_of(content),
    )
    try:
        release.save()
    except IntegrityError as error:  # someone else published this number a moment before
        raise ValidationError("Someone else published at the same moment. Try again.") from error
    return release


def options_in(content: list[dict]) -> list[tuple[str, str]]:
    """(slug, name) of every option in a version's content, by name."""
    found = [
        (row["fields"]["slug"], row["fields"]["name"])
        for row in content
        if row["model"] == "treatments.option"
    ]
    return sorted(found, key=lambda pair: pair[1].lower())


class Content:
    """One release's content as model instances, every relation already in memory.

    Built once per process per release, through Django's public API: each row is made with
    `Model.from_db`, its parents are set through their foreign keys, and its to-many lists are
    fixed in `row.related` (`option.related.claims`, `claim.related.sources`), which rows read
    from the database answer the same way. It never touches the editors' tables.
    """

    def __init__(
        self,
        content: list[dict],
        *,
        number: int | None = None,
        digest: str = "",
        published_at: datetime.datetime | None = None,
    ):
        self.number = number
        self.digest = digest or digest_of(content)
        self.published_on = timezone.localdate(published_at) if published_at else None
        self.rows: dict[type[models.Model], dict] = defaultdict(dict)
        many: list[tuple[models.Model, str, Sequence]] = []
        for item in serializers.deserialize("python", content, ignorenonexistent=True):
            instance = _as_published(item.object)
            self.rows[type(instance)][instance.pk] = instance
            many += [(instance, name, pks) for name, pks in (item.m2m_data or {}).items()]
        self._link(many)

        self._aid = next(iter(self.rows[Aid].values()), None)
        self.options = sorted(self.rows[Option].values(), key=lambda o: (o.name.lower(), o.pk))
        self.option_by_slug = {option.slug: option for option in self.options}
        self.question_pages = sorted(
            self.rows[QuestionPage].values(), key=lambda page: (page.order, page.pk)
        )
        # Page by page, each page's questions in the order editors gave them.
        self.questions = [q for page in self.question_pages for q in page.related.questions]
        self.values = list(self.rows[Value].values())
        self.value_by_slug = {value.slug: value for value in self.values}
        self.suggested_questions = list(self.rows[SuggestedQuestion].values())
        self.knowledge_questions = list(self.rows[KnowledgeQuestion].values())
        self.pages = list(self.rows[Page].values())
        self.page_by_slug = {page.slug: page for page in self.pages}
        self.footer_pages = [page for page in self.pages if page.show_in_footer]
        self.up_front_pages = [page for page in self.pages if page.up_front]
        self.after_options_pages = [page for page in self.pages if page.after_options]
        self.terms = sorted(self.rows[Term].values(), key=lambda term: term.term.lower())
        self.considerations = list(self.rows[Consideration].values())
        reviewed = [option.last_reviewed_on for option in self.options if option.last_reviewed_on]
        self.last_reviewed = max(reviewed, default=None)
        self._cache: dict = {}

    def _link(self, many: list[tuple[models.Model, str, Sequence]]) -> None:
        children: dict[tuple[models.Model, str | None], list] = defaultdict(list)
        # Foreign keys: the parent on each child, and each parent's list in the child's order.
        for model, instances in self.rows.items():
            for field in model._meta.concrete_fields:
                if not field.many_to_one:
                    continue
                # A foreign key: it points at a model class and has a reverse side.
                targets = self.rows.get(cast(type[models.Model], field.related_model), {})
                for instance in instances.values():
                    target = targets.get(getattr(instance, field.attname))
                    if target is not None:
                        setattr(instance, field.name, target)
                        remote = cast(models.ForeignObjectRel, field.remote_field)
                        children[(target, remote.get_accessor_name())].append(instance)
        # Many-to-many, both ways, in primary key order.
        for instance, name, pks in many:
            # The serializer's m2m_data names forward many-to-many fields only.
            field = cast(models.ManyToManyField, type(instance)._meta.get_field(name))
            targets = self.rows.get(cast(type[models.Model], field.related_model), {})
            found = sorted((targets[pk] for pk in pks if pk in targets), key=lambda t: t.pk)
            children[(instance, name)] = found
            for target in found:
                children[(target, field.remote_field.get_accessor_name())].append(instance)
        # Every list on every row, empty ones too, so none of them falls back to a query.
        for model, instances in self.rows.items():
            names = _related_lists(model)
            for instance in instances.values():
                instance.related = Lists(
                    {name: tuple(children.get((instance, name), ())) for name in names}
                )

    @property
    def aid(self) -> Aid:
        """The aid's name and home page; neutral words in a version that has none."""
        return self._aid or Aid.unnamed()

    def option(self, slug: str) -> Option:
        try:
            return self.option_by_slug[slug]
        except KeyError:
            raise Http404("No published option has that address.") from None

    def page(self, slug: str) -> Page:
        try:
            return self.page_by_slug[slug]
        except KeyError:
            raise Http404("No information page has that address.") from None

    def questions_on(self, page: QuestionPage) -> list[Question]:
        return list(page.related.questions)

    def considerations_for(self, pairs: set[tuple[str, str]]) -> list[Consideration]:
        """Considerations raised by (question slug, choice slug) pairs, in the content's order."""
        by_pair = self.computed("considerations_by_pair", _considerations_by_pair)
        found = [found for pair in pairs for found in by_pair.get(pair, ())]
        return [c for _, c in sorted(found, key=lambda numbered: numbered[0])]

    @property
    def footer_links(self) -> list[tuple[str, str]]:
        """(title, address) of each page in the footer, worked out once for the version."""
        return self.computed(
            "footer_links", lambda c: [(p.title, p.get_absolute_url()) for p in c.footer_pages]
        )

    def computed(self, key: str, make):
        """`make(self)`, worked out once for this release in this process."""
        if key not in self._cache:
            self._cache[key] = make(self)
        return self._cache[key]


def _considerations_by_pair(content: Content) -> dict[tuple[str, str], list]:
    """Each answer's considerations, as (place in the content's order, consideration)."""
    by_pair: dict[tuple[str, str], list] = {}
    for place, c in enumerate(content.considerations):
        if c.choice is not None and c.option is not None:
            by_pair.setdefault((c.choice.question.slug, c.choice.slug), []).append((place, c))
    return by_pair


def _as_published(row: models.Model) -> models.Model:
    """The row as one read from a published version. Its database is an alias that does not
    exist, so anything that tries to query through it fails loudly instead of reading the
    editors' tables."""
    concrete = type(row)._meta.concrete_fields
    return type(row).from_db(
        PUBLISHED, [f.attname for f in concrete], [getattr(row, f.attname) for f in concrete]
    )


def _related_lists(model: type[models.Model]) -> list[str]:
    """The names of the model's to-many lists among the published models."""
    published = published_models()
    names = []
    for field in model._meta.get_fields():
        if not field.is_relation or field.related_model not in published:
            continue
        if field.many_to_many and field.concrete:
            names.append(field.name)
        # Any other to-many relation here is the reverse side of a link.
        elif (field.many_to_many or field.one_to_many) and cast(
            models.ForeignObjectRel, field
        ).get_accessor_name():
            names.append(cast(models.ForeignObjectRel, field).get_accessor_name())
    return names


NOTHING_PUBLISHED = Content([], number=None, digest="")
_current: dict[str, Content] = {}
_current_lock = threading.Lock()


def content_in_memory() -> Content | None:
    """The content this process last built, without asking the database (for the error page)."""
    return _current.get("content")


def _latest_release() -> tuple[int, str] | None:
    """The current release's number and digest. Every patient request asks, so in plain SQL:
    the ORM's compiling of the same query cost eight times the query itself (0.59 ms against
    0.07 ms on SQLite here)."""
    table = connection.ops.quote_name(Release._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT number, digest FROM {table} ORDER BY number DESC LIMIT 1")
        row = cursor.fetchone()
    return (row[0], row[1]) if row else None


def current_content() -> Content:
    """The current release's content: one query to learn which release is current, and one more
    (with the build) only the first time a process meets a new release.

    If the database cannot be reached, patients keep getting the version this process last built
    (and a warning is logged); only a process that has built none fails."""
    try:
        latest = _latest_release()
    except DatabaseError as error:
        kept = _current.get("content")
        if kept is None:
            raise
        log.warning("The database is unreachable (%s); serving version %s.", error, kept.number)
        return kept
    if latest is None:
        return NOTHING_PUBLISHED
    number, digest = latest
    found = _current.get("content")
    if found is not None and (found.number, found.digest) == (number, digest):
        return found
    with _current_lock:
        found = _current.get("content")
        if found is None or (found.number, found.digest) != (number, digest):
            release = Release.objects.only("content", "format", "published_at").get(number=number)
            found = Content(
                content_of(release),
                number=number,
                digest=digest,
                published_at=release.published_at,
            )
            _current["content"] = found
    return found


def draft_preview(include: str = "") -> Content:
    """The editors' draft as it would be published now, with the option `include` even if it is
    not marked for publishing, for a preview (never cached)."""
    return Content(draft_content(include))
