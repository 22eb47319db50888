"""Sources, and the rows about options edited on pages of their own (claim checks,
considerations, studies, value ratings) or as lists (claims, costs)."""

from typing import cast

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Field
from django.http import HttpRequest, JsonResponse, QueryDict
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils.text import capfirst

from treatments import pubmed
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

# The name of the "Fill in from PubMed" button: posted, it shows the form again filled in.
FILL = "_fill_from_pubmed"
SWITCHED_OFF = (
    "Looking papers up in PubMed is switched off on this server: type the details in yourself."
)


class PubMedIdInput(forms.TextInput):
    """The PubMed ID box with "Fill in from PubMed" after it. Without JavaScript the button
    posts the form, which comes back filled in and unsaved; with it, static/js/editor-aids.js
    asks this site's lookup and fills the empty boxes in place."""

    def __init__(self, attrs=None, lookup_url: str = ""):
        super().__init__(attrs)
        self.lookup_url = lookup_url

    def render(self, name, value, attrs=None, renderer=None):
        box = super().render(name, value, attrs, renderer)
        context = self.get_context(name, value, attrs)
        return render_to_string(
            "admin/treatments/_pubmed_id.html",
            {
                "box": box,
                "id": context["widget"]["attrs"].get("id", ""),
                "fill": FILL,
                "lookup_url": self.lookup_url,
            },
        )


# A source's identifiers, each with what takes a pasted prefix or address off it.
IDENTIFIERS = (("pmid", clean_pmid), ("doi", clean_doi))


class SourceForm(ContentForm):
    """A pasted "PMID: 19615823" or "https://doi.org/10..." is kept as the bare identifier.

    Posted with "Fill in from PubMed", the form is shown again unsaved, as the editor left it
    with the gaps filled (SourceAdmin.changeform_view fills them): it starts from those values,
    with no errors about boxes not yet filled, and keeps the fingerprint the page opened with.
    """

    def __init__(self, data=None, files=None, *args, **kwargs):
        if data is not None and FILL in data:
            typed = {name: data[name] for name in self.base_fields if name in data}
            for name, clean in IDENTIFIERS:
                if name in typed:
                    typed[name] = clean(typed[name])
            kwargs["initial"] = {**(kwargs.get("initial") or {}), **typed}
            data = files = None  # unbound: shown as given, not checked
        super().__init__(data, files, *args, **kwargs)
        for name, _ in IDENTIFIERS:
            # No length limit in the browser: it would cut a pasted "PMID: 40000001" or PubMed
            # address short before the server takes the identifier out of it.
            self.fields[name].widget.attrs.pop("maxlength", None)
        if settings.PUBMED_LOOKUP:
            self.fields["pmid"].widget = PubMedIdInput(
                self.fields["pmid"].widget.attrs,
                lookup_url=reverse("admin:treatments_source_pubmed"),
            )
        if self.is_bound:
            # The submitted data (a QueryDict from the admin): copied, so it can be changed.
            self.data = cast(QueryDict, self.data).copy()
            for name, clean in IDENTIFIERS:
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
    # Save comes first in the form, so Enter in a box saves: without JavaScript, "Fill in from
    # PubMed" is a submit button too, and would otherwise be the one Enter presses.
    save_on_top = True

    def get_urls(self):
        return [
            path(
                "pubmed/",
                self.admin_site.admin_view(self.pubmed_view),
                name="treatments_source_pubmed",
            ),
            *super().get_urls(),
        ]

    def pubmed_view(self, request: HttpRequest) -> JsonResponse:
        """A paper's details from PubMed for "Fill in from PubMed", asked by the page's script.
        Always JSON: the fields found, or a message saying why there are none."""
        if not (self.has_add_permission(request) or self.has_change_permission(request)):
            raise PermissionDenied
        if not settings.PUBMED_LOOKUP:  # switched off since the page opened: said as any answer
            return JsonResponse({"fields": {}, "message": SWITCHED_OFF})
        try:
            paper = self._look_up(request.GET.get("pmid", ""))
        except pubmed.LookupFailed as error:
            return JsonResponse({"fields": {}, "message": str(error)})
        return JsonResponse({"fields": paper.fields(), "message": ""})

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        # "Fill in from PubMed" without JavaScript: the form comes back with its gaps filled.
        if request.method == "POST" and FILL in request.POST:
            if not settings.PUBMED_LOOKUP:  # switched off since the page opened
                self.message_user(request, SWITCHED_OFF, messages.ERROR)
            elif (
                self.has_add_permission(request)
                if object_id is None
                else self.has_change_permission(request)
            ):
                request.POST = self._filled(request)
        return super().changeform_view(request, object_id, form_url, extra_context)

    @staticmethod
    def _look_up(typed: str) -> pubmed.Paper:
        pmid = clean_pmid(typed)
        if not (pmid.isascii() and pmid.isdigit()):
            raise pubmed.LookupFailed(
                "Enter the PubMed ID first: the number PubMed shows as PMID, or the paper's "
                "PubMed address."
            )
        return pubmed.look_up(pmid)

    def _filled(self, request: HttpRequest) -> QueryDict:
        """The posted form with the boxes left empty filled from PubMed, and a message saying
        what was filled and what was kept as typed."""
        data = request.POST.copy()
        try:
            paper = self._look_up(data.get("pmid", ""))
        except pubmed.LookupFailed as error:
            self.message_user(request, str(error), messages.ERROR)
            return data
        filled: list[str] = []
        kept: list[str] = []
        for name, value in paper.fields().items():
            label = str(capfirst(cast(Field, Source._meta.get_field(name)).verbose_name))
            typed = data.get(name, "").strip()
            if not typed:
                data[name] = value
                filled.append(label)
            elif typed != value:
                kept.append(f"{label} (PubMed has “{value}”)")
        self.message_user(request, filled_message(filled, kept), messages.INFO)
        return data


def filled_message(filled: list[str], kept: list[str]) -> str:
    """What "Fill in from PubMed" did, as static/js/editor-aids.js says it too."""
    said = []
    if filled:
        said.append(f"Filled in from PubMed: {', '.join(filled)}.")
    else:
        said.append("Nothing was filled in: every box PubMed could fill already has something.")
    if kept:
        said.append(f"Kept as you typed: {'; '.join(kept)}.")
    said.append("Check each against the paper. Nothing is saved until you save.")
    return " ".join(said)


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
