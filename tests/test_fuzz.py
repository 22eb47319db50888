"""Junk sent to every form, as an attacker or a broken browser would send it, never gets a 5xx,
and a post the aid rejects leaves the answers already given as they were.

The suite runs 25 examples per endpoint (FUZZ_EXAMPLES changes it); `make fuzz` runs 10,000 in
all and says how many ran.
"""

import functools
import os
from urllib.parse import quote

import pytest
from django.conf import settings
from django.urls import reverse
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from decisionaid.answers import Answers, TokenError, make_resume_token
from tests.answers_cookie import give_answers, stored
from tests.bundled import step_slugs
from tests.personas import typical_persona
from tests.users import FORM, FormClient
from treatments.models import Question

pytestmark = pytest.mark.django_db

STEP_SLUGS = step_slugs()
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "25"))
RUN = {"examples": 0}

fuzz = hypothesis_settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# Every kind of text: CJK, emoji, right-to-left, control characters and lone surrogates.
junk_text = st.one_of(
    st.text(max_size=40),
    st.text(st.characters(codec=None, categories=None), max_size=40),
    st.text(st.sampled_from("漢字한국어😀🩺עבריתالعربية\x00\ud800\udfff<>&\"'%"), max_size=60),
    st.sampled_from(["", " ", "yes", "no", "not-sure", "0", "-1", "99999999999999999999"]),
    st.text(max_size=3).map(lambda s: s * 2000),  # long, but within the body limit
)


@functools.cache
def field_names() -> list[str]:
    names = ["values", "considering", "suggested", "own", "sure", "understand", "support"]
    return names + list(Question.objects.values_list("slug", flat=True))


@functools.cache
def persona() -> Answers:
    """The same bundled content is loaded for every test, so one persona serves them all."""
    return typical_persona()


def encode(pairs: list[tuple[str, str]]) -> bytes:
    """A URL-encoded body, keeping lone surrogates as the invalid UTF-8 a broken client sends."""
    return "&".join(
        f"{quote(k, errors='surrogatepass')}={quote(v, errors='surrogatepass')}" for k, v in pairs
    ).encode()


def cookie_damage():
    return st.sampled_from(["none", "keep", "tamper", "truncate", "junk", "oversized"])


def damage(client, how: str, data) -> None:
    name = settings.ANSWERS_COOKIE_NAME
    value = client.cookies[name].value if name in client.cookies else ""
    if how == "none":
        client.cookies.pop(name, None)
    elif how == "tamper" and value:
        client.cookies[name] = value[:-4] + ("AAAA" if not value.endswith("AAAA") else "BBBB")
    elif how == "truncate":
        client.cookies[name] = value[: len(value) // 2]
    elif how == "junk":
        client.cookies[name] = data.draw(st.text(st.characters(codec="ascii"), max_size=80))
    elif how == "oversized":
        client.cookies[name] = "x" * 5000


def held(client) -> Answers:
    """The answers the browser holds as the server reads them: none, if the cookie is damaged."""
    try:
        return stored(client)
    except TokenError:
        return Answers()


def counted() -> None:
    RUN["examples"] += 1


@pytest.fixture(autouse=True)
def _report_examples(record_property):
    """Each test's examples, for the summary in tests/reporting.py (from any xdist worker)."""
    before = RUN["examples"]
    yield
    record_property("fuzz_examples", RUN["examples"] - before)


@pytest.mark.parametrize("slug", STEP_SLUGS)
@fuzz
@given(data=st.data())
def test_junk_posted_to_a_step_never_fails_and_a_rejection_changes_nothing(content, slug, data):
    counted()
    client = FormClient(enforce_csrf_checks=data.draw(st.booleans()))
    give_answers(client, persona())
    damage(client, data.draw(cookie_damage()), data)
    before = held(client)
    names = st.one_of(st.sampled_from(field_names()), junk_text)
    pairs = data.draw(st.lists(st.tuples(names, junk_text), max_size=12))
    headers = {"HTTP_HX_REQUEST": "true"} if data.draw(st.booleans()) else {}
    response = client.post(reverse("step", args=[slug]), encode(pairs), FORM, **headers)
    assert response.status_code < 500
    if response.status_code != 302:
        assert held(client) == before


@pytest.mark.parametrize("name", ["remember", "clear"])
@fuzz
@given(data=st.data())
def test_junk_posted_to_the_other_forms_never_fails(content, name, data):
    counted()
    client = FormClient(enforce_csrf_checks=data.draw(st.booleans()))
    give_answers(client, persona())
    damage(client, data.draw(cookie_damage()), data)
    pairs = data.draw(st.lists(st.tuples(st.one_of(st.just("remember"), junk_text), junk_text)))
    response = client.post(reverse(name), encode(pairs), FORM)
    assert response.status_code < 500


def junk_tokens(real: str):
    return st.one_of(
        st.text(st.characters(codec="ascii", exclude_characters="/"), min_size=1, max_size=60),
        st.integers(0, len(real) - 1).map(lambda n: real[:n] or "x"),
        st.integers(0, len(real) - 1).map(lambda n: real[:n] + ("A" if real[n] != "A" else "B")),
        st.just(real * 20),
    )


@fuzz
@given(data=st.data())
def test_damaged_resume_links_never_fail_and_never_load_anything(content, data):
    counted()
    client = FormClient()
    give_answers(client, persona())
    before = held(client)
    real = make_resume_token(Answers(values=["x"], own_questions="Will it hurt?"))
    token = data.draw(junk_tokens(real))
    in_path = reverse("resume_in_path", args=[quote(token, safe="")])
    assert client.get(in_path).status_code < 500
    response = client.post(reverse("resume"), encode([("link", token)]), FORM)
    assert response.status_code < 500
    if response.status_code != 302:
        assert held(client) == before


@pytest.mark.parametrize("path", ["/", "/check/", "/summary/", "/options/", "/clear/"])
@fuzz
@given(data=st.data())
def test_damaged_cookies_and_junk_addresses_never_fail_a_page(content, path, data):
    counted()
    client = FormClient()
    give_answers(client, persona())
    damage(client, data.draw(cookie_damage()), data)
    query = data.draw(st.lists(st.tuples(st.just("compare"), junk_text), max_size=5))
    response = client.get(path + "?" + encode(query).decode())
    assert response.status_code < 500
