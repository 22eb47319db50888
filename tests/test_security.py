import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

PAGES = ["/", "/healthz", "/admin/login/"]


@pytest.mark.parametrize("path", PAGES)
def test_every_response_carries_a_strict_content_security_policy(client, path):
    response = client.get(path)
    policy = response.headers["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in policy
    assert "unsafe-eval" not in policy
    assert "http" not in policy  # no other origin


@pytest.mark.parametrize("path", PAGES)
def test_every_response_carries_the_other_security_headers(client, path):
    response = client.get(path)
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "camera=()" in response.headers["Permissions-Policy"]
    assert "geolocation=()" in response.headers["Permissions-Policy"]


def test_pages_load_scripts_only_from_our_own_static_files(client):
    html = client.get("/").content.decode()
    assert "<script>" not in html
    assert 'src="/static/django_htmx/htmx-2.min.js"' in html
    assert "style=" not in html


def test_htmx_posts_carry_the_forms_own_csrf_token_and_pages_for_everyone_carry_none(
    client, content
):
    step = client.get(reverse("step", args=["health"])).content.decode()
    form = step[step.index("<form") : step.index("</form>")]
    assert 'hx-post="' in form
    assert 'name="csrfmiddlewaretoken"' in form  # htmx sends the form's fields, token included
    for name in ("home", "options", "sources", "glossary"):
        assert "csrf" not in client.get(reverse(name)).content.decode().lower()


def test_healthz_answers_ok_without_touching_the_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.content == b"ok"
    assert response.headers["Content-Type"].startswith("text/plain")


def test_favicon_requests_find_our_icon(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response.headers["Location"].endswith("img/favicon.svg")


def test_the_home_page_says_what_the_aid_is_and_is_not(client):
    html = client.get("/").content.decode()
    assert "does not tell you which treatment to choose" in html
    assert "does not replace advice from your own clinician" in html
