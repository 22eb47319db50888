"""Sources, and the rows about options edited on pages of their own (claim checks,
considerations, studies, value ratings) or as lists (claims, costs)."""

from typing import cast

from django.contrib import admin
from django.http import QueryDict

from treatments.admin.base import ContentAdmin, SourcedForm
from treatments.editing import ContentForm
from treatments.models import (
    Claim,
    ClaimCheck,
    Consideration,
    Cost,
    Option,
    Source,
    Study,
    ValueRating,
    clean_doi,
    clean_pmid,
)


class SourceForm(ContentForm):
    """A pasted "PMID: 19615823" or "https://doi.org/10..." is kept as the bare identifier."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("pmid", "doi"):
            # No length limit in the browser: it would cut a pasted "PMID: 40000001" or PubMed
            # address short before the server takes the identifier out of it.
            self.fields[name].widget.attrs.pop("maxlength", None)
        if self.is_bound:
            # The submitted data (a QueryDict from the admin): copied, so it can be changed.
            self.data = cast(QueryDict, self.data).copy()
            for name, clean in (("pmid", clean_pmid), ("doi", clean_doi)):
                key = self.add_prefix(name)
                if key in self.data:
                    # A QueryDict gives a key's last value, a string.
                    self.data[key] = clean(cast(str, self.data[key]))


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
