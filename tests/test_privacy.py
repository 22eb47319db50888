"""A person's answers are readable by no one without the server's key, and never logged."""

import base64
import contextlib
import dataclasses
import datetime
import io
import logging
import time
import zlib
from http.cookies import SimpleCookie
from unittest import mock

import pytest
from django.contrib.sessions.models import Session
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from decisionaid.answers import (
    HEADER,
    MAX_TOKEN_CHARS,
    NONCE_BYTES,
    PURPOSE_COOKIE,
    PURPOSE_RESUME,
    RESUME_MAX_AGE,
    Answers,
    TokenExpired,
    TokenInvalid,
    decrypt,
    encrypt,
    make_resume_token,
    read_resume_token,
    token_from_link,
)
from decisionaid.models import EndedLink
from tests.answers_cookie import cookie_value, give_answers, stored
from tests.html import parse, texts_of

pytestmark = pytest.mark.django_db

SECRETS = Answers(
    # Today's health questions (answers under replaced questions are read in their new form).
    choices={"conditions": ["pregnant", "kidney"], "mood": ["bipolar"]},
    values=["avoid-surgery"],
    own_questions="I have bipolar disorder",
    sure={"sure": "no", "understand": "yes", "risks_benefits": "yes", "support": "no"},
    done=["about", "health"],
)
WORDS = ["pregnan", "kidney", "bipolar", "surgery", "disorder", "health"]


def every_decoding(token: str) -> list[bytes]:
    """What an attacker without the key gets from base64, zlib and friends."""
    raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
    found = [raw, token.encode()]
    for start in range(len(raw)):
        for wbits in (-15, 15, 31):
            with contextlib.suppress(zlib.error):
                found.append(zlib.decompressobj(wbits).decompress(raw[start:]))
    return found


@pytest.mark.parametrize("purpose", [PURPOSE_COOKIE, PURPOSE_RESUME])
def test_cookie_and_link_decode_to_nothing_readable_without_the_key(purpose):
    token = encrypt(SECRETS, purpose)
    for decoded in every_decoding(token):
        lowered = decoded.lower()
        for word in WORDS:
            assert word.encode() not in lowered
    assert decrypt(token, purpose, 3600)[0] == SECRETS


def test_the_same_answers_make_a_different_cookie_each_time():
    assert encrypt(SECRETS, PURPOSE_COOKIE) != encrypt(SECRETS, PURPOSE_COOKIE)


def test_a_resume_link_is_the_same_all_hour_so_its_qr_code_is_drawn_once():
    hour = 1_800_000_000 - 1_800_000_000 % 3600
    first = encrypt(SECRETS, PURPOSE_RESUME, now=hour + 5, stable=True)
    assert encrypt(SECRETS, PURPOSE_RESUME, now=hour + 3000, stable=True) == first
    assert encrypt(SECRETS, PURPOSE_RESUME, now=hour + 3600, stable=True) != first
    other = encrypt(Answers(values=["avoid-surgery"]), PURPOSE_RESUME, now=hour + 5, stable=True)
    assert other != first
    # The nonce follows the message, so no two messages share one under the key.
    nonce = slice(HEADER.size, HEADER.size + NONCE_BYTES)
    assert (
        base64.urlsafe_b64decode(first + "==")[nonce]
        != (base64.urlsafe_b64decode(other + "==")[nonce])
    )


def test_a_cookie_cannot_be_used_as_a_resume_link_or_the_other_way():
    with pytest.raises(TokenInvalid):
        read_resume_token(encrypt(SECRETS, PURPOSE_COOKIE))
    with pytest.raises(TokenInvalid):
        decrypt(make_resume_token(SECRETS), PURPOSE_COOKIE, 3600)


def test_a_token_made_with_another_key_is_refused():
    with override_settings(ANSWERS_KEYS=["another-key-" + "k" * 60]):
        token = make_resume_token(SECRETS)
    with pytest.raises(TokenInvalid):
        read_resume_token(token)


