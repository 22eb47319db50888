"""Pages are rendered once per published version; what is personal never leaves the process."""

from dataclasses import replace

import pytest
from django.core.cache import caches
from django.urls import reverse

from decisionaid.answers import Answers
from tests.answers_cookie import give_answers
from tests.personas import typical_persona
from tests.queries import PATIENT_PAGE_QUERIES, queries_when_warm
from treatments.models import Option, Value

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
    assert kept("personal") == 1
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
    kept_page = (b"The page kept for everyone", "text/html")

    class Keeping:  # a cache holding the page for everyone, whatever it is asked for
        def get(self, key):
            return kept_page

    monkeypatch.setattr("decisionaid.caching.caches", {"default": Keeping()})
    assert client.get(url).content == kept_page[0]
    give_answers(client, Answers(values=[]))
    assert client.get(url).content != kept_page[0]
    assert admin_client.get(url).content != kept_page[0]


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
    counted(treatments.releases, "reverse")  # the header's and footer's addresses

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
