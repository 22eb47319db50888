"""Where every fact comes from: a source, its kind, and its PubMed ID or DOI."""

import re
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from simple_history.models import HistoricalRecords

from treatments.models.base import SlugModel

PMID_PREFIX = re.compile(
    r"^(?:pmid\s*:?\s*"
    r"|https?://(?:www\.)?(?:pubmed\.ncbi\.nlm\.nih\.gov|ncbi\.nlm\.nih\.gov/pubmed)/)",
    re.IGNORECASE,
)
DOI_PREFIX = re.compile(r"^(?:doi\s*:\s*|doi\s+|https?://(?:dx\.)?doi\.org/)", re.IGNORECASE)


def clean_pmid(value: str) -> str:
    """A PubMed ID as digits: "PMID: 19615823", "pmid 19615823" or its PubMed address (with
    anything after the number, such as "/?from=...")."""
    rest = PMID_PREFIX.sub("", (value or "").strip()).strip()
    found = re.fullmatch(r"(\d+)(?:[/?#].*)?", rest)
    return found[1] if found else rest


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

    def picker_label(self) -> str:
        """How a source reads in the editors' pickers: whole, with its publisher, so two sources
        of the same title are told apart."""
        text = f"{self.lead_author}, {self.year or 'no date'}"
        if self.authors and self.publisher:
            text += f", {self.publisher}"
        text += f": {self.title}"
        if self.pmid:
            return f"{text} (PMID {self.pmid})"
        if self.doi:
            return f"{text} (DOI {self.doi})"
        return text

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
