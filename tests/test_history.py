"""What changed: first entries for loaded content, an option's whole history, deleted items
and restoring them, and the changes since an option was last reviewed."""

import csv
import datetime
import io

import pytest
from django.contrib.auth.models import Permission
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.formats import date_format

from tests.html import first, links, parse, table_rows, words
from tests.users import FormClient, make_staff
from treatments import history
from treatments.admin import history as admin_history
from treatments.history import (
    LOADED,
    RELOADED,
    RESTORED,
    PartsHistory,
    content_models,
    history_of,
    word_diff,
)
from treatments.models import Claim, Cost, Option, QuestionPage, Review, Source, Study

pytestmark = pytest.mark.django_db

BUNDLED_MODELS = [model for model in content_models() if model is not Review]


def option_history_page(client, option) -> str:
    response = client.get(f"/admin/treatments/option/{option.pk}/history/")
    assert response.status_code == 200
    return response.content.decode()


def parts_rows(html: str) -> list[dict[str, str]]:
    header, *rows = table_rows(html, "parts-history")
    return [dict(zip(header, row, strict=True)) for row in rows]


# -- The bundled content's first entries ------------------------------------------------------


def test_every_loaded_content_item_has_one_first_history_entry(content):
    for model in BUNDLED_MODELS:
        pk_name = model._meta.pk.attname
        items = set(model.objects.values_list("pk", flat=True))
        assert items, model
        first = history_of(model).filter(history_type="+")
        if model is not QuestionPage:  # migration 0008 made the bundled pages, with their entry
            first = first.filter(history_change_reason=LOADED)
        assert sorted(first.values_list(pk_name, flat=True)) == sorted(items), model


def test_the_first_entry_records_the_sources_too(content):
    claim = Claim.objects.filter(sources__isnull=False).first()
    entry = claim.history.get()
    assert set(entry.sources.values_list("source_id", flat=True)) == set(
        claim.sources.values_list("pk", flat=True)
    )


def test_the_first_edit_of_a_loaded_option_can_be_compared_and_undone(content, admin_client):
    option = Option.objects.ready().first()
    bundled_summary = option.summary
    loaded = option.history.get()
    option.summary = "A new summary written by an editor."
    option.save()

    html = option_history_page(admin_client, option)
    _, *rows = table_rows(html, "change-history")
    newest_changes = rows[0][-1]
    assert "What it is" in newest_changes  # compared with the entry made when it was loaded
    assert " ".join(bundled_summary.split()[:4]) in newest_changes

    revert = admin_client.get(f"/admin/treatments/option/{option.pk}/history/{loaded.history_id}/")
    assert revert.status_code == 200
    assert bundled_summary in revert.content.decode()


def test_a_forced_reload_records_what_it_put_back(content):
    claim = Claim.objects.first()
    bundled_text = claim.text
    claim.text = "Edited by an editor."
    claim.save()
    call_command("load_content", force=True, verbosity=0)
    latest = claim.history.order_by("-history_date", "-history_id").first()
    assert latest.history_change_reason == RELOADED
    assert latest.text == bundled_text
    # Nothing else was touched, so nothing else has a new entry.
    assert not Source.history.filter(history_change_reason=RELOADED).exists()


def test_loading_over_existing_content_gives_items_without_history_their_first_entry(content):
    Source.history.all().delete()
    call_command("load_content", verbosity=0)
    assert Source.history.filter(history_change_reason=LOADED).count() == Source.objects.count()


# -- An option's history includes its parts ---------------------------------------------------


