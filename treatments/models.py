"""The decision aid's content: sources, options and what is said about them, and the questionnaire.

Patients only ever see published options. Everything an option says carries at least one source.
"""

import datetime
import re
from contextlib import contextmanager
from contextvars import ContextVar
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Prefetch, Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from simple_history.models import HistoricalRecords

from treatments.schema import OPTION_PARTS, HasRelated, option_prefetches, sources_in

REVIEW_INTERVAL = datetime.timedelta(days=365)
# Options due for review within this many days are listed on the admin's home page and emailed.
REVIEW_SOON_DAYS = 60

slug_help = "A short name for web addresses and for the bundled content files: lowercase, hyphens."


# Rows found by natural key while content files load (see `remembering_natural_keys`).
_found_by_natural_key: ContextVar[dict | None] = ContextVar("found_by_natural_key", default=None)


@contextmanager
def remembering_natural_keys():
    """Inside this block, a row found by its natural key is not looked up again: the content
    files name the same options, sources and choices hundreds of times, and Django's loaddata
    asks the database each time. Only rows that exist are remembered, and loading content
    deletes nothing and never changes a slug, so a remembered row is still the one meant."""
    token = _found_by_natural_key.set({})
    try:
        yield
    finally:
        _found_by_natural_key.reset(token)


class NaturalKeyManager(models.Manager):
    def get_by_natural_key(self, *key):
        found = _found_by_natural_key.get()
        if found is None:
            return self.get(**self.natural_key_lookup(*key))
        remembered = (self.db, self.model, key)
        if remembered not in found:
            found[remembered] = self.get(**self.natural_key_lookup(*key))
        return found[remembered]

    def natural_key_lookup(self, *key) -> dict:
        raise NotImplementedError


class SlugManager(NaturalKeyManager):
    def natural_key_lookup(self, slug) -> dict:
        return {"slug": slug}


class FixedSlug:
    """A slug never changes once saved: web addresses, answers kept in people's browsers and the
    bundled content files all use it."""

    def clean(self):
        super().clean()
        if self.pk is None:
            return
        saved = type(self)._default_manager.filter(pk=self.pk).values_list("slug", flat=True)
        saved = saved.first()
        if saved is not None and saved != self.slug:
            raise ValidationError(
                f"The short name (slug) cannot change once saved: web addresses and saved "
                f"answers use it. It stays “{saved}”.",
                code="slug_fixed",
            )


class SlugModel(FixedSlug, HasRelated, models.Model):
    """Content known by a fixed slug: in web addresses, saved answers and the bundled files."""

    slug = models.SlugField(max_length=80, unique=True, help_text=slug_help)

    objects = SlugManager()

    class Meta:
        abstract = True

    def natural_key(self):
        return (self.slug,)


PMID_PREFIX = re.compile(
    r"^(?:pmid\s*:?\s*"
    r"|https?://(?:www\.)?(?:pubmed\.ncbi\.nlm\.nih\.gov|ncbi\.nlm\.nih\.gov/pubmed)/)",
    re.IGNORECASE,
)
DOI_PREFIX = re.compile(r"^(?:doi\s*:\s*|doi\s+|https?://(?:dx\.)?doi\.org/)", re.IGNORECASE)


def clean_pmid(value: str) -> str:
    """A PubMed ID as digits: "PMID: 19615823", "PMID 19615823" or its PubMed address."""
    return PMID_PREFIX.sub("", (value or "").strip()).strip().rstrip("/")


def clean_doi(value: str) -> str:
    """A DOI without "https://doi.org/" or "doi:" in front."""
    return DOI_PREFIX.sub("", (value or "").strip()).strip()


