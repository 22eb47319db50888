"""The aid started in other processes, as people and servers meet it: a server's free port and
its first answer, manage.py commands, and the settings module imported in a fresh interpreter."""

import os
import secrets
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parent.parent
GUNICORN = Path(sys.executable).parent / "gunicorn"


def wait_until_serving(base: str, server: subprocess.Popen, failure) -> None:
    """Wait up to 20 s for the server at `base` to answer /healthz; else stop it and fail with
    `failure()`, which says why."""
    for _ in range(200):
        try:
            urllib.request.urlopen(base + "/healthz", timeout=1)
            return
        except OSError:
            if server.poll() is not None:
                break
            time.sleep(0.1)
    server.kill()
    pytest.fail(failure())


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def load_settings(show="s.DEBUG, s.PORT", **env):
    """Import the settings module in a fresh interpreter with `env`; return (ok, output)."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_") and k != "PORT"}
    clean.update(env)
    result = subprocess.run(
        [sys.executable, "-c", f"import decisionaid.settings as s; print({show})"],
        cwd=PROJECT,
        env=clean,
        capture_output=True,
        text=True,
    )
    return result.returncode == 0, result.stdout + result.stderr


def manage(env: dict, *args: str) -> str:
    """Run `manage.py *args` in a fresh interpreter with exactly `env`. Returns what it printed;
    if it fails, the test fails with the end of what it said."""
    done = subprocess.run(
        [sys.executable, "manage.py", *args], cwd=PROJECT, env=env, capture_output=True, text=True
    )
    if done.returncode != 0:
        pytest.fail(f"manage.py {' '.join(args)} failed:\n{done.stderr[-3000:]}")
    return done.stdout


def collect_static(folder: Path, database: Path) -> None:
    """Collect the static files into `folder` as `collectstatic` does for production."""
    env = {  # debug off: hashed names and a manifest, as in production
        **os.environ,
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": f"sqlite:///{database}",
        "DJANGO_STATIC_ROOT": str(folder),
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    manage(env, "collectstatic", "--noinput", "-v0")