def test_an_options_history_lists_the_changes_to_its_parts_newest_first(
    editor_client, editor, factory
):
    option = factory.make_option()
    claim = factory.make_claim(option, text="Pain eased for some people.")
    cost = factory.make_cost(option)
    study = factory.make_study(option)
    claim.text = "Pain eased for a few people."
    claim._history_user = editor
    claim.save()
    editor_client.post(f"/admin/treatments/cost/{cost.pk}/delete/", {"post": "yes"})
    assert not Cost.objects.filter(pk=cost.pk).exists()

    rows = parts_rows(option_history_page(editor_client, option))
    assert rows[0]["Part"].startswith("Cost:")
    assert rows[0]["What happened"] == "Deleted"
    assert rows[0]["Who"] == "editor"
    assert rows[1]["Part"] == "Claim: Benefit: Pain eased for a few people."
    assert rows[1]["What happened"] == "Changed: Text"
    assert rows[1]["Who"] == "editor"
    added = {row["Part"] for row in rows if row["What happened"] == "Added"}
    assert f"Study: {study.design}" in added
    assert "Claim: Benefit: Pain eased for some people." in added


def test_the_changes_to_its_parts_come_in_pages_of_their_own(editor_client, factory, monkeypatch):
    monkeypatch.setattr(admin_history, "PARTS_PER_PAGE", 2)
    option = factory.make_option()
    for n in range(5):
        Claim.objects.create(option=option, kind=Claim.Kind.BENEFIT, text=f"Claim {n}")
    address = f"/admin/treatments/option/{option.pk}/history/"

    html = option_history_page(editor_client, option)
    assert [row["Part"] for row in parts_rows(html)] == [
        "Claim: Benefit: Claim 4",
        "Claim: Benefit: Claim 3",
    ]
    module = first(parse(html), "//div[@id='parts-history-module']")
    paginator = first(module, ".//p[@class='paginator']")
    assert words(paginator.text_content()) == "1 2 3 5 changes"
    # Its own parameter, so the option's own entries (simple-history's ?p=) keep their page.
    assert paginator.xpath(".//a/@href") == [
        "?parts=2#parts-history-module",
        "?parts=3#parts-history-module",
    ]
    html = editor_client.get(address, {"p": "1", "parts": "3"}).content.decode()
    assert [row["Part"] for row in parts_rows(html)] == ["Claim: Benefit: Claim 0"]
    module = first(parse(html), "//div[@id='parts-history-module']")
    assert module.xpath(".//p[@class='paginator']/a/@href") == [
        "?p=1&parts=1#parts-history-module",
        "?p=1&parts=2#parts-history-module",
    ]


def test_each_part_change_links_to_its_own_history_and_version(editor_client, factory):
    option = factory.make_option()
    claim = factory.make_claim(option)
    entry = claim.history.earliest()
    addresses = {href for href, _ in links(option_history_page(editor_client, option))}
    assert f"/admin/treatments/claim/{claim.pk}/history/" in addresses
    assert f"/admin/treatments/claim/{claim.pk}/history/{entry.history_id}/" in addresses


def test_an_options_history_leaves_out_other_options_parts(editor_client, factory):
    option, other = factory.make_option(), factory.make_option()
    factory.make_claim(other, text="About the other option.")
    html = option_history_page(editor_client, option)
    assert "About the other option." not in html
    assert "No part of this option has a recorded change." in html


def test_the_parts_history_merges_every_kind_of_part_by_time(factory):
    option = factory.make_option()
    for n in range(3):
        factory.make_claim(option, text=f"Claim {n}")
        factory.make_study(option, design=f"Study {n}")
    merged = PartsHistory(option.pk)
    assert merged.count() == 6 + 3  # three claims are saved, then given sources
    page = merged[0:4]
    dates = [record.history_date for record in page]
    assert dates == sorted(dates, reverse=True)
    assert {type(r).__name__ for r in merged[0:9]} == {"HistoricalClaim", "HistoricalStudy"}
    assert merged[4:9] == merged[0:9][4:]


# -- Deleted items ----------------------------------------------------------------------------


def deleted_rows(client) -> list[dict[str, str]]:
    response = client.get("/admin/deleted/")
    assert response.status_code == 200
    html = response.content.decode()
    if "Nothing has been deleted." in html:
        return []
    header, *rows = table_rows(html, "deleted-items")
    return [dict(zip(header, row, strict=True)) for row in rows]


