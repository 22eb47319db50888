"""First entries for loaded content: loading fixtures saves rows "raw", which records nothing,
so `record_loaded_content` gives each row its first entry."""

from django.db import transaction
from django.utils import timezone

from treatments.history.records import (
    LOADED,
    RELOADED,
    content_models,
    history_of,
    m2m_history_model,
    recorded_m2m,
    through_names,
    tracked_m2m_fields,
)

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
    recorded = {
        f: recorded_m2m(model, f, [r["history_id"] for r in latest.values()]) for f in m2m_fields
    }
    current_m2m = {f: _current_m2m(f) for f in m2m_fields}

    new, changed = [], []
    for obj in model._default_manager.all():
        last = latest.get(obj.pk)
        if last is None or last["history_type"] == "-":
            new.append(obj)
        elif any(getattr(obj, name) != last[name] for name in tracked) or any(
            current_m2m[f].get(obj.pk, set()) != recorded[f].get(last["history_id"], set())
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


def _current_m2m(m2m_field) -> dict[int, set[int]]:
    own, other = through_names(m2m_field)
    linked: dict[int, set[int]] = {}
    for obj_id, target_id in m2m_field.remote_field.through.objects.values_list(own, other):
        linked.setdefault(obj_id, set()).add(target_id)
    return linked


def _copy_m2m_rows(model, m2m_field, entries: dict[int, int]) -> None:
    """Record each object's present many-to-many rows with its history entry (object pk -> id)."""
    through = m2m_field.remote_field.through
    own, _ = through_names(m2m_field)
    names = [f.attname for f in through._meta.fields]
    row_model = m2m_history_model(model, m2m_field)
    rows = [
        row_model(history_id=entries[values[own]], **values)
        for values in through.objects.filter(**{f"{own}__in": list(entries)}).values(*names)
    ]
    row_model.objects.bulk_create(rows, batch_size=500)