def test_old_keys_still_read_after_a_rotation_and_new_tokens_use_the_new_key():
    old, new = "old-answers-key-" + "o" * 50, "new-answers-key-" + "n" * 50
    with override_settings(ANSWERS_KEYS=[old]):
        before = make_resume_token(SECRETS)
    with override_settings(ANSWERS_KEYS=[new, old]):
        assert read_resume_token(before) == SECRETS
        after = make_resume_token(SECRETS)
    with override_settings(ANSWERS_KEYS=[new]):
        assert read_resume_token(after) == SECRETS
        with pytest.raises(TokenInvalid):
            read_resume_token(before)


def test_a_signed_link_from_before_encryption_is_refused():
    from django.core import signing

    signed = signing.dumps(SECRETS.to_data(), salt="decisionaid.resume", compress=True)
    with pytest.raises(TokenInvalid):
        read_resume_token(signed)


def test_every_flipped_bit_is_caught():
    token = make_resume_token(Answers(values=["x"]))
    raw = bytearray(base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)))
    for index in range(len(raw)):
        changed = bytearray(raw)
        changed[index] ^= 1
        text = base64.urlsafe_b64encode(bytes(changed)).rstrip(b"=").decode()
        with pytest.raises(TokenInvalid):
            read_resume_token(text)


@pytest.mark.parametrize(
    "token", ["", "x", "%%%%", "A" * 30, "A" * (MAX_TOKEN_CHARS + 1), "ÿÿÿÿ", "a.b.c"]
)
def test_junk_tokens_are_refused_as_invalid(token):
    with pytest.raises(TokenInvalid):
        read_resume_token(token)


def test_expired_tokens_say_so_only_when_genuine():
    with mock.patch("decisionaid.answers.time.time", return_value=time.time() - 91 * 86400):
        old = make_resume_token(SECRETS)
    with pytest.raises(TokenExpired):
        read_resume_token(old)


def test_a_link_for_a_full_journey_is_short_enough_for_a_small_qr_code():
    answers = Answers(
        choices={f"question-{i}": [f"choice-{i}"] for i in range(20)},
        values=["a-value", "b-value", "c-value"],
        considering=["option-one", "option-two", "option-three"],
        suggested_questions=["what-is-likely-to", "out-of-100-people", "what-are-the-risks"],
        own_questions="Will it hurt? How long does it take to work?",
        sure={"sure": "no", "understand": "yes", "risks_benefits": "yes", "support": "no"},
        leaning={"option-one": "towards", "option-three": "unsure"},
        stage="thinking",
        role="together",
        concern="Being able to drive",
        done=[
            "about",
            "health",
            "practical",
            "values",
            "considering",
            "stand",
            "questions",
            "sure",
        ],
    )
    from django.core import signing

    token = make_resume_token(answers)
    assert read_resume_token(token) == answers
    # Shorter than the signed (readable) link it replaces, for all the encryption it adds.
    signed = signing.dumps(answers.to_data(), salt="decisionaid.resume", compress=True)
    assert len(token) < len(signed) - 40, (len(token), len(signed))


@pytest.mark.parametrize(
    "pasted",
    [
        "https://aid.example.org/resume/#{t}",
        "  https://aid.example.org/resume/#{t}\n",
        "https://aid.example.org/resume/#{a}\n{b}",  # broken across lines on paper
        "{t}",
        "#{t}",
        "https://aid.example.org/resume/{t}/",
    ],
)
def test_the_token_is_found_in_whatever_was_pasted(pasted):
    token = make_resume_token(SECRETS)
    text = pasted.format(t=token, a=token[:20], b=token[20:])
    assert token_from_link(text) == token


# --- The answers cookie -------------------------------------------------------------------------


def answer_a_step(client):
    """Answer every question of the first step; return the response and the first question."""
    from treatments.models import Question

    questions = list(Question.objects.filter(page__slug="about").prefetch_related("choices"))
    data = {q.slug: [next(c for c in q.choices.all() if not c.exclusive).slug] for q in questions}
    response = client.post(reverse("step", args=["about"]), data)
    assert response.status_code == 302
    question = questions[0]
    return response, question, question.choices.get(slug=data[question.slug][0])


