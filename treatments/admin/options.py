"""The option page: an option with its claims, costs and availability inline, its review and
publication status, and links to its longer groups."""

import datetime
from urllib.parse import urlencode

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import F
from django.http import HttpResponseRedirect, JsonResponse
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.views.decorators.http import require_POST

from treatments import writing
from treatments.admin.base import (
    ContentAdmin,
    ContentInline,
    PrefetchedRowsFormSet,
    SeenOnSite,
    SourcedForm,
    pickers,
)
from treatments.admin.history import OptionHistoryMixin
from treatments.editing import glossary_for
from treatments.models import (
    Availability,
    Claim,
    Cost,
    Option,
)
from treatments.readability import GRADE_LIMIT, reading_grade
from treatments.releases import current_content
from treatments.schema import OPTION_PARTS, option_sources

LEAVE_NEXT_VERSION = "_leave_next_version"  # the button that saves anyway, as a draft


class ClaimFormSet(PrefetchedRowsFormSet):
    """A save never quietly takes a ready option out of the next version: leaving it without a
    benefit or a harm is refused until the editor chooses to save it as a draft."""

    def clean(self):
        super().clean()
        option = self.instance
        if option.pk is None or not option.is_ready or LEAVE_NEXT_VERSION in self.data:
            return
        before, after = set(), set()
        for form in self.forms:
            if form.instance.pk is not None:
                before.add(form.initial.get("kind"))
            kept = form.has_changed() or form.instance.pk is not None
            if kept and not form.cleaned_data.get("DELETE"):
                after.add(form.cleaned_data.get("kind", form.initial.get("kind")))
        lost = [
            noun
            for kind, noun in [(Claim.Kind.BENEFIT, "benefit"), (Claim.Kind.HARM, "harm")]
            if kind in before and kind not in after
        ]
        if lost:
            raise ValidationError(
                f"Nothing was saved. This would leave “{option.name}” with no "
                f"{' and no '.join(lost)}, so it would go back to draft and leave the next "
                "version: patients would no longer see it once a publisher publishes. Add "
                f"another {' and '.join(lost)} first, or choose “Save anyway, as a draft”.",
                code="leaves_next_version",
            )


class ClaimInline(ContentInline, admin.TabularInline):
    model = Claim
    form = SourcedForm
    formset = ClaimFormSet
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
    fields = ["low", "high", "currency", "unit", "covers", "where", "country", "source"]


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
    # Django takes expressions here too; django-stubs types ordering as field names only.
    ordering = [F("next_review_due").asc(nulls_first=True), "name"]  # type: ignore[list-item]
    prepopulated_fields = {"slug": ["name"]}
    actions = ["mark_ready_selected", "return_to_draft_selected"]
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

    def get_object(self, request, object_id, from_field=None):
        # Every part with what it shows and cites, in a fixed number of queries: the status,
        # the writing aids, the inlines, their pickers and the links to the long groups read
        # them from here.
        try:
            options = Option.objects.with_content(for_editors=True)
            option = options.get(pk=Option._meta.pk.to_python(object_id))
        except (Option.DoesNotExist, ValidationError, ValueError):
            return None
        # The version patients see, read once for the page's status and its "View on site".
        option.current_version = current_content()
        return option

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
            if option.is_ready
            else "Draft: it is not in the next version."
        )
        current = getattr(option, "current_version", None) or current_content()
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
            inline = [part for part in OPTION_PARTS if not part.own_page]
            known = {str(source.pk): source for source in option_sources(obj, inline)}
            forms = [context["adminform"].form] + [
                form for inline in context["inline_admin_formsets"] for form in inline.formset
            ]
            for form in forms:
                for picker in pickers(form):
                    picker.known = known
        for inline in context.get("inline_admin_formsets", []):
            errors = inline.formset.non_form_errors().as_data()
            for error in errors:
                if error.code == "leaves_next_version":
                    # At the top, where the editor looks after Save; the button sends the form.
                    self.message_user(
                        request,
                        format_html(
                            '{} <button type="submit" form="option_form" name="{}" value="1" '
                            'class="button">Save anyway, as a draft</button>',
                            error.message,
                            LEAVE_NEXT_VERSION,
                        ),
                        messages.WARNING,
                    )
        return super().render_change_form(request, context, add, change, form_url, obj)

    def elsewhere(self, request, option) -> list[dict]:
        """The option's long groups, each edited on its own page filtered to this option."""
        glossary = glossary_for(request)
        parts = [part for part in OPTION_PARTS if part.own_page]
        groups = []  # from the parts get_object prefetched
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
        if "_mark_ready" in request.POST or LEAVE_NEXT_VERSION in request.POST:
            if "_mark_ready" in request.POST:
                self._mark_ready(request, obj)
            return HttpResponseRedirect(request.path)
        return super().response_change(request, obj)

    def _mark_ready(self, request, option) -> bool:
        try:
            option.mark_ready()
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
        # Read again: the page's own copy still holds the claims deleted by this save.
        option = Option.objects.get(pk=form.instance.pk)
        if option.is_ready:
            problems = option.publication_problems()
            if problems:
                option.mark_draft()
                self.message_user(
                    request,
                    f"“{option.name}” went back to draft, so it will not be in the next version. "
                    + " ".join(problems),
                    messages.WARNING,
                )

    @admin.action(description="Mark the selected options ready for the next version")
    def mark_ready_selected(self, request, queryset):
        for option in queryset:
            self._mark_ready(request, option)

    @admin.action(description="Return the selected options to draft")
    def return_to_draft_selected(self, request, queryset):
        for option in queryset:
            option.mark_draft()
        self.message_user(request, f"{queryset.count()} option(s) returned to draft.")