class SourceKind(models.TextChoices):
    SYSTEMATIC_REVIEW = "systematic_review", "Systematic review"
    NARRATIVE_REVIEW = "narrative_review", "Narrative review"
    RANDOMISED_TRIAL = "randomised_trial", "Randomised trial"
    GUIDELINE = "guideline", "Guideline"
    OBSERVATIONAL = "observational", "Observational study"
    CASE_SERIES = "case_series", "Case series or case report"
    REGULATOR = "regulator", "Regulator or drug label"
    CLINIC_WEBSITE = "clinic_website", "Clinic or provider website"
    NEWS = "news", "News report"
    PERSONAL_STORY = "personal_story", "Personal story"


class Source(SlugModel):
    Kind = SourceKind

    title = models.CharField(max_length=300, help_text="The title as published.")
    authors = models.CharField(
        max_length=300,
        blank=True,
        help_text='For example "Sigtermans MJ, et al." Leave blank if none.',
    )
    publisher = models.CharField(
        max_length=200, help_text="Who published it: a journal, a clinic, a newspaper, a body."
    )
    year = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Year published. Leave blank if the source gives no date."
    )
    kind = models.CharField(
        max_length=30,
        choices=Kind.choices,
        help_text="What sort of source this is. Patients see it beside every reference.",
    )
    interest = models.CharField(
        "interest to declare",
        max_length=300,
        blank=True,
        help_text='In plain words, e.g. "Published by a clinic that sells ketamine infusions". '
        "Leave blank when there is none.",
    )
    url = models.URLField(
        "web address",
        max_length=500,
        blank=True,
        help_text="The page where a reader can find it. Leave blank if not known; never guess.",
    )
    pmid = models.CharField(
        "PubMed ID",
        max_length=12,
        blank=True,
        validators=[RegexValidator(r"^\d+$", "A PubMed ID is digits only, e.g. 19615823.")],
        help_text="Digits only. Leave blank if the source is not in PubMed.",
    )
    doi = models.CharField(
        "DOI",
        max_length=200,
        blank=True,
        validators=[RegexValidator(r"^10\.\S+/\S+$", "A DOI starts with 10. and has a slash.")],
        help_text='For example "10.1016/j.pain.2009.05.022", without "https://doi.org/".',
    )
    checked_on = models.DateField(
        null=True,
        blank=True,
        help_text="When an editor last checked the details against the original.",
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["slug"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=SourceKind.values), name="source_kind_valid"
            ),
            # One source per paper: a second row for the same paper would split its citations.
            models.UniqueConstraint(
                fields=["pmid"],
                condition=~Q(pmid=""),
                name="source_pmid_unique_when_given",
                violation_error_message="Another source has this PubMed ID: use that one.",
            ),
            models.UniqueConstraint(
                Lower("doi"),
                condition=~Q(doi=""),
                name="source_doi_unique_when_given",
                violation_error_message="Another source has this DOI: use that one.",
            ),
        ]

    def __str__(self):
        """How a source reads wherever it is picked: lead author, year, title and PubMed ID."""
        title = self.title
        if len(title) > 45:
            title = title[:45].rsplit(" ", 1)[0].rstrip(" ,.:;") + "…"
        text = f"{self.lead_author}, {self.year or 'no date'}: {title}"
        if self.pmid:
            return f"{text} (PMID {self.pmid})"
        if self.doi:
            return f"{text} (DOI {self.doi})"
        return text

    def clean_fields(self, exclude=None):
        # Pasted as "PMID: 123" or "https://doi.org/10...": kept as the bare identifier.
        self.pmid, self.doi = clean_pmid(self.pmid), clean_doi(self.doi)
        super().clean_fields(exclude)

    def clean(self):
        super().clean()
        errors = {}
        for field, label in (("pmid", "PubMed ID"), ("doi", "DOI")):
            value = getattr(self, field)
            if not value:
                continue
            same = Source.objects.filter(**{f"{field}__iexact": value}).exclude(pk=self.pk).first()
            if same:
                errors[field] = (
                    f"This {label} is already in the sources as “{same}”. "
                    "Use that source instead of adding it again."
                )
        if errors:
            raise ValidationError(errors)

    @property
    def short_citation(self) -> str:
        who = self.authors or self.publisher
        return f"{who}, {self.year}" if self.year else f"{who}, no date"

    @property
    def doi_url(self) -> str:
        return f"https://doi.org/{self.doi}" if self.doi else ""

    @property
    def pubmed_url(self) -> str:
        return f"https://pubmed.ncbi.nlm.nih.gov/{self.pmid}/" if self.pmid else ""

    @property
    def lead_author(self) -> str:
        """The first author, with "et al." when there are more; else the publisher."""
        if not self.authors:
            return self.publisher
        first, _, rest = self.authors.partition(",")
        return f"{first.strip()} et al." if rest.strip() else first.strip()

    @property
    def host(self) -> str:
        """The web page's site, without "www.": enough to find it again from a printout."""
        return (urlsplit(self.url).hostname or "").removeprefix("www.")

    @property
    def link(self) -> str:
        """The one address a reader should follow: the DOI, then PubMed, then the web page."""
        return self.doi_url or self.pubmed_url or self.url


