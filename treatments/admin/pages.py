"""The aid's own pages: its name and home page, information pages and the glossary."""

from django.contrib import admin

from treatments.admin.base import ContentAdmin, ContentInline, SeenOnSite
from treatments.editing import aid_for
from treatments.models import (
    Aid,
    Page,
    PageSection,
    Term,
)


class PageSectionInline(ContentInline, admin.StackedInline):
    model = PageSection
    autocomplete_fields = ["sources"]


@admin.register(Page)
class PageAdmin(SeenOnSite, ContentAdmin):
    list_display = ["title", "slug", "show_in_footer", "up_front", "after_options"]
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
        return super().has_add_permission(request) and aid_for(request) is None

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Term)
class TermAdmin(ContentAdmin):
    list_display = ["term", "definition"]
    search_fields = ["term", "definition"]
    # A text box, not a one-line field: the definition is read by patients, so it gets a grade.
    graded_fields = ("definition",)
