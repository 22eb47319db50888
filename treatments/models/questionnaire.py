"""The questionnaire: pages of questions, answers, the points answers raise, values and
suggested questions."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Prefetch, Q
from simple_history.models import HistoricalRecords

from treatments.models.base import CitesSources, FixedSlug, NaturalKeyManager, SlugModel, slug_help
from treatments.models.options import Option
from treatments.models.sources import Source
from treatments.schema import HasRelated

# The guided flow's own steps live at these addresses, so no page of questions may take them.
FLOW_STEP_SLUGS = (
    "start",
    "values",
    "options",
    "considering",
    "stand",
    "knowledge",
    "knowledge-answers",
    "questions",
    "sure",
    "check",
    "summary",
)


def not_a_flow_step(slug: str) -> None:
    if slug in FLOW_STEP_SLUGS:
        raise ValidationError(
            f"“{slug}” is the address of one of the aid's own steps. Choose another short name."
        )


class QuestionPage(SlugModel):
    """One page of the questionnaire: the flow shows one step per page, in this order."""

    slug = models.SlugField(
        max_length=40, unique=True, validators=[not_a_flow_step], help_text=slug_help
    )
    title = models.CharField(max_length=150, help_text="The page heading, e.g. “About you”.")
    hint = models.CharField(
        max_length=300, blank=True, help_text="One or two short sentences under the heading."
    )
    summary_heading = models.CharField(
        "heading on the summary",
        max_length=80,
        blank=True,
        help_text="The heading its answers are printed under on the summary, e.g. “About me”. "
        "Pages with the same heading share it. Leave blank to print only the points its answers "
        "raise to discuss.",
    )
    about_health = models.BooleanField(
        "questions about health",
        default=False,
        help_text="Tick for questions about health conditions. Option pages then tell everyone "
        "who should talk to a clinician first because of them, and the summary can say when no "
        "answer raises a point.",
    )
    order = models.PositiveSmallIntegerField(
        default=0, help_text="Lower numbers come first: the pages are steps in this order."
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "pk"]
        verbose_name = "page of questions"
        verbose_name_plural = "pages of questions"

    def __str__(self):
        return self.title


class Question(SlugModel):
    class Kind(models.TextChoices):
        ONE = "one", "Choose one"
        MANY = "many", "Choose any"

    page = models.ForeignKey(
        QuestionPage,
        on_delete=models.PROTECT,
        related_name="questions",
        help_text="The page of the questionnaire it is on.",
    )
    text = models.CharField(max_length=200, help_text="The question, as the page heading.")
    hint = models.CharField(
        max_length=300, blank=True, help_text="A short hint under the question."
    )
    short_label = models.CharField(
        max_length=80,
        help_text='How the answer is labelled on the summary, e.g. "Time since it started".',
    )
    kind = models.CharField(
        max_length=10,
        choices=Kind.choices,
        default=Kind.ONE,
        help_text="Whether a person picks one answer or any number of answers.",
    )
    required = models.BooleanField(default=True, help_text="Whether a person must answer to go on.")
    order = models.PositiveSmallIntegerField(default=0, help_text="Lower numbers come first.")

    history = HistoricalRecords()

    class Meta:
        ordering = ["page", "order", "pk"]

    def __str__(self):
        return self.text

    def natural_key(self):
        return super().natural_key()

    # Django's serializers read this attribute; mypy cannot type attributes set on a function.
    natural_key.dependencies = ["treatments.questionpage"]  # type: ignore[attr-defined]


class ChoiceManager(NaturalKeyManager):
    def natural_key_lookup(self, question_slug, slug) -> dict:
        return {"question__slug": question_slug, "slug": slug}


class Choice(FixedSlug, HasRelated, models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="choices")
    slug = models.SlugField(max_length=80, help_text=slug_help)
    label = models.CharField(max_length=200, help_text="The answer as the person reads it.")
    applies_to = models.CharField(
        "who it applies to",
        max_length=150,
        blank=True,
        help_text='This answer in general words, for everyone to read on option pages, e.g. "If '
        'you are pregnant or may be". Leave blank to quote the question and this answer.',
    )
    order = models.PositiveSmallIntegerField(default=0, help_text="Lower numbers come first.")
    exclusive = models.BooleanField(
        default=False,
        help_text='For "choose any" questions: this answer cannot be combined with others '
        '(e.g. "None of these").',
    )
    unsure = models.BooleanField(
        "means not sure",
        default=False,
        help_text='This answer means "I\'m not sure". The summary prints it, and option pages '
        "tell the person to ask whether the points on health apply to them.",
    )
    replaces = models.CharField(
        "stands for earlier answers",
        max_length=300,
        blank=True,
        help_text="Answers to questions since removed that mean this answer, as "
        "question:answer short names with spaces between, e.g. “pregnancy:yes "
        "pregnancy:not-sure”. People's saved answers are read as this answer.",
    )
    shows_crisis_help = models.BooleanField(
        "show where to get help at once when this is chosen",
        default=False,
        help_text="The next page then shows the aid's box on where to get help at once.",
    )

    history = HistoricalRecords()
    objects = ChoiceManager()

    class Meta:
        ordering = ["question", "order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["question", "slug"], name="choice_slug_unique_per_question"
            )
        ]

    def __str__(self):
        """The question and the answer, e.g. "Pregnancy: Yes": many questions share "Yes"."""
        return f"{self.question.short_label or self.question.text}: {self.label}"

    def natural_key(self):
        return (self.question.slug, self.slug)

    @property
    def general_form(self) -> str:
        """Who this answer is about, in words anyone can read whether or not they answered."""
        return self.applies_to or f"If you answered “{self.label}” to “{self.question.text}”"

    # Django's serializers read this attribute; mypy cannot type attributes set on a function.
    natural_key.dependencies = ["treatments.question"]  # type: ignore[attr-defined]

    def replaced_pairs(self) -> list[tuple[str, str]]:
        """The earlier (question slug, choice slug) answers this answer stands for."""
        return [
            (question, choice)
            for word in self.replaces.split()
            for question, sep, choice in [word.partition(":")]
            if sep and question and choice
        ]


class ConsiderationQuerySet(models.QuerySet):
    def for_answers(self, pairs):
        """Considerations raised by (question slug, choice slug) pairs, on published options."""
        pairs = list(pairs)
        if not pairs:
            return self.none()
        match = Q()
        for question, choice in pairs:
            match |= Q(choice__question__slug=question, choice__slug=choice)
        return (
            self.filter(match, option__status=Option.Status.READY)
            .select_related("option", "choice__question")
            .prefetch_related(Prefetch("sources", queryset=Source.objects.order_by("pk")))
        )


class Consideration(CitesSources):
    """Something a person's answer means for an option, to discuss with a clinician."""

    choice = models.ForeignKey(
        Choice,
        # An answer that raises a consideration cannot go while the consideration is there.
        on_delete=models.PROTECT,
        related_name="considerations",
        null=True,
        blank=True,
        help_text="The answer that raises this point. Leave blank for a caution for everyone: "
        "it is listed on the option's page for all to read, and printed when the option is "
        "considered.",
    )
    option = models.ForeignKey(
        Option,
        on_delete=models.CASCADE,
        related_name="considerations",
        help_text="The option it concerns.",
    )
    text = models.TextField(
        help_text="Worded as something to discuss, never a verdict. Grade 8 or below."
    )
    sources = models.ManyToManyField(
        Source, related_name="considerations", help_text="At least one source is needed."
    )

    history = HistoricalRecords(m2m_fields=[sources])
    objects = ConsiderationQuerySet.as_manager()

    class Meta:
        ordering = ["option", "choice", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["choice", "option"], name="consideration_once_per_option"
            )
        ]

    def __str__(self):
        return f"{self.choice or 'Everyone'} → {self.option.name}"

    @property
    def for_everyone(self) -> bool:
        return self.choice_id is None

    def patient_texts(self) -> list[tuple[str, str]]:
        return [(f"Consideration: {self.text[:40]}…", self.text)]


