"""What every content admin page shares: the writing aids, history and undo, no overwrites."""

from typing import TYPE_CHECKING, cast

from django.contrib import admin, messages
from django.contrib.admin.utils import flatten_fieldsets
from django.contrib.admin.views.autocomplete import AutocompleteJsonView
from django.contrib.admin.widgets import (
    AutocompleteSelect,
    AutocompleteSelectMultiple,
    RelatedFieldWidgetWrapper,
)
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import prefetch_related_objects
from django.forms import Widget
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from treatments.editing import TOKEN, ContentForm, GradedTextarea, glossary_for
from treatments.releases import current_content

if TYPE_CHECKING:
    from django.contrib.admin.options import BaseModelAdmin, InlineModelAdmin
    from django.contrib.auth.models import User

    # The mixins below are only ever mixed into Django's admin classes (see django-stubs on
    # typing mixins): give them those bases for the type checker alone.
    _EditingAidsBase = BaseModelAdmin
    _ContentInlineBase = InlineModelAdmin
    _KnownChoicesBase = AutocompleteSelect
else:
    _EditingAidsBase = object
    _KnownChoicesBase = object
    _ContentInlineBase = object


def editor_name(request: HttpRequest) -> str:
    user = cast("User", request.user)  # the admin's pages are for signed-in staff only
    return user.get_full_name() or user.get_username()


class KnownChoices(_KnownChoicesBase):
    """A picker that names the rows it has chosen from `known` (the rows its page already
    fetched, set by the page) and asks the database only for rows it was not given: a page
    with many pickers then costs no query per picker."""

    known: dict[str, models.Model] | None = None

    def build_attrs(self, base_attrs, extra_attrs=None):
        attrs = super().build_attrs(base_attrs, extra_attrs)
        if self.allow_multiple_selected:
            # Each chosen row has its own remove button; a "Remove all items" button beside
            # them is a trap (and sits in their list, where only list items belong).
            attrs["data-allow-clear"] = "false"
        return attrs

    def optgroups(self, name, value, attr=None):
        chosen = {str(v) for v in value if str(v) not in self.choices.field.empty_values}
        # In the order the database would give them: the model's own ordering, by field.
        ordering = list(self.choices.queryset.model._meta.ordering)
        plain = all(isinstance(f, str) and f.isidentifier() and "__" not in f for f in ordering)
        if self.known is None or not chosen <= self.known.keys() or not plain:
            return super().optgroups(name, value, attr)
        rows = sorted(
            (self.known[pk] for pk in chosen),
            key=lambda row: [getattr(row, name) for name in ordering],
        )
        options = []
        if not self.is_required and not self.allow_multiple_selected:
            options.append(self.create_option(name, "", "", False, 0))
        for row in rows:
            label = self.choices.field.label_from_instance(row)
            options.append(self.create_option(name, row.pk, label, True, len(options)))
        return [(None, options, 0)]


class KnownAutocompleteSelect(KnownChoices, AutocompleteSelect):
    pass


class KnownAutocompleteSelectMultiple(KnownChoices, AutocompleteSelectMultiple):
    pass


def picker_label(row: models.Model) -> str:
    """A row as the pickers name it: its own `picker_label()` where it has one (a source)."""
    label = getattr(row, "picker_label", None)
    return label() if callable(label) else str(row)


class PickerLabels(AutocompleteJsonView):
    """The pickers' search results, named as their chosen rows are (`picker_label`)."""

    def serialize_result(self, obj, to_field_name):
        found = super().serialize_result(obj, to_field_name)  # type: ignore[misc]  # not in the stubs
        return {**found, "text": picker_label(obj)}


def pickers(form) -> list[KnownChoices]:
    """The pickers among a form's fields."""
    found = []
    for field in form.fields.values():
        widget = getattr(field.widget, "widget", field.widget)
        if isinstance(widget, KnownChoices):
            found.append(widget)
    return found


