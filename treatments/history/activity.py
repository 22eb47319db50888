"""The site-wide log: every change to the published content, newest first, by whom, filterable by
person, option and dates. Built on the history records each content model keeps; the models come
from the schema (`published_models`), never listed by hand."""

import datetime
import heapq
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.db.models import F, IntegerField, Value
from django.db.models.functions import Cast
from django.utils import timezone

from treatments.history.records import describe_row, history_of, kind_of
from treatments.schema import model, published_models

ACTIONS = {"+": "Added", "~": "Changed", "-": "Deleted"}


@dataclass(frozen=True)
class Filters:
    """What the log is narrowed to; None means everyone, every option, any date."""

    person_id: int | None = None
    option_id: int | None = None
    since: datetime.date | None = None
    until: datetime.date | None = None


@dataclass
class Entry:
    """One line of the log."""

    record: Any
    model: type[models.Model]
    option_id: int | None
    kind: str = ""
    action: str = ""
    description: str = ""
    option_name: str = ""
    url: str = ""  # the admin's page for the item, set by the admin
    option_url: str = ""


def _start_of(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def _option_column(kind) -> F | Cast:
    """The option a model's rows belong to, as a column: itself, its `option`, or none."""
    if kind._meta.model_name == "option":
        return F(kind._meta.pk.attname)
    if any(f.name == "option" for f in kind._meta.fields):
        return F("option_id")
    # Typed, so that PostgreSQL can unite it with the ids of the other kinds.
    return Cast(Value(None), output_field=models.BigIntegerField())


class Activity:
    """Every history record of the content, newest first, as a sequence for Django's Paginator.

    One query counts and one query picks a page (a union over every model's records); the page's
    records are then read one query per kind of content on the page.
    """

    def __init__(self, model_list: list[type[models.Model]], filters: Filters = Filters()):
        self.models = {m._meta.model_name: m for m in published_models() if m in model_list}
        self.filters = filters
        self._count: int | None = None

    def _records(self, kind) -> Any:
        """A kind's history records within the filters, each with its option as `option_key`;
        None when the option filter leaves out every record of the kind (shared content)."""
        option = _option_column(kind)
        f = self.filters
        if f.option_id is not None and isinstance(option, Cast):
            return None
        qs = history_of(kind).annotate(option_key=option)
        if f.person_id is not None:
            qs = qs.filter(history_user_id=f.person_id)
        if f.option_id is not None:
            qs = qs.filter(option_key=f.option_id)
        if f.since is not None:
            qs = qs.filter(history_date__gte=_start_of(f.since))
        if f.until is not None:
            qs = qs.filter(history_date__lt=_start_of(f.until + datetime.timedelta(days=1)))
        return qs

    def _keys(self):
        """History ids, dates, kinds and options of every record, one union, unordered."""
        parts = []
        for index, kind in enumerate(self.models.values()):
            qs = self._records(kind)
            if qs is None:
                continue
            parts.append(
                qs.annotate(model_index=Value(index, output_field=IntegerField()))
                .order_by()
                .values_list("history_id", "history_date", "model_index", "option_key")
            )
        if not parts:
            return None
        first, *rest = parts
        return first.union(*rest, all=True) if rest else first

    def count(self) -> int:
        if self._count is None:
            keys = self._keys()
            self._count = 0 if keys is None else keys.count()
        return self._count

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index):
        if not isinstance(index, slice):
            raise TypeError("Take a slice of the log.")
        keys = self._keys()
        if keys is None:
            return []
        page = list(keys.order_by("-history_date", "-history_id")[index])
        models_by_index = list(self.models.values())
        wanted: dict[int, list[int]] = {}
        for history_id, _, model_index, _ in page:
            wanted.setdefault(model_index, []).append(history_id)
        records = {}
        for model_index, ids in wanted.items():
            kind = models_by_index[model_index]
            for record in (
                history_of(kind).filter(history_id__in=ids).select_related("history_user")
            ):
                records[model_index, record.history_id] = record
        entries = [
            Entry(records[model_index, history_id], models_by_index[model_index], option_id)
            for history_id, _, model_index, option_id in page
        ]
        _describe(entries)
        return entries

    def entries(self) -> Iterator[Entry]:
        """Every entry, newest first, read as it goes (for a download of the whole log): one
        query per kind of content and two for the options' names, however long the log."""
        names = _option_names()
        newest_first = []
        for kind in self.models.values():
            qs = self._records(kind)
            if qs is None:
                continue
            records = qs.select_related("history_user").order_by("-history_date", "-history_id")
            newest_first.append(_entries_of(kind, records))
        for entry in heapq.merge(
            *newest_first,
            key=lambda e: (e.record.history_date, e.record.history_id),
            reverse=True,
        ):
            _describe_one(entry, names)
            yield entry


def _entries_of(kind: type[models.Model], records) -> Iterator[Entry]:
    for record in records.iterator(chunk_size=500):
        yield Entry(record, kind, record.option_key)


def _option_names(ids: set[int] | None = None) -> dict[int, str]:
    """Options' names by id (all of them, or those in `ids`), deleted ones marked so."""
    option_model = model("option")
    options = option_model._default_manager.all()
    deleted = history_of(option_model).exclude(id__in=options.values("pk"))
    if ids is not None:
        options, deleted = options.filter(pk__in=ids), deleted.filter(id__in=ids)
    names = dict(options.values_list("pk", "name"))
    if ids is not None and not ids - set(names):
        return names
    for pk, name in deleted.order_by("history_date").values_list("id", "name"):
        names[pk] = f"{name} (deleted)"
    return names


def _describe(entries: list[Entry]) -> None:
    names = _option_names({e.option_id for e in entries if e.option_id is not None})
    for entry in entries:
        _describe_one(entry, names)


def _describe_one(entry: Entry, names: dict[int, str]) -> None:
    entry.kind = kind_of(entry.model)
    entry.action = ACTIONS.get(entry.record.history_type, "Changed")
    entry.description = describe_row(_as_saved(entry.model, entry.record))
    entry.option_name = names.get(entry.option_id, "") if entry.option_id else ""


def _as_saved(kind: type[models.Model], record) -> models.Model:
    """The item as the record saw it. Unlike `record.instance`, fields the history leaves out
    (an option's `updated_at`) stay unset rather than being read again, one query a record."""
    return kind(
        **{
            f.attname: getattr(record, f.attname)
            for f in kind._meta.fields
            if hasattr(record, f.attname)
        }
    )
