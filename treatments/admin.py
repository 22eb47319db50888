"""The editors' admin: every change recorded, nothing reaches patients until it is published."""

import datetime
from urllib.parse import urlencode

from django.contrib import admin, messages
from django.contrib.admin.utils import flatten_fieldsets
from django.contrib.admin.widgets import RelatedFieldWidgetWrapper
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Prefetch
from django.http import HttpRequest, HttpResponseRedirect, JsonResponse
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import lazy
from django.utils.html import format_html
from django.views.decorators.http import require_POST
from simple_history.admin import SimpleHistoryAdmin

from treatments import admin_reviews, writing  # noqa: F401  (admin_reviews registers itself)
from treatments.admin_history import OptionHistoryMixin
from treatments.editing import TOKEN, ContentForm, GradedTextarea, glossary_for
from treatments.models import (
    Aid,
    Availability,
    Choice,
    Claim,
    ClaimCheck,
    Consideration,
    Cost,
    Option,
    Page,
    PageSection,
    Question,
    QuestionPage,
    Source,
    Study,
    SuggestedQuestion,
    Term,
    Value,
    ValueRating,
    clean_doi,
    clean_pmid,
)
from treatments.readability import GRADE_LIMIT, reading_grade
from treatments.releases import current_content
from treatments.schema import OPTION_PARTS

# The aid's short name, as editors last saved it, read each time a page is drawn.
admin.site.site_header = lazy(lambda: f"{Aid.objects.current().short_name}: content", str)()
admin.site.site_title = lazy(lambda: f"{Aid.objects.current().short_name} content", str)()
admin.site.index_title = "Keep the content right"


def editor_name(request: HttpRequest) -> str:
    user = request.user
    return user.get_full_name() or user.get_username()


class EditingAids:
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
            widget = getattr(formfield.widget, "widget", formfield.widget)
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

    class Media:
        css = {"all": ["css/editor.css"]}
        js = ["js/editor-aids.js"]

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        # A row below that someone else changed: say so at the top, where the editor looks.
        for inline in context.get("inline_admin_formsets", []):
            for form in inline.formset.forms:
                if getattr(form, "conflict", ""):
                    self.message_user(request, form.conflict, messages.ERROR)
        return super().render_change_form(request, context, add, change, form_url, obj)


class ContentInline(EditingAids):
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


class ClaimInline(ContentInline, admin.TabularInline):
    model = Claim
    form = SourcedForm
    autocomplete_fields = ["sources"]
    fields = ["kind", "is_main", "text", "frequency", "sources", "order"]
    readonly_fields = ["frequency"]
    # Its numbers (x of N, group, time, range) are edited on the claim's own page.
    show_change_link = True

    @admin.display(description="How often (on its own page)")
    def frequency(self, claim):
        return claim.frequency_text or "–"


class CostInline(ContentInline, admin.TabularInline):
    model = Cost
    autocomplete_fields = ["source"]
    fields = ["low", "high", "currency", "unit", "covers", "where", "source"]


class AvailabilityInline(ContentInline, admin.TabularInline):
    model = Availability
    form = SourcedForm
    autocomplete_fields = ["sources"]
    fields = ["region", "text", "sources"]


class ReviewDueFilter(admin.SimpleListFilter):
    title = "review"
    parameter_name = "review"

    def lookups(self, request, model_admin):
        return [
            ("overdue", "Overdue"),
            ("soon", "Due in the next 60 days"),
            ("current", "Up to date"),
        ]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        soon = today + datetime.timedelta(days=60)
        if self.value() == "overdue":
            return queryset.overdue(today)
        if self.value() == "soon":
            return queryset.filter(next_review_due__gte=today, next_review_due__lte=soon)
        if self.value() == "current":
            return queryset.filter(next_review_due__gte=today)
        return queryset


