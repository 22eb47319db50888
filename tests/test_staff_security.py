"""Staff accounts are hard to take over: lock-out, server sessions, two factors, passwords."""

import base64
import io
import re
import time
from unittest import mock

import pytest
from axes.models import AccessAttempt, AccessFailureLog
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.test import Client, override_settings
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.html import first, parse, texts_of

pytestmark = pytest.mark.django_db

PASSWORD = "a-long-and-unusual-passphrase-42"
LOGIN = "/admin/login/?next=/admin/"


@pytest.fixture
def editor(django_user_model):
    return django_user_model.objects.create_user("editor", password=PASSWORD, is_staff=True)


def sign_in(client, password=PASSWORD, **extra):
    return client.post(LOGIN, {"username": "editor", "password": password, **extra})


def code_for(key: bytes) -> str:
    totp = TOTP(key)
    totp.time = time.time()
    return f"{totp.token():06d}"


def test_ten_wrong_passwords_lock_the_account_even_for_the_right_one(client, editor):
    for attempt in range(9):
        assert sign_in(client, "wrong-password").status_code == 200, attempt
    response = sign_in(client, "wrong-password")  # the tenth
    assert response.status_code == 429
    assert "Sign-in paused" in response.content.decode()
    response = sign_in(client)
    assert response.status_code == 429
    assert client.get("/admin/").status_code == 302  # still not signed in
    attempt = AccessAttempt.objects.get(username="editor")
    assert attempt.failures_since_start >= 10
    assert AccessFailureLog.objects.filter(username="editor").count() >= 10
    assert PASSWORD not in str(attempt.post_data)


def test_the_lock_is_per_account_and_per_address(client, editor, django_user_model):
    for _ in range(10):
        sign_in(client, "wrong-password")
    # The same account from another address is locked too ...
    other = Client(REMOTE_ADDR="203.0.113.9")
    assert sign_in(other).status_code == 429
    # ... and so is another account from the first address.
    django_user_model.objects.create_user("writer", password=PASSWORD, is_staff=True)
    response = client.post(LOGIN, {"username": "writer", "password": PASSWORD})
    assert response.status_code == 429


def test_a_few_mistakes_then_the_right_password_signs_in(client, editor):
    for _ in range(3):
        sign_in(client, "wrong-password")
    assert sign_in(client).status_code == 302
    assert client.get("/admin/").status_code == 200


def test_staff_sessions_live_on_the_server_and_end_at_logout(client, editor):
    assert sign_in(client).status_code == 302
    kept = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert Session.objects.filter(session_key=kept).exists()
    assert client.get("/admin/").status_code == 200
    client.post("/admin/logout/")
    assert not Session.objects.filter(session_key=kept).exists()

    thief = Client()
    thief.cookies[settings.SESSION_COOKIE_NAME] = kept
    response = thief.get("/admin/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/admin/login/")


def test_staff_session_cookie_ends_with_the_browser_and_lasts_hours(client, editor):
    response = sign_in(client)
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["max-age"] == "" and cookie["expires"] == ""
    assert cookie["httponly"]
    session = Session.objects.get()
    hours = (session.expire_date.timestamp() - time.time()) / 3600
    assert 1 <= hours <= settings.STAFF_SESSION_HOURS


@pytest.mark.parametrize(
    ("minutes_later", "signed_in"),
    [(5, True), (settings.STAFF_IDLE_MINUTES + 1, False)],
)
def test_an_idle_staff_session_ends(client, editor, minutes_later, signed_in):
    sign_in(client)
    assert client.get("/admin/").status_code == 200
    later = time.time() + minutes_later * 60
    with mock.patch("decisionaid.security.time.time", return_value=later):
        response = client.get("/admin/")
    assert (response.status_code == 200) == signed_in
    assert Session.objects.exists() == signed_in


