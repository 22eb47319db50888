"""Settings read from the environment refuse junk with a clear message."""

import pytest

from tests.processes import load_settings

# A key as `secrets.token_urlsafe(50)` makes one (made once, for these tests only).
SECRET = "vQ7mK2pX9fR4wL8nT3hJ6yB1cZ5gD0sA-eU_iO7kP2qW4rY8tM3nV6bH9jF1xC5"


def test_debug_is_off_unless_asked_for_so_no_configuration_refuses_to_start():
    ok, output = load_settings()
    assert not ok
    assert "DJANGO_SECRET_KEY is required when DJANGO_DEBUG is off" in output


def test_debug_asked_for_on_loopback_needs_no_configuration():
    ok, output = load_settings(DJANGO_DEBUG="1")
    assert ok, output
    assert output.strip() == "True 8000"


def test_no_built_in_key_for_a_debug_server_beyond_loopback():
    ok, output = load_settings(DJANGO_DEBUG="1", DJANGO_ALLOWED_HOSTS="0.0.0.0,aid.example.org")
    assert not ok
    assert "DJANGO_SECRET_KEY is required when serving beyond this computer" in output


def test_it_refuses_to_start_without_a_secret_when_debug_is_off():
    ok, output = load_settings(DJANGO_DEBUG="0")
    assert not ok
    assert "DJANGO_SECRET_KEY is required when DJANGO_DEBUG is off" in output


@pytest.mark.parametrize(
    "key",
    [
        "insecure-local-development-key-never-use-in-production",
        "local-demo-only-not-secret-myhost-0123456789abcdefghijklmnopqrstuvwxyz",
        "django-insecure-" + "x" * 50,
        "change-me-" + "q8w7e6r5t4y3u2i1o0p9a8s7d6f5g4h3j2k1l0z9x8c7v6b5",
        "short-but-random-Qw3rT",
        "a" * 60,
    ],
)
def test_it_refuses_to_start_with_debug_off_and_a_placeholder_key(key):
    ok, output = load_settings(DJANGO_DEBUG="0", DJANGO_SECRET_KEY=key)
    assert not ok
    assert "DJANGO_SECRET_KEY looks like a placeholder" in output


def test_it_refuses_a_placeholder_answers_key_with_debug_off():
    ok, output = load_settings(
        DJANGO_DEBUG="0", DJANGO_SECRET_KEY=SECRET, DJANGO_ANSWERS_KEYS="changeme-please"
    )
    assert not ok
    assert "A key in DJANGO_ANSWERS_KEYS looks like a placeholder" in output


def test_answers_keys_are_their_own_setting_or_follow_the_secret_key():
    show = "s.ANSWERS_KEYS == [s.SECRET_KEY, *s.SECRET_KEY_FALLBACKS], len(s.ANSWERS_KEYS)"
    ok, output = load_settings(
        show, DJANGO_DEBUG="0", DJANGO_SECRET_KEY=SECRET, DJANGO_SECRET_KEY_FALLBACKS=SECRET[::-1]
    )
    assert ok, output
    assert output.strip() == "True 2"
    ok, output = load_settings(
        "s.ANSWERS_KEYS[1]",
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=SECRET,
        DJANGO_ANSWERS_KEYS=f"{SECRET[::-1]}, {SECRET.upper()}",
    )
    assert ok, output
    assert output.strip() == SECRET.upper()


def test_production_cookies_use_the_host_prefix_and_staff_need_two_factors():
    show = (
        "s.SESSION_COOKIE_NAME, s.CSRF_COOKIE_NAME, s.ANSWERS_COOKIE_NAME, "
        "s.MESSAGES_COOKIE_NAME, s.SESSION_COOKIE_SECURE, s.STAFF_REQUIRE_2FA"
    )
    ok, output = load_settings(show, DJANGO_DEBUG="0", DJANGO_SECRET_KEY=SECRET)
    assert ok, output
    assert output.split() == [
        "__Host-sessionid",
        "__Host-csrftoken",
        "__Host-answers",
        "__Host-messages",
        "True",
        "True",
    ]


def test_staff_sessions_are_on_the_server_and_last_hours():
    show = "s.SESSION_ENGINE, s.SESSION_COOKIE_AGE, s.SESSION_EXPIRE_AT_BROWSER_CLOSE"
    ok, output = load_settings(show, DJANGO_DEBUG="1")
    assert ok, output
    assert output.split() == ["django.contrib.sessions.backends.db", str(8 * 3600), "True"]


def test_it_starts_with_a_secret_when_debug_is_off():
    ok, output = load_settings(DJANGO_DEBUG="false", DJANGO_SECRET_KEY=SECRET)
    assert ok, output
    assert output.strip() == "False 8000"


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"DJANGO_DEBUG": "maybe"}, "DJANGO_DEBUG must be one of"),
        ({"PORT": "eighty", "DJANGO_DEBUG": "1"}, "PORT must be a whole number"),
        ({"PORT": "70000", "DJANGO_DEBUG": "1"}, "PORT must be between 1 and 65535"),
        (
            {"DJANGO_ALLOWED_HOSTS": " , ", "DJANGO_DEBUG": "1"},
            "DJANGO_ALLOWED_HOSTS must list at least one value",
        ),
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
    ok, output = load_settings(PORT="8123", DJANGO_DEBUG="1")
    assert ok, output
    assert output.strip().endswith("8123")


def test_the_system_check_refuses_a_placeholder_key_when_debug_is_off(settings):
    from decisionaid.checks import check_keys

    settings.DEBUG = False
    settings.SECRET_KEY = SECRET
    settings.ANSWERS_KEYS = [SECRET]
    assert check_keys(None) == []
    settings.ANSWERS_KEYS = [SECRET, "an-example-key-" + "k" * 40]
    [error] = check_keys(None)
    assert error.id == "decisionaid.E001"
    assert "ANSWERS_KEYS looks like a placeholder" in error.msg
    settings.DEBUG = True
    assert check_keys(None) == []
