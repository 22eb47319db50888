"""The editors' admin: every change recorded, nothing reaches patients until it is published."""

import datetime

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import F
from django.http import HttpRequest, HttpResponseRedirect, JsonResponse
from django.urls import NoReverseMatch, path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.functional import lazy
from django.utils.html import format_html, format_html_join
from django.views.decorators.http import require_POST
from simple_history.admin import SimpleHistoryAdmin

from treatments import writing
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
    Release,
    Source,
    Study,
    SuggestedQuestion,
    Term,
    Value,
    ValueRating,
)
from treatments.readability import GRADE_LIMIT, reading_grade

# The aid's short name, as editors last saved it, read each time a page is drawn.
admin.site.site_header = lazy(lambda: f"{Aid.objects.current().short_name}: content", str)()
admin.site.site_title = lazy(lambda: f"{Aid.objects.current().short_name} content", str)()
admin.site.index_title = "Keep the content right"


def editor_name(request: HttpRequest) -> str:
    user = request.user
    return user.get_full_name() or user.get_username()


def grade_badge(text: str, names=()) -> str:
    grade = reading_grade(text, names)
    if grade is None:
        return "–"
    if grade > GRADE_LIMIT:
        return format_html('<strong class="grade grade--high">Grade {} – simplify</strong>', grade)
    return format_html('<span class="grade">Grade {}</span>', grade)


class ContentAdmin(SimpleHistoryAdmin):
    """Every content model: history and undo, and the writing aids under each text box."""

    class Media:
        css = {"all": ["css/editor.css"]}
        js = ["js/editor-aids.js"]


class SourcedForm(forms.ModelForm):
    """Every claim-like row must name at least one source, said in words an editor can act on."""

    def clean_sources(self):
        sources = self.cleaned_data.get("sources")
        if not sources:
            raise ValidationError("Choose at least one source for this.")
        return sources


class ClaimInline(admin.StackedInline):
    model = Claim
    form = SourcedForm
    extra = 0
    autocomplete_fields = ["sources"]
    fields = [
        ("kind", "is_main", "order"),
        "text",
        "text_grade",
        ("frequency_count", "frequency_total"),
        ("frequency_group", "frequency_timeframe"),
        ("study_size", "range_low", "range_high"),
        "sources",
    ]
    readonly_fields = ["text_grade"]

    @admin.display(description="Reading grade")
    def text_grade(self, claim):
        return grade_badge(claim.text, [claim.option.name]) if claim.pk else "–"


class CostInline(admin.TabularInline):
    model = Cost
    extra = 0
    autocomplete_fields = ["source"]
    fields = ["low", "high", "currency", "unit", "covers", "where", "source"]


class AvailabilityInline(admin.StackedInline):
    model = Availability
    form = SourcedForm
    extra = 0
    autocomplete_fields = ["sources"]
    fields = ["region", "text", "sources"]


class StudyInline(admin.StackedInline):
    model = Study
    extra = 0
    autocomplete_fields = ["source"]
    fields = [
        ("source", "order"),
        ("design", "participants", "duration"),
        "measured",
        "found",
        "checked_against_primary",
    ]


class ClaimCheckInline(admin.StackedInline):
    model = ClaimCheck
    form = SourcedForm
    extra = 0
    autocomplete_fields = ["made_by", "sources"]
    fields = [("made_by", "finding", "order"), "claim", "what_studies_found", "sources"]


class ConsiderationInline(admin.StackedInline):
    model = Consideration
    form = SourcedForm
    extra = 0
    autocomplete_fields = ["choice", "sources"]
    fields = ["choice", "text", "sources"]


class ValueRatingInline(admin.TabularInline):
    model = ValueRating
    extra = 0
    autocomplete_fields = ["sources"]
    fields = ["value", "text", "sources"]


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
class OptionAdmin(ContentAdmin):
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
    actions = ["publish_selected", "unpublish_selected", "mark_reviewed_selected"]
    inlines = [
        ClaimInline,
        AvailabilityInline,
        CostInline,
        StudyInline,
        ClaimCheckInline,
        ConsiderationInline,
        ValueRatingInline,
    ]
    readonly_fields = ["publication", "writing_aids", "status", "last_reviewed_on", "reviewed_by"]
    filter_horizontal = ["certainty_sources"]
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
        ("Review", {"fields": ["last_reviewed_on", "reviewed_by", "next_review_due"]}),
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
        current = Release.objects.current()
        in_current = current is not None and any(
            row["model"] == "treatments.option" and row["pk"] == option.pk
            for row in current.content
        )
        seen = (
            f"Patients see it now, as it was in {current}."
            if in_current
            else "Patients do not see it now."
        )
        try:
            preview = reverse("option_preview", args=[option.slug])
        except NoReverseMatch:
            preview = ""
        parts = [format_html("<p><strong>{}</strong> {}</p>", status, seen)]
        if preview:
            parts.append(
                format_html(
                    '<p><a href="{}">Preview it as patients will see it once published</a></p>',
                    preview,
                )
            )
        if problems:
            parts.append(
                format_html(
                    "<p>Before it can go into a version:</p><ul>{}</ul>",
                    format_html_join("", "<li>{}</li>", ((p,) for p in problems)),
                )
            )
        else:
            parts.append(format_html("<p>{}</p>", "It has everything it needs to be published."))
        parts.append(
            format_html(
                '<p><a href="{}">Published versions</a></p>',
                reverse("admin:treatments_release_changelist"),
            )
        )
        return format_html("{}" * len(parts), *parts)

    @admin.display(description="Reading grade and balance")
    def writing_aids(self, option):
        if not option.pk:
            return "Shown once the option is saved. Grades also update as you type."
        report = writing.option_report(option)
        rows = format_html_join(
            "",
            "<tr><th scope='row'>{}</th><td>{}</td></tr>",
            ((label, grade_badge(text, report.names)) for label, text in report.texts),
        )
        warning = (
            format_html('<p class="aid-warning"><strong>Check:</strong> {}</p>', report.warning)
            if report.warning
            else ""
        )
        return format_html(
            '<p class="aid-balance">{}</p>{}<table class="aid-grades">'
            "<caption>Flesch-Kincaid grade of each text (aim for {} or below)</caption>{}</table>",
            report.balance,
            warning,
            int(GRADE_LIMIT),
            rows,
        )

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
        grade = reading_grade(text)
        return JsonResponse(
            {"grade": grade, "plain": grade is None or grade <= GRADE_LIMIT, "limit": GRADE_LIMIT}
        )

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

    @admin.action(description="Mark the selected options as reviewed today")
    def mark_reviewed_selected(self, request, queryset):
        for option in queryset:
            option.mark_reviewed(by=editor_name(request))
        self.message_user(request, f"{queryset.count()} option(s) marked as reviewed today.")


