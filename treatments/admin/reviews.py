"""Reviews in the editors' admin: recorded from an option's page, each with what was checked."""

from django.contrib import admin, messages
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.text import Truncator
from simple_history.admin import SimpleHistoryAdmin

from treatments.models import Review


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
