"""A treatment option: what it is, how sure anyone can be, its reviews and publication rules."""

import datetime
from typing import TYPE_CHECKING, ClassVar

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from simple_history.models import HistoricalRecords

from treatments.models.base import SlugManager, SlugModel
from treatments.models.evidence import Availability, Claim, Region
from treatments.models.sources import Source
from treatments.schema import OPTION_PARTS, option_prefetches, sources_in

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser
    from django.contrib.auth.models import AnonymousUser

REVIEW_INTERVAL = datetime.timedelta(days=365)
# Options due for review within this many days are listed on the admin's home page and emailed.
REVIEW_SOON_DAYS = 60


class OptionQuerySet(models.QuerySet):
    def ready(self):
        """Options marked ready: they go into the next version a publisher publishes."""
        return self.filter(status=Option.Status.READY)

    def overdue(self, today: datetime.date | None = None):
        today = today or timezone.localdate()
        return self.filter(Q(next_review_due__lt=today) | Q(next_review_due__isnull=True))

    def due_for_review(self, within_days: int = REVIEW_SOON_DAYS, today=None):
        """Options overdue, never reviewed, or due within `within_days`: the soonest first."""
        today = today or timezone.localdate()
        soon = today + datetime.timedelta(days=within_days)
        return self.filter(Q(next_review_due__lte=soon) | Q(next_review_due__isnull=True)).order_by(
            models.F("next_review_due").asc(nulls_first=True), "name"
        )

    def with_content(self, *, for_editors: bool = False):
        """Everything an option page shows, in a fixed number of queries (treatments/schema.py)."""
        return self.prefetch_related(*option_prefetches(for_editors=for_editors))


class CertaintyBasis(models.TextChoices):
    REVIEW = "review", "A named review's GRADE rating"
    AID = "aid", "This aid's own judgement, using GRADE's rules"


class Certainty(models.TextChoices):
    HIGH = "high", "High"
    MODERATE = "moderate", "Moderate"
    LOW = "low", "Low"
    VERY_LOW = "very_low", "Very low"


# Named so the manager can be annotated (django-stubs: managers are class variables).
OptionManager = SlugManager.from_queryset(OptionQuerySet)


