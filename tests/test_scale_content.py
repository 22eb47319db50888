"""`manage.py scale_content`: the bench's larger content, made only on a throwaway database."""

import pytest
from django.core.management import CommandError, call_command

from treatments import releases
from treatments.models import Option
from treatments.releases import current_content

pytestmark = pytest.mark.django_db


def bundled_as_loaded(factory) -> Option:
    """One ready option with a cited claim, a cost and a value rating, published as
    load_content publishes the bundled content."""
    option = factory.make_option(ready=True)
    factory.make_claim(option, sources=[factory.make_source()], text="Helped 3 in 10.")
    factory.make_cost(option)
    factory.make_value_rating(factory.make_value(), option)
    releases.publish("load_content", "The bundled content")
    return option


def test_every_option_is_copied_with_its_parts_and_published(factory):
    original = bundled_as_loaded(factory)
    call_command("scale_content", "3", "--throwaway-database", verbosity=0)
    content = current_content()
    assert content.number == 2
    assert len(content.options) == 3
    copy = content.option_by_slug[f"{original.slug}-copy-3"]
    assert copy.name == f"{original.name} (load-test copy 3)"
    kept = content.option_by_slug[original.slug]  # the original keeps its parts
    assert kept.related.claims and "Helped 3 in 10." in [c.text for c in kept.related.claims]

    def cited(option) -> list[tuple[str, list[str]]]:
        return [(c.text, [s.slug for s in c.related.sources]) for c in option.related.claims]

    assert cited(copy) == cited(kept)
    assert len(copy.related.costs) == len(copy.related.value_ratings) == 1


def test_a_database_with_more_than_the_bundled_content_is_refused(factory):
    bundled_as_loaded(factory)
    releases.publish("An editor", "Edited since")
    with pytest.raises(CommandError, match="throwaway database"):
        call_command("scale_content", "10", "--throwaway-database", verbosity=0)
    assert Option.objects.count() == 1


def test_it_is_never_run_by_chance(factory):
    bundled_as_loaded(factory)
    with pytest.raises(CommandError):
        call_command("scale_content", "10", verbosity=0)  # without --throwaway-database
    with pytest.raises(CommandError, match="from 2 to 50"):
        call_command("scale_content", "500", "--throwaway-database", verbosity=0)
    assert Option.objects.count() == 1