def restore(client, model, record, **extra):
    return client.post(
        "/admin/deleted/restore/",
        {"kind": model._meta.model_name, "history_id": record.history_id},
        **extra,
    )


def deletion_of(model, pk):
    return history_of(model).get(id=pk, history_type="-")


def test_the_admin_home_page_links_to_deleted_items(editor_client):
    html = editor_client.get("/admin/").content.decode()
    assert ("/admin/deleted/", "Find and restore deleted items") in links(html)


def test_deleted_items_are_listed_with_who_deleted_them_and_when(editor_client, factory):
    option = factory.make_option(name="Mirror therapy")
    claim = factory.make_claim(option, kind=Claim.Kind.HARM, text="It can be tiring.")
    kept = factory.make_claim(option, text="Still here.")
    editor_client.post(f"/admin/treatments/claim/{claim.pk}/delete/", {"post": "yes"})

    rows = deleted_rows(editor_client)
    assert len(rows) == 1
    row = rows[0]
    assert row["What"] == "Claim: Harm or side effect: It can be tiring."
    assert row["Belonged to"] == "Option: Mirror therapy"
    assert row["Deleted by"] == "editor"
    assert row["When"].startswith(date_format(timezone.localdate(), "j F Y"))
    assert "Still here." not in str(rows)
    assert kept.pk


def test_restoring_brings_an_item_back_with_its_sources(editor_client, editor, factory):
    option = factory.make_option()
    sources = [factory.make_source(), factory.make_source()]
    claim = factory.make_claim(
        option,
        text="It may help.",
        frequency_count=3,
        frequency_total=10,
        frequency_group="people in one trial",
        frequency_timeframe="over 6 weeks",
        sources=sources,
    )
    pk = claim.pk
    editor_client.post(f"/admin/treatments/claim/{pk}/delete/", {"post": "yes"})

    response = restore(editor_client, Claim, deletion_of(Claim, pk))
    assert response.status_code == 302
    assert response.headers["Location"] == f"/admin/treatments/claim/{pk}/change/"
    claim = Claim.objects.get(pk=pk)
    assert (claim.text, claim.option, claim.frequency_count) == ("It may help.", option, 3)
    assert set(claim.sources.all()) == set(sources)
    entry = claim.history.filter(history_type="+").latest()
    assert (entry.history_change_reason, entry.history_user) == (RESTORED, editor)
    page = editor_client.get(response.headers["Location"]).content.decode()
    assert "“Benefit: It may help.” is back, as it was when it was deleted." in page
    assert deleted_rows(editor_client) == []


def test_restoring_a_source_brings_back_its_citations(editor_client, factory):
    option = factory.make_option()
    source, other = factory.make_source(), factory.make_source()
    cited = factory.make_claim(option, text="It may help.", sources=[source, other])
    check = factory.make_consideration(None, option)
    check.sources.set([source])
    deleted_too = factory.make_claim(option, text="Deleted later.", sources=[source])
    uncited_before = factory.make_claim(option, text="Cited it once.", sources=[source])
    uncited_before.sources.set([other])  # it stopped citing the source before the deletion
    pk = source.pk
    editor_client.post(f"/admin/treatments/source/{pk}/delete/", {"post": "yes"})
    assert not cited.sources.filter(pk=pk).exists()
    editor_client.post(f"/admin/treatments/claim/{deleted_too.pk}/delete/", {"post": "yes"})

    response = restore(editor_client, Source, deletion_of(Source, pk))
    assert response.status_code == 302
    assert set(cited.sources.all()) == {source, other}
    assert list(check.sources.all()) == [source]
    assert list(uncited_before.sources.all()) == [other]
    assert not Claim.objects.filter(pk=deleted_too.pk).exists()
    page = editor_client.get(response.headers["Location"]).content.decode()
    assert "The 2 items that cited it when it was deleted cite it again." in page