@admin.register(Source)
class SourceAdmin(ContentAdmin):
    list_display = ["short_citation", "title", "kind", "interest", "pmid", "doi"]
    list_filter = ["kind"]
    search_fields = ["slug", "title", "authors", "publisher", "pmid", "doi"]
    prepopulated_fields = {"slug": ["title"]}


@admin.register(Claim)
class ClaimAdmin(ContentAdmin):
    """Claims are edited on their option's page; here for search and each claim's history."""

    form = SourcedForm
    list_display = ["text", "kind", "option", "is_main"]
    list_filter = ["kind", "option__status", "option"]
    search_fields = ["text", "option__name"]
    autocomplete_fields = ["sources"]
    list_select_related = ["option"]


@admin.register(ClaimCheck)
class ClaimCheckAdmin(ContentAdmin):
    form = SourcedForm
    list_display = ["claim", "made_by", "finding", "option"]
    list_filter = ["finding", "made_by"]
    search_fields = ["claim", "what_studies_found"]
    autocomplete_fields = ["made_by", "sources"]


@admin.register(Consideration)
class ConsiderationAdmin(ContentAdmin):
    form = SourcedForm
    list_display = ["text", "choice", "option"]
    list_filter = ["option", "choice__question"]
    search_fields = ["text", "option__name", "choice__label", "choice__question__text"]
    autocomplete_fields = ["choice", "option", "sources"]
    list_select_related = ["option", "choice__question"]


@admin.register(Cost)
class CostAdmin(ContentAdmin):
    list_display = ["option", "display", "unit", "source"]
    autocomplete_fields = ["source"]
    list_select_related = ["option", "source"]


@admin.register(Study)
class StudyAdmin(ContentAdmin):
    list_display = ["source", "design", "participants", "option", "checked_against_primary"]
    list_filter = ["checked_against_primary"]
    search_fields = ["design", "found", "source__title", "source__authors"]
    autocomplete_fields = ["source"]
    list_select_related = ["option", "source"]


class ChoiceInline(admin.TabularInline):
    model = Choice
    extra = 0
    fields = ["label", "slug", "applies_to", "order", "exclusive"]
    prepopulated_fields = {"slug": ["label"]}


@admin.register(Question)
class QuestionAdmin(ContentAdmin):
    list_display = ["text", "step", "kind", "required", "order"]
    list_filter = ["step"]
    search_fields = ["text", "slug"]
    inlines = [ChoiceInline]


@admin.register(Choice)
class ChoiceAdmin(ContentAdmin):
    list_display = ["label", "question"]
    search_fields = ["label", "question__text"]
    list_select_related = ["question"]


class ValueRatingByValueInline(ValueRatingInline):
    fields = ["option", "text", "sources"]


@admin.register(Value)
class ValueAdmin(ContentAdmin):
    list_display = ["statement", "order"]
    inlines = [ValueRatingByValueInline]


@admin.register(SuggestedQuestion)
class SuggestedQuestionAdmin(ContentAdmin):
    list_display = ["text", "order"]


class PageSectionInline(admin.StackedInline):
    model = PageSection
    extra = 0
    autocomplete_fields = ["sources"]


@admin.register(Page)
class PageAdmin(ContentAdmin):
    list_display = ["title", "slug", "show_in_footer"]
    inlines = [PageSectionInline]


@admin.register(Aid)
class AidAdmin(ContentAdmin):
    list_display = ["name", "short_name", "summary_title"]
    fieldsets = [
        ("Its name", {"fields": ["name", "short_name", "condition"]}),
        ("Home page", {"fields": ["home_heading", "home_lead", "home_does"]}),
        ("Printed summary", {"fields": ["summary_title"]}),
    ]
    form = forms.modelform_factory(
        Aid,
        fields="__all__",
        widgets={
            "home_lead": forms.Textarea(attrs={"rows": 3}),
            "home_does": forms.Textarea(attrs={"rows": 5}),
        },
    )

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
    form = forms.modelform_factory(
        Term, fields="__all__", widgets={"definition": forms.Textarea(attrs={"rows": 3})}
    )


from treatments import admin_publishing  # noqa: E402, F401  (versions and publishing)