def test_every_admin_page_knows_when_its_idle_session_ends(client, editor, editors_group):
    editor.groups.add(editors_group)
    sign_in(client)
    for address in ["/admin/", "/admin/treatments/option/", "/admin/deleted/"]:
        warning = first(parse(client.get(address).content.decode()), "//*[@id='idle-warning']")
        left = int(warning.get("data-seconds-left"))
        assert settings.STAFF_IDLE_MINUTES * 60 - 5 <= left <= settings.STAFF_IDLE_MINUTES * 60
        assert warning.get("data-warn-seconds") == "300"
        stay = first(warning, ".//form")
        assert (stay.get("action"), stay.get("method")) == ("/admin/still-here/", "post")
        assert warning.get("hidden") is not None  # until the script shows it
    assert 'id="idle-warning"' not in Client().get(LOGIN).content.decode()


def test_staying_signed_in_starts_the_idle_time_again(client, editor):
    start = time.time()
    sign_in(client)
    nearly = start + (settings.STAFF_IDLE_MINUTES - 4) * 60
    with mock.patch("decisionaid.security.time.time", return_value=nearly):
        response = client.post("/admin/still-here/")
    assert response.status_code == 200
    assert response.json() == {"seconds_left": settings.STAFF_IDLE_MINUTES * 60}
    later = nearly + (settings.STAFF_IDLE_MINUTES - 1) * 60
    with mock.patch("decisionaid.security.time.time", return_value=later):
        assert client.get("/admin/").status_code == 200
    assert client.get("/admin/still-here/").status_code == 405


def test_staying_signed_in_cannot_outlast_the_sessions_lifetime(client, editor):
    start = time.time()
    sign_in(client)
    near_the_end = start + settings.STAFF_SESSION_HOURS * 3600 - 120
    with mock.patch("decisionaid.security.time.time", return_value=start + 60):
        client.get("/admin/")
    session = client.session
    session["_staff_last_seen"] = near_the_end - 60  # busy all day
    session.save()
    with mock.patch("decisionaid.security.time.time", return_value=near_the_end):
        response = client.post("/admin/still-here/")
    assert response.json()["seconds_left"] in {119, 120}


def test_a_busy_staff_session_still_ends_after_its_lifetime(client, editor):
    start = time.time()
    sign_in(client)
    lifetime = settings.STAFF_SESSION_HOURS * 3600
    step = (settings.STAFF_IDLE_MINUTES - 5) * 60
    now = start
    while now + step < start + lifetime:
        now += step
        with mock.patch("decisionaid.security.time.time", return_value=now):
            assert client.get("/admin/").status_code == 200
    with mock.patch("decisionaid.security.time.time", return_value=start + lifetime + 60):
        assert client.get("/admin/").status_code == 302
    assert not Session.objects.exists()


@pytest.mark.parametrize("password", ["Passw0rd!", "editor123", "password1234", "short-pass1"])
def test_weak_and_short_passwords_are_refused(password, editor):
    with pytest.raises(ValidationError):
        validate_password(password, editor)


@pytest.mark.parametrize(
    ("password", "why"),
    [
        ("aaaaaaaaaaaa", "Repeats"),
        ("editor-editor-editor", "Repeats"),
        ("abcdefghijkl", "Sequences"),
        ("qwertyuiopas", "commonly used"),
        ("asdfghjkl;'#", "rows of keys"),
    ],
)
def test_long_passwords_that_repeat_run_in_sequence_or_along_the_keyboard_are_refused(
    password, why, editor
):
    with pytest.raises(ValidationError) as refused:
        validate_password(password, editor)
    said = " ".join(refused.value.messages)
    assert "too guessable" in said and why in said


def test_a_long_unusual_password_is_accepted(editor):
    validate_password("lantern-orchard-copper-47", editor)


# --- Two factors --------------------------------------------------------------------------------


