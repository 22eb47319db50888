"""A source's "Fill in from PubMed": the server asks PubMed (a recorded answer on a loopback port
here, never NCBI), fills only what the editor left empty, and says plainly when it cannot."""

from unittest import mock

import pytest
import requests
from django.test import override_settings

from tests.html import first, form_data, parse, texts_of
from tests.pubmed import recorded_answer
from tests.users import make_staff, signed_in
from treatments import pubmed
from treatments.admin.evidence import FILL, SWITCHED_OFF
from treatments.models import Source

pytestmark = pytest.mark.django_db

LOOKUP = "/admin/treatments/source/pubmed/"
ADD = "/admin/treatments/source/add/"
SIGTERMANS = "19604642"  # in the bundled content as sigtermans-2009
SIGTERMANS_AUTHORS = (
    "Sigtermans MJ, van Hilten JJ, Bauer MCR, Arbous MS, Marinus J, Sarton EY, et al."
)


def looked_up(client, typed: str) -> dict:
    response = client.get(LOOKUP, {"pmid": typed})
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/json"
    return response.json()


def messages_on(html: str) -> list[str]:
    return texts_of(parse(html), "//ul[contains(@class, 'messagelist')]/li")


# What PubMed's answer gives


def test_the_recorded_answer_reads_as_the_bundled_source_has_it(content):
    paper = pubmed.read_summary(recorded_answer(SIGTERMANS), SIGTERMANS)
    bundled = Source.objects.get(pmid=SIGTERMANS)
    assert paper.title == bundled.title  # PubMed's full stop at the end is dropped
    assert paper.authors == SIGTERMANS_AUTHORS  # six names, then "et al."
    assert paper.authors.startswith(bundled.authors.removesuffix(", et al."))
    assert paper.year == str(bundled.year)
    assert paper.doi == bundled.doi
    assert bundled.publisher.startswith(paper.publisher)


@pytest.mark.parametrize(
    "answer",
    [
        None,
        [],
        {"result": []},
        {"result": {"uids": [SIGTERMANS]}},
        {"result": {SIGTERMANS: "not a record"}},
        {"result": {SIGTERMANS: {"uid": SIGTERMANS, "title": ""}}},
        {"esummaryresult": [f"Invalid uid {SIGTERMANS} at position=0"]},
    ],
    ids=["null", "a list", "result a list", "no record", "record a string", "no title", "invalid"],
)
def test_an_answer_without_the_paper_says_pubmed_has_no_such_paper(answer):
    with pytest.raises(pubmed.NotInPubMed, match=f"PubMed has no paper with the ID {SIGTERMANS}"):
        pubmed.read_summary(answer, SIGTERMANS)


def test_markup_in_a_title_is_dropped_and_authors_fit_the_box():
    record = {
        "title": "<i>In vivo</i> effects &amp; costs.",
        "authors": [{"name": "A" * 60 + f" {n}", "authtype": "Author"} for n in range(6)],
        "fulljournalname": "A journal",
        "pubdate": "2019 Winter",
    }
    paper = pubmed.read_summary({"result": {"1": record}}, "1")
    assert paper.title == "In vivo effects & costs"
    assert len(paper.authors) <= Source._meta.get_field("authors").max_length
    assert paper.authors.endswith(", et al.") and paper.authors.startswith("A" * 60 + " 0")
    assert paper.year == "2019"


# The lookup editors' pages ask


def test_the_lookup_gives_the_papers_details_and_names_this_tool_to_ncbi(
    editor_client, recorded_pubmed, settings
):
    settings.PUBMED_EMAIL = "content-team@example.org"
    found = looked_up(editor_client, f"PMID: {SIGTERMANS}")  # pasted as PubMed shows it
    assert found == {
        "fields": {
            "title": "Ketamine produces effective and long-term pain relief in patients with "
            "Complex Regional Pain Syndrome Type 1",
            "authors": SIGTERMANS_AUTHORS,
            "publisher": "Pain",
            "year": "2009",
            "doi": "10.1016/j.pain.2009.06.023",
        },
        "message": "",
    }
    assert recorded_pubmed.asked == [
        {
            "db": "pubmed",
            "id": SIGTERMANS,
            "retmode": "json",
            "tool": "decisionaid",
            "email": "content-team@example.org",
        }
    ]