def test_restoring_an_option_brings_back_the_parts_deleted_with_it(editor_client, factory):
    option = factory.make_option(ready=True)
    factory.make_cost(option)
    pk = option.pk
    parts = (option.claims.count(), option.costs.count())
    editor_client.post(f"/admin/treatments/option/{pk}/delete/", {"post": "yes"})
    assert len(deleted_rows(editor_client)) == 1 + sum(parts)

    restore(editor_client, Option, deletion_of(Option, pk))
    option = Option.objects.get(pk=pk)
    assert (option.claims.count(), option.costs.count()) == parts
    assert all(claim.sources.exists() for claim in option.claims.all())
    assert deleted_rows(editor_client) == []


def test_a_part_of_a_deleted_option_waits_for_its_option(editor_client, factory):
    option = factory.make_option(name="Graded motor imagery")
    claim = factory.make_claim(option)
    claim_pk, option_pk = claim.pk, option.pk
    option.delete()

    response = restore(editor_client, Claim, deletion_of(Claim, claim_pk))
    assert response.headers["Location"] == "/admin/deleted/"
    page = editor_client.get("/admin/deleted/").content.decode()
    assert "belongs to the option “Graded motor imagery”, which is deleted." in page
    assert "Restore that option first." in page
    assert not Claim.objects.filter(pk=claim_pk).exists()
    assert not Option.objects.filter(pk=option_pk).exists()


def test_an_item_restored_already_is_not_restored_twice(editor_client, factory):
    option = factory.make_option()
    claim = factory.make_claim(option)
    pk = claim.pk
    claim.delete()
    record = deletion_of(Claim, pk)
    restore(editor_client, Claim, record)
    response = restore(editor_client, Claim, record)
    assert response.headers["Location"] == "/admin/deleted/"
    assert "has been restored already" in editor_client.get("/admin/deleted/").content.decode()
    assert Claim.objects.filter(pk=pk).count() == 1


def test_a_restore_that_would_clash_says_so_and_changes_nothing(editor_client, factory):
    source = factory.make_source(slug="the-trial")
    pk = source.pk
    source.delete()
    factory.make_source(slug="the-trial", title="Another with the same short name")
    response = restore(editor_client, Source, deletion_of(Source, pk))
    assert response.headers["Location"] == "/admin/deleted/"
    page = editor_client.get("/admin/deleted/").content.decode()
    assert "cannot be restored" in page
    assert not Source.objects.filter(pk=pk).exists()


def test_restoring_needs_the_permission_to_add_that_kind(editor_client, editor, factory):
    option = factory.make_option()
    study = factory.make_study(option)
    pk = study.pk
    study.delete()
    editor.groups.clear()
    editor.user_permissions.add(Permission.objects.get(codename="view_study"))
    html = editor_client.get("/admin/deleted/").content.decode()
    assert "You may not add these." in html
    response = restore(editor_client, Study, deletion_of(Study, pk))
    assert response.status_code == 403
    assert not Study.objects.filter(pk=pk).exists()


def test_restoring_is_a_post_with_a_csrf_token(editor, factory):
    option = factory.make_option()
    claim = factory.make_claim(option)
    pk = claim.pk
    claim.delete()
    client = FormClient(enforce_csrf_checks=True)
    client.force_login(editor)
    assert restore(client, Claim, deletion_of(Claim, pk)).status_code == 403
    assert client.get("/admin/deleted/restore/").status_code == 405
    assert not Claim.objects.filter(pk=pk).exists()


def test_a_bad_restore_request_gets_a_message_not_an_error(editor_client):
    for kind, history_id in [
        ("claim", "999999"),
        ("nothing", "1"),
        ("claim", "x"),
        ("claim", "9" * 30),
    ]:
        response = editor_client.post(
            "/admin/deleted/restore/", {"kind": kind, "history_id": history_id}
        )
        assert response.status_code == 302
        assert response.headers["Location"] == "/admin/deleted/"


