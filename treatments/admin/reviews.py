"""Reviews in the editors' admin: recorded from an option's page, each with what was checked;
and work submitted for a publisher's review, with a comment each way."""

from django.contrib import admin, messages
from django.db.models import Case, When
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import Truncator
from simple_history.admin import SimpleHistoryAdmin

from treatments.admin.base import editor_name
from treatments.admin.publishing import PUBLISH_PERMISSION
from treatments.models import Review, Submission


@admin.register(Review)
class ReviewAdmin(SimpleHistoryAdmin):
    list_display = ["option", "reviewed_on", "reviewed_by", "checked_in_brief", "next_review_due"]
    list_filter = ["reviewed_on", "reviewed_by"]
    search_fields = ["option__name", "what_checked", "reviewed_by"]
    list_select_related = ["option"]
    autocomplete_fields = ["option"]
    date_hierarchy = "reviewed_on"
    fields = ["option", "reviewed_on", "what_checked", "next_review_due", "reviewed_by"]
    readonly_fields = ["reviewed_by"]

    @admin.display(description="what was checked")
    def checked_in_brief(self, review):
        return Truncator(review.what_checked).words(12)

    def get_fields(self, request, obj=None):
        # Who reviewed is the person signed in; shown once the review is recorded.
        return self.fields if obj else [f for f in self.fields if f != "reviewed_by"]

    def get_readonly_fields(self, request, obj=None):
        # A review stays with the option it was recorded for.
        return [*self.readonly_fields, "option"] if obj else self.readonly_fields

    def save_model(self, request, obj, form, change):
        if not change:
            obj.reviewed_by = request.user.get_username()
        obj._history_user = request.user
        super().save_model(request, obj, form, change)

    def response_add(self, request, obj, post_url_continue=None):
        if "_addanother" in request.POST or "_continue" in request.POST:
            return super().response_add(request, obj, post_url_continue)
        self.message_user(
            request,
            f"Review of “{obj.option}” recorded. Its next review is due on "
            f"{date_format(obj.next_review_due, 'j F Y')}.",
            messages.SUCCESS,
        )
        return HttpResponseRedirect(reverse("admin:treatments_option_change", args=[obj.option_id]))


@admin.register(Submission)
class SubmissionAdmin(admin.ModelAdmin):
    """Work submitted for review: editors submit it with a comment; publishers see what waits, by
    whom and since when, and send it back with a comment (publishing marks it published)."""

    list_display = [
        "option_or_shared",
        "submitted_by",
        "submitted_at",
        "status",
        "comment_in_brief",
    ]
    list_filter = ["status", "submitted_by"]
    search_fields = ["option__name", "comment", "answer", "submitted_by"]
    list_select_related = ["option"]
    date_hierarchy = "submitted_at"

    class Media:
        css = {"all": ["css/editor.css"]}

    @admin.display(description="option", ordering="option__name")
    def option_or_shared(self, submission):
        return submission.option or "Shared content"

    @admin.display(description="comment")
    def comment_in_brief(self, submission):
        return Truncator(submission.comment).words(16)

    def get_ordering(self, request):
        # What waits comes first, oldest first; then what was answered.
        waiting = Case(When(status=Submission.Status.WAITING, then=0), default=1)
        return [waiting.asc(), "submitted_at"]

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["option", "comment"]
        return [
            "option",
            "comment",
            "submitted_by",
            "submitted_at",
            "status",
            "answer",
            "answered_by",
            "answered_at",
        ]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        # Once submitted, only a publisher answers it.
        return ["option", "comment", "submitted_by", "submitted_at", "answered_by", "answered_at"]

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        if db_field.name == "status":
            # A publisher sends work back here; publishing marks it published.
            kwargs["choices"] = [
                (value, label)
                for value, label in Submission.Status.choices
                if value != Submission.Status.PUBLISHED
            ]
        return super().formfield_for_choice_field(db_field, request, **kwargs)

    def has_change_permission(self, request, obj=None):
        # Answered once (answered_at is set only when saved, so a form with a mistake stays open).
        return request.user.has_perm(PUBLISH_PERMISSION) and (
            obj is None or obj.answered_at is None
        )

    def has_view_permission(self, request, obj=None):
        return super().has_view_permission(request, obj) or request.user.has_perm(
            PUBLISH_PERMISSION
        )

    def has_delete_permission(self, request, obj=None):
        return False  # kept, as a record of who asked for what

    def save_model(self, request, obj, form, change):
        if not change:
            obj.submitted_by = editor_name(request)
        elif "status" in form.changed_data:
            obj.answered_by, obj.answered_at = editor_name(request), timezone.now()
        super().save_model(request, obj, form, change)
