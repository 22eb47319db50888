"""What one version changes against another: by kind, field by field, and what patients lose."""

import pytest

from treatments.differences import ADDED, CHANGED, REMOVED, compare
from treatments.models import Claim, Option, Source

pytestmark = pytest.mark.django_db

LONG_BEFORE = "Most people in the trial felt a little less pain after six weeks of daily practice."
LONG_AFTER = "Some people in the trial felt a little less pain after six weeks of daily practice."


def kind(comparison, model):
    return next(found for found in comparison.kinds if found.model is model)


def test_rows_added_changed_and_removed_are_listed_under_their_kind(factory):
    kept = factory.make_option(ready=True, name="Kept")
    dropped = factory.make_option(ready=True, name="Dropped")
    before = factory.publish_version()
    Option.objects.filter(pk=kept.pk).update(summary="New words.")
    dropped.mark_draft()
    factory.make_option(ready=True, name="Added")
    after = factory.publish_version()

    options = kind(compare(before.content, after.content), Option)
    assert options.name == "Options"
    assert [(row.status, row.label) for row in options.rows] == [
        (ADDED, "Added"),
        (CHANGED, "Kept"),
        (REMOVED, "Dropped"),
    ]
    claims = kind(compare(before.content, after.content), Claim)
    # The new option's two claims come in; the option leaving takes its two with it.
    assert [row.status for row in claims.rows] == [ADDED, ADDED, REMOVED, REMOVED]
    assert {row.option for row in claims.added} == {"Added"}
    assert {row.option for row in claims.removed} == {"Dropped"}


def test_each_changed_field_is_named_with_what_it_was_and_what_it_is(factory):
    option = factory.make_option(ready=True, name="Mirror therapy", certainty="low")
    before = factory.publish_version()
    Option.objects.filter(pk=option.pk).update(certainty="moderate", time_in_brief="Daily")
    after = factory.publish_version()

    (row,) = kind(compare(before.content, after.content), Option).changed
    assert [(f.label, f.before, f.after, f.diff) for f in row.fields] == [
        ("Time it takes, in a few words", "Weekly for six weeks", "Daily", ""),
        ("Evidence certainty", "Low", "Moderate", ""),
    ]


def test_a_long_text_changed_shows_the_words_taken_out_and_put_in(factory):
    option = factory.make_option(ready=True)
    claim = factory.make_claim(option, kind=Claim.Kind.BENEFIT, text=LONG_BEFORE)
    before = factory.publish_version()
    Claim.objects.filter(pk=claim.pk).update(text=LONG_AFTER)
    after = factory.publish_version()

    (row,) = kind(compare(before.content, after.content), Claim).changed
    (text,) = row.fields
    assert (text.label, text.before, text.after) == ("Text", LONG_BEFORE, LONG_AFTER)
    assert text.diff == (
        '<del><span class="visually-hidden">[taken out: </span>Most'
        '<span class="visually-hidden">]</span></del> '
        '<ins><span class="visually-hidden">[added: </span>Some'
        '<span class="visually-hidden">]</span></ins> '
        "people in the trial felt a little less pain after six weeks of daily practice."
    )
    assert row.option == option.name


def test_what_editors_wrote_is_escaped_in_the_difference(factory):
    option = factory.make_option(ready=True)
    claim = factory.make_claim(option, text=LONG_BEFORE)
    before = factory.publish_version()
    Claim.objects.filter(pk=claim.pk).update(text=f'{LONG_BEFORE} <script>alert("x")</script>')
    after = factory.publish_version()

    (row,) = kind(compare(before.content, after.content), Claim).changed
    assert "<script>" not in row.fields[0].diff
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in row.fields[0].diff


def test_sources_changed_are_named_whole_not_by_number(factory):
    option = factory.make_option(ready=True)
    old = factory.make_source(authors="Moseley GL", year=2004, title="Graded motor imagery")
    new = factory.make_source(authors="Smart KM", year=2022, title="Physiotherapy for CRPS")
    claim = factory.make_claim(option, sources=[old])
    before = factory.publish_version()
    claim.sources.set([new])
    after = factory.publish_version()

    (row,) = kind(compare(before.content, after.content), Claim).changed
    (sources,) = row.fields
    assert sources.label == "Sources"
    assert "[taken out: </span>Moseley GL, 2004: Graded motor imagery" in sources.diff
    assert "[added: </span>Smart KM, 2022: Physiotherapy for CRPS" in sources.diff


