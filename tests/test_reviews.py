"""Reviews as records: who checked what and when, recorded from the option's page; reviews due
on the admin's home page and in a reminder that can be emailed."""

import datetime
import io

import pytest
from django.contrib.auth.models import User
from django.core import mail
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone
from django.utils.formats import date_format

from tests.html import links, table_rows
from treatments.models import REVIEW_INTERVAL, Option, Review

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def record_review(client, option, **fields):
    data = {
        "option": option.pk,
        "reviewed_on": TODAY.isoformat(),
        "what_checked": "Costs against the clinic's price list; PubMed searched for new trials.",
        "next_review_due": "",
        **fields,
    }
    return client.post("/admin/treatments/review/add/", data)


def reviewed_on(days_from_today: int, option: Option) -> Option:
    """An option whose next review is due `days_from_today` from today (negative: overdue)."""
    option.mark_reviewed(by="x", on=TODAY - datetime.timedelta(days=400))
    Option.objects.filter(pk=option.pk).update(
        next_review_due=TODAY + datetime.timedelta(days=days_from_today)
    )
    option.refresh_from_db()
    return option


# -- Recording a review ------------------------------------------------------------------------


def test_the_option_page_links_to_a_review_form_for_that_option(editor_client, factory):
    option = factory.make_option(name="Mirror therapy")
    page = editor_client.get(f"/admin/treatments/option/{option.pk}/change/").content.decode()
    address = f"/admin/treatments/review/add/?option={option.pk}"
    assert (address, "Record a review") in links(page)
    form = editor_client.get(address).content.decode()
    assert f'<option value="{option.pk}" selected>Mirror therapy</option>' in form


def test_recording_a_review_brings_the_options_review_dates_up_to_date(
    editor_client, editor, factory
):
    option = factory.make_option()
    response = record_review(editor_client, option)
    assert response.status_code == 302
    assert response.headers["Location"] == f"/admin/treatments/option/{option.pk}/change/"

    review = Review.objects.get(option=option)
    assert review.reviewed_by == "editor"
    assert review.what_checked.startswith("Costs against the clinic's price list")
    assert review.next_review_due == TODAY + REVIEW_INTERVAL
    assert review.history.get().history_user == editor
    option.refresh_from_db()
    assert (option.last_reviewed_on, option.reviewed_by, option.next_review_due) == (
        TODAY,
        "editor",
        TODAY + REVIEW_INTERVAL,
    )
    page = editor_client.get(response.headers["Location"]).content.decode()
    due = date_format(TODAY + REVIEW_INTERVAL, "j F Y")
    assert f"Its next review is due on {due}." in page
    assert "Costs against the clinic&#x27;s price list" in page  # listed under Review


def test_a_review_can_set_its_own_next_review_date(editor_client, factory):
    option = factory.make_option()
    due = TODAY + datetime.timedelta(days=90)
    record_review(editor_client, option, next_review_due=due.isoformat())
    option.refresh_from_db()
    assert option.next_review_due == due


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"what_checked": "  "}, "This field is required."),
        (
            {"reviewed_on": (TODAY + datetime.timedelta(days=1)).isoformat()},
            "A review cannot be dated in the future.",
        ),
        (
            {"next_review_due": (TODAY - datetime.timedelta(days=1)).isoformat()},
            "The next review must be due after the day of this review.",
        ),
    ],
)
def test_a_review_that_does_not_make_sense_is_refused_with_a_reason(
    editor_client, factory, fields, message
):
    option = factory.make_option()
    response = record_review(editor_client, option, **fields)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Review.objects.exists()
    option.refresh_from_db()
    assert option.last_reviewed_on is None


def test_a_review_entered_late_does_not_undo_a_later_one(editor_client, factory):
    option = factory.make_option()
    option.mark_reviewed(by="someone", on=TODAY)
    record_review(
        editor_client, option, reviewed_on=(TODAY - datetime.timedelta(days=30)).isoformat()
    )
    assert Review.objects.filter(option=option).exists()
    option.refresh_from_db()
    assert (option.last_reviewed_on, option.reviewed_by) == (TODAY, "someone")


