"""Settings read from the environment refuse junk with a clear message."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parent.parent
SECRET = "a-test-secret-that-is-long-enough-0123456789abcdefghijklmnop"


def load_settings(**env):
    """Import the settings module in a fresh interpreter with `env`; return (ok, output)."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_") and k != "PORT"}
    clean.update(env)
    result = subprocess.run(
        [sys.executable, "-c", "import decisionaid.settings as s; print(s.DEBUG, s.PORT)"],
        cwd=PROJECT,
        env=clean,
        capture_output=True,
        text=True,
    )
    return result.returncode == 0, result.stdout + result.stderr


def test_it_runs_with_no_configuration_in_debug_mode():
    ok, output = load_settings()
    assert ok, output
    assert output.strip() == "True 8000"


def test_it_refuses_to_start_without_a_secret_when_debug_is_off():
    ok, output = load_settings(DJANGO_DEBUG="0")
    assert not ok
    assert "DJANGO_SECRET_KEY is required when DJANGO_DEBUG is off" in output


def test_it_starts_with_a_secret_when_debug_is_off():
    ok, output = load_settings(DJANGO_DEBUG="false", DJANGO_SECRET_KEY=SECRET)
    assert ok, output
    assert output.strip() == "False 8000"


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"DJANGO_DEBUG": "maybe"}, "DJANGO_DEBUG must be one of"),
        ({"PORT": "eighty"}, "PORT must be a whole number"),
        ({"PORT": "70000"}, "PORT must be between 1 and 65535"),
        ({"DJANGO_ALLOWED_HOSTS": " , "}, "DJANGO_ALLOWED_HOSTS must list at least one value"),
        (
            {"DJANGO_HSTS_SECONDS": "-5", "DJANGO_DEBUG": "0", "DJANGO_SECRET_KEY": SECRET},
            "DJANGO_HSTS_SECONDS must be between 0",
        ),
    ],
)
def test_it_refuses_junk_values_with_a_clear_message(env, message):
    ok, output = load_settings(**env)
    assert not ok
    assert message in output


def test_port_is_read_from_the_environment():
    ok, output = load_settings(PORT="8123")
    assert ok, output
    assert output.strip().endswith("8123")