def test_no_email_is_sent_to_ncbi_unless_a_setting_gives_one(editor_client, recorded_pubmed):
    looked_up(editor_client, SIGTERMANS)
    assert "email" not in recorded_pubmed.asked[0]


def test_the_lookup_costs_only_the_sign_in_queries(
    editor_client, recorded_pubmed, django_assert_num_queries
):
    # The session, the user, and the user's own and groups' permissions: nothing else.
    with django_assert_num_queries(4):
        looked_up(editor_client, SIGTERMANS)


def test_an_unknown_pmid_says_so_and_what_to_do(editor_client, recorded_pubmed):
    assert looked_up(editor_client, "40000001") == {
        "fields": {},
        "message": "PubMed has no paper with the ID 40000001. Check the number against the "
        "paper, or type the details in yourself.",
    }


def test_no_pmid_asks_for_one_without_asking_pubmed(editor_client, recorded_pubmed):
    for typed in ["", "not a number", "PMID:"]:
        assert looked_up(editor_client, typed)["message"].startswith("Enter the PubMed ID first")
    assert recorded_pubmed.asked == []


def test_pubmed_too_slow_says_so_and_is_no_error_page(editor_client):
    with mock.patch("treatments.pubmed.requests.get", side_effect=requests.Timeout) as get:
        found = looked_up(editor_client, SIGTERMANS)
    assert found == {
        "fields": {},
        "message": "PubMed did not answer within 5 seconds. Try again in a minute, or type the "
        "details in yourself.",
    }
    assert get.call_args.kwargs["timeout"] == pubmed.TIMEOUT_SECONDS


def test_pubmed_out_of_reach_says_so_and_is_no_error_page(editor_client):
    # The tests' settings point the lookup at a closed loopback port: a real refused connection.
    assert looked_up(editor_client, SIGTERMANS)["message"] == (
        "PubMed could not be reached from this server just now. Try again in a minute, or type "
        "the details in yourself."
    )


@pytest.mark.parametrize("status", [200, 502, 503])
def test_a_failing_pubmed_reads_as_out_of_reach(editor_client, recorded_pubmed, status):
    recorded_pubmed.outage = (status, "<html><body>Service unavailable</body></html>")
    assert "could not be reached" in looked_up(editor_client, SIGTERMANS)["message"]
    assert len(recorded_pubmed.asked) == 1


# Who may ask


def test_only_signed_in_staff_can_ask(client, db, recorded_pubmed):
    visitor = make_staff("visitor")
    visitor.is_staff = False
    visitor.save()
    for who in [client, signed_in(visitor)]:
        response = who.get(LOOKUP, {"pmid": SIGTERMANS})
        assert response.status_code == 302
        assert response.headers["Location"].startswith("/admin/login/")
    assert recorded_pubmed.asked == []


def test_staff_who_may_not_change_sources_cannot_ask(db, recorded_pubmed):
    response = signed_in(make_staff("reader")).get(LOOKUP, {"pmid": SIGTERMANS})
    assert response.status_code == 403
    assert recorded_pubmed.asked == []


@override_settings(STAFF_REQUIRE_2FA=True)
def test_with_two_factors_a_session_without_a_code_cannot_ask(editor_client, recorded_pubmed):
    response = editor_client.get(LOOKUP, {"pmid": SIGTERMANS})
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/admin/login/")
    assert recorded_pubmed.asked == []


def test_switched_off_there_is_no_button_and_no_lookup(editor_client, recorded_pubmed, settings):
    assert f'name="{FILL}"' in editor_client.get(ADD).content.decode()
    settings.PUBMED_LOOKUP = False
    assert f'name="{FILL}"' not in editor_client.get(ADD).content.decode()
    # A page opened before it was switched off, with JavaScript: the answer says why.
    answer = editor_client.get(LOOKUP, {"pmid": SIGTERMANS})
    assert (answer.status_code, answer.json()["message"]) == (200, SWITCHED_OFF)
    assert answer.json()["fields"] == {}
    # Without JavaScript: the form comes back as typed, saying why.
    filled = editor_client.post(ADD, {"title": "Typed", "pmid": SIGTERMANS, FILL: "1"})
    html = filled.content.decode()
    assert messages_on(html) == [
        "Looking papers up in PubMed is switched off on this server: type the details in yourself."
    ]
    assert form_data(html, "source_form")["title"] == ["Typed"]
    assert recorded_pubmed.asked == []


