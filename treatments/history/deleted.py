"""Deleted items, and restoring one with the parts deleted with it."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, cast

from django.core.exceptions import FieldDoesNotExist, ObjectDoesNotExist, ValidationError
from django.db import IntegrityError, models, transaction

from treatments.history.records import (
    DELETED_TOGETHER,
    RESTORED,
    content_models,
    describe,
    history_of,
    kind_of,
    m2m_history_model,
    through_names,
    tracked_m2m_fields,
)

# -- Deleted items -------------------------------------------------------------------------


@dataclass
class Deleted:
    record: Any  # the history record of the deletion (simple_history's models are untyped)
    model: type[models.Model]
    belongs_to: str = ""

    @property
    def kind(self) -> str:
        return kind_of(self.model)

    @property
    def model_name(self) -> str:
        # Django sets it on every model class; the stubs also allow None.
        return cast(str, self.model._meta.model_name)

    @property
    def description(self) -> str:
        return describe(self.record)


def deleted_items(model_list: Iterable[type[models.Model]] | None = None) -> list[Deleted]:
    """Every content item deleted and not since restored, with its latest deletion, newest first."""
    items = []
    for model in model_list or content_models():
        pk_name = model._meta.pk.attname
        records = (
            history_of(model)
            .filter(history_type="-")
            .exclude(**{f"{pk_name}__in": model._default_manager.values("pk")})
            .select_related("history_user")
            .order_by(pk_name, "-history_date", "-history_id")
        )
        seen = set()
        for record in records:
            if getattr(record, pk_name) not in seen:
                seen.add(getattr(record, pk_name))
                items.append(Deleted(record, model))
    items.sort(key=lambda item: item.record.history_date, reverse=True)
    _name_what_they_belong_to(items)
    return items


def parent_field(model) -> models.ForeignKey | None:
    """The link to what an item belongs to: an option, a page, a question."""
    for name in ("option", "page", "question"):
        try:
            found = model._meta.get_field(name)
        except FieldDoesNotExist:
            continue
        if isinstance(found, models.ForeignKey):
            return found
    return None


def _name_what_they_belong_to(items: list[Deleted]) -> None:
    wanted: dict[type[models.Model], set[int]] = {}
    for item in items:
        parent = parent_field(item.model)
        if parent is not None:
            # Once the apps are loaded a link's related_model is a model class, never "self".
            related = cast(type[models.Model], parent.related_model)
            wanted.setdefault(related, set()).add(getattr(item.record, parent.attname))
    names = {}
    for model, ids in wanted.items():
        for obj in model._default_manager.filter(pk__in=ids):
            names[model, obj.pk] = str(obj)
        for pk in ids:
            if (model, pk) not in names:
                last = last_record(model, pk)
                names[model, pk] = f"{describe(last)} (deleted)" if last else "(deleted)"
    for item in items:
        parent = parent_field(item.model)
        if parent is not None:
            related = cast(type[models.Model], parent.related_model)
            name = names[related, getattr(item.record, parent.attname)]
            item.belongs_to = f"{kind_of(parent.related_model)}: {name}"


def last_record(model, pk):
    """The newest history record of one item, or None."""
    if "simple_history_manager_attribute" not in vars(model._meta):
        return None
    records = history_of(model).filter(**{model._meta.pk.attname: pk})
    return records.order_by("-history_date", "-history_id").first()


class CannotRestore(Exception):
    """Why an item cannot be restored, in words an editor can act on."""


@dataclass
class Restored:
    obj: models.Model
    parts: list[models.Model] = field(default_factory=list)
    sources_missing: int = 0  # sources it had that are themselves deleted now
    cited_again: int = 0  # items that cited it when it was deleted, and cite it again


def find_deleted(model_name: str, history_id) -> tuple[type[models.Model], object]:
    """The deletion record `history_id` of a content model, if its item is still deleted."""
    model = next((m for m in content_models() if m._meta.model_name == model_name), None)
    if model is None:
        raise CannotRestore("There is no such kind of content.")
    try:
        record = history_of(model).get(history_id=int(history_id), history_type="-")
    except (ValueError, TypeError, OverflowError, ObjectDoesNotExist):
        raise CannotRestore(
            "That deleted item was not found. It may have been restored already."
        ) from None
    if model._default_manager.filter(pk=record.instance.pk).exists():
        raise CannotRestore(f"“{describe(record)}” has been restored already.")
    return model, record


def restore(model, record, user=None) -> Restored:
    """Put a deleted item back as it was when deleted, with the sources it had, and the parts
    deleted together with it. Raises CannotRestore, changing nothing, when that is not possible."""
    try:
        with transaction.atomic():
            obj, missing = _restore_one(model, record, user)
            restored = Restored(obj, sources_missing=missing)
            restored.cited_again = _cite_again(model, record)
            waiting = _deleted_with(model, record)
            while waiting:
                part_model, part_record = waiting.pop(0)
                part, missing = _restore_one(part_model, part_record, user)
                restored.parts.append(part)
                restored.sources_missing += missing
                restored.cited_again += _cite_again(part_model, part_record)
                waiting.extend(_deleted_with(part_model, part_record))
    except IntegrityError:
        raise CannotRestore(
            f"“{describe(record)}” cannot be restored as it was: something added since takes "
            "its place, or it breaks a rule of the content. Change that, then try again."
        ) from None
    return restored


def _restore_one(model, record, user) -> tuple[models.Model, int]:
    """Save one deleted item again; returns it and how many of its sources no longer exist."""
    obj = record.instance
    for fk in obj._meta.concrete_fields:
        target = getattr(obj, fk.attname) if isinstance(fk, models.ForeignKey) else None
        if target is not None and not fk.related_model._default_manager.filter(pk=target).exists():
            raise CannotRestore(_missing_target(fk, target, record))
    try:
        obj.validate_unique()
        obj.validate_constraints()
    except ValidationError as error:
        raise CannotRestore(
            f"“{describe(record)}” cannot be restored: {' '.join(error.messages)} "
            "Change or delete that one first."
        ) from None
    obj._history_user = user
    obj._change_reason = RESTORED
    obj.save(force_insert=True)

    missing = 0
    before = (
        history_of(model)
        .filter(**{model._meta.pk.attname: obj.pk}, history_date__lte=record.history_date)
        .exclude(history_type="-")
        .order_by("-history_date", "-history_id")
        .first()
    )
    for m2m_field in tracked_m2m_fields(model) if before is not None else []:
        _, other = through_names(m2m_field)
        wanted = set(getattr(before, m2m_field.name).values_list(other, flat=True))
        existing = set(
            cast(type[models.Model], m2m_field.related_model)
            ._default_manager.filter(pk__in=wanted)
            .values_list("pk", flat=True)
        )
        missing += len(wanted - existing)
        if existing:
            getattr(obj, m2m_field.name).set(existing)
    return obj, missing


def _cite_again(model, record) -> int:
    """Link a restored item again from every item still here that linked to it when it was
    deleted (a restored source is cited again by the claims that cited it). Deleting it took
    those links away in the database alone, so each item's history still shows them."""
    pk = getattr(record, model._meta.pk.attname)
    linked_again = 0
    for citing in content_models():
        for m2m_field in tracked_m2m_fields(citing):
            if m2m_field.related_model is not model:
                continue
            _, other = through_names(m2m_field)
            citing_records = set(
                m2m_history_model(citing, m2m_field)
                .objects.filter(**{other: pk})
                .values_list("history_id", flat=True)
            )
            pk_name = citing._meta.pk.attname
            records = (
                history_of(citing)
                .filter(history_date__lte=record.history_date)
                .filter(
                    **{
                        f"{pk_name}__in": history_of(citing)
                        .filter(history_id__in=citing_records)
                        .values(pk_name)
                    }
                )
                .exclude(history_type="-")
                .order_by(pk_name, "-history_date", "-history_id")
            )
            latest: dict[Any, Any] = {}
            for entry in records:
                latest.setdefault(getattr(entry, pk_name), entry)
            still_citing = [
                item_pk for item_pk, entry in latest.items() if entry.history_id in citing_records
            ]
            for item in citing._default_manager.filter(pk__in=still_citing):
                getattr(item, m2m_field.name).add(pk)
                linked_again += 1
    return linked_again


def _missing_target(fk, target, record) -> str:
    what = fk.related_model._meta.verbose_name
    last = last_record(fk.related_model, target)
    if last is not None:
        return (
            f"“{describe(record)}” belongs to the {what} “{describe(last)}”, which is deleted. "
            f"Restore that {what} first."
        )
    return (
        f"“{describe(record)}” belongs to a {what} that no longer exists, so it cannot come back."
    )


def _deleted_with(model, record) -> list[tuple[type[models.Model], object]]:
    """The parts deleted with an item: linked to it, deleted by the same person at the time."""
    found = []
    pk = getattr(record, model._meta.pk.attname)
    for part_model in content_models():
        links = [
            fk
            for fk in part_model._meta.concrete_fields
            if isinstance(fk, models.ForeignKey)
            and fk.related_model is model
            and fk.remote_field.on_delete is models.CASCADE
        ]
        if not links:
            continue
        for item in deleted_items([part_model]):
            part = item.record
            if (
                any(getattr(part, fk.attname) == pk for fk in links)
                and abs(part.history_date - record.history_date) <= DELETED_TOGETHER
                and part.history_user_id == record.history_user_id
            ):
                found.append((part_model, part))
    return found