def test_the_bulk_mark_as_reviewed_action_is_gone(editor_client, factory):
    option = factory.make_option()
    page = editor_client.get("/admin/treatments/option/").content.decode()
    assert "mark_reviewed_selected" not in page
    editor_client.post(
        "/admin/treatments/option/",
        {"action": "mark_reviewed_selected", "_selected_action": [option.pk]},
    )
    option.refresh_from_db()
    assert option.last_reviewed_on is None


def test_editors_may_record_and_read_reviews_but_not_delete_them(editor):
    perms = editor.get_all_permissions()
    assert {
        "treatments.add_review",
        "treatments.change_review",
        "treatments.view_review",
        "treatments.view_historicalreview",
    } <= perms
    assert "treatments.delete_review" not in perms


# -- Reviews due --------------------------------------------------------------------------------


def test_the_home_page_lists_options_overdue_or_due_within_60_days(editor_client, factory):
    overdue = reviewed_on(-10, factory.make_option(name="Overdue option"))
    soon = reviewed_on(30, factory.make_option(name="Soon option"))
    reviewed_on(90, factory.make_option(name="Later option"))
    never = factory.make_option(name="Never reviewed option")

    page = editor_client.get("/admin/").content.decode()
    _, *rows = table_rows(page, "reviews-due-table")
    names = [row[0] for row in rows]
    assert names == ["Never reviewed option", "Overdue option", "Soon option"]
    assert rows[1][1] == f"Overdue since {date_format(overdue.next_review_due, 'j F Y')}"
    assert rows[2][1] == f"Due {date_format(soon.next_review_due, 'j F Y')}"
    addresses = [href for href, _ in links(page)]
    for option in (overdue, soon, never):
        assert f"/admin/treatments/option/{option.pk}/change/" in addresses
        assert f"/admin/treatments/review/add/?option={option.pk}" in addresses


def test_the_home_page_says_when_no_review_is_due(editor_client, factory):
    reviewed_on(90, factory.make_option())
    page = editor_client.get("/admin/").content.decode()
    assert "No option is due for review in the next 60 days." in page


# -- The reminder command ------------------------------------------------------------------------


def reminders(*args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("review_reminders", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_the_reminder_says_one_short_line_when_nothing_is_due(factory):
    reviewed_on(90, factory.make_option())
    out, err = reminders("--email", "team@example.org")
    assert out == "No option is due for review in the next 60 days.\n"
    assert err == ""
    assert mail.outbox == []


@override_settings(EMAIL_HOST="")
def test_the_reminder_lists_what_is_due_and_sends_nothing_without_a_mail_server(factory):
    overdue = reviewed_on(-1, factory.make_option(name="Overdue option"))
    reviewed_on(90, factory.make_option(name="Later option"))
    out, _ = reminders("--site", "https://aid.example.org/")
    assert "1 option due for review" in out
    assert "- Overdue option: Overdue since" in out
    assert f"https://aid.example.org/admin/treatments/option/{overdue.pk}/change/" in out
    assert "Later option" not in out
    assert mail.outbox == []


def test_the_reminder_emails_the_list_to_the_addresses_given(factory):
    reviewed_on(-1, factory.make_option(name="Overdue option"))
    reviewed_on(20, factory.make_option(name="Soon option"))
    factory.make_aid(short_name="Knee pain aid")
    out, _ = reminders("--email", "team@example.org", "--email", "lead@example.org")
    assert "Emailed to team@example.org, lead@example.org." in out
    [message] = mail.outbox
    assert message.to == ["team@example.org", "lead@example.org"]
    assert message.subject == "Knee pain aid: 2 options due for review"
    assert "- Overdue option: Overdue since" in message.body
    assert "- Soon option: Due" in message.body


@override_settings(EMAIL_HOST="mail.example.org", REVIEW_REMINDERS_TO=[])
def test_with_a_mail_server_the_reminder_goes_to_the_editors(factory, editor):
    User.objects.create_user("no-email", is_staff=True).groups.add(*editor.groups.all())
    reviewed_on(-1, factory.make_option())
    reminders()
    [message] = mail.outbox
    assert message.to == ["editor@example.org"]


@override_settings(EMAIL_HOST="mail.example.org", REVIEW_REMINDERS_TO=["content@example.org"])
def test_with_a_mail_server_the_reminder_goes_to_the_configured_addresses(factory, editor):
    reviewed_on(-1, factory.make_option())
    reminders()
    [message] = mail.outbox
    assert message.to == ["content@example.org"]