# Without JavaScript: the button posts the form, which comes back filled in


def test_without_javascript_the_form_comes_back_filled_keeping_what_was_typed(
    editor_client, recorded_pubmed
):
    typed = {
        "slug": "sigtermans-2009",
        "pmid": f"PMID: {SIGTERMANS}",
        "publisher": "Pain (journal)",
    }
    response = editor_client.post(ADD, {**typed, "kind": "randomised_trial", FILL: "1"})
    html = response.content.decode()
    assert response.status_code == 200
    assert not Source.objects.exists(), "nothing is saved until the editor saves"
    assert messages_on(html) == [
        "Filled in from PubMed: Title, Authors, Year, DOI. Kept as you typed: Publisher (PubMed "
        "has “Pain”). Check each against the paper. Nothing is saved until you save."
    ]
    assert not texts_of(parse(html), "//p[contains(@class, 'errornote')]"), "no errors yet"
    data = form_data(html, "source_form")
    assert data["title"] == [
        "Ketamine produces effective and long-term pain relief in patients with Complex "
        "Regional Pain Syndrome Type 1"
    ]
    assert data["authors"] == [SIGTERMANS_AUTHORS]
    assert (data["year"], data["doi"]) == (["2009"], ["10.1016/j.pain.2009.06.023"])
    assert (data["publisher"], data["slug"]) == (["Pain (journal)"], ["sigtermans-2009"])
    assert data["kind"] == ["randomised_trial"]
    assert data["pmid"] == [SIGTERMANS], "the pasted prefix is taken off, as a save would"

    # Saved as it came back.
    assert editor_client.post(ADD, {**data, "_save": "Save"}).status_code == 302
    source = Source.objects.get(slug="sigtermans-2009")
    assert (source.pmid, source.year, source.publisher) == (SIGTERMANS, 2009, "Pain (journal)")


def test_without_javascript_an_unknown_pmid_says_so_and_keeps_the_form(
    editor_client, recorded_pubmed
):
    response = editor_client.post(ADD, {"title": "Typed by hand", "pmid": "40000001", FILL: "1"})
    html = response.content.decode()
    assert messages_on(html) == [
        "PubMed has no paper with the ID 40000001. Check the number against the paper, or type "
        "the details in yourself."
    ]
    assert form_data(html, "source_form")["title"] == ["Typed by hand"]


def test_without_javascript_filling_a_saved_source_keeps_the_stale_copy_check(
    editor_client, recorded_pubmed, factory
):
    source = factory.make_source(pmid=SIGTERMANS, title="Typed title", authors="")
    change = f"/admin/treatments/source/{source.pk}/change/"
    opened = form_data(editor_client.get(change).content.decode(), "source_form")
    filled = form_data(
        editor_client.post(change, {**opened, FILL: "1"}).content.decode(), "source_form"
    )
    assert filled["authors"] == [SIGTERMANS_AUTHORS]
    assert filled["title"] == ["Typed title"]
    assert filled["edit_token"] == opened["edit_token"], "the fingerprint of the page as opened"

    Source.objects.filter(pk=source.pk).update(authors="Someone else's change")
    refused = editor_client.post(change, {**filled, "_save": "Save"})
    assert refused.status_code == 200, "a change saved since the page opened is not overwritten"
    source.refresh_from_db()
    assert source.authors == "Someone else's change"


def test_the_button_sits_after_the_pubmed_id_and_names_where_it_speaks(editor_client):
    page = parse(editor_client.get(ADD).content.decode())
    button = first(page, f"//input[@name='pmid']/following-sibling::button[@name='{FILL}']")
    assert button.text == "Fill in from PubMed"
    assert button.get("data-pubmed-url") == LOOKUP
    status = first(page, f"//*[@id='{button.get('aria-controls')}']")
    assert status.get("role") == "status"
