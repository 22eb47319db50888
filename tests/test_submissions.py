"""Submitting work for review: an editor asks with a comment, a publisher sends it back with one
or publishes it."""

import pytest
from django.urls import reverse

from tests.html import parse, texts_of
from tests.users import FormClient, make_staff, signed_in
from treatments.models import Submission

pytestmark = pytest.mark.django_db

ADD = reverse("admin:treatments_submission_add")
LIST = reverse("admin:treatments_submission_changelist")
PUBLISH = reverse("admin:treatments_release_publish")


@pytest.fixture
def publisher_client(editors_group, publishers_group) -> FormClient:
    return signed_in(make_staff("publisher", editors_group, publishers_group))


def change_url(submission: Submission) -> str:
    return reverse("admin:treatments_submission_change", args=[submission.pk])


def test_an_editor_submits_work_with_a_comment(editor_client, factory):
    option = factory.make_option(name="Mirror therapy")
    response = editor_client.post(
        ADD, {"option": option.pk, "comment": "New harms from the 2026 review."}
    )
    assert response.status_code == 302
    submission = Submission.objects.get()
    assert (submission.option, submission.submitted_by, submission.status) == (
        option,
        "editor",
        Submission.Status.WAITING,
    )


def test_what_waits_is_listed_first_oldest_first_with_who_and_the_comment(
    publisher_client, factory
):
    first = Submission.objects.create(comment="Pages reworded.", submitted_by="Ada")
    Submission.objects.create(
        comment="Old work.", submitted_by="Ada", status=Submission.Status.SENT_BACK
    )
    second = Submission.objects.create(comment="Costs checked.", submitted_by="Ben")
    assert second.submitted_at > first.submitted_at
    page = parse(publisher_client.get(LIST).content.decode())
    assert texts_of(page, "//tbody/tr/td[@class='field-comment_in_brief']") == [
        "Pages reworded.",
        "Costs checked.",
        "Old work.",
    ]


def test_a_publisher_sends_work_back_with_a_comment(publisher_client, factory):
    submission = Submission.objects.create(comment="New harms.", submitted_by="editor")
    refused = publisher_client.post(change_url(submission), {"status": "sent_back", "answer": ""})
    assert "Say what to change, so the editor knows." in refused.content.decode()

    publisher_client.post(
        change_url(submission), {"status": "sent_back", "answer": "Cite the trial itself."}
    )
    submission.refresh_from_db()
    assert (submission.status, submission.answer, submission.answered_by) == (
        Submission.Status.SENT_BACK,
        "Cite the trial itself.",
        "publisher",
    )


def test_editors_cannot_answer_work_submitted(editor_client):
    submission = Submission.objects.create(comment="New harms.", submitted_by="someone")
    editor_client.post(change_url(submission), {"status": "sent_back", "answer": "No."})
    submission.refresh_from_db()
    assert submission.status == Submission.Status.WAITING


def test_the_publish_page_lists_what_waits_and_publishing_marks_it_published(
    publisher_client, factory
):
    option = factory.make_option(ready=True, name="Mirror therapy")
    submission = Submission.objects.create(
        option=option, comment="Ready to go out.", submitted_by="Ada"
    )
    page = publisher_client.get(PUBLISH).content.decode()
    assert texts_of(parse(page), "//ul[@class='release-waiting']/li")[0].startswith(
        "Mirror therapy, from Ada on "
    )
    publisher_client.post(PUBLISH, {"reason": "Checked."})
    submission.refresh_from_db()
    assert (submission.status, submission.answered_by) == (
        Submission.Status.PUBLISHED,
        "publisher",
    )
