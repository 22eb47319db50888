"""The app served the production way: gunicorn, whitenoise, debug off."""

import json
import os
import secrets
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from tests.database import copy_of
from tests.processes import GUNICORN, PROJECT, free_port, wait_until_serving


@pytest.fixture(scope="module")
def server_log(tmp_path_factory) -> Path:
    """Where the production server's stderr (all its logging) goes."""
    return tmp_path_factory.mktemp("log") / "server.log"


@pytest.fixture(scope="module")
def production_server(tmp_path_factory, server_log, bundled_database, collected_static):
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "decisionaid.settings",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_BEHIND_TLS_PROXY": "1",
        "DATABASE_URL": f"sqlite:///{copy_of(bundled_database, tmp_path_factory.mktemp('prod'))}",
        "DJANGO_STATIC_ROOT": str(collected_static),
    }
    port = free_port()
    server = subprocess.Popen(
        [
            str(GUNICORN),
            "decisionaid.wsgi",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
            "--no-control-socket",
        ],
        cwd=PROJECT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=server_log.open("w"),
    )
    base = f"http://127.0.0.1:{port}"
    wait_until_serving(base, server, lambda: "gunicorn did not start: " + server_log.read_text())
    yield base
    server.terminate()
    server.wait(timeout=10)


def test_static_files_have_hashed_names_and_are_cached_for_a_year(
    production_server, collected_static
):
    manifest = json.loads((collected_static / "staticfiles.json").read_text())
    hashed = manifest["paths"]["css/screen.css"]
    assert hashed != "css/screen.css"
    with urllib.request.urlopen(f"{production_server}/static/{hashed}") as response:
        assert response.status == 200
        cache = response.headers["Cache-Control"]
    assert cache == "max-age=31536000, public, immutable"  # one year, and never revalidated


def test_static_files_without_a_hash_are_cached_only_briefly(production_server):
    with urllib.request.urlopen(f"{production_server}/static/css/screen.css") as response:
        assert response.status == 200
        cache = response.headers["Cache-Control"]
    # They change on every release, so a browser must check again soon.
    assert cache == "max-age=60, public"


def test_static_files_are_served_compressed(production_server, collected_static):
    manifest = json.loads((collected_static / "staticfiles.json").read_text())
    request = urllib.request.Request(
        f"{production_server}/static/{manifest['paths']['css/screen.css']}",
        headers={"Accept-Encoding": "gzip"},
    )
    with urllib.request.urlopen(request) as response:
        assert response.headers["Content-Encoding"] == "gzip"


def test_pages_link_the_hashed_static_files(production_server):
    with urllib.request.urlopen(production_server + "/") as response:
        html = response.read().decode()
    assert "/static/css/screen." in html
    assert "/static/css/screen.css" not in html


def test_https_responses_tell_browsers_to_keep_using_https(production_server):
    request = urllib.request.Request(
        production_server + "/", headers={"X-Forwarded-Proto": "https"}
    )
    with urllib.request.urlopen(request) as response:
        hsts = response.headers["Strict-Transport-Security"]
        cookies = response.headers.get_all("Set-Cookie") or []
    assert hsts == "max-age=31536000; includeSubDomains; preload"
    assert all("Secure" in cookie for cookie in cookies)


SOFTWARE = ("gunicorn", "whitenoise", "django", "python", "wsgi")


@pytest.mark.parametrize("path", ["/", "/static/css/screen.css", "/no-such-page/", "/admin/login/"])
def test_no_response_names_the_software_that_served_it(production_server, path):
    status, headers, _ = https_get(production_server + path)
    assert status in {200, 404}
    assert "Server" not in headers
    assert "X-Powered-By" not in headers
    for name, value in headers.items():
        assert not any(word in value.lower() for word in SOFTWARE), (name, value)


def https_get(url: str, cookie: str = "") -> tuple[int, dict, str]:
    request = urllib.request.Request(url, headers={"X-Forwarded-Proto": "https", "Cookie": cookie})
    try:
        with urllib.request.urlopen(request) as response:
            return response.status, response.headers, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read().decode()


def test_cookies_use_the_host_prefix_and_answers_a_browser_session_cookie(production_server):
    import re

    status, headers, html = https_get(production_server + "/questions/considering/")
    assert status == 200
    csrf_cookie = next(
        c for c in headers.get_all("Set-Cookie") if c.startswith("__Host-csrftoken=")
    )
    assert "Secure" in csrf_cookie and "Path=/" in csrf_cookie and "Domain" not in csrf_cookie
    csrf_value = csrf_cookie.split(";")[0].split("=", 1)[1]
    form_token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)[1]
    request = urllib.request.Request(
        production_server + "/questions/considering/",
        data=urllib.parse.urlencode({"csrfmiddlewaretoken": form_token}).encode(),
        headers={
            "X-Forwarded-Proto": "https",
            "Cookie": f"__Host-csrftoken={csrf_value}",
            "Origin": production_server.replace("http://", "https://"),
        },
    )

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    try:
        urllib.request.build_opener(NoRedirect).open(request)
        pytest.fail("a saved step redirects")
    except urllib.error.HTTPError as response:
        assert response.code == 302
        cookies = response.headers.get_all("Set-Cookie")
    answers = next(c for c in cookies if c.startswith("__Host-answers="))
    assert "Secure" in answers and "HttpOnly" in answers and "Path=/" in answers
    assert "Max-Age" not in answers and "expires" not in answers.lower()
    assert not any(c.startswith(("sessionid", "__Host-sessionid")) for c in cookies)


def test_a_real_token_never_reaches_the_production_log(production_server, server_log):
    token = "AQ" + secrets.token_urlsafe(120)  # shaped as a resume token; the key is not needed
    for path in [f"/resume/{token}/", f"/resume/{token}/not-a-page/", f"/{token}"]:
        https_get(production_server + path)
    time.sleep(0.5)
    log = server_log.read_text()
    assert "Not Found: /resume/[redacted]" in log
    assert token not in log
    assert token[:40] not in log
