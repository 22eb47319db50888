"""What every content form in the editors' admin shares: no silent overwrites, and a reading grade
under each text box.

No silent overwrites: a form carries a fingerprint of each field as it was when the page opened
(`edit_token`, one short hash per field). Saving compares it with the row as it is now. When
someone else changed the row in between, nothing is saved: the form comes back with the editor's
own changes kept, the other person's changes filled in where the editor changed nothing, both
versions named where both changed the same field, and who changed it and when. Saving again then
keeps what the form shows. No version column is added: the row itself is the version, so the
bundled content, its history and published versions stay free of one, and a change made any way
at all (another editor, a script, a reload of the content) is seen.
"""

import hashlib
from collections.abc import Iterable
from typing import TYPE_CHECKING, cast

from django import forms
from django.core.exceptions import FieldDoesNotExist
from django.db import connections, models, router
from django.forms.utils import ErrorDict
from django.http import HttpRequest, QueryDict
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.formats import date_format

from treatments.models import Aid
from treatments.readability import reading_grade
from treatments.writing import glossary_terms

TOKEN = "edit_token"

if TYPE_CHECKING:

    class _RequestWithGlossary(HttpRequest):
        _glossary_terms: list[str]
        _aid: Aid | None


class GradedTextarea(forms.Textarea):
    """A text box with its reading grade under it, graded on the server as the page is made."""

    def __init__(self, attrs=None, glossary: Iterable[str] = ()):
        super().__init__({"rows": 3, "class": "vLargeTextField", **(attrs or {})})
        self.attrs["data-graded"] = ""
        self.glossary = tuple(glossary)

    def render(self, name, value, attrs=None, renderer=None):
        box = super().render(name, value, attrs, renderer)
        context = self.get_context(name, value, attrs)
        grade = reading_grade(context["widget"]["value"] or "", self.glossary)
        return render_to_string(
            "admin/treatments/_graded_textarea.html",
            {"box": box, "grade": grade, "id": context["widget"]["attrs"].get("id", "")},
        )


def aid_for(request: HttpRequest) -> Aid | None:
    """The editors' aid row, or None before one is written, read once per request: every
    admin page names the aid in its header, and the list of models asks whether one exists."""
    cached = cast("_RequestWithGlossary", request)
    if not hasattr(cached, "_aid"):
        cached._aid = Aid.objects.order_by("pk").first()
    return cached._aid


def glossary_for(request: HttpRequest) -> list[str]:
    """The glossary's terms, read once per request however many text boxes a page has."""
    # Kept on the request itself, which HttpRequest's type does not declare.
    cached = cast("_RequestWithGlossary", request)
    if not hasattr(cached, "_glossary_terms"):
        cached._glossary_terms = glossary_terms()
    return cached._glossary_terms


def _normal(value) -> str:
    if isinstance(value, models.Model):
        return str(value.pk)
    if isinstance(value, (models.QuerySet, list, tuple, set)):
        return ",".join(sorted(_normal(item) for item in value))
    if value is None:
        return ""
    if isinstance(value, str):
        return value.replace("\r\n", "\n").strip()
    return str(value)


def _digest(name: str, value) -> str:
    return hashlib.sha256(f"{name}\0{_normal(value)}".encode()).hexdigest()[:10]


def _encode(digests: dict[str, str]) -> str:
    return ";".join(f"{name}={digest}" for name, digest in digests.items())


def _decode(token: str) -> dict[str, str]:
    pairs = (part.partition("=") for part in (token or "").split(";") if "=" in part)
    return {name: digest for name, _, digest in pairs}


def who_and_when(record) -> tuple[str, str]:
    if record is None:
        return "Someone", "a moment ago"
    user = record.history_user
    who = (user.get_full_name() or user.get_username()) if user else "Someone"
    when = date_format(timezone.localtime(record.history_date), "j F Y \\a\\t H:i")
    return who, when


