"""What one version of the content changes against another, in words a publisher reads.

Both sides are release content (`releases.content_of()`, or the draft as it would be published),
read into model instances by `releases.Content`, so nothing here queries the editors' tables.
Every kind of content a version holds (`schema.published_models()`) is compared, field by field:
a new kind of content needs nothing here. `warnings()` says where patients would lose something.
"""

from dataclasses import dataclass, field
from typing import Any, cast

from django.db import models
from django.utils.formats import date_format
from django.utils.safestring import SafeString
from django.utils.text import capfirst

from treatments.history import describe_row, list_diff, word_diff
from treatments.models import Claim, Consideration, Option, Source
from treatments.releases import Content
from treatments.schema import option_sources, part_models, shared_models

ADDED, CHANGED, REMOVED = "added", "changed", "removed"
# A text box, or a line longer than this, is shown as a word-level difference rather than as
# what it was and what it is.
LONG_TEXT = 80
# Parts whose removal takes something away from what patients are told about an option.
LOSS_WHEN_REMOVED: tuple[type[models.Model], ...] = (Claim, Consideration)


@dataclass
class FieldChange:
    label: str
    before: str
    after: str
    # The words taken out and put in, for long texts and lists; empty for short values.
    diff: SafeString | str = ""


@dataclass
class RowChange:
    status: str  # ADDED, CHANGED or REMOVED
    model: type[models.Model]
    pk: Any
    label: str
    # The option the row is part of, for an option's parts.
    option: str = ""
    option_pk: Any = None
    fields: list[FieldChange] = field(default_factory=list)
    # The row's page in the admin, filled in by the view (see admin.publishing).
    url: str = ""


@dataclass
class KindChanges:
    """One kind of content's rows added, changed and removed."""

    model: type[models.Model]
    added: list[RowChange]
    changed: list[RowChange]
    removed: list[RowChange]

    @property
    def name(self) -> str:
        return capfirst(str(self.model._meta.verbose_name_plural))

    @property
    def rows(self) -> list[RowChange]:
        return [*self.added, *self.changed, *self.removed]

    @property
    def count(self) -> int:
        return len(self.rows)


@dataclass
class OptionChanges:
    """One option's changes: to the option itself, then to its parts, kind by kind."""

    name: str
    rows: list[RowChange]

    @property
    def count(self) -> int:
        return len(self.rows)

    def counted(self, status: str) -> int:
        return sum(row.status == status for row in self.rows)

    @property
    def added(self) -> int:
        return self.counted(ADDED)

    @property
    def changed(self) -> int:
        return self.counted(CHANGED)

    @property
    def removed(self) -> int:
        return self.counted(REMOVED)


@dataclass
class Comparison:
    kinds: list[KindChanges]
    warnings: list[str]
    # Against nothing (the first version): every row is new, so rows are named, not spelled out.
    from_nothing: bool = False

    @property
    def count(self) -> int:
        return sum(kind.count for kind in self.kinds)

    @property
    def rows(self) -> list[RowChange]:
        return [row for kind in self.kinds for row in kind.rows]

    @property
    def by_option(self) -> list[OptionChanges]:
        """The changes to options and their parts, option by option, by name."""
        groups: dict[Any, OptionChanges] = {}
        for row in self.rows:
            if row.model is Option:
                groups.setdefault(row.pk, OptionChanges(row.label, [])).rows.append(row)
            elif row.option_pk is not None:
                group = groups.setdefault(row.option_pk, OptionChanges(row.option, []))
                group.rows.append(row)
        return sorted(groups.values(), key=lambda group: group.name.casefold())

    @property
    def shared(self) -> list[KindChanges]:
        """The changes to what every option shares (sources, questions, pages...), kind by kind;
        a part whose option is in neither version is here too."""
        found = []
        for kind in self.kinds:
            if kind.model is Option:
                continue
            unowned = KindChanges(
                kind.model,
                [row for row in kind.added if row.option_pk is None],
                [row for row in kind.changed if row.option_pk is None],
                [row for row in kind.removed if row.option_pk is None],
            )
            if unowned.count:
                found.append(unowned)
        return found


def compare(before: list[dict], after: list[dict]) -> Comparison:
    """What `after` changes against `before` (both a release's content)."""
    old, new = Content(before), Content(after)
    kinds = []
    # Options and their parts first, then what every option shares.
    kinds_in_order: list[type[models.Model]] = [Option, *part_models(), *shared_models()]
    for model in kinds_in_order:
        then, now = old.rows.get(model, {}), new.rows.get(model, {})
        kind = KindChanges(
            model,
            # Against nothing, every row is new: named, not spelled out.
            added=[
                _row(ADDED, new, now[pk], _what_it_says(new, now[pk]) if before else [])
                for pk in now
                if pk not in then
            ],
            changed=[],
            removed=[_row(REMOVED, old, then[pk]) for pk in then if pk not in now],
        )
        for pk in sorted(now.keys() & then.keys()):
            if found := _changed_fields(old, then[pk], new, now[pk]):
                kind.changed.append(_row(CHANGED, new, now[pk], found))
        if kind.count:
            kinds.append(kind)
    return Comparison(kinds, warnings(old, new), from_nothing=not before)


