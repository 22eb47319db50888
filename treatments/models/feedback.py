"""What readers tell the editors: a mistake someone found on a page. A report holds what they
wrote and which page and version it was about; nothing about who sent it or what they answered."""

from django.db import models
from django.utils import timezone


class MistakeReport(models.Model):
    page = models.CharField(max_length=200, help_text="The address of the page it is about.")
    version = models.PositiveIntegerField(
        null=True, blank=True, help_text="The published version the reader saw."
    )
    what = models.TextField("what is wrong", max_length=2000)
    source = models.CharField(
        "where it says otherwise", max_length=500, blank=True, help_text="Optional."
    )
    received_at = models.DateTimeField(default=timezone.now, editable=False)
    done = models.BooleanField(
        "dealt with", default=False, help_text="Tick once the content is checked and put right."
    )
    done_by = models.CharField(max_length=150, blank=True, editable=False)

    class Meta:
        ordering = ["done", "-received_at"]
        verbose_name = "reported mistake"

    def __str__(self):
        return f"{self.page}: {self.what[:60]}"
