"""Caches and the database failing: pages are still served, a visitor cannot grow the shared
cache, and editors get a plain 503 while the database is away."""

import re
import shutil
import subprocess
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from unittest import mock

import pytest
from django.core.cache import caches
from django.db import OperationalError
from django.db.backends.utils import CursorWrapper
from django.urls import reverse

from tests.database import copy_of
from tests.postgres import PostgreSQL
from tests.processes import GUNICORN, PROJECT, free_port, manage, wait_until_serving
from tests.test_scale_out import environment
from treatments.models import Option

REDIS = shutil.which("redis-server")
PAGES = ["/", "/options/", "/options/?compare=mirror-therapy", "/options/mirror-therapy/"]
PAGES += ["/sources/", "/glossary/", "/info/about/"]


def status(base: str, path: str) -> int:
    try:
        with urllib.request.urlopen(base + path, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


class SignIn:
    """The staff sign-in form, fetched while the database is up, to be sent later. The cookies
    are kept by hand: with debug off they are Secure, and urllib would not send them over HTTP."""

    def __init__(self, base: str):
        self.url = base + "/admin/login/"
        with urllib.request.urlopen(self.url, timeout=10) as response:
            page = response.read().decode()
            cookies = response.headers.get_all("Set-Cookie")
        self.cookie = "; ".join(cookie.split(";")[0] for cookie in cookies)
        self.token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)[1]

    def send(self) -> int:
        data = {"csrfmiddlewaretoken": self.token, "username": "editor", "password": "wrong"}
        request = urllib.request.Request(
            self.url, urllib.parse.urlencode(data).encode(), {"Cookie": self.cookie}
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status
        except urllib.error.HTTPError as error:
            return error.code


@pytest.mark.slow
def test_with_the_shared_cache_stopped_every_page_is_still_served(
    tmp_path, bundled_database, collected_static
):
    assert REDIS, "redis-server is needed: apt-get install redis-server"
    redis_port, app_port = free_port(), free_port()
    redis = subprocess.Popen(
        [REDIS, "--port", str(redis_port), "--bind", "127.0.0.1", "--save", ""],
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
    )
    env = environment(copy_of(bundled_database, tmp_path), f"redis://127.0.0.1:{redis_port}/0")
    env["DJANGO_STATIC_ROOT"] = str(collected_static)
    log = tmp_path / "server.log"
    server = subprocess.Popen(
        [str(GUNICORN), "decisionaid.wsgi", "--bind", f"127.0.0.1:{app_port}"]
        + ["--workers", "1", "--no-control-socket"],
        cwd=PROJECT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=log.open("w"),
    )
    base = f"http://127.0.0.1:{app_port}"
    try:
        wait_until_serving(base, server, lambda: log.read_text())
        assert [status(base, path) for path in PAGES] == [200] * len(PAGES)  # kept in Redis
        redis.terminate()
        redis.wait(timeout=10)
        assert [status(base, path) for path in PAGES] == [200] * len(PAGES)
        assert "The shared cache failed" in log.read_text()
    finally:
        server.terminate()
        server.wait(timeout=10)
        redis.kill()


@pytest.mark.django_db
def test_made_up_addresses_do_not_add_pages_to_the_shared_cache(client, content):
    client.get("/options/")
    kept = len(caches["default"]._cache)  # LocMemCache's own store
    for n in range(30):
        assert client.get("/options/", {"x": n}).status_code == 200
        assert client.get("/options/", {"compare": f"made-up-{n}"}).status_code == 200
    assert len(caches["default"]._cache) <= kept + 2


def unreachable(*args, **kwargs):
    raise OperationalError("could not connect to server")


@pytest.mark.django_db
def test_with_the_database_away_patients_keep_the_last_version_and_editors_get_a_503(
    client, admin_user, content
):
    editor = type(client)(raise_request_exception=False)
    editor.force_login(admin_user)
    option = Option.objects.ready().first()
    url = reverse("option", args=[option.slug])
    assert client.get(url).status_code == 200  # this process has the version now
    with mock.patch.object(CursorWrapper, "execute", unreachable):
        assert client.get(url).status_code == 200
        assert option.name in client.get(url).content.decode()
        assert client.get("/options/").status_code == 200
        response = editor.get("/admin/treatments/option/")
        assert response.status_code == 503
        assert "unavailable for a moment" in response.content.decode()
        assert response["Retry-After"] == "60"


@pytest.mark.slow
def test_with_postgresql_stopped_under_load_patient_pages_keep_answering(
    tmp_path, collected_static
):
    with PostgreSQL().running() as postgres:
        env = environment(tmp_path / "unused.sqlite3")
        env.update(DATABASE_URL=postgres.url, DJANGO_STATIC_ROOT=str(collected_static))
        manage(env, "migrate", "--noinput", "-v0")
        manage(env, "load_content", "-v0")
        port, log = free_port(), tmp_path / "server.log"
        server = subprocess.Popen(
            [str(GUNICORN), "decisionaid.wsgi", "--bind", f"127.0.0.1:{port}"]
            + ["--workers", "1", "--threads", "4", "--no-control-socket"],
            cwd=PROJECT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=log.open("w"),
        )
        base = f"http://127.0.0.1:{port}"
        answered: dict[bool, Counter] = {False: Counter(), True: Counter()}  # by "stopped yet"
        stopped, done = threading.Event(), threading.Event()

        def load() -> None:
            while not done.is_set():
                for path in PAGES:
                    was_stopped = stopped.is_set()
                    answered[was_stopped and stopped.is_set()][status(base, path)] += 1

        try:
            wait_until_serving(base, server, lambda: log.read_text())
            assert [status(base, path) for path in PAGES] == [200] * len(PAGES)
            sign_in = SignIn(base)
            clients = [threading.Thread(target=load) for _ in range(4)]
            for client in clients:
                client.start()
            time.sleep(1)
            postgres.stop()
            stopped.set()
            time.sleep(2)
            staff = sign_in.send()
            done.set()
            for client in clients:
                client.join(timeout=20)
        finally:
            done.set()
            server.terminate()
            server.wait(timeout=10)
    assert set(answered[False]) == {200}
    assert set(answered[True]) == {200}, answered[True]
    assert answered[True].total() >= 4 * len(PAGES)  # load went on with the database stopped
    assert staff == 503  # signing in needs the database: a plain 503, never a 500
