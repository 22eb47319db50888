"""The questionnaire: pages of questions, questions, answers, values and suggested questions."""

from django.contrib import admin, messages
from django.http import HttpResponseRedirect
from django.urls import reverse

from treatments.admin.base import ContentAdmin, ContentInline
from treatments.models import (
    Choice,
    Question,
    QuestionPage,
    SuggestedQuestion,
    Value,
    ValueRating,
)


class ChoiceInline(ContentInline, admin.TabularInline):
    model = Choice
    fields = ["label", "slug", "applies_to", "order", "exclusive", "unsure", "replaces"]
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
