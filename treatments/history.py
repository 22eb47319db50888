"""What changed in the content, and when: first entries for loaded content, an option's whole
history, deleted items and their restoring, and the changes since an option was last reviewed.

Every content model keeps its history with django-simple-history. Loading fixtures saves rows
"raw", which records nothing, so `record_loaded_content` gives each row its first entry.
"""

import datetime
import difflib
import heapq
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist, ObjectDoesNotExist, ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
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
    return getattr(model, model._meta.simple_history_manager_attribute)


def tracked_m2m_fields(model) -> list[models.ManyToManyField]:
    return list(getattr(history_of(model).model, "_history_m2m_fields", []))


def m2m_history_model(model, m2m_field):
    """The model holding the rows of `m2m_field` as each history record saw them."""
    return getattr(history_of(model).model, m2m_field.name).model


# -- First entries for loaded content ------------------------------------------------------


def record_loaded_content(reason: str = LOADED, *, changed_reason: str = RELOADED) -> int:
    """Give every content row without a history its first entry (`reason`), and every row that
    differs from its latest entry (after a reload over it) a new one (`changed_reason`).

    Many-to-many sources are recorded with each entry, as simple-history records them on save.
    Returns how many entries were written.
    """
    written = 0
    now = timezone.now()
    with transaction.atomic():
        for model in content_models():
            written += _record_model(model, now, reason, changed_reason)
    return written


def _record_model(model, now, reason, changed_reason) -> int:
    history = history_of(model)
    record_model = history.model
    pk_name = model._meta.pk.attname
    tracked = [f.attname for f in record_model.tracked_fields]
    m2m_fields = tracked_m2m_fields(model)

    latest = {}
    rows = record_model.objects.order_by(pk_name, "history_date", "history_id").values(
        "history_id", "history_type", *tracked
    )
    for row in rows:
        latest[row[pk_name]] = row
    recorded_m2m = {
        f: _recorded_m2m(model, f, [r["history_id"] for r in latest.values()]) for f in m2m_fields
    }
    current_m2m = {f: _current_m2m(f) for f in m2m_fields}

    new, changed = [], []
    for obj in model._default_manager.all():
        last = latest.get(obj.pk)
        if last is None or last["history_type"] == "-":
            new.append(obj)
        elif any(getattr(obj, name) != last[name] for name in tracked) or any(
            current_m2m[f].get(obj.pk, set()) != recorded_m2m[f].get(last["history_id"], set())
            for f in m2m_fields
        ):
            changed.append(obj)

    for objs, why, update in ((new, reason, False), (changed, changed_reason, True)):
        if not objs:
            continue
        history.bulk_history_create(
            objs, update=update, default_change_reason=why, default_date=now, batch_size=500
        )
        if m2m_fields:
            entries = dict(
                record_model.objects.filter(
                    history_date=now,
                    history_change_reason=why,
                    **{f"{pk_name}__in": [o.pk for o in objs]},
                ).values_list(pk_name, "history_id")
            )
            for m2m_field in m2m_fields:
                _copy_m2m_rows(model, m2m_field, entries)
    return len(new) + len(changed)


def _through_names(m2m_field) -> tuple[str, str]:
    """The through table's columns for this side and the other (e.g. claim_id, source_id)."""
    through = m2m_field.remote_field.through
    own = through._meta.get_field(m2m_field.m2m_field_name()).attname
    other = through._meta.get_field(m2m_field.m2m_reverse_field_name()).attname
    return own, other


def _current_m2m(m2m_field) -> dict[int, set[int]]:
    own, other = _through_names(m2m_field)
    linked: dict[int, set[int]] = {}
    for obj_id, target_id in m2m_field.remote_field.through.objects.values_list(own, other):
        linked.setdefault(obj_id, set()).add(target_id)
    return linked


def _recorded_m2m(model, m2m_field, history_ids) -> dict[int, set[int]]:
    _, other = _through_names(m2m_field)
    linked: dict[int, set[int]] = {}
    rows = m2m_history_model(model, m2m_field).objects.filter(history_id__in=list(history_ids))
    for history_id, target_id in rows.values_list("history_id", other):
        linked.setdefault(history_id, set()).add(target_id)
    return linked