@admin.register(Option)
class OptionAdmin(SeenOnSite, OptionHistoryMixin, ContentAdmin):
    list_display = [
        "name",
        "status",
        "category",
        "certainty",
        "review_status",
        "benefit_count",
        "harm_count",
    ]
    list_filter = ["status", "category", "certainty", ReviewDueFilter]
    search_fields = ["name", "slug", "summary", "claims__text"]
    # Overdue (and never reviewed) options first.
    ordering = [F("next_review_due").asc(nulls_first=True), "name"]
    prepopulated_fields = {"slug": ["name"]}
    actions = ["publish_selected", "unpublish_selected"]
    # Short groups only: the long ones (studies, claim checks, considerations, value ratings) are
    # edited on their own pages, linked from this one, so the page stays a few screens long.
    inlines = [ClaimInline, AvailabilityInline, CostInline]
    save_on_top = True
    readonly_fields = [
        "publication",
        "writing_aids",
        "status",
        "last_reviewed_on",
        "reviewed_by",
        "reviews",
    ]
    autocomplete_fields = ["certainty_sources"]
    fieldsets = [
        ("Publication", {"fields": ["publication"]}),
        ("Writing aids", {"fields": ["writing_aids"]}),
        (
            "The option",
            {"fields": ["name", "slug", "category", "summary", "in_brief", "how_given"]},
        ),
        (
            "Living with it",
            {
                "fields": [
                    "time_commitment",
                    "time_in_brief",
                    "reversibility",
                    "reversibility_note",
                    "availability",
                ]
            },
        ),
        (
            "How sure anyone can be",
            {"fields": ["certainty", "certainty_basis", "certainty_reason", "certainty_sources"]},
        ),
        ("Cost", {"fields": ["no_reliable_cost", "cost_note"]}),
        ("Review", {"fields": ["last_reviewed_on", "reviewed_by", "next_review_due", "reviews"]}),
    ]
    change_form_template = "admin/treatments/option/change_form.html"

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("claims")

    @admin.display(description="benefits")
    def benefit_count(self, option):
        return len(option.benefits)

    @admin.display(description="harms")
    def harm_count(self, option):
        return len(option.harms)

    @admin.display(description="review", ordering="next_review_due")
    def review_status(self, option):
        if option.next_review_due is None:
            return format_html("<strong>{}</strong>", "Never reviewed")
        due = date_format(option.next_review_due, "j F Y")
        if option.is_overdue:
            return format_html("<strong>Overdue since {}</strong>", due)
        return f"Due {due}"

    @admin.display(description="Status")
    def publication(self, option):
        if not option.pk:
            return "New options start as drafts. Save, then publish when it is ready."
        problems = option.publication_problems()
        status = (
            "Ready: it goes into the next version a publisher publishes."
            if option.is_published
            else "Draft: it is not in the next version."
        )
        current = current_content()
        seen = (
            f"Patients see it now, as it was in version {current.number}."
            if option.pk in current.rows[Option]
            else "Patients do not see it now."
        )
        try:
            preview = reverse("option_preview", args=[option.slug])
        except NoReverseMatch:
            preview = ""
        context = {"status": status, "seen": seen, "preview": preview, "problems": problems}
        return render_to_string("admin/treatments/option/_status.html", context)

    @admin.display(description="Balance")
    def writing_aids(self, option):
        if not option.pk:
            return "Shown once the option is saved."
        return render_to_string(
            "admin/treatments/option/_writing_aids.html",
            {"report": writing.option_report(option), "limit": GRADE_LIMIT},
        )

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            context["elsewhere"] = self.elsewhere(request, obj)
        return super().render_change_form(request, context, add, change, form_url, obj)

    def elsewhere(self, request, option) -> list[dict]:
        """The option's long groups, each edited on its own page filtered to this option."""
        glossary = glossary_for(request)
        parts = [part for part in OPTION_PARTS if part.own_page]
        option = Option.objects.prefetch_related(
            *(
                Prefetch(part.related_name, queryset=part.model.objects.select_related(*part.shows))
                for part in parts
            )
        ).get(pk=option.pk)
        groups = []
        for part in parts:
            opts = part.model._meta
            filters = f"option__id__exact={option.pk}"
            add_query = urlencode({"option": option.pk, "_changelist_filters": filters})
            texts = writing.part_texts(option, part)
            groups.append(
                {
                    "anchor": part.related_name.replace("_", "-"),
                    "name": str(opts.verbose_name_plural).capitalize(),
                    "thing": opts.verbose_name,
                    "count": len(getattr(option, part.related_name).all()),
                    "url": reverse(f"admin:treatments_{opts.model_name}_changelist")
                    + f"?{filters}",
                    "add_url": reverse(f"admin:treatments_{opts.model_name}_add") + f"?{add_query}",
                    "too_hard": len(writing.too_hard(texts, glossary)),
                }
            )
        return groups

    def get_urls(self):
        return [
            path(
                "reading-grade/",
                self.admin_site.admin_view(self.reading_grade_view),
                name="treatments_reading_grade",
            ),
            *super().get_urls(),
        ]

    def reading_grade_view(self, request):
        """The grade of the text an editor is typing, for the live writing aid."""
        return require_POST(self._reading_grade)(request)

    def _reading_grade(self, request):
        text = request.POST.get("text", "")[:5000]
        return JsonResponse(reading_grade(text, glossary_for(request)).as_json())

    def response_change(self, request, obj):
        if "_publish" in request.POST:
            self._publish(request, obj)
            return HttpResponseRedirect(request.path)
        return super().response_change(request, obj)

    def _publish(self, request, option) -> bool:
        try:
            option.publish()
        except ValidationError as error:
            self.message_user(
                request,
                format_html(
                    "“{}” is not ready for the next version. {}",
                    option.name,
                    " ".join(error.messages),
                ),
                messages.ERROR,
            )
            return False
        self.message_user(
            request,
            f"“{option.name}” is ready: it goes into the next version a publisher publishes.",
            messages.SUCCESS,
        )
        return True

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        option = form.instance
        if option.is_published:
            problems = option.publication_problems()
            if problems:
                option.unpublish()
                self.message_user(
                    request,
                    f"“{option.name}” went back to draft, so it will not be in the next version. "
                    + " ".join(problems),
                    messages.WARNING,
                )

    @admin.action(description="Mark the selected options ready for the next version")
    def publish_selected(self, request, queryset):
        for option in queryset:
            self._publish(request, option)

    @admin.action(description="Return the selected options to draft")
    def unpublish_selected(self, request, queryset):
        for option in queryset:
            option.unpublish()
        self.message_user(request, f"{queryset.count()} option(s) returned to draft.")