def test_deleted_items_are_for_staff_only(client):
    response = client.get("/admin/deleted/")
    assert response.status_code == 302
    assert "/admin/login/" in response.headers["Location"]


# -- Changes since the last review ----------------------------------------------------------


def test_a_word_difference_marks_taken_out_and_added_words():
    html = word_diff("Pain eased for some people.", "Pain eased for a few <b>people</b>.")
    assert "<del>" in html and "<ins>" in html
    assert "[taken out: </span>some" in html
    assert "[added: </span>a few &lt;b&gt;people&lt;/b&gt;." in html
    assert html.startswith("Pain eased for ")
    assert word_diff("Same words.", "Same   words.") == "Same words."


def changes_page(client, option) -> str:
    response = client.get(f"/admin/treatments/option/{option.pk}/changes-since-review/")
    assert response.status_code == 200
    return response.content.decode()


def test_changes_since_the_review_show_each_changed_text_word_by_word(editor_client, factory):
    option = factory.make_option(summary="A drip of medicine in hospital.")
    changed = factory.make_claim(option, text="Pain eased for some people.")
    removed = factory.make_claim(option, kind=Claim.Kind.HARM, text="It can make you sick.")
    same = factory.make_claim(option, kind=Claim.Kind.LIMITATION, text="Unchanged words.")
    Review.objects.create(option=option, reviewed_by="reviewer", what_checked="Everything.")

    option.summary = "A drip of medicine given in hospital."
    option.save()
    changed.text = "Pain eased for a few people."
    changed.save()
    removed.delete()
    factory.make_claim(option, kind=Claim.Kind.PRACTICAL, text="Bring a book.")

    html = changes_page(editor_client, option)
    assert '<ins><span class="visually-hidden">[added: </span>given' in html
    assert '<del><span class="visually-hidden">[taken out: </span>some' in html
    assert "Added since the review." in html and "Bring a book." in html
    assert "Deleted since the review." in html and "It can make you sick." in html
    assert "Unchanged words." not in html
    assert same.pk


def test_changed_sources_are_shown_as_changes(editor_client, factory):
    option = factory.make_option()
    claim = factory.make_claim(option)
    option.mark_reviewed(by="reviewer")
    new_source = factory.make_source(authors="Jones B, et al.", year=2024)
    claim.sources.add(new_source)
    html = changes_page(editor_client, option)
    assert "Sources" in html
    assert "[added: </span>Jones B, et al., 2024" in html


def test_nothing_changed_since_the_review_of_the_bundled_content(editor_client, content):
    option = Option.objects.ready().first()
    assert "Nothing in this option or its parts has changed since then." in changes_page(
        editor_client, option
    )
    claim = option.claims.first()
    claim.text = claim.text + " Edited."
    claim.save()
    assert "[added: </span>Edited." in changes_page(editor_client, option)


def test_an_option_never_reviewed_says_so(editor_client, factory):
    option = factory.make_option()
    assert "has never been reviewed" in changes_page(editor_client, option)


def test_the_option_page_and_its_history_link_to_the_changes_since_review(editor_client, factory):
    option = factory.make_option()
    address = f"/admin/treatments/option/{option.pk}/changes-since-review/"
    change_page = editor_client.get(f"/admin/treatments/option/{option.pk}/change/")
    assert (address, "See what changed since the last review") in links(
        change_page.content.decode()
    )
    assert (address, "See what changed since the last review") in links(
        option_history_page(editor_client, option)
    )


def test_a_review_moment_follows_the_latest_review(factory):
    from treatments.history import review_moment

    option = factory.make_option()
    assert review_moment(option) is None
    option.mark_reviewed(by="x", on=datetime.date(2026, 1, 1))
    marked = review_moment(option)
    review = Review.objects.create(option=option, reviewed_by="y", what_checked="All of it.")
    assert review_moment(option) >= review.recorded_at > marked