def _copy_m2m_rows(model, m2m_field, entries: dict[int, int]) -> None:
    """Record each object's present many-to-many rows with its history entry (object pk -> id)."""
    through = m2m_field.remote_field.through
    own, _ = _through_names(m2m_field)
    names = [f.attname for f in through._meta.fields]
    row_model = m2m_history_model(model, m2m_field)
    rows = [
        row_model(history_id=entries[values[own]], **values)
        for values in through.objects.filter(**{f"{own}__in": list(entries)}).values(*names)
    ]
    row_model.objects.bulk_create(rows, batch_size=500)


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


# -- Deleted items -------------------------------------------------------------------------


@dataclass
class Deleted:
    record: object  # the history record of the deletion
    model: type[models.Model]
    belongs_to: str = ""

    @property
    def kind(self) -> str:
        return kind_of(self.model)

    @property
    def model_name(self) -> str:
        return self.model._meta.model_name

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
            wanted.setdefault(parent.related_model, set()).add(getattr(item.record, parent.attname))
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
            name = names[parent.related_model, getattr(item.record, parent.attname)]
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
            waiting = _deleted_with(model, record)
            while waiting:
                part_model, part_record = waiting.pop(0)
                part, missing = _restore_one(part_model, part_record, user)
                restored.parts.append(part)
                restored.sources_missing += missing
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
        _, other = _through_names(m2m_field)
        wanted = set(getattr(before, m2m_field.name).values_list(other, flat=True))
        existing = set(
            m2m_field.related_model._default_manager.filter(pk__in=wanted).values_list(
                "pk", flat=True
            )
        )
        missing += len(wanted - existing)
        if existing:
            getattr(obj, m2m_field.name).set(existing)
    return obj, missing


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


# -- Changes since the last review ---------------------------------------------------------


def word_diff(old: str, new: str) -> SafeString:
    """`new` compared with `old` word by word: taken-out words in <del>, added ones in <ins>,
    each saying so to screen readers too."""
    before, after = (old or "").split(), (new or "").split()
    parts = []
    matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            parts.append(format_html("{}", " ".join(before[i1:i2])))
            continue
        if tag in ("delete", "replace"):
            parts.append(
                format_html(
                    '<del><span class="visually-hidden">[taken out: </span>{}'
                    '<span class="visually-hidden">]</span></del>',
                    " ".join(before[i1:i2]),
                )
            )
        if tag in ("insert", "replace"):
            parts.append(
                format_html(
                    '<ins><span class="visually-hidden">[added: </span>{}'
                    '<span class="visually-hidden">]</span></ins>',
                    " ".join(after[j1:j2]),
                )
            )
    return mark_safe(" ".join(parts))


def review_moment(option) -> datetime.datetime | None:
    """When the option was last reviewed, as exactly as the records say.

    The latest recorded review, or the moment the option's review date took its present value
    (for the bundled content, when it was loaded: it was reviewed as it is in the bundle).
    """
    if option.last_reviewed_on is None:
        return None
    moments = []
    review = option.reviews.order_by("-recorded_at").first()
    if review is not None:
        moments.append(review.recorded_at)
    since = None
    records = option.history.order_by("-history_date", "-history_id").values_list(
        "history_date", "last_reviewed_on", "reviewed_by"
    )
    for when, reviewed_on, reviewed_by in records:
        if (reviewed_on, reviewed_by) != (option.last_reviewed_on, option.reviewed_by):
            break
        since = when
    if since is not None:
        moments.append(since)
    if not moments:
        end_of_day = datetime.datetime.combine(
            option.last_reviewed_on, datetime.time.max, tzinfo=timezone.get_current_timezone()
        )
        moments.append(end_of_day)
    return max(moments)


def compared_fields(model) -> list[models.Field]:
    """The fields a reviewer reads: words and numbers an editor writes (not order or slugs)."""
    return [
        f
        for f in model._meta.concrete_fields
        if f.editable
        and not f.primary_key
        and not isinstance(f, (models.ForeignKey, models.SlugField, models.BooleanField))
        and f.name != "order"
    ]


def _text_of(obj, f) -> str:
    value = getattr(obj, f.attname)
    if value is None:
        return ""
    if f.choices:
        return str(dict(f.flatchoices).get(value, value))
    return str(value)


