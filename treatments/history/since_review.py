"""The changes since an option was last reviewed, field by field, with word-level differences."""

import datetime
import difflib
from dataclasses import dataclass

from django.db import models
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import capfirst

from treatments.history.records import (
    describe,
    history_of,
    kind_of,
    recorded_m2m,
    through_names,
    tracked_m2m_fields,
)
from treatments.schema import part_models

# -- Changes since the last review ---------------------------------------------------------


def word_diff(old: str, new: str) -> SafeString:
    """`new` compared with `old` word by word: taken-out words in <del>, added ones in <ins>,
    each saying so to screen readers too."""
    return _diff((old or "").split(), (new or "").split(), " ")


def list_diff(old: list[str], new: list[str]) -> SafeString:
    """A list (of sources, say) compared item by item, each item whole, as `word_diff` does."""
    return _diff(old, new, "; ")


def _diff(before: list[str], after: list[str], joiner: str) -> SafeString:
    parts = []
    matcher = difflib.SequenceMatcher(a=before, b=after, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            parts.append(format_html("{}", joiner.join(before[i1:i2])))
            continue
        if tag in ("delete", "replace"):
            parts.append(
                format_html(
                    '<del><span class="visually-hidden">[taken out: </span>{}'
                    '<span class="visually-hidden">]</span></del>',
                    joiner.join(before[i1:i2]),
                )
            )
        if tag in ("insert", "replace"):
            parts.append(
                format_html(
                    '<ins><span class="visually-hidden">[added: </span>{}'
                    '<span class="visually-hidden">]</span></ins>',
                    joiner.join(after[j1:j2]),
                )
            )
    return mark_safe(joiner.join(parts))


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
    label: str | Promise  # a field's verbose name, which may be a lazy translation
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
        f: recorded_m2m(model, f, [r.history_id for r in then.values()]) for f in m2m_fields
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
    own, other = through_names(m2m_field)
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