def test_an_added_row_says_what_it_holds_and_a_first_version_only_names_its_rows(factory):
    option = factory.make_option(ready=True)
    first = factory.publish_version()
    factory.make_claim(option, kind=Claim.Kind.HARM, text="Some people felt dizzy.")
    second = factory.publish_version()

    (added,) = kind(compare(first.content, second.content), Claim).added
    fields = {f.label: f.after for f in added.fields}
    assert (fields["Kind"], fields["Text"], fields["Option"]) == (
        "Harm or side effect",
        "Some people felt dizzy.",
        option.name,
    )
    from_nothing = compare([], first.content)
    assert from_nothing.from_nothing
    assert all(not row.fields for row in from_nothing.rows)


def test_no_warning_when_nothing_is_lost(factory):
    option = factory.make_option(ready=True)
    before = factory.publish_version()
    Option.objects.filter(pk=option.pk).update(summary="Clearer words.")
    assert compare(before.content, factory.publish_version().content).warnings == []


def test_it_warns_when_an_option_leaves(factory):
    option = factory.make_option(ready=True, name="Ketamine")
    before = factory.publish_version()
    option.mark_draft()
    after = factory.publish_version()
    assert compare(before.content, after.content).warnings == [
        "Patients will no longer see the option “Ketamine”: it was deleted or returned to draft."
    ]


def test_it_warns_when_a_harm_or_a_caution_is_taken_out(factory):
    option = factory.make_option(ready=True, name="Ketamine")
    harm = factory.make_claim(option, kind=Claim.Kind.HARM, text="Some people saw things.")
    question = factory.make_question()
    caution = factory.make_consideration(question.choices.first(), option)
    before = factory.publish_version()
    harm.delete()
    caution.delete()
    warnings = compare(before.content, factory.publish_version().content).warnings
    assert warnings == [
        "Patients lose this from “Ketamine”: Harm or side effect: Some people saw things.",
        f"Patients lose this from “Ketamine”: {caution.text}",
    ]


def test_it_warns_when_a_source_still_cited_before_is_taken_out(factory):
    option = factory.make_option(ready=True)
    gone = factory.make_source(authors="Birklein F", year=2017, title="Old guidance")
    factory.make_claim(option, text="Pain eased.", sources=[gone, factory.make_source()])
    before = factory.publish_version()
    Source.objects.filter(pk=gone.pk).delete()
    warnings = compare(before.content, factory.publish_version().content).warnings
    assert warnings == [
        "The source “Birklein F, 2017: Old guidance” is taken out, and what stays no longer "
        "cites it (1): Benefit: Pain eased."
    ]


def test_it_warns_when_an_option_is_left_with_no_harm_or_no_source(factory):
    factory.make_option(ready=True, name="Ketamine")
    before = factory.publish_version().content
    # An earlier version published again can hold what the rules now refuse.
    stripped = [row for row in before if row["model"] != "treatments.claim"]
    assert compare(before, stripped).warnings[-2:] == [
        "“Ketamine” has no harm or side effect in this version.",
        "“Ketamine” cites no source in this version.",
    ]


def test_changes_are_grouped_option_by_option_then_what_every_option_shares(factory):
    """A publisher reads each option's changes together, the option's own row first; sources
    and the other shared kinds follow, kind by kind."""
    mirror = factory.make_option(ready=True, name="Mirror therapy")
    baths = factory.make_option(ready=True, name="Baths")
    claim = factory.make_claim(mirror, text="Pain eased for some.")
    before = factory.publish_version()
    Option.objects.filter(pk=mirror.pk).update(summary="New words.")
    Claim.objects.filter(pk=claim.pk).update(text="Pain eased for a few.")
    factory.make_claim(baths, kind=Claim.Kind.HARM, text="Skin may dry out.")
    factory.make_source(title="A new review")
    after = factory.publish_version()

    comparison = compare(before.content, after.content)
    groups = [
        (group.name, [(row.model, row.status) for row in group.rows])
        for group in comparison.by_option
    ]
    assert groups == [
        ("Baths", [(Claim, ADDED)]),
        ("Mirror therapy", [(Option, CHANGED), (Claim, CHANGED)]),
    ]
    assert [(group.added, group.changed, group.removed) for group in comparison.by_option] == [
        (1, 0, 0),
        (0, 2, 0),
    ]
    (sources,) = comparison.shared  # the new review, and the source the new harm cites
    assert sources.model is Source
    assert any("A new review" in row.label for row in sources.added)
    # Every row is in exactly one place.
    grouped = sum(group.count for group in comparison.by_option)
    assert grouped + sum(kind.count for kind in comparison.shared) == comparison.count
