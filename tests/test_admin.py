import datetime

import pytest
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core.management.sql import emit_post_migrate_signal
from django.db import DEFAULT_DB_ALIAS
from django.urls import reverse

from tests.html import links, table_rows
from treatments import releases
from treatments.models import Claim, Option, Page, Term

pytestmark = pytest.mark.django_db


def test_the_editors_group_is_created_with_the_content_permissions(editor):
    perms = set(editor.get_all_permissions())
    assert "treatments.change_option" in perms
    assert "treatments.add_claim" in perms
    assert "treatments.delete_cost" in perms
    assert "treatments.view_historicaloption" in perms
    assert "treatments.change_questionpage" in perms
    assert "treatments.add_questionpage" in perms


def test_editors_cannot_rewrite_history(editor):
    perms = editor.get_all_permissions()
    assert not any(
        p.split(".")[1].startswith(("change_historical", "delete_historical")) for p in perms
    )


def test_editors_cannot_manage_users_groups_or_permissions(editor):
    perms = editor.get_all_permissions()
    assert not [p for p in perms if not p.startswith("treatments.")]


def test_a_content_model_added_later_joins_the_editors_permissions(editors_group):
    # As if the glossary were new since the group was made: no permission on it at all.
    editors_group.permissions.remove(
        *Permission.objects.filter(content_type=ContentType.objects.get_for_model(Term))
    )
    # An admin's own choice, which a migrate must not undo.
    editors_group.permissions.remove(Permission.objects.get(codename="delete_source"))

    emit_post_migrate_signal(verbosity=0, interactive=False, db=DEFAULT_DB_ALIAS)

    codenames = set(editors_group.permissions.values_list("codename", flat=True))
    assert {"add_term", "change_term", "delete_term", "view_term"} <= codenames
    assert "view_historicalterm" in codenames
    assert "change_historicalterm" not in codenames
    assert "delete_source" not in codenames


@pytest.mark.parametrize(
    "path", ["/admin/auth/user/", "/admin/auth/group/", "/admin/auth/user/add/"]
)
def test_an_editor_is_refused_the_user_and_group_admin(editor_client, path):
    assert editor_client.get(path).status_code == 403


@pytest.mark.parametrize(
    "path",
    [
        "/admin/treatments/option/",
        "/admin/treatments/option/add/",
        "/admin/treatments/source/",
        "/admin/treatments/question/",
        "/admin/treatments/questionpage/",
        "/admin/treatments/questionpage/add/",
        "/admin/treatments/claim/",
    ],
)
def test_an_editor_can_open_the_content_admin(editor_client, path):
    assert editor_client.get(path).status_code == 200


def test_overdue_options_are_listed_first(editor_client, factory):
    current = factory.make_option(name="Alpha")
    current.mark_reviewed(by="x", on=datetime.date.today())
    late = factory.make_option(name="Beta")
    late.mark_reviewed(by="x", on=datetime.date(2020, 1, 1))
    html = editor_client.get("/admin/treatments/option/").content.decode()
    assert html.index("Beta") < html.index("Alpha")
    assert "Overdue since 31 December 2020" in html


def test_the_list_filters_options_by_review_due(editor_client, factory):
    current = factory.make_option(name="Alpha")
    current.mark_reviewed(by="x", on=datetime.date.today())
    late = factory.make_option(name="Beta")
    late.mark_reviewed(by="x", on=datetime.date(2020, 1, 1))
    response = editor_client.get("/admin/treatments/option/?review=overdue")
    assert [o.name for o in response.context["cl"].result_list] == ["Beta"]