class OptionQuerySet(models.QuerySet):
    def published(self):
        return self.filter(status=Option.Status.PUBLISHED)

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

    def with_content(self):
        """Everything an option page shows, in a fixed number of queries (treatments/schema.py)."""
        return self.prefetch_related(*option_prefetches())


class CertaintyBasis(models.TextChoices):
    REVIEW = "review", "A named review's GRADE rating"
    AID = "aid", "This aid's own judgement, using GRADE's rules"


class Certainty(models.TextChoices):
    HIGH = "high", "High"
    MODERATE = "moderate", "Moderate"
    LOW = "low", "Low"
    VERY_LOW = "very_low", "Very low"


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
        PUBLISHED = "published", "Ready: in the next version a publisher publishes"

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
    objects = SlugManager.from_queryset(OptionQuerySet)()

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

    def get_absolute_url(self) -> str:
        return reverse("option", args=[self.slug])

    @property
    def is_published(self) -> bool:
        return self.status == self.Status.PUBLISHED

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

    def main_claim(self, kind: str) -> "Claim | None":
        claims = self.claims_of(kind)
        return next((c for c in claims if c.is_main), claims[0] if claims else None)

    @property
    def main_benefit(self):
        return self.main_claim(Claim.Kind.BENEFIT)

    @property
    def main_harm(self):
        return self.main_claim(Claim.Kind.HARM)

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
        unsourced = [c for c in claims if not c.related.sources]
        if unsourced:
            problems.append(
                f"Give a source for every claim ({len(unsourced)} without one, "
                f'starting with "{unsourced[0].text[:60]}").'
            )
        for part in OPTION_PARTS:
            if not part.needs_sources:
                continue
            rows = getattr(self.related, part.related_name)
            missing = sum(1 for row in rows if not any(sources_in(row)))
            if missing:
                problems.append(f"Give a source for every {part.noun} ({missing} without one).")
        return problems

    def publish(self):
        problems = self.publication_problems()
        if problems:
            raise ValidationError(problems)
        self.status = self.Status.PUBLISHED
        self.save(update_fields=["status", "updated_at"])

    def unpublish(self):
        self.status = self.Status.DRAFT
        self.save(update_fields=["status", "updated_at"])

    def mark_reviewed(self, by: str, on: datetime.date | None = None):
        self.last_reviewed_on = on or timezone.localdate()
        self.reviewed_by = by
        self.next_review_due = self.last_reviewed_on + REVIEW_INTERVAL
        self.save(
            update_fields=["last_reviewed_on", "reviewed_by", "next_review_due", "updated_at"]
        )


class ClaimKind(models.TextChoices):
    BENEFIT = "benefit", "Benefit"
    HARM = "harm", "Harm or side effect"
    LIMITATION = "limitation", "Limitation"
    PRACTICAL = "practical", "Practical point"
    LIVING = "living", "Living with it"