class Option(SlugModel):
    class Category(models.TextChoices):
        CURRENT_CARE = "current_care", "Continuing current care"
        THERAPY = "therapy", "Therapy and rehabilitation"
        PSYCHOLOGICAL = "psychological", "Psychological support"
        MEDICINE = "medicine", "Medicines by mouth"
        INFUSION = "infusion", "Medicines by drip (infusion)"
        INJECTION = "injection", "Injections and nerve blocks"
        DEVICE_SURGERY = "device_surgery", "Implanted devices and surgery"

    Certainty = Certainty
    CertaintyBasis = CertaintyBasis

    class Reversibility(models.TextChoices):
        REVERSIBLE = "reversible", "Can be stopped; effects wear off"
        PARTLY = "partly", "Partly reversible"
        PERMANENT = "permanent", "Permanent or hard to undo"

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft: not in the next version"
        READY = "published", "Ready: in the next version a publisher publishes"

    name = models.CharField(max_length=120, help_text="The name patients see, in plain words.")
    category = models.CharField(
        max_length=30, choices=Category.choices, help_text="The group this option is listed under."
    )
    summary = models.TextField(
        "what it is",
        help_text="One or two short sentences on what this option is. Grade 8 or below.",
    )
    in_brief = models.CharField(
        "what it is, in a few words",
        max_length=80,
        blank=True,
        help_text='For the options at a glance, e.g. "A low-dose ketamine drip in hospital". '
        "Needed to publish.",
    )
    how_given = models.TextField(
        "how it is given", help_text="Where and how it happens: by drip, by mouth, an injection..."
    )
    time_commitment = models.TextField(
        help_text="Sessions, hours, days in hospital, how long a course lasts."
    )
    time_in_brief = models.CharField(
        "time it takes, in a few words",
        max_length=60,
        blank=True,
        help_text='For the options at a glance, e.g. "4 to 7 days in hospital". Needed to publish.',
    )
    reversibility = models.CharField(
        "can it be undone",
        max_length=20,
        choices=Reversibility.choices,
        help_text="Whether a person can stop and go back to how things were.",
    )
    reversibility_note = models.TextField(
        blank=True, help_text="A short plain explanation of the answer above."
    )
    availability = models.TextField(
        "availability and approval",
        help_text="Where it is offered and whether regulators approve it for this condition.",
    )
    certainty = models.CharField(
        "evidence certainty",
        max_length=20,
        choices=Certainty.choices,
        blank=True,
        help_text="How sure anyone can be about the benefits, in the four GRADE levels.",
    )
    certainty_basis = models.CharField(
        "whose rating",
        max_length=10,
        choices=CertaintyBasis.choices,
        blank=True,
        help_text="A review's own GRADE rating (name it in the sources below), or this aid's "
        "judgement using GRADE's rules (say why in the sentence below).",
    )
    certainty_reason = models.TextField(
        "why this certainty",
        blank=True,
        help_text='One plain sentence, e.g. "Two small trials with mixed results."',
    )
    certainty_sources = models.ManyToManyField(
        Source,
        blank=True,
        related_name="certainty_for",
        help_text="The review or guideline the rating comes from.",
    )
    no_reliable_cost = models.BooleanField(
        "no reliable cost figure found",
        default=False,
        help_text="Tick when no trustworthy price could be found. Patients are told so.",
    )
    cost_note = models.TextField(
        blank=True, help_text="Anything a patient should know about cost, e.g. insurance cover."
    )
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.DRAFT, editable=False
    )
    last_reviewed_on = models.DateField(null=True, blank=True, editable=False)
    reviewed_by = models.CharField(max_length=150, blank=True, editable=False)
    next_review_due = models.DateField(
        null=True,
        blank=True,
        help_text="When this option must be checked again. Twelve months after review by default.",
    )
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])
    objects: ClassVar[OptionManager["Option"]] = OptionManager()

    if TYPE_CHECKING:
        # Set on a row before saving it; simple_history reads them into the history record.
        _change_reason: str
        _history_user: AbstractBaseUser | AnonymousUser

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(certainty__in=["", *Certainty.values]),
                name="option_certainty_valid",
            ),
            models.CheckConstraint(
                condition=Q(certainty_basis__in=["", *CertaintyBasis.values]),
                name="option_certainty_basis_valid",
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | (~Q(certainty="") & ~Q(certainty_reason="")),
                name="option_published_has_certainty",
            ),
            models.CheckConstraint(
                condition=Q(next_review_due__isnull=True)
                | Q(last_reviewed_on__isnull=True)
                | Q(next_review_due__gt=models.F("last_reviewed_on")),
                name="option_review_due_after_review",
            ),
        ]

    def __str__(self):
        return self.name

    def clean(self):
        super().clean()
        # The database holds this rule too, but the form does not show the review date, so
        # Django would not check it before saving.
        reviewed, due = self.last_reviewed_on, self.next_review_due
        if reviewed and due and due <= reviewed:
            raise ValidationError(
                {
                    "next_review_due": f"Choose a date after the last review "
                    f"({date_format(reviewed, 'j F Y')})."
                }
            )

    def get_absolute_url(self) -> str:
        return reverse("option", args=[self.slug])

    @property
    def is_ready(self) -> bool:
        return self.status == self.Status.READY

    @property
    def is_overdue(self) -> bool:
        return self.next_review_due is None or self.next_review_due < timezone.localdate()

    def claims_of(self, kind: str) -> list["Claim"]:
        return [claim for claim in self.related.claims if claim.kind == kind]

    @property
    def benefits(self):
        return self.claims_of(Claim.Kind.BENEFIT)

    @property
    def harms(self):
        return self.claims_of(Claim.Kind.HARM)

    @property
    def limitations(self):
        return self.claims_of(Claim.Kind.LIMITATION)

    @property
    def practical_points(self):
        return self.claims_of(Claim.Kind.PRACTICAL)

    @property
    def notes_by_region(self) -> list[tuple["Region", "Availability | None"]]:
        """Every region, with what is known of the option there (None when nothing was found)."""
        notes = {note.region: note for note in self.related.regions}
        return [(region, notes.get(region)) for region in Region]

    @property
    def living_with_it(self):
        return self.claims_of(Claim.Kind.LIVING)

    @property
    def urgent_signs(self):
        """When to get help straight away: signs to act on at once, not to weigh."""
        return self.claims_of(Claim.Kind.URGENT)

    def main_claim(self, kind: str) -> "Claim | None":
        claims = self.claims_of(kind)
        return next((c for c in claims if c.is_main), claims[0] if claims else None)

    @property
    def main_benefit(self):
        return self.main_claim(Claim.Kind.BENEFIT)

    @property
    def main_harm(self):
        return self.main_claim(Claim.Kind.HARM)

    @property
    def rare_serious_harm(self) -> "Claim | None":
        """The harm editors marked as the rarest serious one (it may be the main harm)."""
        return next((c for c in self.claims_of(Claim.Kind.HARM) if c.is_rare_serious), None)

    def publication_problems(self) -> list[str]:
        """What stops this option being shown to patients, in words an editor can act on."""
        problems = []
        claims = self.related.claims
        if not any(c.kind == Claim.Kind.BENEFIT for c in claims):
            problems.append("Add at least one benefit.")
        if not any(c.kind == Claim.Kind.HARM for c in claims):
            problems.append("Add at least one harm or side effect.")
        if not self.certainty:
            problems.append("Choose an evidence certainty.")
        if not self.certainty_basis:
            problems.append("Say whose certainty rating this is: a named review's, or this aid's.")
        if not self.certainty_reason.strip():
            problems.append("Write one sentence on why the evidence has this certainty.")
        if not self.in_brief.strip() or not self.time_in_brief.strip():
            problems.append(
                "Say what it is and the time it takes in a few words, for the options at a glance."
            )
        if not self.related.costs and not self.no_reliable_cost:
            problems.append('Add a cost, or tick "no reliable cost figure found".')
        unsourced = [c for c in claims if not c.cited()]
        if unsourced:
            problems.append(
                f"Give a source for every claim ({len(unsourced)} without one, "
                f'starting with "{unsourced[0].text[:60]}").'
            )
        for part in OPTION_PARTS:
            if not part.needs_sources:
                continue
            rows = getattr(self.related, part.related_name)
            # A row's first source will do: a source in a field of its own reads no list.
            missing = sum(1 for row in rows if not any(sources_in(row)))
            if missing:
                problems.append(f"Give a source for every {part.noun} ({missing} without one).")
        return problems

    def mark_ready(self):
        problems = self.publication_problems()
        if problems:
            raise ValidationError(problems)
        self.status = self.Status.READY
        self.save(update_fields=["status", "updated_at"])

    def mark_draft(self):
        self.status = self.Status.DRAFT
        self.save(update_fields=["status", "updated_at"])

    def mark_reviewed(self, by: str, on: datetime.date | None = None):
        self.last_reviewed_on = on or timezone.localdate()
        self.reviewed_by = by
        self.next_review_due = self.last_reviewed_on + REVIEW_INTERVAL
        self.save(
            update_fields=["last_reviewed_on", "reviewed_by", "next_review_due", "updated_at"]
        )
