"""What every content admin page shares: the writing aids, history and undo, no overwrites."""

from typing import TYPE_CHECKING, cast

from django.contrib import admin, messages
from django.contrib.admin.utils import flatten_fieldsets
from django.contrib.admin.widgets import RelatedFieldWidgetWrapper
from django.core.exceptions import ValidationError
from django.db import models
from django.forms import Widget
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
else:
    _EditingAidsBase = object
    _ContentInlineBase = object


def editor_name(request: HttpRequest) -> str:
    user = cast("User", request.user)  # the admin's pages are for signed-in staff only
    return user.get_full_name() or user.get_username()


class EditingAids(_EditingAidsBase):
    """For every content form and inline: a reading grade under each text box patients read,
    and the fingerprint that stops a stale copy overwriting someone else's change."""

    # Short fields patients read that are long enough to grade, beside every TextField.
    graded_fields: tuple[str, ...] = ()

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if isinstance(db_field, models.TextField) or db_field.name in self.graded_fields:
            kwargs["widget"] = GradedTextarea(glossary=glossary_for(request))
        if isinstance(db_field, models.URLField):
            kwargs.setdefault("assume_scheme", "https")  # a pasted "example.org" is https
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if formfield is None:
            return formfield
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
        if obj.pk in current_content().rows[type(obj)]:
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


class ContentInline(EditingAids, _ContentInlineBase):
    form = ContentForm
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
