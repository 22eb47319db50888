"""What every page promises at the HTTP level: HEAD works, personal pages are never kept by a
browser or proxy, and no request body larger than a form needs is ever read."""

import pytest
from django.conf import settings
from django.urls import reverse

from decisionaid.journey import journey_for
from tests.answers_cookie import give_answers
from tests.personas import typical_persona
from treatments.models import Option, Page
from treatments.releases import current_content

pytestmark = pytest.mark.django_db


def public_paths() -> list[str]:
    option = Option.objects.ready().first()
    page = Page.objects.first()
    return [
        "/",
        "/healthz",
        reverse("start"),
        *(stop.url for stop in journey_for(current_content()).forms),
        reverse("check"),
        reverse("clear"),
        reverse("options"),
        reverse("option", args=[option.slug]),
        reverse("summary"),
        reverse("sources"),
        reverse("glossary"),
        reverse("page", args=[page.slug]),
    ]


def test_every_page_answers_head_as_it_answers_get(client, content):
    for path in public_paths():
        got, head = client.get(path), client.head(path)
        assert head.status_code == got.status_code, path
        assert head.status_code in (200, 302), path
        assert head.content == b"", path


def test_pages_that_may_show_a_persons_answers_are_never_stored(client, content):
    give_answers(client, typical_persona())
    for path in public_paths():
        cache = client.get(path).headers.get("Cache-Control", "")
        directives = {part.strip() for part in cache.split(",")}
        assert {"no-store", "private"} <= directives, path


def test_pages_for_someone_with_no_answers_stay_cacheable(client, content):
    for path in ["/", reverse("options"), reverse("sources")]:
        assert "no-store" not in client.get(path).headers.get("Cache-Control", ""), path


def test_clearing_the_answers_is_not_stored_either(client, content):
    give_answers(client, typical_persona())
    response = client.post(reverse("clear"))
    assert "no-store" in response.headers["Cache-Control"]


STEP = reverse("step", args=["values"])


def test_a_file_upload_is_refused_before_it_is_read(client, content):
    response = client.post(
        STEP,
        data=b"--b\r\nContent-Disposition: form-data; name=f; filename=a.txt\r\n\r\n"
        + b"x" * 3_000_000
        + b"\r\n--b--\r\n",
        content_type="multipart/form-data; boundary=b",
    )
    assert response.status_code == 415
    html = response.content.decode()
    assert "This aid does not take files." in html
    assert "your earlier answers are still kept" in html


def test_a_body_larger_than_any_form_needs_is_refused(client, content):
    give_answers(client, typical_persona())
    before = client.cookies[settings.ANSWERS_COOKIE_NAME].value
    data = "own=" + "x" * (settings.PATIENT_MAX_BODY + 1)
    response = client.post(
        reverse("step", args=["questions"]), data, content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 413
    assert "much longer than any of this aid's forms allow" in response.content.decode()
    assert client.cookies[settings.ANSWERS_COOKIE_NAME].value == before


def test_a_form_of_ordinary_size_still_goes_through(client, content):
    response = client.post(reverse("step", args=["questions"]), {"own": "é" * 500})
    assert response.status_code == 302


def test_the_editors_admin_keeps_djangos_larger_limit(admin_client, content):
    response = admin_client.post(
        "/admin/treatments/term/add/",
        "definition=" + "x" * (settings.PATIENT_MAX_BODY + 1),
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200  # the admin's own form error, not a refusal


def test_a_large_upload_to_the_admin_sign_in_is_refused_before_it_is_read(client):
    response = client.post(
        "/admin/login/",
        data=b"--b\r\nContent-Disposition: form-data; name=f; filename=a.txt\r\n\r\n"
        + b"x" * 3_000_000
        + b"\r\n--b--\r\n",
        content_type="multipart/form-data; boundary=b",
    )
    assert response.status_code == 413