@override_settings(STAFF_REQUIRE_2FA=True)
def test_with_two_factors_a_password_alone_does_not_sign_in(client, editor):
    device = TOTPDevice.objects.create(user=editor, name="phone", confirmed=True)
    html = client.get(LOGIN).content.decode()
    assert 'name="otp_token"' in html
    response = sign_in(client)
    assert response.status_code == 200
    assert client.get("/admin/").status_code == 302
    response = sign_in(client, otp_token=a_wrong_code_for(device))
    assert client.get("/admin/").status_code == 302

    device.refresh_from_db()
    device.throttling_failure_count = 0
    device.throttling_failure_timestamp = None
    device.save()
    assert sign_in(client, otp_token=code_for(device.bin_key)).status_code == 302
    assert client.get("/admin/").status_code == 200


def what_the_sign_in_page_shows(response) -> tuple[list[str], list[str]]:
    """The page's messages and the fields it asks for: all a visitor learns from a refusal."""
    page = parse(response.content.decode())
    return (
        texts_of(page, "//p[contains(@class, 'errornote')]"),
        page.xpath("//form[@id='login-form']//*[@name]/@name"),
    )


def a_wrong_code_for(device) -> str:
    return "000000" if code_for(device.bin_key) != "000000" else "111111"


@override_settings(STAFF_REQUIRE_2FA=True)
def test_a_wrong_code_reads_exactly_like_a_wrong_password(client, editor):
    device = TOTPDevice.objects.create(user=editor, name="phone", confirmed=True)
    wrong_password = sign_in(client, "wrong-password", otp_token=a_wrong_code_for(device))
    for refused in [sign_in(client, otp_token=a_wrong_code_for(device)), sign_in(client)]:
        assert refused.status_code == 200
        assert what_the_sign_in_page_shows(refused) == what_the_sign_in_page_shows(wrong_password)
    messages, fields = what_the_sign_in_page_shows(wrong_password)
    assert messages == [
        "That did not sign you in. Enter your username, your password and the 6-digit code "
        "your authenticator app shows now. All three must be right; the username and "
        "password are case-sensitive."
    ]
    assert "otp_device" not in fields


@override_settings(STAFF_REQUIRE_2FA=True)
def test_wrong_codes_count_as_failed_sign_ins_and_lock_the_account(client, editor):
    device = TOTPDevice.objects.create(user=editor, name="phone", confirmed=True)
    for attempt in range(settings.AXES_FAILURE_LIMIT - 1):
        assert sign_in(client, otp_token=a_wrong_code_for(device)).status_code == 200, attempt
    assert AccessFailureLog.objects.filter(username="editor").count() == (
        settings.AXES_FAILURE_LIMIT - 1
    )
    assert sign_in(client, otp_token=a_wrong_code_for(device)).status_code == 429
    # Locked: even the right password and code no longer sign in.
    device.refresh_from_db()
    device.throttle_reset()
    assert sign_in(client, otp_token=code_for(device.bin_key)).status_code == 429
    assert client.get("/admin/").status_code == 302


@override_settings(STAFF_REQUIRE_2FA=True)
def test_staff_without_an_enrolled_app_are_told_what_to_do(client, editor):
    response = sign_in(client, otp_token="123456")
    assert "No authenticator app is enrolled for this account yet" in response.content.decode()
    assert client.get("/admin/").status_code == 302


@override_settings(STAFF_REQUIRE_2FA=True)
def test_with_two_factors_a_session_without_a_code_opens_nothing(client, editor):
    client.force_login(editor)
    for address in ["/admin/", "/admin/activity/", "/admin/activity.csv"]:
        response = client.get(address)
        assert response.status_code == 302, address
        assert response.headers["Location"].startswith("/admin/login/"), address


