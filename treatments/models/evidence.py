"""What is said about an option: claims, claim checks, costs, where it is offered and studies."""

from typing import cast

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from treatments.models.base import CitesSources
from treatments.models.sources import Source, SourceKind


class ClaimKind(models.TextChoices):
    BENEFIT = "benefit", "Benefit"
    HARM = "harm", "Harm or side effect"
    LIMITATION = "limitation", "Limitation"
    PRACTICAL = "practical", "Practical point"
    LIVING = "living", "Living with it"
    URGENT = "urgent", "Get help straight away if"


class Claim(CitesSources):
    Kind = ClaimKind

    option = models.ForeignKey("Option", on_delete=models.CASCADE, related_name="claims")
    kind = models.CharField(
        max_length=20,
        choices=Kind.choices,
        help_text="Benefits and harms are shown side by side with equal weight.",
    )
    text = models.TextField(help_text="One plain sentence a patient will read. Grade 8 or below.")
    is_main = models.BooleanField(
        "main point",
        default=False,
        help_text="Shown in the side-by-side comparison and on the printed summary.",
    )
    is_rare_serious = models.BooleanField(
        "rarest serious harm",
        default=False,
        help_text="The rarest serious harm: printed beside the main harm on the summary. One "
        "harm an option at most; it may be the main harm itself.",
    )
    frequency_count = models.PositiveIntegerField(
        "how many (x)", null=True, blank=True, help_text='The "x" in "x of N people".'
    )
    frequency_total = models.PositiveIntegerField(
        "out of (N)", null=True, blank=True, help_text='The "N" in "x of N people".'
    )
    frequency_group = models.CharField(
        "in which group",
        max_length=200,
        blank=True,
        help_text='Who the number is about, e.g. "people given ketamine in one trial".',
    )
    frequency_timeframe = models.CharField(
        "over what time",
        max_length=100,
        blank=True,
        help_text='e.g. "over 12 weeks" or "during the infusion".',
    )
    study_size = models.PositiveIntegerField(
        "people in the study",
        null=True,
        blank=True,
        help_text="How many people the study had, when x of N is not the study itself "
        '(e.g. a percentage written as "62 of 100"). Leave blank when N is the study.',
    )
    range_low = models.PositiveSmallIntegerField(
        "range from (in 100)",
        null=True,
        blank=True,
        help_text="The low end of the range the study gives (e.g. a 95% confidence interval), "
        "per 100 people. Leave blank when the study gives none.",
    )
    range_high = models.PositiveSmallIntegerField(
        "range to (in 100)", null=True, blank=True, help_text="The high end, per 100 people."
    )
    sources = models.ManyToManyField(
        Source, related_name="claims", help_text="Every claim needs at least one source."
    )
    order = models.PositiveSmallIntegerField(default=0, help_text="Lower numbers come first.")

    history = HistoricalRecords(m2m_fields=[sources])

    class Meta:
        ordering = ["option", "kind", "order", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=ClaimKind.values), name="claim_kind_valid"),
            models.CheckConstraint(
                condition=Q(frequency_count__isnull=True, frequency_total__isnull=True)
                | Q(
                    frequency_count__isnull=False,
                    frequency_total__isnull=False,
                    frequency_total__gt=0,
                    frequency_count__lte=models.F("frequency_total"),
                ),
                name="claim_frequency_x_of_n",
            ),
            models.CheckConstraint(
                condition=Q(range_low__isnull=True, range_high__isnull=True)
                | Q(
                    range_low__isnull=False,
                    range_high__isnull=False,
                    range_low__lte=models.F("range_high"),
                    range_high__lte=100,
                ),
                name="claim_range_low_to_high_in_100",
            ),
            models.CheckConstraint(
                condition=Q(is_rare_serious=False) | Q(kind=ClaimKind.HARM),
                name="claim_rare_serious_is_a_harm",
            ),
            models.UniqueConstraint(
                fields=["option"],
                condition=Q(is_rare_serious=True),
                name="claim_one_rare_serious_harm_an_option",
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.text[:70]}"

    @property
    def has_frequency(self) -> bool:
        return self.frequency_total is not None

    @property
    def frequency_text(self) -> str:
        if not self.has_frequency:
            return ""
        parts = [f"{self.frequency_count} of {self.frequency_total}", self.frequency_group]
        return " ".join(p for p in parts if p) + (
            f", {self.frequency_timeframe}" if self.frequency_timeframe else ""
        )

    def clean(self):
        if (self.frequency_count is None) != (self.frequency_total is None):
            raise ValidationError("Give both numbers of the frequency (x of N), or neither.")
        if self.has_frequency:
            # Both are set here: the check above refuses one without the other.
            if cast(int, self.frequency_count) > cast(int, self.frequency_total):
                raise ValidationError({"frequency_count": "x cannot be more than N."})
            if not self.frequency_group.strip() or not self.frequency_timeframe.strip():
                raise ValidationError("Say which group and over what time the frequency applies.")
        if (self.range_low is None) != (self.range_high is None):
            raise ValidationError("Give both ends of the range, or neither.")
        if self.range_low is not None and not self.range_low <= cast(int, self.range_high) <= 100:
            raise ValidationError("A range runs from low to high, and at most to 100.")
        if (self.study_size is not None or self.range_low is not None) and not self.has_frequency:
            raise ValidationError("A study size or a range goes with a frequency (x of N).")
        if self.is_rare_serious and self.kind != ClaimKind.HARM:
            raise ValidationError(
                {"is_rare_serious": "Only a harm can be the rarest serious harm."}
            )
        if self.is_rare_serious and self.option_id:
            others = Claim.objects.filter(option_id=self.option_id, is_rare_serious=True)
            if others.exclude(pk=self.pk).exists():
                raise ValidationError(
                    {
                        "is_rare_serious": "This option already has its rarest serious harm: "
                        "untick that one first."
                    }
                )

    def patient_texts(self) -> list[tuple[str, str]]:
        texts = [(f"{self.get_kind_display()}: {self.text[:40]}…", self.text)]
        return texts + [("… its group", self.frequency_group)] if self.frequency_group else texts