class Claim(HasRelated, models.Model):
    Kind = ClaimKind

    option = models.ForeignKey(Option, on_delete=models.CASCADE, related_name="claims")
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
            if self.frequency_count > self.frequency_total:
                raise ValidationError({"frequency_count": "x cannot be more than N."})
            if not self.frequency_group.strip() or not self.frequency_timeframe.strip():
                raise ValidationError("Say which group and over what time the frequency applies.")
        if (self.range_low is None) != (self.range_high is None):
            raise ValidationError("Give both ends of the range, or neither.")
        if self.range_low is not None and not self.range_low <= self.range_high <= 100:
            raise ValidationError("A range runs from low to high, and at most to 100.")
        if (self.study_size is not None or self.range_low is not None) and not self.has_frequency:
            raise ValidationError("A study size or a range goes with a frequency (x of N).")

    def patient_texts(self) -> list[tuple[str, str]]:
        texts = [(f"{self.get_kind_display()}: {self.text[:40]}…", self.text)]
        return texts + [("… its group", self.frequency_group)] if self.frequency_group else texts


class Finding(models.TextChoices):
    SUPPORTED = "supported", "The studies agree"
    PARTLY = "partly", "The studies partly agree"
    OVERSTATED = "overstated", "The studies show less than claimed"
    CONTRADICTED = "contradicted", "The studies found otherwise"
    UNSUPPORTED = "unsupported", "No study found that tests this"


class ClaimCheck(HasRelated, models.Model):
    """A seller's or article's claim beside what the studies found, stated neutrally."""

    Finding = Finding

    option = models.ForeignKey(Option, on_delete=models.CASCADE, related_name="claim_checks")
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


class Cost(HasRelated, models.Model):
    option = models.ForeignKey(Option, on_delete=models.CASCADE, related_name="costs")
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


class Region(models.TextChoices):
    UK = "uk", "United Kingdom"
    EU = "eu", "European Union"
    US = "us", "United States"


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


class Availability(HasRelated, models.Model):
    """Whether an option is offered, and who pays for it, in one part of the world."""

    Region = Region

    option = models.ForeignKey(Option, on_delete=models.CASCADE, related_name="regions")
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


class Study(HasRelated, models.Model):
    option = models.ForeignKey(Option, on_delete=models.CASCADE, related_name="studies")
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


# The guided flow's own steps live at these addresses, so no page of questions may take them.
FLOW_STEP_SLUGS = (
    "start",
    "values",
    "options",
    "considering",
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

    natural_key.dependencies = ["treatments.questionpage"]


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

    natural_key.dependencies = ["treatments.question"]


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
            self.filter(match, option__status=Option.Status.PUBLISHED)
            .select_related("option", "choice__question")
            .prefetch_related(Prefetch("sources", queryset=Source.objects.order_by("pk")))
        )


