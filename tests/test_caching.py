"""Pages are rendered once per published version; what is personal never leaves the process."""

import math
import time
from dataclasses import replace

import pytest
from django.conf import settings
from django.core.cache import caches
from django.db import connection
from django.urls import reverse
from django.utils.crypto import get_random_string

from decisionaid.answers import COOKIE_MAX_AGE, Answers
from decisionaid.caching import Whole
from tests.answers_cookie import cookie_value, give_answers
from tests.personas import typical_persona
from tests.queries import PATIENT_PAGE_QUERIES, queries_when_warm
from treatments.models import Option, Release, Value

pytestmark = pytest.mark.django_db

PAGES = ["home", "options", "sources", "glossary"]


def kept(alias: str) -> int:
    return len(caches[alias]._cache)  # LocMemCache's own store: how many entries it holds


@pytest.mark.parametrize("name", PAGES)
def test_a_page_for_everyone_is_kept_whole_and_served_with_one_query(client, content, name):
    assert queries_when_warm(client, reverse(name)) == PATIENT_PAGE_QUERIES
    assert kept("default") >= 1
    assert kept("personal") == 0


def test_an_option_page_with_answers_is_kept_only_in_this_process(client, content):
    value = Value.objects.first()
    give_answers(client, Answers(choices={"pregnancy": ["yes"]}, values=[value.slug]))
    url = reverse("option", args=[Option.objects.ready().first().slug])
    assert queries_when_warm(client, url) == PATIENT_PAGE_QUERIES
    assert kept("personal") == 2  # the page's part shaped by the answers, and the whole page
    assert kept("default") == 0  # nothing shaped by answers goes where servers share it


@pytest.mark.parametrize("page", ["option", "options", "summary", "step"])
def test_a_second_visitor_with_the_same_answers_never_reuses_what_was_kept_for_the_first(
    client, content, page
):
    """Counted in the personal cache: the first visitor's page is kept and served again to
    them; a second visitor with exactly the same answers gets an entry of their own."""
    value = Value.objects.first()
    same = {"choices": {"pregnancy": ["yes"]}, "values": [value.slug], "done": ["about"]}
    url = {
        "option": reverse("option", args=[Option.objects.ready().first().slug]),
        "options": reverse("options"),
        "summary": reverse("summary"),
        "step": reverse("step", args=["values"]),
    }[page]
    first, second = client, type(client)()
    give_answers(first, Answers(**same, link="AAAAAAAAAAAA"))
    give_answers(second, Answers(**same, link="BBBBBBBBBBBB"))
    first.get(url)
    after_first = kept("personal")
    assert after_first >= 1
    first.get(url)
    assert kept("personal") == after_first  # the same visitor meets their own entry
    second.get(url)
    assert kept("personal") == 2 * after_first  # the second never meets the first's


def test_a_new_version_is_what_the_very_next_request_shows(client, factory):
    option = factory.make_option(ready=True, name="Warm baths")
    factory.publish_version()
    url = reverse("option", args=[option.slug])
    assert "Warm baths" in client.get(url).content.decode()
    assert "Warm baths" in client.get(url).content.decode()  # now from the cache
    Option.objects.filter(pk=option.pk).update(name="Hot baths")
    factory.publish_version()
    assert "Hot baths" in client.get(url).content.decode()


def test_staff_and_people_with_answers_never_get_the_page_kept_for_everyone(
    client, admin_client, factory, monkeypatch
):
    option = factory.make_option(ready=True)
    factory.publish_version()
    url = reverse("option", args=[option.slug])
    kept_page = Whole(b"The page kept for everyone", (("Content-Type", "text/html"),), math.inf)

    class Keeping:  # a cache holding the page for everyone, whatever it is asked for
        def get(self, key):
            return kept_page

        def set(self, key, value, timeout):
            pass

    personal = caches["personal"]
    monkeypatch.setattr("decisionaid.caching.caches", {"default": Keeping(), "personal": personal})
    assert client.get(url).content == kept_page.body
    give_answers(client, Answers(values=[]))
    assert client.get(url).content != kept_page.body
    assert admin_client.get(url).content != kept_page.body


def test_the_comparison_keeps_htmx_and_full_pages_apart(client, factory):
    one, two = factory.make_option(ready=True), factory.make_option(ready=True)
    factory.publish_version()
    query = {"compare": [one.slug, two.slug]}
    full = client.get(reverse("options"), query).content.decode()
    part = client.get(reverse("options"), query, headers={"HX-Request": "true"}).content.decode()
    assert "<html" in full
    assert "<html" not in part
    assert client.get(reverse("options"), query).content.decode() == full


def test_what_follows_from_the_version_alone_is_worked_out_once_for_every_visitor(
    client, content, monkeypatch
):
    """The summary's table rows, each option's parts, the considerations by answer and the
    addresses of the journey, header and footer are built on the first request that needs them,
    then never again: a second visitor, whose own page is not kept, builds none of them."""
    import decisionaid.context_processors
    import decisionaid.journey
    import decisionaid.options
    import decisionaid.summary
    import treatments.releases

    calls: dict[str, int] = {}

    def counted(module, name):
        made = getattr(module, name)

        def counting(*args, **kwargs):
            key = f"{module.__name__}.{name}"
            calls[key] = calls.get(key, 0) + 1
            return made(*args, **kwargs)

        monkeypatch.setattr(module, name, counting)

    counted(decisionaid.summary, "compact_row_by_option")
    counted(decisionaid.options, "option_parts")
    counted(treatments.releases, "_considerations_by_pair")
    counted(decisionaid.journey, "reverse")
    counted(decisionaid.context_processors, "reverse")  # the header's and footer's addresses

    def visit(link: str) -> dict[str, int]:
        visitor = type(client)()
        persona = typical_persona()
        give_answers(visitor, replace(persona, link=link))
        for name in ("summary", "options", "check"):
            assert visitor.get(reverse(name)).status_code == 200
        return dict(calls)

    after_first = visit("AAAAAAAAAAAA")
    options = Option.objects.ready().count()
    assert after_first["decisionaid.summary.compact_row_by_option"] == 1
    assert after_first["decisionaid.options.option_parts"] == options
    assert after_first["treatments.releases._considerations_by_pair"] == 1
    assert visit("BBBBBBBBBBBB") == after_first