class SourceForm(ContentForm):
    """A pasted "PMID: 19615823" or "https://doi.org/10..." is kept as the bare identifier."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.is_bound:
            self.data = self.data.copy()
            for name, clean in (("pmid", clean_pmid), ("doi", clean_doi)):
                key = self.add_prefix(name)
                if key in self.data:
                    self.data[key] = clean(self.data[key])


@admin.register(Source)
class SourceAdmin(ContentAdmin):
    form = SourceForm
    list_display = ["short_citation", "title", "kind", "interest", "pmid", "doi"]
    list_filter = ["kind"]
    search_fields = ["slug", "title", "authors", "publisher", "pmid", "doi"]
    prepopulated_fields = {"slug": ["title"]}


class OptionRowsAdmin(ContentAdmin):
    """A group edited on its own page, one option at a time: the option's page links here
    filtered to that option, with a way back."""

    list_filter = ["option"]
    list_select_related = ["option"]
    change_list_template = "admin/treatments/option_rows_change_list.html"

    def changelist_view(self, request, extra_context=None):
        option_id = request.GET.get("option__id__exact", "")
        option = Option.objects.filter(pk=option_id).first() if option_id.isdigit() else None
        return super().changelist_view(request, {"option": option, **(extra_context or {})})


@admin.register(Claim)
class ClaimAdmin(ContentAdmin):
    """Claims are edited on their option's page; here for their numbers, search and history."""

    form = SourcedForm
    list_display = ["text", "kind", "option", "is_main"]
    list_filter = ["kind", "option__status", "option"]
    search_fields = ["text", "option__name"]
    autocomplete_fields = ["sources"]
    list_select_related = ["option"]


@admin.register(ClaimCheck)
class ClaimCheckAdmin(OptionRowsAdmin):
    form = SourcedForm
    list_display = ["claim", "made_by", "finding", "option"]
    list_filter = ["option", "finding", "made_by"]
    search_fields = ["claim", "what_studies_found", "option__name"]
    autocomplete_fields = ["option", "made_by", "sources"]
    list_select_related = ["option", "made_by"]


@admin.register(Consideration)
class ConsiderationAdmin(OptionRowsAdmin):
    form = SourcedForm
    list_display = ["text", "choice", "option"]
    list_filter = ["option", "choice__question"]
    search_fields = [
        "text",
        "option__name",
        "choice__label",
        "choice__question__text",
        "choice__question__short_label",
    ]
    autocomplete_fields = ["choice", "option", "sources"]
    list_select_related = ["option", "choice__question"]


@admin.register(Cost)
class CostAdmin(ContentAdmin):
    list_display = ["option", "display", "unit", "source"]
    autocomplete_fields = ["option", "source"]
    list_select_related = ["option", "source"]