class Consideration(HasRelated, models.Model):
    """Something a person's answer means for an option, to discuss with a clinician."""

    choice = models.ForeignKey(
        Choice,
        # An answer that raises a consideration cannot go while the consideration is there.
        on_delete=models.PROTECT,
        related_name="considerations",
        help_text="The answer that raises this point.",
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
        return f"{self.choice} → {self.option.name}"

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


class ValueRating(HasRelated, models.Model):
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


class AidManager(models.Manager):
    def current(self) -> "Aid":
        """The editors' row (for staff pages), or a neutral one when there is none yet."""
        return self.order_by("pk").first() or Aid.unnamed()


class Aid(HasRelated, models.Model):
    """The decision aid itself: its name and the words of its home page and summary. One row.

    Nothing in the code names the condition: a new condition is new content.
    """

    # Always 1: a second aid would be a second site, not a second row.
    id = models.PositiveSmallIntegerField(primary_key=True, default=1, editable=False)
    name = models.CharField(
        max_length=100,
        help_text='At the top of every page and in the browser tab, e.g. "Knee pain treatment '
        'decision aid".',
    )
    short_name = models.CharField(
        max_length=60,
        help_text="For staff: the heading of these editing pages and the name authenticator apps "
        'show, e.g. "Knee pain decision aid".',
    )
    home_heading = models.CharField(
        "home page heading",
        max_length=150,
        help_text='A question the reader may be asking, e.g. "Thinking about treatment for knee '
        'pain?"',
    )
    home_lead = models.TextField(
        "home page introduction",
        help_text="One or two sentences under the heading: what the aid helps with. Name the "
        "condition in full the first time. Grade 8 or below.",
    )
    home_does = models.TextField(
        "what this aid does",
        help_text="The home page's list under “What this aid does”: one point per line, each "
        'starting in lower case, e.g. "asks a few short questions about you".',
    )
    summary_title = models.CharField(
        "summary title",
        max_length=150,
        help_text='The heading of the printed summary, e.g. "My knee pain treatment summary".',
    )

    history = HistoricalRecords()
    objects = AidManager()

    class Meta:
        verbose_name = "aid's name and home page"
        verbose_name_plural = "aid's name and home page"
        constraints = [models.CheckConstraint(condition=Q(id=1), name="aid_only_one")]

    def __str__(self):
        return self.name

    @classmethod
    def unnamed(cls) -> "Aid":
        """What pages show before any aid is written or published: settings.AID_NAME, and
        neutral words."""
        return cls(
            name=settings.AID_NAME,
            short_name=settings.AID_NAME,
            home_heading=settings.AID_NAME,
            summary_title="My treatment summary",
        )

    @property
    def does(self) -> list[str]:
        return [line.strip() for line in self.home_does.splitlines() if line.strip()]


class Page(SlugModel):
    """An information page such as "What is this condition", "About this aid" or "Privacy"."""

    title = models.CharField(max_length=150, help_text="The page heading.")
    summary = models.TextField(blank=True, help_text="One or two sentences under the title.")
    show_in_footer = models.BooleanField(
        default=False, help_text="List this page in the footer of every page."
    )
    order = models.PositiveSmallIntegerField(default=0, help_text="Lower numbers come first.")

    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "pk"]

    def __str__(self):
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("page", args=[self.slug])


class PageSection(HasRelated, models.Model):
    page = models.ForeignKey(Page, on_delete=models.CASCADE, related_name="sections")
    heading = models.CharField(max_length=150, help_text="A short heading for this part.")
    body = models.TextField(help_text="Plain paragraphs. Leave a blank line between paragraphs.")
    sources = models.ManyToManyField(
        Source, related_name="page_sections", blank=True, help_text="Needed when it states facts."
    )
    order = models.PositiveSmallIntegerField(default=0, help_text="Lower numbers come first.")

    history = HistoricalRecords(m2m_fields=[sources])

    class Meta:
        ordering = ["page", "order", "pk"]

    def __str__(self):
        return f"{self.page.title}: {self.heading}"

    @property
    def paragraphs(self) -> list[str]:
        return [p.strip() for p in re.split(r"\n\s*\n", self.body) if p.strip()]


class Term(SlugModel):
    """A glossary entry for a word patients may not know."""

    term = models.CharField(max_length=80, help_text="The word as it appears in the text.")
    definition = models.CharField(max_length=400, help_text="One or two short plain sentences.")

    history = HistoricalRecords()

    class Meta:
        ordering = ["term"]

    def __str__(self):
        return self.term


class ReleaseQuerySet(models.QuerySet):
    def current(self) -> "Release | None":
        """The version patients see: the highest number (its content is read only when used)."""
        return self.defer("content").order_by("-number").first()


