"""Publishing an earlier version again can put the draft back to it, so the next version does not
send out again what was taken back."""

import pytest
from django.urls import reverse

from tests.users import make_staff, signed_in
from treatments import releases
from treatments.differences import compare
from treatments.history import deleted_items
from treatments.models import Claim, Option, Release, Source
from treatments.rollback import reset_draft_to

pytestmark = pytest.mark.django_db


def source_named(source: Source) -> str:
    return f"{source.short_citation}: {source.title}"


def test_the_draft_put_back_publishes_nothing_new_against_that_version(factory):
    kept = factory.make_option(ready=True, name="Warm baths")
    claim = factory.make_claim(kept, text="Pain eased for some.")
    first = factory.publish_version()
    # Since then: a word changed, a claim deleted, a claim and an option added, a source added.
    Option.objects.filter(pk=kept.pk).update(name="Hot baths")
    claim_pk = claim.pk
    claim.delete()
    harm_source = factory.make_source()
    dizzy = factory.make_claim(
        kept, kind=Claim.Kind.HARM, text="Some felt dizzy.", sources=[harm_source]
    )
    newer = factory.make_option(ready=True, name="Ice packs")
    factory.publish_version()

    reset = reset_draft_to(first)

    # The next version would change nothing but the sources the option now in draft cites:
    # every source is published, and those stay for the option's sake.
    left = compare(first.content, releases.draft_content())
    assert [(kind.model, len(kind.added)) for kind in left.kinds] == [(Source, 2)]
    assert sorted(row.label for row in left.rows) == sorted(reset.kept)
    assert Option.objects.get(pk=kept.pk).name == "Warm baths"
    restored = Claim.objects.get(pk=claim_pk)
    assert restored.text == "Pain eased for some."
    assert restored.sources.count() == 1
    # The option added since is the editors' work: back in draft, not deleted.
    newer.refresh_from_db()
    assert newer.status == Option.Status.DRAFT
    assert reset.returned_to_draft == ["Ice packs"]
    # Only what differed was saved again (the option and the deleted claim); the claim added
    # since is deleted; the option's other claims are left alone.
    assert reset.saved == 2
    reset_records = Claim.history.filter(history_change_reason="Reset to Version 1")
    assert set(reset_records.values_list("id", flat=True)) == {claim_pk, dizzy.pk}
    # What else the draft had since is deleted, and can be restored from the deleted items.
    deleted = {item.description for item in deleted_items()}
    assert {"Harm or side effect: Some felt dizzy.", source_named(harm_source)} <= deleted


def test_a_shared_row_draft_work_still_needs_is_kept(factory):
    factory.make_option(ready=True)
    first = factory.publish_version()
    draft = factory.make_option(name="Still in draft")
    cost = factory.make_cost(draft)
    reset = reset_draft_to(first)
    assert Source.objects.filter(pk=cost.source_id).exists()
    assert reset.kept == [source_named(cost.source)]


def test_a_publisher_chooses_to_put_the_draft_back_when_publishing_again(
    editors_group, publishers_group, factory
):
    publisher = signed_in(make_staff("publisher", editors_group, publishers_group))
    option = factory.make_option(ready=True, name="Warm baths")
    first = factory.publish_version()
    Option.objects.filter(pk=option.pk).update(name="Hot baths")
    factory.publish_version()
    page = publisher.get(reverse("admin:treatments_release_change", args=[first.pk]))
    assert "Also put the draft back to this version" in page.content.decode()

    response = publisher.post(
        reverse("admin:treatments_release_republish", args=[first.pk]),
        {"reason": "The new name was wrong.", "reset_draft": "on"},
        follow=True,
    )
    assert (
        "The draft is back to Version 1. Rows put back as they were: 1."
        in response.content.decode()
    )
    assert Release.objects.current().number == 3
    assert Option.objects.get(pk=option.pk).name == "Warm baths"
    record = Option.history.filter(id=option.pk).first()
    assert (record.history_change_reason, record.history_user.username) == (
        "Reset to Version 1",
        "publisher",
    )
