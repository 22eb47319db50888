"""The flow keeps no answer on the server. It keeps one thing: the ids of resume links that a
person ended by clearing their answers, so a link left in a shared computer's history opens
nothing. An id is random, made in the person's browser session, and says nothing about them."""

import datetime

from django.db import models
from django.utils import timezone


class EndedLinkQuerySet(models.QuerySet):
    def older_than(self, age: datetime.timedelta):
        """Ids whose links have expired anyway: they need not be kept."""
        return self.filter(ended_at__lt=timezone.now() - age)


class EndedLink(models.Model):
    """The id of a person's answers whose resume links no longer open: they cleared them."""

    link_id = models.CharField(max_length=32, unique=True)
    ended_at = models.DateTimeField(default=timezone.now)

    objects = EndedLinkQuerySet.as_manager()

    def __str__(self):
        return f"Links ended on {self.ended_at:%Y-%m-%d}"