class Release(models.Model):
    """One published version of all the content patients see: numbered, never changed.

    Publishing writes the whole of the published content into `content` (Django's serialised
    form, with primary keys), so patient pages render from exactly what was checked and
    previewed, whatever editors change afterwards. Publishing an earlier version again makes a
    new, higher number with that version's content.
    """

    number = models.PositiveIntegerField(unique=True, editable=False)
    published_at = models.DateTimeField(default=timezone.now, editable=False)
    published_by = models.CharField(max_length=150, editable=False)
    reason = models.TextField(
        help_text="Why this version is published: what changed, and who checked it."
    )
    republished_from = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        editable=False,
        related_name="republished_as",
    )
    content = models.JSONField(editable=False)
    # The shape `content` was written in; treatments.releases.upgrade reads any earlier shape.
    format = models.PositiveSmallIntegerField(default=1, editable=False)
    digest = models.CharField(max_length=64, editable=False)

    objects = ReleaseQuerySet.as_manager()

    class Meta:
        ordering = ["-number"]
        permissions = [("publish_release", "Can publish a version of the content to patients")]

    def __str__(self):
        return f"Version {self.number}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValidationError("A published version never changes. Publish a new one instead.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError("A published version is kept for good, so it can be published again.")


class Review(models.Model):
    """An editor's review of one option: who checked what, when, and when it is due again.

    Recording a review brings the option's own review dates up to date (see `save`).
    """

    option = models.ForeignKey(
        Option,
        on_delete=models.CASCADE,
        related_name="reviews",
        help_text="The option that was reviewed.",
    )
    reviewed_by = models.CharField(max_length=150, editable=False)
    reviewed_on = models.DateField(
        default=timezone.localdate, help_text="The day the review was done."
    )
    what_checked = models.TextField(
        "what was checked",
        help_text="What you checked and against what, e.g. \"Costs against the clinic's 2027 "
        'price list; new trials since 2026 searched in PubMed, none found."',
    )
    next_review_due = models.DateField(
        blank=True,
        help_text="When it must be checked again. Leave blank for twelve months after the review.",
    )
    recorded_at = models.DateTimeField(default=timezone.now, editable=False)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-reviewed_on", "-recorded_at"]
        get_latest_by = ["reviewed_on", "recorded_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(next_review_due__gt=models.F("reviewed_on")),
                name="review_next_due_after_review",
            ),
        ]

    def __str__(self):
        return f"{self.option.name}, reviewed on {date_format(self.reviewed_on, 'j F Y')}"

    def save(self, *args, **kwargs):
        if not self.next_review_due:
            self.next_review_due = self.reviewed_on + REVIEW_INTERVAL
        super().save(*args, **kwargs)
        self.update_option()

    def clean(self):
        if self.reviewed_on and self.reviewed_on > timezone.localdate():
            raise ValidationError({"reviewed_on": "A review cannot be dated in the future."})
        if self.reviewed_on and self.next_review_due and self.next_review_due <= self.reviewed_on:
            raise ValidationError(
                {"next_review_due": "The next review must be due after the day of this review."}
            )
        if not (self.what_checked or "").strip():
            raise ValidationError({"what_checked": "Say what you checked."})

    def update_option(self):
        """Give the option the dates of its latest review, unless it records a later one."""
        option = self.option
        latest = option.reviews.latest()
        if option.last_reviewed_on and option.last_reviewed_on > latest.reviewed_on:
            return
        values = {
            "last_reviewed_on": latest.reviewed_on,
            "reviewed_by": latest.reviewed_by,
            "next_review_due": latest.next_review_due,
        }
        if all(getattr(option, name) == value for name, value in values.items()):
            return
        for name, value in values.items():
            setattr(option, name, value)
        option._change_reason = f"Reviewed by {latest.reviewed_by}: {latest.what_checked}"[:100]
        if hasattr(self, "_history_user"):
            option._history_user = self._history_user
        option.save(update_fields=[*values, "updated_at"])
