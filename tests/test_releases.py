"""Published versions: what patients see changes only when a publisher publishes."""

import importlib

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.connection import ConnectionDoesNotExist

from tests.html import has_class, links, parse, text_of, texts_of
from tests.users import FormClient, make_staff, signed_in
from treatments import releases
from treatments.models import Claim, Option, Release, Source

pytestmark = pytest.mark.django_db

PUBLISH = reverse("admin:treatments_release_publish")
COMPARE = reverse("admin:treatments_release_compare")
# The session, the user and permissions, the rules' check and the draft (a query or two for each
# kind of content), the current version, one look in the draft for each kind of row to link, what
# waits for review, and the site's header: never one per row.
PUBLISH_PAGE_QUERIES = 43


@pytest.fixture
def publisher_client(editors_group, publishers_group) -> FormClient:
    return signed_in(make_staff("publisher", editors_group, publishers_group))


def option_page(client, option: Option):
    return client.get(reverse("option", args=[option.slug]))


def test_publishing_makes_the_next_numbered_version_with_who_and_why(factory):
    factory.make_option(ready=True)
    first = releases.publish("Ada", "First look.")
    second = releases.publish("Grace", "Checked again.")
    assert (first.number, second.number) == (1, 2)
    assert (second.published_by, second.reason) == ("Grace", "Checked again.")
    assert Release.objects.current() == second


def test_a_published_version_never_changes_and_is_never_deleted(factory):
    release = factory.publish_version()
    release.reason = "Rewritten"
    with pytest.raises(ValidationError):
        release.save()
    with pytest.raises(ValidationError):
        release.delete()
    assert Release.objects.get(pk=release.pk).reason == "Checked in a test."


def test_a_version_needs_a_reason(factory):
    with pytest.raises(ValidationError, match="Say why"):
        releases.publish("Ada", "   ")
    assert not Release.objects.exists()


def test_patients_see_an_edit_only_once_it_is_published(client, factory):
    option = factory.make_option(ready=True, name="Warm baths")
    factory.publish_version()
    Option.objects.filter(pk=option.pk).update(name="Hot baths")
    assert "Warm baths" in option_page(client, option).content.decode()
    factory.publish_version()
    assert "Hot baths" in option_page(client, option).content.decode()


def test_a_published_row_reads_its_lists_from_the_version_and_never_the_editors_tables(factory):
    option = factory.make_option(ready=True)
    factory.make_claim(option, text="Warmth helps some people.")
    factory.publish_version()
    Claim.objects.filter(option=option).update(text="Changed in the draft.")
    published = releases.current_content().option(option.slug)
    texts = [claim.text for claim in published.related.claims]
    assert "Warmth helps some people." in texts
    assert "Changed in the draft." not in texts
    assert published.related.claims[0].option is published
    # A list the version does not hold cannot fall back to the editors' tables.
    with pytest.raises(ConnectionDoesNotExist):
        list(published.claims.all())
    with pytest.raises(AttributeError):
        published.related.claims = ()


def test_an_option_deleted_in_the_draft_stays_until_the_next_version(client, factory):
    option = factory.make_option(ready=True)
    factory.publish_version()
    Option.objects.filter(pk=option.pk).delete()
    assert option_page(client, option).status_code == 200
    factory.publish_version()
    assert option_page(client, option).status_code == 404


def test_a_draft_that_breaks_the_rules_is_refused_naming_the_option(factory):
    option = factory.make_option(ready=True, name="Mirror therapy")
    factory.publish_version()
    option.claims.filter(kind=Claim.Kind.HARM).delete()  # as the Claims page would
    with pytest.raises(releases.NotPublishable) as refused:
        releases.publish("Ada", "Harm removed.")
    assert refused.value.problems == {"Mirror therapy": ["Add at least one harm or side effect."]}
    assert Release.objects.count() == 1


