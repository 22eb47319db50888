"""Mistakes readers reported: editors read each with its page and version, then mark it done."""

from typing import cast

from django.contrib import admin
from django.contrib.auth.models import User
from django.http import HttpRequest
from django.utils.html import format_html

from treatments.models import MistakeReport


@admin.register(MistakeReport)
class MistakeReportAdmin(admin.ModelAdmin):
    list_display = ["received_at", "page_link", "what", "version", "done"]
    list_filter = ["done"]
    search_fields = ["what", "source", "page"]
    readonly_fields = ["page_link", "version", "what", "source", "received_at", "done_by"]
    fields = ["page_link", "version", "received_at", "what", "source", "done", "done_by"]
    actions = ["mark_done"]

    @admin.display(description="Page")
    def page_link(self, report: MistakeReport) -> str:
        return format_html('<a href="{}">{}</a>', report.page, report.page)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # reports come from readers

    def save_model(self, request, obj, form, change):
        if "done" in form.changed_data:
            user = cast(User, request.user)
            obj.done_by = (user.get_full_name() or user.get_username()) if obj.done else ""
        super().save_model(request, obj, form, change)

    @admin.action(description="Mark the selected reports dealt with")
    def mark_done(self, request: HttpRequest, queryset) -> None:
        user = cast(User, request.user)
        queryset.update(done=True, done_by=user.get_full_name() or user.get_username())