# -- The site-wide log ------------------------------------------------------------------------


def activity_rows(client, query: str = "") -> list[dict[str, str]]:
    response = client.get(f"/admin/activity/{query}")
    assert response.status_code == 200
    html = response.content.decode()
    if "No changes match these filters." in html:
        return []
    header, *rows = table_rows(html, "activity-log")
    return [dict(zip(header, row, strict=True)) for row in rows]


def saved_by(user, obj, **changes):
    for name, value in changes.items():
        setattr(obj, name, value)
    obj._history_user = user
    obj.save()
    return obj


@pytest.fixture
def writer(editors_group):
    return make_staff("writer", editors_group)


def test_the_admin_home_page_links_to_the_log(editor_client):
    html = editor_client.get("/admin/").content.decode()
    assert ("/admin/activity/", "See every change, by person, option and date") in links(html)


def test_the_log_says_who_did_what_to_which_item_of_which_option(
    editor_client, editor, writer, factory
):
    option = factory.make_option(name="Mirror therapy")
    claim = factory.make_claim(option, kind=Claim.Kind.HARM, text="It can be tiring.")
    source = factory.make_source(title="A trial of mirrors")
    saved_by(writer, claim, text="It can be tiring at first.")
    saved_by(editor, source, title="A trial of mirrors in CRPS")
    editor_client.post(f"/admin/treatments/claim/{claim.pk}/delete/", {"post": "yes"})

    rows = activity_rows(editor_client)
    latest = [(r["Who"], r["Change"], r["Item"], r["Option"]) for r in rows[:3]]
    assert latest == [
        (
            "editor",
            "Deleted",
            "Claim: Harm or side effect: It can be tiring at first.",
            "Mirror therapy",
        ),
        (
            "editor",
            "Changed",
            f"Source: {source.short_citation}: A trial of mirrors in CRPS",
            "Shared content",
        ),
        (
            "writer",
            "Changed",
            "Claim: Harm or side effect: It can be tiring at first.",
            "Mirror therapy",
        ),
    ]
    assert rows[0]["When"].startswith(date_format(timezone.localdate(), "j F Y"))
    html = editor_client.get("/admin/activity/").content.decode()
    assert (
        f"/admin/treatments/claim/{claim.pk}/history/",
        "Harm or side effect: It can be tiring at first.",
    ) in links(html)
    assert (
        f"/admin/treatments/source/{source.pk}/change/",
        f"{source.short_citation}: A trial of mirrors in CRPS",
    ) in links(html)
    assert (f"/admin/treatments/option/{option.pk}/change/", "Mirror therapy") in links(html)