class ContentForm(forms.ModelForm):
    """Every content form: refuses to overwrite what someone else saved since the page opened."""

    edit_token = forms.CharField(widget=forms.HiddenInput, required=False)

    # Django's own, filled by full_clean(); the stubs leave it out.
    _errors: ErrorDict

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.conflict = ""
        self.deleted_elsewhere = None
        if "slug" in self.fields and self.instance.pk is not None:
            # Web addresses and the content files use it.
            self.fields["slug"].disabled = True
            self.fields["slug"].help_text = "Fixed once saved: web addresses and content use it."
        if self.instance.pk is not None and not self.is_bound:
            saved = self._values_of(self.instance) if self._instance_is_saved_row() else None
            saved = saved if saved is not None else self._saved_values()
            if saved is not None:
                self.fields[TOKEN].initial = _encode(self._digests(saved))
        elif self.instance.pk is None and self.is_bound:
            posted_pk = self.data.get(self.add_prefix(self._meta.model._meta.pk.name))
            if posted_pk:
                self.deleted_elsewhere = posted_pk

    def _checked_fields(self) -> list[models.Field]:
        """The model fields this form writes: the ones a stale copy could overwrite."""
        opts = self._meta.model._meta
        fields = []
        for name, formfield in self.fields.items():
            if name == TOKEN or formfield.disabled:
                continue
            try:
                field = opts.get_field(name)
            except FieldDoesNotExist:
                continue
            if field.concrete:
                fields.append(field)
        return fields

    @property
    def changed_data(self):
        # The fingerprint is what the editor saw, never a change of theirs.
        return [name for name in super().changed_data if name != TOKEN]

    def _instance_is_saved_row(self) -> bool:
        """True when the form shows the row as just read, not an earlier version being restored
        (simple-history builds those in memory: they come from no database)."""
        return self.instance._state.db is not None

    def _saved_values(self, lock: bool = False) -> dict | None:
        """The values of the form's fields as saved now, or None if the row is gone."""
        model = self._meta.model
        rows = model._default_manager.filter(pk=self.instance.pk)
        database = router.db_for_write(model)
        if lock and connections[database].in_atomic_block:
            rows = rows.select_for_update()
        row = rows.first()
        return None if row is None else self._values_of(row)

    def _values_of(self, row) -> dict:
        values = {}
        for field in self._checked_fields():
            if field.many_to_many:
                values[field.name] = list(getattr(row, field.name).all())
            else:  # a foreign key by its id: no query for the row it points to
                values[field.name] = getattr(row, field.attname)
        return values

    @staticmethod
    def _digests(values: dict) -> dict[str, str]:
        return {name: _digest(name, value) for name, value in values.items()}

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk is not None:
            # A ModelForm's clean() returns its cleaned_data, never None.
            self._refuse_if_changed_elsewhere(cast(dict, cleaned))
        return cleaned

    def full_clean(self):
        super().full_clean()
        if self.deleted_elsewhere and self.is_bound and not self._marked_for_deletion():
            self._errors.pop(self._meta.model._meta.pk.name, None)
            record = (
                self._meta.model.history.filter(
                    **{self._meta.model._meta.pk.attname: self.deleted_elsewhere},
                    history_type="-",
                )
                .order_by("-history_date")
                .first()
            )
            who, when = who_and_when(record)
            self.conflict = (
                f"{who} deleted this {self._meta.model._meta.verbose_name} on {when}, after you "
                "opened this page, so it cannot be saved here. Your text is still in the box: "
                "copy it, then open the page again to add it back."
            )
            self.add_error(None, forms.ValidationError(self.conflict, code="deleted_elsewhere"))

    def _marked_for_deletion(self) -> bool:
        return bool(self.data.get(self.add_prefix(forms.formsets.DELETION_FIELD_NAME)))

    def _refuse_if_changed_elsewhere(self, cleaned: dict) -> None:
        seen = _decode(cleaned.get(TOKEN, ""))
        if not seen:
            return  # a form without the token (a script, not this admin): nothing to compare
        saved = self._saved_values(lock=True)
        if saved is None:
            return
        now = self._digests(saved)
        theirs = {name for name, digest in now.items() if seen.get(name) != digest}
        if not theirs:
            return
        mine = {
            name: _digest(name, cleaned[name])
            for name in now
            if name in cleaned and name not in self._errors
        }
        changed_by_me = {name for name in now if mine.get(name) != seen.get(name)}
        theirs_only = theirs - changed_by_me
        both = {name for name in theirs & changed_by_me if mine.get(name) != now[name]}
        if not theirs_only and not both:
            return  # they saved exactly what this form says: nothing would be lost
        self._show_saved(saved, theirs_only, _encode(now))
        who, when = who_and_when(self.instance.history.order_by("-history_date").first())
        labels = ", ".join(f"“{self._label(name)}”" for name in sorted(theirs, key=list(now).index))
        thing = self._meta.model._meta.verbose_name
        message = (
            f"{who} changed this {thing} on {when}, after you opened this page ({labels}). "
            "Nothing was saved."
        )
        if theirs_only:
            message += " Their changes are now in the form; your own changes are kept."
        if both:
            message += " Where you both changed the same thing, yours is kept and theirs is shown."
        message += " Check it, then save again."
        self.conflict = message
        for name in both:
            self.add_error(
                name,
                f"{who} changed this to: “{self._shown(saved[name], name)}”. Yours is below: "
                "saving again keeps yours.",
            )
        raise forms.ValidationError(message, code="changed_elsewhere")

    def _label(self, name: str) -> str:
        label = self.fields[name].label or name.replace("_", " ")
        return str(label)[:1].upper() + str(label)[1:]

    def _shown(self, value, name: str) -> str:
        field = self._meta.model._meta.get_field(name)
        if field.many_to_many:
            return "; ".join(str(item) for item in value) or "none"
        if field.is_relation:
            return str(field.related_model._default_manager.filter(pk=value).first() or "none")
        if field.choices:
            return str(dict(field.flatchoices).get(value, value))
        text = _normal(value) or "(empty)"
        return text if len(text) <= 300 else text[:300] + "…"

    def _show_saved(self, saved: dict, names: set[str], token: str) -> None:
        """Put the saved values of `names` and the new token into the form as shown again."""
        data = self.data.copy() if isinstance(self.data, QueryDict) else QueryDict(mutable=True)
        if not isinstance(self.data, QueryDict):
            for key, value in self.data.items():
                data.setlist(key, value if isinstance(value, list) else [value])
        for name in names:
            key = self.add_prefix(name)
            value = self.fields[name].prepare_value(saved[name])
            if isinstance(value, (list, tuple)):
                data.setlist(key, [str(item) for item in value])
            elif isinstance(value, bool):
                if value:
                    data[key] = "on"
                else:
                    data.pop(key, None)
            else:
                data[key] = "" if value is None else str(value)
        data[self.add_prefix(TOKEN)] = token
        self.data = data