class Finding(models.TextChoices):
    SUPPORTED = "supported", "The studies agree"
    PARTLY = "partly", "The studies partly agree"
    OVERSTATED = "overstated", "The studies show less than claimed"
    CONTRADICTED = "contradicted", "The studies found otherwise"
    UNSUPPORTED = "unsupported", "No study found that tests this"


class ClaimCheck(CitesSources):
    """A seller's or article's claim beside what the studies found, stated neutrally."""

    Finding = Finding

    option = models.ForeignKey("Option", on_delete=models.CASCADE, related_name="claim_checks")
    claim = models.TextField(
        "what was claimed", help_text="The claim in your own plain words. Never paste the original."
    )
    made_by = models.ForeignKey(
        Source,
        on_delete=models.PROTECT,
        related_name="checked_claims",
        help_text="The article or website that made the claim.",
    )
    finding = models.CharField(
        max_length=20, choices=Finding.choices, help_text="How the claim compares with the studies."
    )
    what_studies_found = models.TextField(help_text="What the studies found, in plain words.")
    sources = models.ManyToManyField(
        Source, related_name="claim_check_evidence", help_text="The studies behind the finding."
    )
    order = models.PositiveSmallIntegerField(default=0, help_text="Lower numbers come first.")

    history = HistoricalRecords(m2m_fields=[sources])

    class Meta:
        ordering = ["option", "order", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(finding__in=Finding.values), name="claimcheck_finding_valid"
            )
        ]

    def __str__(self):
        return f"{self.made_by.publisher}: {self.claim[:60]}"

    def patient_texts(self) -> list[tuple[str, str]]:
        return [
            (f"Claim check: {self.claim[:40]}…", self.claim),
            ("… what the studies found", self.what_studies_found),
        ]


class Region(models.TextChoices):
    UK = "uk", "United Kingdom"
    EU = "eu", "European Union"
    US = "us", "United States"


