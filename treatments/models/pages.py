"""The aid itself and its pages: name and home page, information pages and the glossary."""

import re

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from treatments.models.base import CitesSources, SlugModel
from treatments.models.sources import Source
from treatments.schema import HasRelated


class AidManager(models.Manager["Aid"]):
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
    up_front = models.BooleanField(
        "link up front",
        default=False,
        help_text="Link to it from the home page, the options overview and the page of the "
        "option of continuing current care: for what happens with no new treatment.",
    )
    after_options = models.BooleanField(
        "link below the options",
        default=False,
        help_text="Link to it at the foot of the options at a glance: for treatments people may "
        "hear about that are not options in this aid.",
    )
    crisis_help = models.BooleanField(
        "where to get help at once",
        default=False,
        help_text="The box on where to get help at once. Its summary, with every number in it, is "
        "the short box on the health questions; its sections are the whole box, on the summary, "
        "the About page and after an answer marked for it. One page.",
    )
    order = models.PositiveSmallIntegerField(default=0, help_text="Lower numbers come first.")

    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "pk"]

    def __str__(self):
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("page", args=[self.slug])


class PageSection(CitesSources):
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
