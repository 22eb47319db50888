"""Report a mistake: a reader tells the editors, without JavaScript, a name or their answers."""

import pytest
from django.urls import reverse

from decisionaid.feedback import REPORTS_PER_HOUR
from tests.answers_cookie import give_answers
from tests.html import first, parse, text_of
from tests.personas import typical_persona
from treatments.models import MistakeReport

pytestmark = pytest.mark.django_db


def test_every_page_links_to_report_a_mistake_about_itself(client, content):
    for path in ["/", reverse("options"), reverse("sources"), "/info/about/"]:
        html = client.get(path).content.decode()
        link = first(parse(html), "//footer//a[text()='Report a mistake']")
        assert link.get("href") == f"/report/?page={path}"


def test_a_report_reaches_the_editors_with_its_page_and_version(client, content, editor_client):
    give_answers(client, typical_persona())
    page = client.get(reverse("report"), {"page": "/options/"}).content.decode()
    assert "You do not need to give your name" in page
    response = client.post(
        reverse("report"),
        {"page": "/options/", "what": "The cost of one drip is out of date.", "source": "NHS"},
    )
    assert response.status_code == 302
    assert "Thank you" in client.get(response.headers["Location"]).content.decode()
    [report] = MistakeReport.objects.all()
    assert (report.page, report.what, report.source) == (
        "/options/",
        "The cost of one drip is out of date.",
        "NHS",
    )
    assert report.version is not None
    # Nothing about the reader or their answers: these fields and no others.
    names = {f.name for f in MistakeReport._meta.fields}
    assert names == {"id", "page", "version", "what", "source", "received_at", "done", "done_by"}

    home = editor_client.get("/admin/").content.decode()
    assert "1 report to look at" in text_of(first(parse(home), "//*[@id='mistake-reports']"))
    listed = editor_client.get("/admin/treatments/mistakereport/").content.decode()
    assert "The cost of one drip is out of date." in listed
    editor_client.post(
        "/admin/treatments/mistakereport/",
        {"action": "mark_done", "_selected_action": [report.pk]},
    )
    report.refresh_from_db()
    assert report.done and report.done_by
    assert "0 reports to look at" in editor_client.get("/admin/").content.decode()


def test_an_empty_report_says_what_to_do(client, content):
    response = client.post(reverse("report"), {"page": "/options/", "source": "kept"})
    assert response.status_code == 422
    html = response.content.decode()
    assert "Say what is wrong on the page." in html
    assert 'value="kept"' in html
    assert not MistakeReport.objects.exists()


def test_a_report_about_an_address_off_the_site_is_about_the_home_page(client, content):
    client.post(reverse("report"), {"page": "https://elsewhere.example/", "what": "x"})
    client.post(reverse("report"), {"page": "//elsewhere.example/", "what": "y"})
    assert set(MistakeReport.objects.values_list("page", flat=True)) == {"/"}


def test_reports_are_limited_per_hour_and_nothing_typed_is_lost(client, content):
    for n in range(REPORTS_PER_HOUR):
        assert client.post(reverse("report"), {"what": f"Mistake {n}"}).status_code == 302
    response = client.post(reverse("report"), {"what": "One more, kept."})
    assert response.status_code == 429
    html = response.content.decode()
    assert "try again later" in html and "One more, kept." in html
    assert MistakeReport.objects.count() == REPORTS_PER_HOUR


def test_a_report_needs_the_csrf_token(content):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    response = strict.post(
        reverse("report"), "what=x", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 403
    assert not MistakeReport.objects.exists()