@dataclass
class FieldChange:
    label: str
    diff: SafeString
    only_spacing: bool = False


@dataclass
class PartChange:
    kind: str
    description: str
    status: str  # "Added since the review", "Deleted since the review", "Changed since the review"
    fields: list[FieldChange]


def changes_since_review(option, moment: datetime.datetime) -> list[PartChange]:
    """Each text of the option and its parts that changed since `moment`, word by word."""
    changes = []
    Option = type(option)
    for model, ids_now, then_filter in [
        (Option, {option.pk}, {"id": option.pk}),
        *(
            (
                m,
                set(m._default_manager.filter(option=option).values_list("pk", flat=True)),
                {"option_id": option.pk},
            )
            for m in part_models()
        ),
    ]:
        changes.extend(_model_changes(model, ids_now, then_filter, moment))
    return changes


def _model_changes(model, ids_now, then_filter, moment) -> list[PartChange]:
    pk_name = model._meta.pk.attname
    record_model = history_of(model).model
    then = {}
    for record in record_model.objects.filter(**then_filter, history_date__lte=moment).order_by(
        pk_name, "history_date", "history_id"
    ):
        then[getattr(record, pk_name)] = record
    # Parts that were the option's at the review but have since moved away or been deleted.
    ids_then = {pk for pk, record in then.items() if record.history_type != "-"}
    # Parts added and deleted again since the review never reached a reviewer; nothing to show.
    now = {obj.pk: obj for obj in model._default_manager.filter(pk__in=ids_now | ids_then)}
    fields = compared_fields(model)
    m2m_fields = tracked_m2m_fields(model)
    then_sources = {
        f: _recorded_m2m(model, f, [r.history_id for r in then.values()]) for f in m2m_fields
    }
    now_sources = {f: _current_m2m_for(f, list(now)) for f in m2m_fields}
    citations = _citations(m2m_fields, then_sources, now_sources)

    changes = []
    for pk in sorted(ids_now | ids_then):
        before = then[pk].instance if pk in ids_then else None
        after = now.get(pk)
        if before is None and after is None:
            continue
        field_changes = []
        for f in fields:
            old = _text_of(before, f) if before is not None else ""
            new = _text_of(after, f) if after is not None else ""
            if old != new:
                field_changes.append(
                    FieldChange(
                        capfirst(f.verbose_name), word_diff(old, new), old.split() == new.split()
                    )
                )
        for f in m2m_fields:
            old_ids = (
                then_sources[f].get(then[pk].history_id, set()) if before is not None else set()
            )
            new_ids = now_sources[f].get(pk, set()) if after is not None else set()
            if old_ids != new_ids:
                old = "; ".join(sorted(citations[i] for i in old_ids))
                new = "; ".join(sorted(citations[i] for i in new_ids))
                field_changes.append(FieldChange(capfirst(f.verbose_name), word_diff(old, new)))
        if not field_changes:
            continue
        if before is None:
            status = "Added since the review"
        elif after is None:
            status = "Deleted since the review"
        else:
            status = "Changed since the review"
        shown = after if after is not None else then[pk]
        record = then.get(pk) or _as_record(shown)
        changes.append(
            PartChange(
                kind_of(model),
                describe(record) if after is None else describe(_as_record(after)),
                status,
                field_changes,
            )
        )
    return changes


class _as_record:
    """A present object dressed as a history record, for `describe`."""

    def __init__(self, obj):
        self.instance = obj


def _current_m2m_for(m2m_field, ids) -> dict[int, set[int]]:
    own, other = _through_names(m2m_field)
    linked: dict[int, set[int]] = {}
    rows = m2m_field.remote_field.through.objects.filter(**{f"{own}__in": ids})
    for obj_id, target_id in rows.values_list(own, other):
        linked.setdefault(obj_id, set()).add(target_id)
    return linked


def _citations(m2m_fields, *linked_maps) -> dict[int, str]:
    ids = {
        target
        for linked in linked_maps
        for f in m2m_fields
        for targets in linked[f].values()
        for target in targets
    }
    if not m2m_fields or not ids:
        return {}
    related = m2m_fields[0].related_model
    found = {obj.pk: obj.short_citation for obj in related._default_manager.filter(pk__in=ids)}
    return {pk: found.get(pk, f"a deleted source (number {pk})") for pk in ids}