class Cost(CitesSources):
    option = models.ForeignKey("Option", on_delete=models.CASCADE, related_name="costs")
    low = models.DecimalField(max_digits=10, decimal_places=0, help_text="The lowest price found.")
    high = models.DecimalField(
        max_digits=10,
        decimal_places=0,
        help_text="The highest price found. Same as low if one price.",
    )
    currency = models.CharField(
        max_length=3,
        default="USD",
        validators=[RegexValidator(r"^[A-Z]{3}$", "Use a three-letter code such as USD or GBP.")],
    )
    unit = models.CharField(
        max_length=100,
        help_text='What the price is for, e.g. "per infusion" or "per 5-day course".',
    )
    covers = models.CharField(
        "what it covers", max_length=300, blank=True, help_text="What is and is not included."
    )
    where = models.CharField(
        max_length=100, blank=True, help_text='Where the price applies, e.g. "US private clinics".'
    )
    country = models.CharField(
        "country the price is for",
        max_length=10,
        choices=Region.choices,
        blank=True,
        help_text="Printed on the summary and the note. Leave blank when the source does not say.",
    )
    source = models.ForeignKey(
        Source,
        on_delete=models.PROTECT,
        related_name="costs",
        help_text="Where the price comes from.",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["option", "low", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(low__gte=0), name="cost_low_not_negative"),
            models.CheckConstraint(
                condition=Q(high__gte=models.F("low")), name="cost_high_not_below_low"
            ),
            models.CheckConstraint(
                condition=Q(country__in=["", *Region.values]), name="cost_country_valid"
            ),
        ]

    def __str__(self):
        return f"{self.display} {self.unit}"

    @property
    def display(self) -> str:
        symbol = {"USD": "US$", "GBP": "£", "EUR": "€"}.get(self.currency, f"{self.currency} ")
        if self.low == self.high:
            return f"{symbol}{self.low:,.0f}"
        return f"{symbol}{self.low:,.0f} to {symbol}{self.high:,.0f}"

    def patient_texts(self) -> list[tuple[str, str]]:
        return [(f"Cost {self.display}: what it covers", self.covers)]


# The order sources are weighed in: an option's main benefit and main harm come from the highest.
EVIDENCE_ORDER = [
    SourceKind.SYSTEMATIC_REVIEW,
    SourceKind.RANDOMISED_TRIAL,
    SourceKind.GUIDELINE,
    SourceKind.NARRATIVE_REVIEW,
    SourceKind.OBSERVATIONAL,
    SourceKind.CASE_SERIES,
    SourceKind.REGULATOR,
    SourceKind.CLINIC_WEBSITE,
    SourceKind.NEWS,
    SourceKind.PERSONAL_STORY,
]


class Availability(CitesSources):
    """Whether an option is offered, and who pays for it, in one part of the world."""

    Region = Region

    option = models.ForeignKey("Option", on_delete=models.CASCADE, related_name="regions")
    region = models.CharField(max_length=10, choices=Region.choices)
    text = models.TextField(
        help_text="Whether it is offered and funded there, in plain words. Say so plainly when "
        "nothing was found; never guess.",
    )
    sources = models.ManyToManyField(
        Source, related_name="availability_notes", help_text="At least one source is needed."
    )

    history = HistoricalRecords(m2m_fields=[sources])

    class Meta:
        verbose_name = "availability in a region"
        verbose_name_plural = "availability by region"
        ordering = ["option", "region", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["option", "region"], name="availability_once_per_region"
            ),
            models.CheckConstraint(
                condition=Q(region__in=Region.values), name="availability_region_valid"
            ),
        ]

    def __str__(self):
        return f"{self.option.name} in {self.get_region_display()}"

    def patient_texts(self) -> list[tuple[str, str]]:
        return [(f"Where: {self.get_region_display()}", self.text)]


class Study(CitesSources):
    option = models.ForeignKey("Option", on_delete=models.CASCADE, related_name="studies")
    source = models.ForeignKey(
        Source,
        on_delete=models.PROTECT,
        related_name="studies",
        help_text="The paper of this study.",
    )
    design = models.CharField(
        max_length=150, help_text='In plain words, e.g. "randomised trial against a dummy drip".'
    )
    participants = models.PositiveIntegerField(
        "number of people", null=True, blank=True, help_text="Leave blank if not reported."
    )
    measured = models.TextField("what was measured")
    found = models.TextField("what was found")
    duration = models.CharField("how long it lasted", max_length=150)
    checked_against_primary = models.BooleanField(
        "checked against the paper",
        default=False,
        help_text="Tick only when an editor has read the abstract or paper itself.",
    )
    order = models.PositiveSmallIntegerField(default=0, help_text="Lower numbers come first.")

    history = HistoricalRecords()

    class Meta:
        ordering = ["option", "order", "pk"]
        verbose_name_plural = "studies"

    def __str__(self):
        return f"{self.source.short_citation}: {self.design}"

    def patient_texts(self) -> list[tuple[str, str]]:
        found = f"{self.measured.strip().rstrip('.')}. {self.found}"
        return [(f"Study: {self.design[:40]}", found)]