def test_an_earlier_version_can_be_published_again(client, factory):
    option = factory.make_option(ready=True, name="Warm baths")
    first = factory.publish_version()
    Option.objects.filter(pk=option.pk).update(name="Hot baths")
    factory.publish_version()
    again = releases.publish("Ada", "Back to the checked words.", again=first)
    assert (again.number, again.republished_from, again.content) == (3, first, first.content)
    assert "Warm baths" in option_page(client, option).content.decode()
    assert Option.objects.get(pk=option.pk).name == "Hot baths"  # the draft is untouched


def test_load_content_publishes_the_bundled_content_as_the_first_version(db):
    call_command("load_content", verbosity=0)
    release = Release.objects.get()
    assert (release.number, release.published_by) == (1, "load_content")
    assert {row["model"] for row in release.content} >= {"treatments.option", "treatments.claim"}
    call_command("load_content", verbosity=0)
    assert Release.objects.count() == 1


# The publishing page


def test_editors_read_versions_but_cannot_publish(editor_client, factory):
    factory.publish_version()
    assert editor_client.get(reverse("admin:treatments_release_changelist")).status_code == 200
    assert editor_client.get(PUBLISH).status_code == 403
    assert editor_client.post(PUBLISH, {"reason": "Sneaky"}).status_code == 403
    assert Release.objects.count() == 1


def test_a_publisher_sees_problems_changes_and_previews_then_publishes(publisher_client, factory):
    option = factory.make_option(ready=True, name="Graded motor imagery")
    page = publisher_client.get(PUBLISH).content.decode()
    assert "Every option marked for publishing meets the rules." in page
    assert "Added: Graded motor imagery" in text_of(parse(page))
    assert reverse("option_preview", args=[option.slug]) in page

    response = publisher_client.post(PUBLISH, {"reason": "First checked version."}, follow=True)
    assert "Version 1 is published: patients see it now." in response.content.decode()
    release = Release.objects.get()
    assert (release.published_by, release.reason) == ("publisher", "First checked version.")


def test_publishing_without_a_reason_says_what_to_do_and_publishes_nothing(publisher_client):
    response = publisher_client.post(PUBLISH, {"reason": ""})
    assert response.status_code == 422
    assert "Say why this version is published, then publish again." in response.content.decode()
    assert not Release.objects.exists()


def test_the_publish_page_names_each_option_that_breaks_the_rules(publisher_client, factory):
    option = factory.make_option(ready=True, name="Mirror therapy")
    option.claims.filter(kind=Claim.Kind.HARM).delete()
    response = publisher_client.post(PUBLISH, {"reason": "Try anyway."})
    html = response.content.decode()
    assert response.status_code == 422
    assert "<strong>Mirror therapy</strong>" in html
    assert "Add at least one harm or side effect." in html
    assert not Release.objects.exists()


def test_a_publisher_publishes_an_earlier_version_again_in_one_step(publisher_client, factory):
    option = factory.make_option(ready=True, name="Warm baths")
    first = factory.publish_version()
    Option.objects.filter(pk=option.pk).update(name="Hot baths")
    factory.publish_version()
    page = publisher_client.get(reverse("admin:treatments_release_change", args=[first.pk]))
    assert "Publish Version 1 again" in page.content.decode()
    response = publisher_client.post(
        reverse("admin:treatments_release_republish", args=[first.pk]),
        {"reason": "The new name was wrong."},
        follow=True,
    )
    assert "Version 1 is published again as Version 3" in response.content.decode()
    assert Release.objects.current().republished_from == first


