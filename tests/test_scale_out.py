"""Several app processes against one database: a newly published version is what the very next
request shows in every process, whatever each has kept (per process, or in a shared Redis).

How the draft came to change (an edit, a restore from history, a reload of the bundled files) is
tested in one process (test_releases.py, test_history.py): patient pages read only versions."""

import functools
import os
import secrets
import shutil
import subprocess
import urllib.request
from pathlib import Path

import pytest

from tests.database import copy_of
from tests.processes import GUNICORN, PROJECT, free_port, manage, wait_until_serving

pytestmark = pytest.mark.slow  # two gunicorn servers and five `manage.py` runs for each cache

REDIS = shutil.which("redis-server")
SECRET_KEY = secrets.token_urlsafe(50)


@pytest.fixture(params=["per process", "shared Redis"])
def cache_url(request, tmp_path):
    if request.param == "per process":
        yield ""
        return
    if REDIS is None:
        pytest.skip("redis-server is not installed (apt-get install redis-server)")
    port = free_port()
    server = subprocess.Popen(
        [REDIS, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
    )
    yield f"redis://127.0.0.1:{port}/0"
    server.terminate()
    server.wait(timeout=10)


def environment(database: Path, cache_url: str = "") -> dict:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "decisionaid.settings",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": SECRET_KEY,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DATABASE_URL": f"sqlite:///{database}",
        "CACHE_URL": cache_url,
    }


@pytest.fixture
def two_app_servers(tmp_path, cache_url, bundled_database, collected_static):
    env = environment(copy_of(bundled_database, tmp_path), cache_url)
    env["DJANGO_STATIC_ROOT"] = str(collected_static)
    servers, bases = [], []
    for _ in range(2):
        port = free_port()
        servers.append(
            subprocess.Popen(
                [str(GUNICORN), "decisionaid.wsgi", "--bind", f"127.0.0.1:{port}"]
                + ["--workers", "1", "--no-control-socket"],
                cwd=PROJECT,
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=(tmp_path / f"server-{port}.log").open("w"),
            )
        )
        bases.append(f"http://127.0.0.1:{port}")
        wait_until_serving(bases[-1], servers[-1], lambda: f"{bases[-1]} did not answer")
    yield bases, functools.partial(manage, env)
    for server in servers:
        server.terminate()
        server.wait(timeout=10)


def page(base: str, path: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(base + path, timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, ""


def shell(manage, code: str) -> None:
    manage("shell", "-c", f"from treatments.models import *\n{code}")


OPTION = "/options/mirror-therapy/"


def test_each_new_version_is_what_the_next_request_shows_in_every_process(two_app_servers):
    bases, manage = two_app_servers
    for base in bases:  # both processes have the first version, rendered and kept
        assert "Mirror therapy" in page(base, OPTION)[1]
        assert "Mirror therapy" in page(base, "/options/")[1]

    # An edit reaches no one until it is published; then every process shows it at once.
    shell(manage, "Option.objects.filter(slug='mirror-therapy').update(name='Mirror box therapy')")
    assert all("Mirror box therapy" not in page(base, OPTION)[1] for base in bases)
    assert "Published Version 2." in manage("publish", "--reason", "Renamed")
    assert all("Mirror box therapy" in page(base, OPTION)[1] for base in bases)
    assert all("Mirror box therapy" in page(base, "/options/")[1] for base in bases)

    # Deleted, then published: gone everywhere on the next request.
    shell(manage, "Option.objects.filter(slug='mirror-therapy').delete()")
    manage("publish", "--reason", "Withdrawn")
    assert all(page(base, OPTION)[0] == 404 for base in bases)
    assert all("Mirror therapy" not in page(base, "/options/")[1] for base in bases)

    # An earlier version published again comes back everywhere.
    manage("publish", "--reason", "Withdrawn by mistake", "--again", "1")
    assert all(page(base, OPTION)[0] == 200 for base in bases)
