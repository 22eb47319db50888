"""The app served the production way: gunicorn, whitenoise, debug off."""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parent.parent
GUNICORN = Path(sys.executable).parent / "gunicorn"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def production_server(tmp_path_factory):
    env = {
        **os.environ,
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "production-test-secret-0123456789abcdefghijklmnopqrstuvwxyz",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_BEHIND_TLS_PROXY": "1",
        "DATABASE_URL": f"sqlite:///{tmp_path_factory.mktemp('prod') / 'db.sqlite3'}",
    }
    manage = [sys.executable, "manage.py"]
    # Independent of each other, so they run side by side.
    setup = [
        subprocess.Popen([*manage, command, "--noinput", "-v0"], cwd=PROJECT, env=env)
        for command in ("collectstatic", "migrate")
    ]
    assert [process.wait() for process in setup] == [0, 0], "collectstatic or migrate failed"
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
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(base + "/healthz", timeout=1)
            break
        except OSError:
            time.sleep(0.1)
    else:
        server.kill()
        pytest.fail("gunicorn did not start: " + server.stderr.read().decode())
    yield base
    server.terminate()
    server.wait(timeout=10)


def test_static_files_have_hashed_names_and_are_cached_for_a_year(production_server):
    manifest = json.loads((PROJECT / "staticfiles" / "staticfiles.json").read_text())
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


def test_static_files_are_served_compressed(production_server):
    manifest = json.loads((PROJECT / "staticfiles" / "staticfiles.json").read_text())
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