def test_a_version_published_before_pages_of_questions_reads_as_it_did(factory):
    """Migration 0008 rewrites each published version into the new shape, saying the same."""
    migration = importlib.import_module("treatments.migrations.0008_question_pages")
    about = factory.make_question_page(slug="about", title="Your CRPS", hint="For your summary.")
    old = [
        {
            "model": "treatments.question",
            "pk": 3,
            "fields": {
                "slug": "onset",
                "step": "about",
                "text": "How long ago did it start?",
                "hint": "",
                "short_label": "Time since it started",
                "kind": "one",
                "required": True,
                "order": 1,
            },
        },
        {
            "model": "treatments.choice",
            "pk": 4,
            "fields": {"question": 3, "slug": "recent", "label": "Recently", "order": 1},
        },
        {
            "model": "treatments.suggestedquestion",
            "pk": 7,
            "fields": {"text": "What happens if I wait a while?", "order": 1},
        },
        {
            "model": "treatments.suggestedquestion",
            "pk": 8,
            "fields": {"text": "What happens if I wait?", "order": 2},
        },
    ]
    new = migration.rewrite_release(old, {"about": about}, {7: "kept-slug"})
    content = releases.Content(new)
    [page] = content.question_pages
    assert (page.slug, page.title, page.hint) == ("about", "Your CRPS", "For your summary.")
    assert [q.slug for q in content.questions_on(page)] == ["onset"]
    assert [c.label for c in content.questions[0].related.choices] == ["Recently"]
    slugs = [q.slug for q in content.suggested_questions]
    assert slugs == ["kept-slug", "what-happens-if-i"]
    assert not any("step" in row["fields"] for row in new)


def test_publishing_stamps_the_format_the_content_is_written_in(factory):
    factory.make_option(ready=True)
    assert factory.publish_version().format == releases.RELEASE_FORMAT


def test_a_version_written_in_an_earlier_format_is_read_through_the_upgrade(db, monkeypatch):
    # As if the glossary's `term` had been called `word` in format 1 and renamed in format 2.
    def word_becomes_term(content):
        return [
            {**row, "fields": {"slug": "flare", "term": row["fields"]["word"], "definition": "x"}}
            if row["model"] == "treatments.term"
            else row
            for row in content
        ]

    monkeypatch.setattr(releases, "RELEASE_FORMAT", 2)
    monkeypatch.setattr(releases, "UPGRADES", {1: word_becomes_term})
    old = [{"model": "treatments.term", "pk": 1, "fields": {"word": "Flare"}}]
    release = Release.objects.create(
        number=1, published_by="someone", reason="r", content=old, format=1, digest="d"
    )
    assert [term.term for term in releases.current_content().terms] == ["Flare"]
    # Published again, it is written in today's format.
    again = releases.publish("someone", "again", again=release)
    assert (again.format, again.content[0]["fields"]["term"]) == (2, "Flare")
    with pytest.raises(ValueError, match="newer"):
        releases.upgrade(old, 3)


# Reviewing what a version changes


def changed_rows(html: str) -> list[str]:
    return texts_of(parse(html), f"//li[{has_class('release-row')}]")


def test_the_publish_page_shows_each_changed_field_linked_to_its_row(publisher_client, factory):
    option = factory.make_option(ready=True, name="Mirror therapy", time_in_brief="Weekly")
    claim = factory.make_claim(option, text="Pain eased for some.")
    factory.publish_version()
    Option.objects.filter(pk=option.pk).update(time_in_brief="Daily <b>for</b> a month")
    Claim.objects.filter(pk=claim.pk).update(text="Pain eased for a few people.")

    html = publisher_client.get(PUBLISH).content.decode()
    assert changed_rows(html) == [
        "Changed: Mirror therapy Time it takes, in a few words "
        "Was: Weekly Now: Daily <b>for</b> a month",
        "Changed: Mirror therapy – Benefit: Pain eased for a few people. "
        "Text Pain eased for [taken out: some.] [added: a few people.]",
    ]
    assert "Daily &lt;b&gt;for&lt;/b&gt; a month" in html
    page_links = links(html)
    option_url = reverse("admin:treatments_option_change", args=[option.pk])
    assert (option_url, "Mirror therapy") in page_links
    claim_url = reverse("admin:treatments_claim_change", args=[claim.pk])
    assert (claim_url, "Mirror therapy – Benefit: Pain eased for a few people.") in page_links