def test_the_answers_cookie_is_a_browser_session_cookie_until_the_person_opts_in(client, content):
    response, _, _ = answer_a_step(client)
    cookie = response.cookies["answers"]
    assert cookie["max-age"] == "" and cookie["expires"] == ""  # gone when the browser closes
    assert cookie["httponly"] and cookie["samesite"] == "Lax" and cookie["path"] == "/"
    check = client.get(reverse("check")).content.decode()
    assert "kept in this browser until you close it" in check
    assert "Remember my answers on this device for 30 days" in check

    response = client.post(reverse("remember"), {"remember": "yes"})
    assert response.status_code == 302
    assert int(response.cookies["answers"]["max-age"]) == 30 * 86400
    assert "kept on this device for 30 days" in client.get(reverse("check")).content.decode()

    # A later answer keeps the choice.
    response, _, _ = answer_a_step(client)
    assert int(response.cookies["answers"]["max-age"]) == 30 * 86400

    response = client.post(reverse("remember"), {})  # unticked
    assert response.cookies["answers"]["max-age"] == ""
    assert not stored(client).is_empty  # answers kept, only for the session now


def test_the_answers_cookie_holds_nothing_readable(client, content):
    _, question, choice = answer_a_step(client)
    value = client.cookies["answers"].value
    for decoded in every_decoding(value):
        assert question.slug.encode() not in decoded
        assert choice.slug.encode() not in decoded