def test_the_log_is_filtered_by_person_option_and_dates(editor_client, editor, writer, factory):
    mirror = factory.make_option(name="Mirror therapy")
    other = factory.make_option(name="Graded motor imagery")
    saved_by(writer, factory.make_claim(mirror, text="One."), text="One, changed.")
    saved_by(editor, factory.make_claim(other, text="Two."), text="Two, changed.")
    saved_by(editor, factory.make_source(title="Shared"), title="Shared, changed")

    by_writer = activity_rows(editor_client, f"?person={writer.pk}")
    assert [r["Item"] for r in by_writer] == ["Claim: Benefit: One, changed."]
    of_other = activity_rows(editor_client, f"?option={other.pk}")
    assert {r["Option"] for r in of_other} == {"Graded motor imagery"}
    assert "Claim: Benefit: Two, changed." in [r["Item"] for r in of_other]
    both = activity_rows(editor_client, f"?person={editor.pk}&option={mirror.pk}")
    assert both == []

    today = timezone.localdate()
    tomorrow = today + datetime.timedelta(days=1)
    assert len(activity_rows(editor_client, f"?since={today}&until={today}")) == len(
        activity_rows(editor_client)
    )
    assert activity_rows(editor_client, f"?since={tomorrow}") == []
    assert activity_rows(editor_client, f"?until={today - datetime.timedelta(days=1)}") == []


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("?person=999999", "No member of staff has that number: choose a person from the list."),
        ("?person=abc", "No member of staff has that number: choose a person from the list."),
        ("?option=999999", "No option has that number: choose an option from the list."),
        ("?since=yesterday", "Give the first day as a date, like 2026-01-31."),
        ("?until=next week", "Give the last day as a date, like 2026-01-31."),
        (
            "?since=2026-02-01&until=2026-01-01",
            "The last day comes before the first: swap them or change one.",
        ),
        ("?page=zzz", ""),
        ("?page=9999", ""),
    ],
)
def test_bad_filters_are_named_and_the_rest_still_apply(
    editor_client, writer, factory, query, message
):
    saved_by(writer, factory.make_claim(factory.make_option(), text="One."), text="Changed.")
    if "person" not in query:  # the filters given well still apply
        query += f"&person={writer.pk}"
    response = editor_client.get(f"/admin/activity/{query}")
    assert response.status_code == 200
    html = response.content.decode()
    if message:
        assert message in html
        assert "Some filters could not be used" in html
    header, *rows = table_rows(html, "activity-log")
    if f"person={writer.pk}" in query:
        assert {row[header.index("Who")] for row in rows} == {"writer"}


def test_the_log_takes_the_same_number_of_queries_however_long_it_is(
    editor_client, editor, factory
):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert editor_client.get("/admin/activity/").status_code == 200
        return len(captured)

    option = factory.make_option()
    saved_by(editor, factory.make_claim(option, text="One."), text="Changed.")
    saved_by(editor, factory.make_source(), title="A source")
    few = queries()
    for n in range(60):
        options = factory.make_option()
        saved_by(
            editor, factory.make_claim(options, text=f"Claim {n}."), text=f"Claim {n}, changed."
        )
        saved_by(editor, factory.make_source(), title=f"Source {n}")
        saved_by(editor, options, name=f"Renamed {n}")
    many = queries()
    # Sign-in and permissions (4), count and page (2), one per kind on the page (3), option
    # names (1), the admin's own (3): the same for 3 changes or 180.
    assert (few, many) == (13, 13)


def test_the_log_is_for_staff_only(client):
    response = client.get("/admin/activity/")
    assert response.status_code == 302
    assert "/admin/login/" in response.headers["Location"]


def download(client, address: str) -> list[dict[str, str]]:
    """The log's spreadsheet at this address, as the rows a spreadsheet program reads."""
    response = client.get(address)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="who-changed-what-')
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def download_link(html: str) -> str:
    (address,) = [href for href, _ in links(html) if href.startswith("/admin/activity.csv")]
    return address


def test_the_log_downloads_as_a_spreadsheet_with_the_pages_filters(
    editor_client, editor, writer, factory
):
    mirror = factory.make_option(name="Mirror therapy")
    other = factory.make_option(name="Graded motor imagery")
    saved_by(writer, factory.make_claim(mirror, text="One."), text="One, changed.")
    saved_by(writer, factory.make_claim(other, text="Two."), text="Two, changed.")
    saved_by(editor, factory.make_claim(mirror, text="Three."), text="Three, changed.")
    saved_by(writer, factory.make_source(title="Shared"), title="Shared, changed")

    query = f"?person={writer.pk}&option={mirror.pk}&since=2026-01-01&page=1"
    html = editor_client.get(f"/admin/activity/{query}").content.decode()
    address = download_link(html)
    assert address == f"/admin/activity.csv?person={writer.pk}&option={mirror.pk}&since=2026-01-01"
    on_the_page = activity_rows(editor_client, query)
    rows = download(editor_client, address)
    assert list(rows[0]) == ["When (UTC)", "Who", "Change", "Kind", "Item", "Option"]
    assert [(r["Who"], r["Change"], f"{r['Kind']}: {r['Item']}", r["Option"]) for r in rows] == [
        (r["Who"], r["Change"], r["Item"], r["Option"]) for r in on_the_page
    ]
    assert {r["Who"] for r in rows} == {"writer"}
    assert {r["Option"] for r in rows} == {"Mirror therapy"}
    assert rows[0]["When (UTC)"].startswith(timezone.localdate().isoformat())

    # With no filters: everything, shared content included, newest first.
    everything = download(
        editor_client, download_link(editor_client.get("/admin/activity/").content.decode())
    )
    assert len(everything) == len(activity_rows(editor_client))
    assert (
        everything[0]["Item"]
        == f"{Source.objects.get(title='Shared, changed').short_citation}: Shared, changed"
    )
    assert everything[0]["Option"] == "Shared content"
    assert [r["When (UTC)"] for r in everything] == sorted(
        (r["When (UTC)"] for r in everything), reverse=True
    )


