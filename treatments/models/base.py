"""What every kind of content shares: a fixed slug, and natural keys for the bundled files."""

from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import models

from treatments.schema import HasRelated, sources_in

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


if TYPE_CHECKING:
    # For the type checker only: FixedSlug is mixed into models (see django-stubs on mixins).
    _FixedSlugBase = models.Model
else:
    _FixedSlugBase = object


class FixedSlug(_FixedSlugBase):
    """A slug never changes once saved: web addresses, answers kept in people's browsers and the
    bundled content files all use it."""

    if TYPE_CHECKING:
        slug: str

    def clean(self):
        super().clean()
        if self.pk is None:
            return
        saved = (
            type(self)._default_manager.filter(pk=self.pk).values_list("slug", flat=True).first()
        )
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


class CitesSources(HasRelated, models.Model):
    """Everything that states a fact to patients and so cites sources: a claim, a claim check,
    a cost, a note on availability, a study, a consideration, a value rating, a page section.

    Each names its sources in its own field (a list, or one foreign key for a cost or a study);
    `cited()` reads them alike, and the schema (treatments/schema.py) finds them by their type.
    """

    class Meta:
        abstract = True

    def cited(self) -> list:
        """The sources this row cites, from its prefetched or published lists."""
        return list(sources_in(self))