def enrol(username: str, answers=None):
    """Run the enrol command, typing into it the code an app would show (or `answers`)."""
    out = io.StringIO()

    def fake_input(prompt):
        if answers:
            return answers.pop(0)
        secret = re.search(r"secret=([A-Z2-7]+)", out.getvalue())[1]
        return code_for(base64.b32decode(secret + "=" * (-len(secret) % 8)))

    with mock.patch("builtins.input", fake_input):
        call_command("enrol_totp", username, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_enrolling_an_app_confirms_a_device_with_a_code(editor):
    old = TOTPDevice.objects.create(user=editor, name="lost phone", confirmed=True)
    output = enrol("editor")
    assert "otpauth://totp/" in output
    assert "now signs in with a code" in output
    device = TOTPDevice.objects.get(user=editor)
    assert device.confirmed and device.pk != old.pk


def test_enrolling_with_wrong_codes_changes_nothing(editor):
    old = TOTPDevice.objects.create(user=editor, name="phone", confirmed=True)
    with pytest.raises(CommandError, match="nothing was changed"):
        enrol("editor", answers=["000000", "111111", "222222"])
    assert list(TOTPDevice.objects.filter(user=editor)) == [old]


def test_only_staff_can_be_enrolled(django_user_model):
    django_user_model.objects.create_user("patient", password=PASSWORD)
    with pytest.raises(CommandError, match="not staff"):
        enrol("patient")
    with pytest.raises(CommandError, match="No user"):
        enrol("nobody")


@override_settings(STAFF_REQUIRE_2FA=True)
def test_with_two_factors_the_draft_preview_needs_the_code_too(client, editor, factory):
    option = factory.make_option(ready=True)
    factory.publish_version()
    client.force_login(editor)  # a password alone
    response = client.get(f"/options/{option.slug}/preview/")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/options/{option.slug}/"


def test_a_sign_in_with_an_unsafe_next_lands_on_the_admin_home(client, editor):
    response = client.post(
        "/admin/login/?next=//elsewhere.example/", {"username": "editor", "password": PASSWORD}
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/admin/"


def test_the_csrf_cookie_lasts_a_day_not_a_year(client):
    response = client.get(LOGIN)
    assert response.cookies[settings.CSRF_COOKIE_NAME]["max-age"] == 24 * 3600


def test_the_deploy_check_warns_when_staff_sign_in_with_a_password_alone():
    from decisionaid.checks import check_staff_sign_in

    with override_settings(STAFF_REQUIRE_2FA=False):
        assert [w.id for w in check_staff_sign_in(None)] == ["decisionaid.W001"]
    with override_settings(STAFF_REQUIRE_2FA=True):
        assert check_staff_sign_in(None) == []


BEHIND_PROXY = {"AXES_IPWARE_META_PRECEDENCE_ORDER": ("HTTP_X_FORWARDED_FOR", "REMOTE_ADDR")}


@override_settings(**BEHIND_PROXY)
def test_behind_the_proxy_failures_from_one_visitor_lock_out_no_one_else(client, editor):
    # Ten failures with made-up names, all through the proxy, from one visitor who also sends a
    # forged address of their own to the left of the one the proxy added.
    attacker = {"HTTP_X_FORWARDED_FOR": "7.7.7.7, 6.6.6.6", "REMOTE_ADDR": "10.0.0.1"}
    for n in range(settings.AXES_FAILURE_LIMIT):
        client.post(LOGIN, {"username": f"made-up-{n}", "password": "wrong"}, **attacker)
    assert (
        client.post(LOGIN, {"username": "editor", "password": PASSWORD}, **attacker).status_code
        == 429
    )
    assert AccessFailureLog.objects.filter(ip_address="6.6.6.6").count() >= 10
    assert set(AccessFailureLog.objects.values_list("username", flat=True)) >= {"made-up-0"}
    # The real editor, through the same proxy from another address, signs in.
    other = Client()
    response = other.post(
        LOGIN,
        {"username": "editor", "password": PASSWORD},
        HTTP_X_FORWARDED_FOR="7.7.7.7",
        REMOTE_ADDR="10.0.0.1",
    )
    assert response.status_code == 302