def test_the_download_leaves_out_bad_filters_as_the_page_does(editor_client, writer, factory):
    saved_by(writer, factory.make_claim(factory.make_option(), text="One."), text="Changed.")
    rows = download(editor_client, f"/admin/activity.csv?person={writer.pk}&since=yesterday")
    assert rows and {r["Who"] for r in rows} == {"writer"}
    assert download(editor_client, "/admin/activity.csv?since=2999-01-01") == []


def test_no_cell_of_the_download_is_read_as_a_formula(editor_client, editors_group, factory):
    # Each starts as a formula would: =, +, - or @ (a username may start with the last three).
    someone = make_staff("+1-1@x", editors_group)
    option = factory.make_option(name='=HYPERLINK("http://example.org","Click")')
    saved_by(someone, option, name="@SUM(1,1)")
    source = saved_by(someone, factory.make_source(), title="A title")
    rows = download(editor_client, f"/admin/activity.csv?person={someone.pk}")
    assert [(r["Who"], r["Kind"], r["Item"], r["Option"]) for r in rows] == [
        ("'+1-1@x", "Source", f"{source.short_citation}: A title", "Shared content"),
        ("'+1-1@x", "Option", "'@SUM(1,1)", "'@SUM(1,1)"),
    ]
    option.delete()
    deleted = download(editor_client, f"/admin/activity.csv?option={option.pk}")
    assert deleted[0]["Change"] == "Deleted"
    assert deleted[0]["Option"] == "'@SUM(1,1) (deleted)"
    assert deleted[-1]["Item"] == '\'=HYPERLINK("http://example.org","Click")'


def test_the_download_takes_the_same_number_of_queries_however_long_the_log_is(
    editor_client, editor, factory
):
    def queries() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as captured:
            rows = download(editor_client, "/admin/activity.csv")
        return len(rows), len(captured)

    option = factory.make_option()
    saved_by(editor, factory.make_claim(option, text="One."), text="Changed.")
    saved_by(editor, factory.make_source(), title="A source")
    few, few_queries = queries()
    for n in range(60):
        options = factory.make_option()
        saved_by(editor, factory.make_claim(options, text=f"Claim {n}."), text=f"{n}, changed.")
        saved_by(editor, options, name=f"Renamed {n}")
    many, many_queries = queries()
    # Each option, its claim and the claim's source added; the option renamed; the claim
    # changed twice (its sources, then its text).
    assert many - few == 60 * 6
    # Sign-in and permissions (4), the options' names (2), and one per kind of content (20),
    # each read from one cursor as the download goes: the same for 7 changes or 367.
    assert len(history.Activity(history.content_models()).models) == 20
    assert (few_queries, many_queries) == (26, 26)


def test_the_download_is_for_staff_only(client):
    response = client.get("/admin/activity.csv")
    assert response.status_code == 302
    assert "/admin/login/" in response.headers["Location"]