def test_a_page_kept_for_a_visitor_is_theirs_as_first_sent_headers_and_all(
    client, content, monkeypatch
):
    """Asked again with the same cookies, the summary is not built again, and comes back with
    exactly the body and headers of the first time (never cached by the browser, varying on the
    cookie), but for `Expires`, which `never_cache` stamps with the time of each answer."""
    import decisionaid.summary

    built = []
    made = decisionaid.summary.considered_options
    monkeypatch.setattr(
        decisionaid.summary, "considered_options", lambda *a: built.append(1) or made(*a)
    )
    give_answers(client, typical_persona())
    first = client.get(reverse("summary"))
    again = client.get(reverse("summary"))
    assert len(built) == 1
    assert again.content == first.content

    def headers(response) -> dict:
        return {name: value for name, value in response.headers.items() if name != "Expires"}

    assert headers(again) == headers(first)
    assert "Expires" in again  # stamped afresh, not taken from the kept copy
    assert "no-store" in again["Cache-Control"]
    assert "Cookie" in again["Vary"]


def test_a_kept_page_is_never_served_once_the_cookie_it_was_made_for_has_lapsed(
    client, content, monkeypatch
):
    """A cookie the person did not ask to be remembered is read for a day: a page kept for it
    is not served after that, and the person is told their answers were cleared."""
    give_answers(client, typical_persona())
    kept_check = client.get(reverse("check")).content
    assert client.get(reverse("check")).content == kept_check
    later = time.time() + COOKIE_MAX_AGE + 60
    monkeypatch.setattr(time, "time", lambda: later)
    response = client.get(reverse("check"))
    assert response.content != kept_check
    assert "had not been used for a long time" in response.content.decode()
    assert response.cookies[settings.ANSWERS_COOKIE_NAME].value == ""


def test_an_answer_saved_shows_on_the_next_page_though_the_last_was_kept(client, content):
    give_answers(client, typical_persona())
    client.get(reverse("check"))
    last = Value.objects.order_by("order", "pk").last()  # not among the persona's three
    assert last.statement not in client.get(reverse("check")).content.decode()
    client.post(reverse("step", args=["values"]), {"values": [last.slug]})
    assert last.statement in client.get(reverse("check")).content.decode()


def test_a_visitor_without_the_csrf_cookie_is_never_kept_a_page(client, content):
    """The tokens in a kept page's forms are made from the CSRF cookie of the first visit: a
    page is kept for a visitor only once their browser holds it."""
    client.cookies[settings.ANSWERS_COOKIE_NAME] = cookie_value(typical_persona())
    client.get(reverse("check"))
    assert kept("personal") == 0
    assert settings.CSRF_COOKIE_NAME in client.cookies  # given now, so the next visit is kept
    client.get(reverse("check"))
    assert kept("personal") == 1


def test_the_version_check_reads_an_index_never_the_published_content(content):
    """Every patient request asks which version is current. On SQLite a row's columns after a
    large one are reached by reading through it, so the version's whole content was read on
    every request and pages slowed as the content grew: the question is answered from an index
    holding both columns."""
    if connection.vendor != "sqlite":
        pytest.skip("the plan asked for is SQLite's")
    table = connection.ops.quote_name(Release._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"EXPLAIN QUERY PLAN SELECT number, digest FROM {table} ORDER BY number DESC LIMIT 1"
        )
        plan = " ".join(str(row[-1]) for row in cursor.fetchall())
    assert "USING COVERING INDEX release_version_check" in plan


def test_a_page_kept_for_a_visitor_is_kept_apart_for_each_address_it_was_asked_by(
    client, content, settings
):
    """The check page's link back to the answers names the host it was asked on."""
    settings.ALLOWED_HOSTS = ["aid.example", "www.aid.example"]
    give_answers(client, typical_persona())
    bare = client.get(reverse("check"), headers={"host": "aid.example"}).content.decode()
    www = client.get(reverse("check"), headers={"host": "www.aid.example"}).content.decode()
    assert "//aid.example/resume/" in bare
    assert "//www.aid.example/resume/" in www


def test_made_up_cookies_and_pages_that_never_read_the_answers_keep_nothing_personal(
    client, content
):
    """Only a page drawn from answers the server could read is kept for a visitor, so a stream
    of made-up cookies cannot fill the store and push real visitors' pages out."""
    for n in range(5):
        client.cookies[settings.ANSWERS_COOKIE_NAME] = f"made-up-{n}"
        client.cookies[settings.CSRF_COOKIE_NAME] = get_random_string(32)
        for name in ("sources", "glossary", "check", "summary"):
            client.get(reverse(name))
    assert kept("personal") == 0
    give_answers(client, typical_persona())
    client.get(reverse("sources"))  # the same for everyone: not this visitor's to keep
    assert kept("personal") == 0
