"""Putting the editors' draft back to a published version, so that publishing an earlier version
again is not undone by the next publish sending out what it took back.

Every row the version holds that the draft has changed or deleted is saved again as the version
has it; rows the draft has as they were are left alone, so their history stays quiet.
What the draft has that the version does not is deleted, with its history, so it can be restored
from the deleted items; but an option is only returned to draft, so no editor's work on it is
lost, and a shared row that anything left in the draft still points to (a source a draft
option's claim cites) stays.
"""

from dataclasses import dataclass, field
from typing import Any

from django.core import serializers
from django.db import models, transaction

from treatments.differences import compare
from treatments.history import describe_row
from treatments.models import Option, Release
from treatments.releases import content_of, draft_content, published_rows
from treatments.schema import part_models, published_models


@dataclass
class Reset:
    """What resetting the draft did, in words for the publisher."""

    saved: int = 0
    returned_to_draft: list[str] = field(default_factory=list)
    deleted: int = 0
    kept: list[str] = field(default_factory=list)


@transaction.atomic
def reset_draft_to(release: Release) -> Reset:
    why = f"Reset to {release}"
    done = Reset()
    held: dict[type[models.Model], set] = {model: set() for model in published_models()}
    version = content_of(release)
    differs = {
        (kind.model, row.pk)
        for kind in compare(draft_content(), version).kinds
        for row in [*kind.added, *kind.changed]
    }
    # Parents first (the order a version keeps), so every row's parents are back before it.
    for item in serializers.deserialize("python", version, ignorenonexistent=True):
        row = item.object
        held[type(row)].add(row.pk)
        if (type(row), row.pk) not in differs:
            continue
        _because(row, why)
        row.save()
        for name, pks in (item.m2m_data or {}).items():
            getattr(row, name).set(pks)
        done.saved += 1
    for option in Option.objects.ready().exclude(pk__in=held[Option]).order_by("name"):
        _because(option, why)
        option.mark_draft()
        done.returned_to_draft.append(option.name)
    # Children first, so a row goes before what it belongs to.
    for model in reversed(published_models()):
        if model is Option:
            continue
        shared = model not in part_models()
        for row in published_rows(model).exclude(pk__in=held[model]):
            if shared and _in_use(row):
                done.kept.append(describe_row(row))
                continue
            _because(row, why)
            row.delete()
            done.deleted += 1
    return done


def _because(row: Any, why: str) -> None:
    """The reason the row's next history record gives (django-simple-history reads it)."""
    row._change_reason = why


def _in_use(row: models.Model) -> bool:
    """Whether any row left in the draft points to this one (a query for each kind that may)."""
    for relation in row._meta.related_objects:
        accessor = relation.get_accessor_name()
        if accessor and getattr(row, accessor).exists():
            return True
    return False