class EditingAids(_EditingAidsBase):
    """For every content form and inline: a reading grade under each text box patients read,
    and the fingerprint that stops a stale copy overwriting someone else's change."""

    # Short fields patients read that are long enough to grade, beside every TextField.
    graded_fields: tuple[str, ...] = ()

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name in self.get_autocomplete_fields(request):
            picker = (
                KnownAutocompleteSelectMultiple
                if db_field.many_to_many
                else KnownAutocompleteSelect
            )
            kwargs["widget"] = picker(db_field, self.admin_site, using=kwargs.get("using"))
        if isinstance(db_field, models.TextField) or db_field.name in self.graded_fields:
            kwargs["widget"] = GradedTextarea(glossary=glossary_for(request))
        if isinstance(db_field, models.URLField):
            kwargs.setdefault("assume_scheme", "https")  # a pasted "example.org" is https
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if formfield is None:
            return formfield
        if db_field.name in self.get_autocomplete_fields(request):
            # The chosen rows read as the search results do.
            formfield.label_from_instance = picker_label  # type: ignore[attr-defined]
        if isinstance(formfield.widget, RelatedFieldWidgetWrapper):
            # A source is shared by many rows: deleting it from one row's picker is a trap.
            formfield.widget.can_delete_related = False
        if isinstance(self, admin.TabularInline):
            # A table's cells have no <label>: name each field for screen readers.
            # A wrapped widget (a related-row picker) or the field's own: a widget either way.
            widget = cast(Widget, getattr(formfield.widget, "widget", formfield.widget))
            widget.attrs.setdefault("aria-label", str(formfield.label))
        return formfield

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if TOKEN in flatten_fieldsets(fieldsets):
            return fieldsets
        *rest, (name, options) = fieldsets
        return [*rest, (name, {**options, "fields": [*options["fields"], TOKEN]})]


class SeenOnSite:
    """ "View on site" only while patients see the row: patient pages show the published
    version, so a draft's address would lead to "not found" (an option's Status box links the
    draft's preview instead)."""

    def view_on_site(self, obj):
        current = getattr(obj, "current_version", None) or current_content()  # (OptionAdmin)
        if obj.pk in current.rows[type(obj)]:
            return obj.get_absolute_url()
        return None


class ContentAdmin(EditingAids, SimpleHistoryAdmin):
    """Every content model: history and undo, no silent overwrites, the writing aids."""

    form = ContentForm
    # Its styles and script (static/css/editor.css, static/js/editor-aids.js) are on every admin
    # page: templates/admin/base_site.html.

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        # A row below that someone else changed: say so at the top, where the editor looks.
        for inline in context.get("inline_admin_formsets", []):
            for form in inline.formset.forms:
                if getattr(form, "conflict", ""):
                    self.message_user(request, form.conflict, messages.ERROR)
        return super().render_change_form(request, context, add, change, form_url, obj)


class PrefetchedRowsFormSet(BaseInlineFormSet):
    """An inline's rows read through its parent, so rows the page already fetched with the
    parent (OptionAdmin's `get_object` prefetches every part) cost no query; each of their
    many-to-many lists not fetched yet is fetched for all rows at once."""

    rows: list[models.Model] | None = None

    def add_fields(self, form, index):
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            # Its cell sits under "Delete?", but a tick box needs a name of its own.
            thing = self.model._meta.verbose_name
            name = f"Delete this {thing}" if index is None else f"Delete {thing} {index + 1}"
            form.fields["DELETE"].widget.attrs["aria-label"] = name

    def get_queryset(self):
        # A new parent has no rows; an editor who may not see these rows is given none.
        if self.instance.pk is None or self.queryset is None or self.queryset.query.is_empty():
            return super().get_queryset()
        if self.rows is None:
            accessor = self.fk.remote_field.get_accessor_name()
            self.rows = list(getattr(self.instance, accessor).all())
            many = [field.name for field in self.model._meta.many_to_many]
            prefetch_related_objects(self.rows, *many)
        return self.rows


class ContentInline(EditingAids, _ContentInlineBase):
    form = ContentForm
    formset = PrefetchedRowsFormSet
    extra = 0

    def get_queryset(self, request):
        # Each row's sources in one query for all rows, however many rows there are.
        many = [field.name for field in self.model._meta.many_to_many]
        return super().get_queryset(request).prefetch_related(*many)


class SourcedForm(ContentForm):
    """Every claim-like row must name at least one source, said in words an editor can act on."""

    def clean_sources(self):
        sources = self.cleaned_data.get("sources")
        if not sources:
            raise ValidationError("Choose at least one source for this.")
        return sources