class Value(SlugModel):
    """A 'what matters to me' statement."""

    statement = models.CharField(max_length=150, help_text='e.g. "Avoiding anything permanent".')
    hint = models.CharField(max_length=300, blank=True, help_text="A short explanation under it.")
    order = models.PositiveSmallIntegerField(default=0, help_text="Lower numbers come first.")

    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "pk"]

    def __str__(self):
        return self.statement


class ValueRating(CitesSources):
    """How one option does on one value, in words (never a score)."""

    value = models.ForeignKey(
        Value,
        on_delete=models.CASCADE,
        related_name="ratings",
        help_text="What matters to a person.",
    )
    option = models.ForeignKey(
        Option,
        on_delete=models.CASCADE,
        related_name="value_ratings",
        help_text="The option described.",
    )
    text = models.CharField(max_length=300, help_text="One plain sentence.")
    sources = models.ManyToManyField(
        Source, related_name="value_ratings", blank=True, help_text="Needed when it states a fact."
    )

    history = HistoricalRecords(m2m_fields=[sources])

    class Meta:
        ordering = ["option", "value__order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["value", "option"], name="value_rating_once_per_option")
        ]

    def __str__(self):
        return f"{self.option.name} / {self.value.statement}"

    def patient_texts(self) -> list[tuple[str, str]]:
        return [(f"On “{self.value.statement}”", self.text)]


class SuggestedQuestion(SlugModel):
    """A question a person may want to ask their clinician."""

    slug = models.SlugField(
        max_length=50,
        unique=True,
        help_text=slug_help + " People's saved answers name the question by it: keep it.",
    )
    text = models.CharField(max_length=200, help_text="A neutral question, in plain words.")
    order = models.PositiveSmallIntegerField(default=0, help_text="Lower numbers come first.")

    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "pk"]

    def __str__(self):
        return self.text