def test_a_session_cookie_left_open_for_over_a_day_is_not_read(client, content):
    with mock.patch("decisionaid.answers.time.time", return_value=time.time() - 2 * 86400):
        client.cookies["answers"] = cookie_value(SECRETS)
    response = client.get(reverse("check"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "had not been used for a long time" in html
    assert "I have bipolar disorder" not in html
    assert response.cookies["answers"].value == ""  # deleted


@pytest.mark.parametrize("damage", ["tamper", "truncate", "other-key", "oversized", "signed"])
def test_a_bad_answers_cookie_gets_a_calm_message_and_is_deleted(client, content, damage):
    from django.core import signing

    good = cookie_value(SECRETS)
    with override_settings(ANSWERS_KEYS=["another-key-" + "k" * 60]):
        other = cookie_value(SECRETS)
    client.cookies["answers"] = {
        "tamper": good[:-4] + ("AAAA" if not good.endswith("AAAA") else "BBBB"),
        "truncate": good[: len(good) // 2],
        "other-key": other,
        "oversized": "A" * 5000,
        "signed": signing.dumps(SECRETS.to_data(), compress=True),
    }[damage]
    for path in [reverse("check"), reverse("summary"), reverse("options"), "/"]:
        client.cookies["answers"] = client.cookies["answers"].value or good[:10]
        response = client.get(path)
        assert response.status_code == 200, path
        html = response.content.decode()
        assert "I have bipolar disorder" not in html
    assert "could not be read" in html
    assert stored(client).is_empty


def test_clear_all_deletes_the_cookie_and_the_choice_to_remember(client, content):
    answer_a_step(client)
    client.post(reverse("remember"), {"remember": "yes"})
    response = client.post(reverse("clear"))
    assert response.cookies["answers"].value == ""
    assert response.cookies["answers"]["max-age"] == 0
    assert stored(client).is_empty
    response, _, _ = answer_a_step(client)
    assert response.cookies["answers"]["max-age"] == ""  # a session cookie again


def test_clearing_the_answers_ends_every_link_made_from_them(client, content):
    answer_a_step(client)
    link = resume_link(client)
    mine = stored(client).link
    assert mine  # a random id, in the answers and every link made from them
    someone_else = make_resume_token(Answers(values=["kept"], link="AAAAAAAAAAAA"))

    client.post(reverse("clear"))

    # The next person at this computer finds the link in the browser's history: it opens nothing.
    later = type(client)()
    response = later.post(reverse("resume"), {"link": link})
    assert response.status_code == 400
    assert "These answers were cleared" in response.content.decode()
    assert stored(later).is_empty
    # Nobody else's link is ended.
    assert later.post(reverse("resume"), {"link": someone_else}).status_code == 302
    # The server keeps the id alone: no answer, no address, nothing about the person.
    assert [(e.link_id) for e in EndedLink.objects.all()] == [mine]
    assert {f.name for f in EndedLink._meta.fields} == {"id", "link_id", "ended_at"}


def test_ended_link_ids_are_kept_only_as_long_as_links_live(client, content):
    old = EndedLink.objects.create(link_id="BBBBBBBBBBBB")
    EndedLink.objects.filter(pk=old.pk).update(
        ended_at=timezone.now() - datetime.timedelta(seconds=RESUME_MAX_AGE + 60)
    )
    answer_a_step(client)
    client.post(reverse("clear"))
    assert not EndedLink.objects.filter(link_id="BBBBBBBBBBBB").exists()
    assert EndedLink.objects.count() == 1


def test_patient_pages_never_touch_the_session_table(client, content):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    answer_a_step(client)
    give_answers(client, SECRETS)
    for path in ["/", reverse("check"), reverse("summary"), reverse("options")]:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(path).status_code == 200
        assert not any("django_session" in q["sql"] for q in captured.captured_queries), path
    client.post(reverse("clear"))
    assert Session.objects.count() == 0
    assert "sessionid" not in client.cookies


# --- The resume link ----------------------------------------------------------------------------


def resume_link(client) -> str:
    html = client.get(reverse("check")).content.decode()
    return texts_of(parse(html), "//textarea[@id='resume-link']")[0]


def test_the_resume_link_keeps_its_token_after_the_hash(client, content):
    give_answers(client, SECRETS)
    link = resume_link(client)
    path, _, token = link.partition("#")
    assert path == "http://testserver/resume/"
    assert read_resume_token(token) == SECRETS


def test_no_referer_can_carry_a_token(client, content):
    give_answers(client, SECRETS)
    token = make_resume_token(SECRETS)
    # Pages that show or open a link: the token is never in their address, and their Referer
    # never leaves the site (browsers never send the part after '#' in any case).
    for path in [reverse("check"), reverse("summary"), reverse("resume")]:
        response = client.get(path)
        assert response.headers["Referrer-Policy"] in ("same-origin", "no-referrer"), path
        assert token not in path
    # A link with the token in its path sends no Referer at all from its redirect.
    response = client.get(f"/resume/{token}/")
    assert response.headers["Referrer-Policy"] == "no-referrer"


def test_a_link_with_the_token_in_its_path_is_moved_after_the_hash(client, content):
    token = make_resume_token(SECRETS)
    response = client.get(f"/resume/{token}/")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/resume/#{token}"
    assert "no-store" in response.headers["Cache-Control"]


def test_without_javascript_a_pasted_link_opens_the_answers(client, content):
    html = client.get(reverse("resume")).content.decode()
    assert 'name="link"' in html and "paste it here" in html
    link = "https://elsewhere.example/resume/#" + make_resume_token(SECRETS)
    response = client.post(reverse("resume"), {"link": link})
    assert response.headers["Location"] == reverse("check")
    # A link made before links had an id gets one now, so clearing can end it from here on.
    assert dataclasses.replace(stored(client), link="") == SECRETS


def test_an_empty_paste_asks_again_without_changing_anything(client, content):
    give_answers(client, Answers(values=["kept"]))
    response = client.post(reverse("resume"), {"link": "  "})
    assert response.status_code == 400
    assert "Paste the link" in response.content.decode()
    assert stored(client) == Answers(values=["kept"])


@pytest.mark.parametrize("damage", ["tamper", "truncate", "other-key", "oversized", "expired"])
def test_a_bad_link_gets_a_calm_page_and_loads_nothing(client, content, damage):
    give_answers(client, Answers(values=["kept"]))
    token = make_resume_token(SECRETS)
    if damage == "other-key":
        with override_settings(ANSWERS_KEYS=["another-key-" + "k" * 60]):
            token = make_resume_token(SECRETS)
    elif damage == "expired":
        with mock.patch("decisionaid.answers.time.time", return_value=time.time() - 91 * 86400):
            token = make_resume_token(SECRETS)
    token = {
        "tamper": token[:10] + ("A" if token[10] != "A" else "B") + token[11:],
        "truncate": token[:-5],
        "oversized": token * 40,
    }.get(damage, token)
    response = client.post(reverse("resume"), {"link": token})
    assert response.status_code == 400
    html = response.content.decode()
    assert "These answers cannot be opened" in html
    assert "Nothing has been changed" in html
    assert ("more than 90 days old" in html) == (damage == "expired")
    assert "bipolar" not in html
    assert stored(client) == Answers(values=["kept"])  # nothing half-loaded, nothing lost


# --- Logs ---------------------------------------------------------------------------------------


@pytest.fixture
def server_output():
    """Everything the app's own log handlers write (to stderr, normally), captured."""
    captured = io.StringIO()
    handlers = {
        handler
        for name in ["", "django", "django.request", "django.server", "django.security"]
        for handler in logging.getLogger(name).handlers
        if type(handler) is logging.StreamHandler
    }
    assert handlers, "the app's log handlers were not found"
    old = {handler: handler.setStream(captured) for handler in handlers}
    yield captured
    for handler, stream in old.items():
        handler.setStream(stream)


def test_a_real_token_never_appears_in_server_logs(client, content, server_output):
    """Settings loaded with debug on (as `make run`); tests/test_production.py checks debug off."""
    token = make_resume_token(SECRETS)
    client.get(f"/resume/{token}/")
    client.get(f"/resume/{token}/not-a-page/")  # a 404, which django.request logs
    client.post(reverse("resume"), {"link": token[:-3]})  # a 400
    client.cookies["answers"] = cookie_value(SECRETS)
    client.get(reverse("check"))
    for name in ["", "django", "django.request", "django.server", "django.security", "axes"]:
        logger = logging.getLogger(name)
        for level in (logging.DEBUG, logging.INFO, logging.WARNING, logging.ERROR):
            logger.log(level, "Link /resume/#%s and cookie answers=%s", token, token)
        logger.warning('"GET /resume/%s/ HTTP/1.1" 302', token)
        try:
            raise ValueError(f"bad token {token}")
        except ValueError:
            logger.exception("failed")
    output = server_output.getvalue()
    assert "Not Found: /resume/[redacted]" in output
    assert output.count("bad token [redacted]") >= 6
    assert token not in output
    assert token[:40] not in output
    assert "bipolar" not in output


def test_each_line_is_logged_once():
    """Django's console handler (debug only) is replaced: no line also goes out unredacted."""
    for name in ["django", "django.request", "django.server"]:
        logger = logging.getLogger(name)
        count = 0
        while logger:
            count += len([h for h in logger.handlers if type(h) is logging.StreamHandler])
            logger = logger.parent if logger.propagate else None
        assert count == 1, name


def test_the_cookie_header_is_never_echoed_back_in_a_cookie_jar_log():
    from decisionaid.logging import redact

    jar = SimpleCookie()
    jar["answers"] = "A" * 60
    assert "A" * 60 not in redact(jar.output())


def test_answers_as_plain_data_are_a_copy_the_same_as_the_dataclass_gives():
    answers = Answers(
        choices={"conditions": ["kidney", "liver"]},
        values=["a"],
        sure={"know": "yes"},
        own_questions="Will it hurt?",
        link="AAAAAAAAAAAA",
    )
    data = answers.to_data()
    assert data == dataclasses.asdict(answers)
    data["choices"]["conditions"].append("heart")
    data["values"].append("b")
    assert answers.choices == {"conditions": ["kidney", "liver"]}
    assert answers.values == ["a"]