def compared_fields(model: type[models.Model]) -> list[models.Field]:
    """Every field a version holds that an editor can tell apart: not the id or a timestamp."""
    found: list[models.Field] = [
        f
        for f in model._meta.concrete_fields
        if not f.primary_key and not getattr(f, "auto_now", False)
    ]
    return found + [cast(models.Field, f) for f in model._meta.many_to_many]


def warnings(old: Content, new: Content) -> list[str]:
    """Where patients would lose something: options leaving, what an option says of its harms and
    cautions taken out, sources taken out from under what still cites them, and options left with
    no harm or no source."""
    found = []
    leaving = [o for pk, o in old.rows[Option].items() if pk not in new.rows[Option]]
    for option in sorted(leaving, key=lambda o: o.name.lower()):
        found.append(
            f"Patients will no longer see the option “{option.name}”: it was deleted or "
            "returned to draft."
        )
    for model in LOSS_WHEN_REMOVED:
        now = new.rows.get(model, {})
        for pk, row in old.rows.get(model, {}).items():
            option = _option_of(old, row)
            if pk in now or (option is not None and option.pk not in new.rows[Option]):
                continue
            where = f"“{option.name}”" if option is not None else "every option"
            found.append(f"Patients lose this from {where}: {describe_row(row)}")
    cited_by = _citing(old)
    for pk, source in old.rows[Source].items():
        if pk in new.rows[Source]:
            continue
        staying = [describe_row(row) for row in cited_by.get(pk, []) if _still_in(new, row)]
        if staying:
            found.append(
                f"The source “{source.short_citation}: {source.title}” is taken out, and what "
                f"stays no longer cites it ({len(staying)}): {'; '.join(staying)}"
            )
    for option in new.options:
        if not option.harms:
            found.append(f"“{option.name}” has no harm or side effect in this version.")
        if not any(option_sources(option)):
            found.append(f"“{option.name}” cites no source in this version.")
    return found


def _row(
    status: str, content: Content, row: models.Model, fields: list[FieldChange] | None = None
) -> RowChange:
    change = RowChange(status, type(row), row.pk, describe_row(row), fields=fields or [])
    if (option := _option_of(content, row)) is not None:
        change.option, change.option_pk = option.name, option.pk
    return change


def _what_it_says(content: Content, row: models.Model) -> list[FieldChange]:
    """An added row's fields that hold something."""
    return [
        FieldChange(_label(f), "", shown)
        for f in compared_fields(type(row))
        if (shown := _shown(content, row, f))
    ]


def _changed_fields(
    old: Content, then: models.Model, new: Content, now: models.Model
) -> list[FieldChange]:
    changes = []
    for f in compared_fields(type(now)):
        if _raw(then, f) == _raw(now, f):
            continue
        before, after = _shown(old, then, f), _shown(new, now, f)
        diff: SafeString | str
        if f.many_to_many:
            diff = list_diff(_names(then, f), _names(now, f))
        elif isinstance(f, models.TextField) or max(len(before), len(after)) > LONG_TEXT:
            diff = word_diff(before, after)
        else:
            diff = ""
        changes.append(FieldChange(_label(f), before, after, diff))
    return changes


def _raw(row: Any, f: models.Field) -> Any:
    if f.many_to_many:
        return sorted(target.pk for target in getattr(row.related, f.name))
    return getattr(row, f.attname)


def _names(row: Any, f: models.Field) -> list[str]:
    return [_target_name(target) for target in getattr(row.related, f.name)]


def _target_name(target: models.Model) -> str:
    if isinstance(target, Source):
        return f"{target.short_citation}: {target.title}"
    return describe_row(target)


def _shown(content: Content, row: models.Model, f: models.Field) -> str:
    """A field's value as an editor reads it: names, not numbers, for what it points to."""
    if f.many_to_many:
        return "; ".join(_names(row, f))
    value = getattr(row, f.attname)
    if value is None or value == "":
        return ""
    if f.many_to_one:
        target = content.rows.get(cast(type[models.Model], f.related_model), {}).get(value)
        return _target_name(target) if target is not None else f"number {value}"
    if f.choices:
        return str(dict(f.flatchoices).get(value, value))
    if isinstance(f, models.BooleanField):
        return "Yes" if value else "No"
    if isinstance(f, models.DateField) and not isinstance(f, models.DateTimeField):
        return date_format(value, "j F Y")
    return str(value)


def _label(f: models.Field) -> str:
    return capfirst(str(f.verbose_name))


def _citing(content: Content) -> dict[Any, list[models.Model]]:
    """Each source's primary key, with the rows that cite it in this version."""
    found: dict[Any, list[models.Model]] = {}
    for rows in content.rows.values():
        for row in rows.values():
            for f in compared_fields(type(row)):
                if f.related_model is not Source:
                    continue
                if f.many_to_many:
                    for source in getattr(row.related, f.name):
                        found.setdefault(source.pk, []).append(row)
                elif (pk := getattr(row, f.attname)) is not None:
                    found.setdefault(pk, []).append(row)
    return found


def _option_of(content: Content, row: models.Model) -> Option | None:
    """The option a part belongs to (None for what every option shares)."""
    return content.rows[Option].get(getattr(row, "option_id", None))


def _still_in(content: Content, row: models.Model) -> bool:
    return row.pk in content.rows.get(type(row), {})