def test_the_publish_page_warns_first_when_patients_would_lose_an_option(publisher_client, factory):
    factory.make_option(ready=True, name="Ketamine").mark_draft()
    factory.publish_version()  # Ketamine was published in no version
    kept = factory.make_option(ready=True, name="Mirror therapy")
    factory.publish_version()
    kept.mark_draft()
    page = parse(publisher_client.get(PUBLISH).content.decode())
    warnings = page.xpath(f"//div[{has_class('release-warnings')}]")[0]
    assert text_of(warnings) == (
        "What patients lose or miss in this version (1) Patients will no longer see the option "
        "“Mirror therapy”: it was deleted or returned to draft."
    )
    # Said before the rules, the changes and the button.
    assert warnings.getparent().index(warnings) == 0


def test_a_removed_row_no_longer_in_the_draft_is_named_without_a_link(publisher_client, factory):
    option = factory.make_option(ready=True)
    source = factory.make_source(authors="Birklein F", year=2017, title="Old guidance")
    factory.make_claim(option, sources=[source, factory.make_source()])
    factory.publish_version()
    Source.objects.filter(pk=source.pk).delete()
    html = publisher_client.get(PUBLISH).content.decode()
    assert "Removed: Birklein F, 2017: Old guidance" in changed_rows(html)
    assert reverse("admin:treatments_source_change", args=[source.pk]) not in html


def test_editors_compare_any_two_versions_but_cannot_publish(editor_client, factory):
    option = factory.make_option(ready=True, name="Warm baths")
    first = factory.publish_version()
    Option.objects.filter(pk=option.pk).update(name="Hot baths")
    factory.publish_version()
    Option.objects.filter(pk=option.pk).update(name="Cold baths")
    factory.publish_version()

    listing = editor_client.get(reverse("admin:treatments_release_changelist"))
    assert "Compare two versions" in listing.content.decode()
    response = editor_client.get(COMPARE, {"before": 1, "after": 3})
    assert response.status_code == 200
    assert changed_rows(response.content.decode()) == [
        "Changed: Cold baths Name Was: Warm baths Now: Cold baths"
    ]
    page = editor_client.get(reverse("admin:treatments_release_change", args=[first.pk]))
    assert "Publish Version 1 again" not in page.content.decode()
    assert editor_client.get(PUBLISH).status_code == 403


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"before": 1, "after": 1}, "Choose two different versions to compare."),
        ({"before": 1, "after": 99}, "Choose a published version from the list."),
        ({"before": "junk", "after": 1}, "Choose a published version from the list."),
    ],
)
def test_comparing_a_version_that_cannot_be_compared_says_what_to_do(
    editor_client, factory, query, message
):
    factory.make_option(ready=True)
    factory.publish_version()
    factory.publish_version()
    response = editor_client.get(COMPARE, query)
    assert response.status_code == 422
    assert message in text_of(parse(response.content.decode()))


@override_settings(STAFF_REQUIRE_2FA=True)
def test_without_the_second_factor_no_version_or_comparison_opens(publisher_client, factory):
    factory.make_option(ready=True)
    first = factory.publish_version()
    factory.publish_version()
    for url in [
        PUBLISH,
        f"{COMPARE}?before=1&after=2",
        reverse("admin:treatments_release_change", args=[first.pk]),
    ]:
        response = publisher_client.get(url)  # signed in with a password alone
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/admin/login/")


def test_the_publish_page_runs_as_many_queries_however_much_changed(publisher_client, factory):
    def changed(options: int) -> int:
        for _ in range(options):
            option = factory.make_option(ready=True)
            factory.make_claim(option, kind=Claim.Kind.HARM)
        factory.publish_version()
        Option.objects.update(summary="Clearer words.")
        Claim.objects.update(text="Clearer still.")
        with CaptureQueriesContext(connection) as queries:
            assert publisher_client.get(PUBLISH).status_code == 200
        return len(queries)

    assert changed(1) == changed(10) == PUBLISH_PAGE_QUERIES
