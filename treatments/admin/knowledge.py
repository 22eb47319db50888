"""The knowledge check: its questions, each with its answers inline and one marked right."""

from django.contrib import admin
from django.core.exceptions import ValidationError

from treatments.admin.base import ContentAdmin, ContentInline, PrefetchedRowsFormSet, SourcedForm
from treatments.models import KnowledgeChoice, KnowledgeQuestion


class KnowledgeChoiceFormSet(PrefetchedRowsFormSet):
    """A question's answers: at least two, and exactly one of them right."""

    def clean(self):
        super().clean()
        kept = [
            form.cleaned_data
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]
        if len(kept) < 2:
            raise ValidationError("Give at least two answers to choose from.")
        if sum(1 for data in kept if data.get("right")) != 1:
            raise ValidationError("Tick “the right answer” on exactly one answer.")


class KnowledgeChoiceInline(ContentInline, admin.TabularInline):
    model = KnowledgeChoice
    formset = KnowledgeChoiceFormSet
    fields = ["label", "slug", "right", "order"]
    prepopulated_fields = {"slug": ["label"]}


@admin.register(KnowledgeQuestion)
class KnowledgeQuestionAdmin(ContentAdmin):
    form = SourcedForm
    list_display = ["text", "topic", "order"]
    list_editable = ["order"]
    search_fields = ["text", "topic", "slug"]
    prepopulated_fields = {"slug": ["topic"]}
    autocomplete_fields = ["sources"]
    fields = ["text", "slug", "topic", "explanation", "sources", "order"]
    inlines = [KnowledgeChoiceInline]
