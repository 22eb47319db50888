"""Reading the content's history: which models keep one, a record in words, and an option's
history with all its parts."""

import datetime
import heapq
from typing import Any, cast

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.text import Truncator, capfirst

from treatments.schema import part_models

LOADED = "Loaded from the bundled content"
RELOADED = "Reloaded from the bundled content"
RESTORED = "Restored from the deleted items"
# Parts deleted by the same person within this long of the item they belong to were deleted
# with it (Django deletes an option's claims, costs... in the same moment as the option).
DELETED_TOGETHER = datetime.timedelta(seconds=30)


def content_models() -> list[type[models.Model]]:
    """Every model of the content whose history is kept."""
    return [
        model
        for model in apps.get_app_config("treatments").get_models()
        if "simple_history_manager_attribute" in vars(model._meta)
    ]


def history_of(model: type[models.Model]):
    # simple_history adds this to the model's options; Django's stubs do not know it.
    return getattr(model, cast(Any, model._meta).simple_history_manager_attribute)


def tracked_m2m_fields(model) -> list[models.ManyToManyField]:
    return list(getattr(history_of(model).model, "_history_m2m_fields", []))


def m2m_history_model(model, m2m_field):
    """The model holding the rows of `m2m_field` as each history record saw them."""
    return getattr(history_of(model).model, m2m_field.name).model


# -- Describing a history record in words ----------------------------------------------------

TITLE_FIELDS = ("name", "title", "statement", "term", "label", "heading", "text", "claim", "design")


def describe(record) -> str:
    """A short description of what a history record is about, without touching other tables."""
    obj = record.instance
    if obj._meta.model_name == "cost":
        return str(obj)
    if obj._meta.model_name == "source":
        return f"{obj.short_citation}: {obj.title}"
    names = {f.name for f in obj._meta.fields}
    words = next((getattr(obj, n) for n in TITLE_FIELDS if n in names and getattr(obj, n)), "")
    for prefix in ("kind", "region"):
        if prefix in names:
            words = f"{getattr(obj, f'get_{prefix}_display')()}: {words}"
    return Truncator(words or f"number {obj.pk}").chars(90)


class _AsRecord:
    """A row dressed as a history record, for `describe`."""

    def __init__(self, row: models.Model):
        self.instance = row


def describe_row(row: models.Model) -> str:
    """A row in a few words, as `describe` says a record of it."""
    return describe(_AsRecord(row))


def kind_of(model) -> str:
    return capfirst(model._meta.verbose_name)


def field_label(model, name: str) -> str:
    try:
        return capfirst(model._meta.get_field(name).verbose_name)
    except FieldDoesNotExist:  # a field since removed
        return capfirst(name.replace("_", " "))


def what_happened(record) -> str:
    """ "Added", "Deleted", or "Changed: Text, Sources" (compared with the entry before)."""
    if record.history_type == "+":
        return "Added"
    if record.history_type == "-":
        return "Deleted"
    previous = record.prev_record
    if previous is None:
        return "Changed"
    changed = record.diff_against(previous).changed_fields
    if not changed:
        return "Saved with no change to what it says"
    model = record.instance_type
    return "Changed: " + ", ".join(field_label(model, name) for name in changed)


# -- An option's history with its parts -------------------------------------------------------


class PartsHistory:
    """The history records of every part of one option (deleted parts included), newest first.

    Acts as a sequence for Django's Paginator: a page needs only the newest few records of each
    kind, merged, so its cost does not grow with the whole history.
    """

    def __init__(self, option_id: int):
        self.querysets = [
            history_of(model)
            .filter(option_id=option_id)
            .select_related("history_user")
            .order_by("-history_date", "-history_id")
            for model in part_models()
        ]

    def count(self) -> int:
        return sum(qs.count() for qs in self.querysets)

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index):
        if not isinstance(index, slice):
            raise TypeError("Take a slice of the parts' history.")
        start, stop = index.start or 0, index.stop
        newest = (list(qs[:stop]) for qs in self.querysets)
        merged = heapq.merge(*newest, key=lambda r: r.history_date, reverse=True)
        return list(merged)[start:stop]


def through_names(m2m_field) -> tuple[str, str]:
    """The through table's columns for this side and the other (e.g. claim_id, source_id)."""
    through = m2m_field.remote_field.through
    own = through._meta.get_field(m2m_field.m2m_field_name()).attname
    other = through._meta.get_field(m2m_field.m2m_reverse_field_name()).attname
    return own, other


def recorded_m2m(model, m2m_field, history_ids) -> dict[int, set[int]]:
    _, other = through_names(m2m_field)
    linked: dict[int, set[int]] = {}
    rows = m2m_history_model(model, m2m_field).objects.filter(history_id__in=list(history_ids))
    for history_id, target_id in rows.values_list("history_id", other):
        linked.setdefault(history_id, set()).add(target_id)
    return linked
