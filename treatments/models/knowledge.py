"""The knowledge check: a few questions whose answers are facts the aid already states, each
explained with its sources once answered. The flow offers "I'm not sure" beside the choices; it is
not content."""

from django.db import models
from simple_history.models import HistoricalRecords

from treatments.models.base import CitesSources, FixedSlug, NaturalKeyManager, SlugModel, slug_help
from treatments.models.sources import Source
from treatments.schema import HasRelated


class KnowledgeQuestion(SlugModel, CitesSources):
    """One question of the knowledge check, with why its right answer is right."""

    slug = models.SlugField(
        max_length=40,
        unique=True,
        help_text=slug_help + " People's saved answers name the question by it: keep it.",
    )
    text = models.CharField(
        max_length=150,
        help_text="The question, in plain words. Its answer must be a fact the aid already "
        "states, e.g. “Does relief from this treatment usually last for months?”",
    )
    topic = models.CharField(
        max_length=80,
        help_text="The topic in a few words, as the summary lists it under “Things I'd like to "
        "go over” when the person was wrong or not sure, e.g. “Getting better without new "
        "treatment”.",
    )
    explanation = models.TextField(
        help_text="Why the right answer is right, in one or two sentences, shown once the "
        "person has answered. Use figures exactly as the option pages give them. Grade 8 or below."
    )
    sources = models.ManyToManyField(
        Source,
        related_name="knowledge_questions",
        help_text="The sources the aid cites for this fact. At least one is needed.",
    )
    order = models.PositiveSmallIntegerField(default=0, help_text="Lower numbers come first.")

    history = HistoricalRecords(m2m_fields=[sources])

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = "knowledge question"

    def __str__(self):
        return self.text

    def patient_texts(self) -> list[tuple[str, str]]:
        return [(f"Knowledge question: {self.text[:40]}", self.explanation)]

    @property
    def right_choice(self) -> "KnowledgeChoice | None":
        return next((choice for choice in self.related.choices if choice.right), None)

    def publication_problems(self) -> list[str]:
        """What stops this question being published, in words an editor can act on."""
        problems = []
        choices = self.related.choices
        if len(choices) < 2:
            problems.append("Give it at least two answers to choose from.")
        if sum(1 for choice in choices if choice.right) != 1:
            problems.append("Mark exactly one answer as the right one.")
        if not self.related.sources:
            problems.append("Choose at least one source for its explanation.")
        return problems


class KnowledgeChoiceManager(NaturalKeyManager):
    def natural_key_lookup(self, question_slug, slug) -> dict:
        return {"question__slug": question_slug, "slug": slug}


class KnowledgeChoice(FixedSlug, HasRelated, models.Model):
    """One answer a person can choose to a knowledge question."""

    question = models.ForeignKey(
        KnowledgeQuestion, on_delete=models.CASCADE, related_name="choices"
    )
    slug = models.SlugField(max_length=40, help_text=slug_help)
    label = models.CharField(max_length=100, help_text="The answer as the person reads it.")
    right = models.BooleanField(
        "the right answer", default=False, help_text="Tick the one right answer."
    )
    order = models.PositiveSmallIntegerField(default=0, help_text="Lower numbers come first.")

    history = HistoricalRecords()
    objects = KnowledgeChoiceManager()

    class Meta:
        ordering = ["question", "order", "pk"]
        verbose_name = "answer to a knowledge question"
        verbose_name_plural = "answers to knowledge questions"
        constraints = [
            models.UniqueConstraint(
                fields=["question", "slug"], name="knowledge_choice_slug_unique_per_question"
            ),
            models.UniqueConstraint(
                fields=["question"],
                condition=models.Q(right=True),
                name="one_right_answer_per_knowledge_question",
                violation_error_message="Only one answer can be the right one.",
            ),
        ]

    def __str__(self):
        return f"{self.question.text}: {self.label}"

    def natural_key(self):
        return (self.question.slug, self.slug)

    # Django's serializers read this attribute; mypy cannot type attributes set on a function.
    natural_key.dependencies = ["treatments.knowledgequestion"]  # type: ignore[attr-defined]