@admin.register(Study)
class StudyAdmin(OptionRowsAdmin):
    list_display = ["source", "design", "participants", "option", "checked_against_primary"]
    list_filter = ["option", "checked_against_primary"]
    search_fields = ["design", "found", "source__title", "source__authors", "option__name"]
    autocomplete_fields = ["option", "source"]
    list_select_related = ["option", "source"]


@admin.register(ValueRating)
class ValueRatingAdmin(OptionRowsAdmin):
    list_display = ["option", "value", "text"]
    list_filter = ["option", "value"]
    search_fields = ["text", "option__name", "value__statement"]
    autocomplete_fields = ["option", "sources"]
    list_select_related = ["option", "value"]
    graded_fields = ("text",)


class ChoiceInline(ContentInline, admin.TabularInline):
    model = Choice
    fields = ["label", "slug", "applies_to", "order", "exclusive"]
    prepopulated_fields = {"slug": ["label"]}


class QuestionOnPageInline(admin.TabularInline):
    """A page's questions, to put in order; each opens to be changed in full."""

    model = Question
    extra = 0
    fields = ["text", "order"]
    readonly_fields = ["text"]
    show_change_link = True
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(QuestionPage)
class QuestionPageAdmin(ContentAdmin):
    list_display = ["title", "slug", "order", "summary_heading", "about_health"]
    list_editable = ["order"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [QuestionOnPageInline]


@admin.register(Question)
class QuestionAdmin(ContentAdmin):
    list_display = ["text", "page", "kind", "required", "order"]
    list_filter = ["page"]
    list_select_related = ["page"]
    search_fields = ["text", "slug"]
    inlines = [ChoiceInline]


@admin.register(Choice)
class ChoiceAdmin(ContentAdmin):
    list_display = ["__str__", "question"]
    search_fields = ["label", "question__text", "question__short_label"]
    list_select_related = ["question"]

    def get_queryset(self, request):
        # Each choice reads as its question and answer, wherever it is picked.
        return super().get_queryset(request).select_related("question")

    def delete_view(self, request, object_id, extra_context=None):
        choice = self.get_object(request, object_id)
        if choice is not None:
            options = [c.option.name for c in choice.considerations.select_related("option")]
            if options:
                self.message_user(
                    request,
                    f"“{choice}” cannot be deleted: it raises a consideration on "
                    f"{', '.join(options)}. Delete those considerations, or give them another "
                    "answer, first.",
                    messages.ERROR,
                )
                return HttpResponseRedirect(
                    reverse("admin:treatments_choice_change", args=[choice.pk])
                )
        return super().delete_view(request, object_id, extra_context)


class ValueRatingByValueInline(ContentInline, admin.TabularInline):
    model = ValueRating
    autocomplete_fields = ["sources"]
    fields = ["option", "text", "sources"]
    graded_fields = ("text",)


@admin.register(Value)
class ValueAdmin(ContentAdmin):
    list_display = ["statement", "order"]
    inlines = [ValueRatingByValueInline]


@admin.register(SuggestedQuestion)
class SuggestedQuestionAdmin(ContentAdmin):
    list_display = ["text", "slug", "order"]
    prepopulated_fields = {"slug": ["text"]}


class PageSectionInline(ContentInline, admin.StackedInline):
    model = PageSection
    autocomplete_fields = ["sources"]


@admin.register(Page)
class PageAdmin(SeenOnSite, ContentAdmin):
    list_display = ["title", "slug", "show_in_footer"]
    inlines = [PageSectionInline]


@admin.register(Aid)
class AidAdmin(ContentAdmin):
    list_display = ["name", "short_name", "summary_title"]
    fieldsets = [
        ("Its name", {"fields": ["name", "short_name"]}),
        ("Home page", {"fields": ["home_heading", "home_lead", "home_does"]}),
        ("Printed summary", {"fields": ["summary_title"]}),
    ]
    graded_fields = ("home_lead", "home_does")

    # There is one aid: it is written once, then only changed.
    def has_add_permission(self, request):
        return super().has_add_permission(request) and not Aid.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Term)
class TermAdmin(ContentAdmin):
    list_display = ["term", "definition"]
    search_fields = ["term", "definition"]
    # A text box, not a one-line field: the definition is read by patients, so it gets a grade.
    graded_fields = ("definition",)


from treatments import admin_publishing  # noqa: E402, F401  (versions and publishing)