def test_publishing_an_option_without_harms_says_what_is_missing(editor_client, factory):
    option = factory.make_option(name="Incomplete")
    factory.make_claim(option, kind=Claim.Kind.BENEFIT)
    response = editor_client.post(
        "/admin/treatments/option/",
        {"action": "mark_ready_selected", "_selected_action": [option.pk]},
        follow=True,
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "“Incomplete” is not ready for the next version." in html
    assert "Add at least one harm or side effect." in html
    option.refresh_from_db()
    assert option.status == Option.Status.DRAFT


def test_a_complete_option_can_be_published(editor_client, factory):
    option = factory.make_option(name="Complete")
    factory.make_claim(option, kind=Claim.Kind.BENEFIT)
    factory.make_claim(option, kind=Claim.Kind.HARM)
    response = editor_client.post(
        "/admin/treatments/option/",
        {"action": "mark_ready_selected", "_selected_action": [option.pk]},
        follow=True,
    )
    assert "“Complete” is ready: it goes into the next version" in response.content.decode()
    option.refresh_from_db()
    assert option.is_ready


def test_view_on_site_opens_the_patient_page_only_while_patients_see_the_option(
    editor_client, factory
):
    shown = factory.make_option(ready=True)
    factory.publish_version()
    draft = factory.make_option()
    html = editor_client.get(f"/admin/treatments/option/{shown.pk}/change/").content.decode()
    assert (shown.get_absolute_url(), "View on site") in links(html)
    assert shown.get_absolute_url() == reverse("option", args=[shown.slug])
    html = editor_client.get(f"/admin/treatments/option/{draft.pk}/change/").content.decode()
    assert "View on site" not in [text for _, text in links(html)]


def test_view_on_site_opens_an_information_page_only_while_patients_see_it(editor_client, db):
    shown = Page.objects.create(slug="shown", title="Shown")
    releases.publish("Test publisher", "Checked in a test.")
    draft = Page.objects.create(slug="not-yet", title="Not yet published")
    html = editor_client.get(f"/admin/treatments/page/{shown.pk}/change/").content.decode()
    assert (shown.get_absolute_url(), "View on site") in links(html)
    html = editor_client.get(f"/admin/treatments/page/{draft.pk}/change/").content.decode()
    assert "View on site" not in [text for _, text in links(html)]


def test_the_change_page_shows_reading_grades_and_the_balance_line(editor_client, factory):
    option = factory.make_option(
        summary=(
            "Intravenous immunomodulatory pharmacotherapy demonstrated inconsistent "
            "statistically significant improvements. Administration necessitated "
            "considerable cardiovascular monitoring."
        )
    )
    factory.make_claim(option, kind=Claim.Kind.BENEFIT, text="Pain eased a little.")
    html = editor_client.get(f"/admin/treatments/option/{option.pk}/change/").content.decode()
    assert "1 benefit, 0 harms, 0 limitations, 0 practical points." in html
    # The summary's grade, under its box, is flagged above grade 8.
    assert 'class="grade-note grade--high" id="id_summary_grade"' in html
    assert "try shorter sentences and words" in html
    assert "Add at least one harm or side effect." in html
    assert "Save and mark ready for the next version" in html


def test_the_change_page_warns_when_benefits_rest_only_on_interested_sources(
    editor_client, factory
):
    option = factory.make_option()
    seller = factory.make_source(kind="clinic_website", interest="Sells this treatment")
    factory.make_claim(option, kind=Claim.Kind.BENEFIT, sources=[seller])
    html = editor_client.get(f"/admin/treatments/option/{option.pk}/change/").content.decode()
    assert "Every benefit rests only on sources with a declared interest." in html


def test_the_live_reading_grade_answers_with_the_grade(editor_client):
    response = editor_client.post(
        "/admin/treatments/option/reading-grade/",
        {"text": "You can stop at any time. It is up to you."},
    )
    data = response.json()
    assert data["plain"] is True
    assert data["grade"] < 8
    assert data["note"] == f"Reading grade {data['grade']:g}."
    hard = editor_client.post(
        "/admin/treatments/option/reading-grade/",
        {
            "text": "Pharmacological immunomodulation demonstrated insignificant effects. "
            "Considerable heterogeneity characterised observational investigations."
        },
    ).json()
    assert hard["plain"] is False
    assert "try shorter sentences and words" in hard["note"]
    short = editor_client.post(
        "/admin/treatments/option/reading-grade/", {"text": "You can stop at any time."}
    ).json()
    assert short["grade"] is None
    assert short["note"] == "Too short to grade (under two sentences)."


def test_the_live_reading_grade_is_for_editors_only(client):
    response = client.post("/admin/treatments/option/reading-grade/", {"text": "Hello."})
    assert response.status_code == 302
    assert "/admin/login/" in response.headers["Location"]


def test_every_change_is_recorded_with_who_made_it(editor_client, editor, factory):
    option = factory.make_option()
    claim = factory.make_claim(option, kind=Claim.Kind.HARM, text="Old wording.")
    claim.text = "New wording."
    claim._history_user = editor
    claim.save()
    records = list(claim.history.order_by("history_date"))
    assert records[0].text == "Old wording."
    assert records[-1].text == "New wording."
    assert records[-1].history_user == editor
    html = editor_client.get(f"/admin/treatments/claim/{claim.pk}/history/").content.decode()
    header, *rows = table_rows(html, "change-history")
    changed_by = [dict(zip(header, row, strict=True))["Changed by"] for row in rows]
    # Newest first: the editor's change, then the factory's unnamed ones.
    assert changed_by[0] == editor.username
    assert set(changed_by[1:]) == {"None"}


def test_an_editor_adds_a_page_of_questions_and_puts_its_questions_in_order(editor_client, factory):
    response = editor_client.post(
        "/admin/treatments/questionpage/add/",
        {
            "slug": "values",
            "title": "Your work",
            "order": 4,
            "questions-TOTAL_FORMS": 0,
            "questions-INITIAL_FORMS": 0,
        },
    )
    assert "address of one of the aid&#x27;s own steps" in response.content.decode()
    page = factory.make_question_page(slug="work", title="Your work")
    first, second = (factory.make_question(page=page, order=n) for n in (1, 2))
    response = editor_client.post(
        f"/admin/treatments/questionpage/{page.pk}/change/",
        {
            "slug": "work",
            "title": "Your work",
            "order": 4,
            "questions-TOTAL_FORMS": 2,
            "questions-INITIAL_FORMS": 2,
            "questions-0-id": first.pk,
            "questions-0-page": page.pk,
            "questions-0-order": 2,
            "questions-1-id": second.pk,
            "questions-1-page": page.pk,
            "questions-1-order": 1,
        },
    )
    assert response.status_code == 302
    assert list(page.questions.all()) == [second, first]
    assert page.history.count() == 2
