"""Publishing and reviews: numbered versions of the content, and who reviewed an option when."""

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from simple_history.models import HistoricalRecords

from treatments.models.options import REVIEW_INTERVAL, Option


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
        indexes = [
            # Every patient request asks which version is current (treatments.releases): read
            # from this index alone, never from the row, whose `content` grows with the content
            # (on SQLite, reaching `digest` meant reading through all of it).
            models.Index(fields=["number", "digest"], name="release_version_check"),
        ]

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


class SubmissionQuerySet(models.QuerySet):
    def waiting(self) -> "SubmissionQuerySet":
        return self.filter(status=Submission.Status.WAITING)


class Submission(models.Model):
    """An editor's work marked ready for a publisher, with a comment; a publisher publishes it or
    sends it back with one. Kept for good, as a record of who asked for what."""

    class Status(models.TextChoices):
        WAITING = "waiting", "Waiting for a publisher"
        SENT_BACK = "sent_back", "Sent back"
        PUBLISHED = "published", "Published"

    option = models.ForeignKey(
        Option,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="submissions",
        help_text="The option the work is on. Leave blank for work on shared content.",
    )
    comment = models.TextField(help_text="What you changed, and what a publisher should check.")
    submitted_by = models.CharField(max_length=150, editable=False)
    submitted_at = models.DateTimeField(default=timezone.now, editable=False)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.WAITING)
    answer = models.TextField(
        blank=True, help_text="When you send it back: what to change before it is published."
    )
    answered_by = models.CharField(max_length=150, blank=True, editable=False)
    answered_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = SubmissionQuerySet.as_manager()

    class Meta:
        ordering = ["-submitted_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["waiting", "sent_back", "published"]),
                name="submission_status_valid",
            ),
        ]

    def __str__(self):
        what = self.option.name if self.option else "Shared content"
        return f"{what}, from {self.submitted_by} on {date_format(self.submitted_at, 'j F Y')}"

    def clean(self):
        if self.status == self.Status.SENT_BACK and not self.answer.strip():
            raise ValidationError({"answer": "Say what to change, so the editor knows."})
