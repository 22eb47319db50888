"""Editing in the admin: one reading grade, an option page that fits, no silent overwrites,
pickers that say what they pick, and content that web addresses depend on kept in place."""

import datetime

import pytest
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError

from tests.html import first, form_data, links, parse
from tests.users import FormClient, make_staff, signed_in
from treatments.models import Choice, Claim, Consideration, Option, Source, Study, Term
from treatments.readability import reading_grade
from treatments.writing import too_hard

pytestmark = pytest.mark.django_db

GLOSSARY_SENTENCES = (
    "Intravenous immunoglobulin is given through a drip. Sympathectomy cuts a nerve chain."
)
HARD = (
    "Intravenous administration necessitates continuous cardiovascular monitoring. "
    "Contraindications encompass uncontrolled hypertension and cardiovascular instability."
)


@pytest.fixture
def ada(editors_group) -> FormClient:
    return signed_in(make_staff("ada", editors_group, first_name="Ada", last_name="Lovelace"))


@pytest.fixture
def grace(editors_group) -> FormClient:
    return signed_in(make_staff("grace", editors_group, first_name="Grace", last_name="Hopper"))


def change_url(obj) -> str:
    return f"/admin/treatments/{obj._meta.model_name}/{obj.pk}/change/"


def opened(client, obj) -> dict[str, list[str]]:
    """The change form as the editor's browser would send it back, unchanged."""
    response = client.get(change_url(obj))
    assert response.status_code == 200
    return form_data(response.content.decode(), f"{obj._meta.model_name}_form")


def save(client, obj, data: dict, **changes):
    return client.post(change_url(obj), {**data, **changes, "_continue": "Save"})


def refused(response) -> str:
    assert response.status_code == 200, "a refused save shows the form again"
    return response.content.decode()


# One reading grade everywhere


def test_a_text_under_two_sentences_is_too_short_to_grade():
    grade = reading_grade("Intravenous administration necessitates continuous monitoring.")
    assert grade.value is None
    assert grade.note == "Too short to grade (under two sentences)."
    assert reading_grade("").note == ""


def test_glossary_words_are_listed_and_counted_in_the_grade():
    glossary = ["Intravenous", "Immunoglobulin", "Sympathectomy"]
    with_terms = reading_grade(GLOSSARY_SENTENCES, glossary)
    assert with_terms.value == reading_grade(GLOSSARY_SENTENCES).value  # not hidden from it
    assert with_terms.value > 8
    assert with_terms.glossary == ("Immunoglobulin", "Intravenous", "Sympathectomy")
    assert with_terms.without_glossary <= 8 and with_terms.plain
    assert "Explained in the glossary: Immunoglobulin, Intravenous, Sympathectomy." in (
        with_terms.note
    )


def test_the_live_aid_the_page_and_the_content_rule_give_the_same_grade(ada, factory):
    Term.objects.create(slug="iv", term="Intravenous", definition="Into a vein. Through a drip.")
    Term.objects.create(slug="ivig", term="Immunoglobulin", definition="Antibodies. From blood.")
    Term.objects.create(slug="symp", term="Sympathectomy", definition="An operation. It cuts.")
    option = factory.make_option(summary=GLOSSARY_SENTENCES)
    expected = reading_grade(GLOSSARY_SENTENCES, ["Intravenous", "Immunoglobulin", "Sympathectomy"])

    live = ada.post("/admin/treatments/option/reading-grade/", {"text": GLOSSARY_SENTENCES})
    assert live.json()["note"] == expected.note
    assert live.json()["grade"] == expected.value

    page = ada.get(change_url(option))
    assert page.context["adminform"].form["summary"]  # the box is on the page
    assert f'id="id_summary_grade" aria-live="polite">{expected.note}</p>' in (
        page.content.decode().replace("&#x27;", "'")
    )
    assert too_hard([("summary", GLOSSARY_SENTENCES)], expected.glossary) == []


def test_the_grade_under_a_hard_text_asks_for_shorter_sentences(ada, factory):
    option = factory.make_option(summary=HARD)
    html = ada.get(change_url(option)).content.decode()
    assert "try shorter sentences and words" in html
    assert 'class="grade-note grade--high" id="id_summary_grade"' in html


# A page an editor can work in


def test_the_long_groups_are_linked_with_their_counts_not_inline(ada, factory):
    option = factory.make_option()
    for _ in range(3):
        factory.make_study(option)
    response = ada.get(change_url(option))
    html = response.content.decode()
    prefixes = {f.formset.prefix for f in response.context["inline_admin_formsets"]}
    assert prefixes == {"claims", "regions", "costs"}
    found = dict((text, href) for href, text in links(html))
    assert found["Studies (3)"] == f"/admin/treatments/study/?option__id__exact={option.pk}"
    assert found["Considerations (0)"].endswith(f"?option__id__exact={option.pk}")
    add = found["Add a study"]
    assert add.startswith("/admin/treatments/study/add/?option=")

    # The add page comes with the option filled in, and the list shows this option's rows only.
    form = ada.get(add).context["adminform"].form
    assert str(form["option"].value()) == str(option.pk)
    other = factory.make_option()
    factory.make_study(other)
    listed = ada.get(found["Studies (3)"]).context["cl"].result_list
    assert {study.option_id for study in listed} == {option.pk}


def test_save_is_at_the_top_and_the_bottom_with_a_contents_list(ada, factory):
    option = factory.make_option()
    html = ada.get(change_url(option)).content.decode()
    assert html.count('name="_save"') == 2
    anchors = [href for href, _ in links(html) if href.startswith("#")]
    for anchor in ["#claims-heading", "#regions-heading", "#costs-heading", "#elsewhere-heading"]:
        assert anchor in anchors
        assert f'id="{anchor[1:]}"' in html
    assert "#fieldset-0-2-heading" in anchors  # "The option"


def test_a_claims_numbers_are_shown_and_edited_on_its_own_page(ada, factory):
    option = factory.make_option()
    claim = factory.make_claim(option)
    Claim.objects.filter(pk=claim.pk).update(
        frequency_count=3, frequency_total=10, frequency_group="people", frequency_timeframe="a"
    )
    html = ada.get(change_url(option)).content.decode()
    assert "3 of 10 people, a" in html
    assert change_url(claim) in html


# No silent overwrites


def test_a_stale_copy_of_an_option_is_refused_naming_who_changed_it(ada, grace, factory):
    option = factory.make_option(summary="The first summary. It is short.")
    adas = opened(ada, option)
    graces = opened(grace, option)

    assert save(grace, option, graces, how_given="Grace's way. By drip.").status_code == 302

    html = refused(save(ada, option, adas, summary="Ada's summary. Also short."))
    assert "Grace Hopper changed this option" in html
    assert "“How it is given”" in html
    assert "Nothing was saved." in html
    option.refresh_from_db()
    assert option.summary == "The first summary. It is short."
    assert option.how_given == "Grace's way. By drip."
    # Ada's words are still in the form, and Grace's change is now in it too.
    again = form_data(html, "option_form")
    assert again["summary"] == ["Ada's summary. Also short."]
    assert again["how_given"] == ["Grace's way. By drip."]

    # Saving what the form now shows keeps both.
    assert save(ada, option, again).status_code == 302
    option.refresh_from_db()
    assert option.summary == "Ada's summary. Also short."
    assert option.how_given == "Grace's way. By drip."


def test_when_both_change_the_same_text_the_other_version_is_shown_beside_it(ada, grace, factory):
    option = factory.make_option()
    adas = opened(ada, option)
    save(grace, option, opened(grace, option), summary="Grace's words. Short ones.")
    html = refused(save(ada, option, adas, summary="Ada's words. Also short."))
    assert "Grace Hopper changed this to: “Grace's words. Short ones.”" in html.replace(
        "&#x27;", "'"
    )
    assert form_data(html, "option_form")["summary"] == ["Ada's words. Also short."]


def test_a_stale_inline_row_is_refused_and_the_newer_row_is_not_overwritten(ada, grace, factory):
    option = factory.make_option()
    claim = factory.make_claim(option, text="The old claim. It is short.")
    adas = opened(ada, option)
    graces = opened(grace, option)
    assert save(grace, option, graces, **{"claims-0-text": "Grace's claim. Short."}).status_code
    claim.refresh_from_db()
    assert claim.text == "Grace's claim. Short."

    # Ada changed only the option; her page still holds the old claim text.
    html = refused(save(ada, option, adas, summary="Ada's summary. Short."))
    assert "Grace Hopper changed this claim" in html
    claim.refresh_from_db()
    assert claim.text == "Grace's claim. Short."
    again = form_data(html, "option_form")
    assert again["claims-0-text"] == ["Grace's claim. Short."]
    assert again["summary"] == ["Ada's summary. Short."]
    assert save(ada, option, again).status_code == 302
    claim.refresh_from_db()
    option.refresh_from_db()
    assert (claim.text, option.summary) == ("Grace's claim. Short.", "Ada's summary. Short.")


def test_a_row_deleted_by_someone_else_is_refused_with_a_message(ada, grace, factory):
    option = factory.make_option()
    factory.make_claim(option, text="A claim. It goes.")
    adas = opened(ada, option)
    graces = opened(grace, option)
    assert save(grace, option, graces, **{"claims-0-DELETE": "on"}).status_code == 302
    html = refused(save(ada, option, adas, **{"claims-0-text": "Ada's edit. Short."}))
    assert "Grace Hopper deleted this claim" in html
    assert not Claim.objects.filter(option=option).exists()


def test_deleting_a_ready_options_only_harm_asks_before_it_saves(ada, factory):
    option = factory.make_option(ready=True, name="Mirror therapy")
    data = opened(ada, option)
    harm = next(n for n, v in data.items() if n.endswith("-kind") and v == [Claim.Kind.HARM])
    delete_harm = {harm.replace("-kind", "-DELETE"): "on"}

    html = refused(save(ada, option, data, **delete_harm, summary="New words. Short."))
    warning = (
        "Nothing was saved. This would leave “Mirror therapy” with no harm, so it would go back "
        "to draft and leave the next version: patients would no longer see it once a publisher "
        "publishes. Add another harm first, or choose “Save anyway, as a draft”."
    )
    page = parse(html)
    top = first(page, "//ul[contains(@class, 'messagelist')]")
    assert warning in top.text_content()
    button = first(top, ".//button")
    assert (button.get("form"), button.get("name")) == ("option_form", "_leave_next_version")
    option.refresh_from_db()
    assert option.is_ready and option.harms and option.summary != "New words. Short."
    # The editor's changes wait on the page.
    again = form_data(html, "option_form")
    assert again["summary"] == ["New words. Short."]

    response = save(ada, option, again, _leave_next_version="1")
    assert response.status_code == 302
    assert response.headers["Location"] == change_url(option)
    option = Option.objects.get(pk=option.pk)
    assert not option.is_ready and not option.harms and option.summary == "New words. Short."
    said = parse(ada.get(change_url(option)).content.decode())
    told = first(said, "//ul[contains(@class, 'messagelist')]").text_content()
    assert "went back to draft" in told and "Add at least one harm or side effect." in told
    assert "without one" not in told


def test_deleting_one_of_two_harms_saves_at_once(ada, factory):
    option = factory.make_option(ready=True)
    factory.make_claim(option, kind=Claim.Kind.HARM, text="Another harm. Short.")
    data = opened(ada, option)
    harm = next(n for n, v in data.items() if n.endswith("-kind") and v == [Claim.Kind.HARM])
    assert save(ada, option, data, **{harm.replace("-kind", "-DELETE"): "on"}).status_code == 302
    option = Option.objects.get(pk=option.pk)
    assert option.is_ready and len(option.harms) == 1


def test_a_stale_copy_on_a_rows_own_page_is_refused(ada, grace, factory):
    study = factory.make_study(factory.make_option(), found="Less pain.")
    adas = opened(ada, study)
    assert save(grace, study, opened(grace, study), found="Grace found more.").status_code == 302
    html = refused(save(ada, study, adas, duration="12 weeks"))
    assert "Grace Hopper changed this study" in html
    study.refresh_from_db()
    assert (study.found, study.duration) == ("Grace found more.", "6 weeks")


def test_an_earlier_version_can_still_be_restored(ada, factory):
    option = factory.make_option(summary="The first words. Short ones.")
    first = option.history.earliest()
    save(ada, option, opened(ada, option), summary="Later words. Short too.")
    url = f"/admin/treatments/option/{option.pk}/history/{first.history_id}/"
    data = form_data(ada.get(url).content.decode(), "historicaloption_form")
    assert data["summary"] == ["The first words. Short ones."]
    assert ada.post(url, data).status_code == 302
    option.refresh_from_db()
    assert option.summary == "The first words. Short ones."


def test_an_unchanged_page_saves_as_usual(ada, factory):
    option = factory.make_option()
    factory.make_claim(option)
    data = opened(ada, option)
    assert save(ada, option, data, summary="New words. Still short.").status_code == 302
    option.refresh_from_db()
    assert option.summary == "New words. Still short."


# Pickers that say what they pick


def test_a_choice_reads_as_its_question_and_answer(ada, factory):
    question = factory.make_question(short_label="Pregnancy", choices=["yes", "no"])
    yes = question.choices.get(slug="yes")
    assert str(yes) == "Pregnancy: Yes"
    response = ada.get(
        "/admin/autocomplete/",
        {
            "term": "Preg",
            "app_label": "treatments",
            "model_name": "consideration",
            "field_name": "choice",
        },
    )
    assert {r["text"] for r in response.json()["results"]} == {"Pregnancy: Yes", "Pregnancy: No"}


def test_a_source_reads_as_lead_author_year_title_and_pmid(factory):
    source = factory.make_source(
        authors="Sigtermans MJ, van Hilten JJ, et al.",
        year=2009,
        title="Ketamine produces effective and long-term pain relief in patients with CRPS",
        pmid="19615823",
    )
    assert str(source) == (
        "Sigtermans MJ et al., 2009: Ketamine produces effective and long-term… (PMID 19615823)"
    )


def source_form(**fields) -> dict:
    return {
        "slug": "a-source",
        "title": "A trial",
        "publisher": "A journal",
        "kind": "randomised_trial",
        **fields,
    }


def test_pubmed_ids_and_dois_are_kept_without_their_prefixes(ada):
    response = ada.post(
        "/admin/treatments/source/add/",
        source_form(pmid="PMID: 19615823", doi="https://doi.org/10.1016/j.pain.2009.05.022"),
    )
    assert response.status_code == 302
    source = Source.objects.get(slug="a-source")
    assert (source.pmid, source.doi) == ("19615823", "10.1016/j.pain.2009.05.022")
    source.pmid, source.doi = "PMID 123", "doi: 10.1/x"
    source.full_clean()
    assert (source.pmid, source.doi) == ("123", "10.1/x")


@pytest.mark.parametrize(
    ("pasted", "kept"),
    [
        ({"pmid": "PMID: 40000001"}, ("40000001", "")),
        ({"pmid": "pmid 40000001"}, ("40000001", "")),
        ({"pmid": "https://pubmed.ncbi.nlm.nih.gov/40000001/"}, ("40000001", "")),
        ({"pmid": "https://pubmed.ncbi.nlm.nih.gov/40000001/?from_term=crps"}, ("40000001", "")),
        ({"doi": "doi:10.1016/j.pain.2009.05.022"}, ("", "10.1016/j.pain.2009.05.022")),
        ({"doi": "https://doi.org/10.1016/j.pain.2009.05.022"}, ("", "10.1016/j.pain.2009.05.022")),
    ],
)
def test_a_pasted_identifier_is_saved_whole(ada, pasted, kept):
    form = ada.get("/admin/treatments/source/add/").content.decode()
    for name in ("pmid", "doi"):
        box = first(parse(form), f"//input[@name='{name}']")
        assert "maxlength" not in box.attrib, "the browser would cut a paste short"
    assert ada.post("/admin/treatments/source/add/", source_form(**pasted)).status_code == 302
    source = Source.objects.get(slug="a-source")
    assert (source.pmid, source.doi) == kept


def test_a_second_source_with_the_same_pmid_or_doi_is_refused_naming_the_first(ada, factory):
    first = factory.make_source(pmid="19615823", doi="10.1016/J.PAIN.1")
    html = ada.post(
        "/admin/treatments/source/add/", source_form(pmid="PMID 19615823", doi="10.1016/j.pain.1")
    ).content.decode()
    assert "This PubMed ID is already in the sources as" in html
    assert "This DOI is already in the sources as" in html
    assert first.title in html
    assert not Source.objects.filter(slug="a-source").exists()


def test_the_database_holds_one_source_per_pmid_and_doi_but_many_without(factory):
    factory.make_source(pmid="", doi="")
    factory.make_source(pmid="", doi="")  # blanks never clash
    factory.make_source(pmid="111", doi="10.1/abc")
    with pytest.raises(IntegrityError), transaction.atomic():
        factory.make_source(pmid="111")
    with pytest.raises(IntegrityError), transaction.atomic():
        factory.make_source(pmid="", doi="10.1/ABC")


# Content that others depend on stays


def test_a_choice_a_consideration_uses_cannot_be_deleted(ada, factory):
    question = factory.make_question(short_label="Pregnancy", choices=["yes", "no"])
    yes = question.choices.get(slug="yes")
    factory.make_consideration(yes, factory.make_option(name="Ketamine"))
    response = ada.post(f"/admin/treatments/choice/{yes.pk}/delete/", {"post": "yes"}, follow=True)
    html = response.content.decode()
    assert "“Pregnancy: Yes” cannot be deleted: it raises a consideration on Ketamine." in html
    assert Choice.objects.filter(pk=yes.pk).exists()
    with pytest.raises(ProtectedError):
        yes.delete()
    # Nor from its question's page.
    data = opened(ada, question)
    row = next(k for k, v in data.items() if k.endswith("-id") and v == [str(yes.pk)])
    html = refused(save(ada, question, data, **{row.replace("-id", "-DELETE"): "on"}))
    assert "protected" in html
    assert Consideration.objects.filter(choice=yes).exists()


def test_a_slug_is_fixed_once_saved(ada, factory):
    option = factory.make_option(slug="ketamine")
    response = ada.get(change_url(option))
    assert response.context["adminform"].form.fields["slug"].disabled
    data = opened(ada, option)
    assert "slug" not in data  # a disabled field is not sent
    assert save(ada, option, data, slug="renamed").status_code == 302
    option.refresh_from_db()
    assert option.slug == "ketamine"

    option.slug = "renamed"
    with pytest.raises(Exception, match="cannot change once saved"):
        option.full_clean()
    question = factory.make_question()
    choice = question.choices.first()
    choice.slug = "another"
    with pytest.raises(Exception, match="It stays"):
        choice.full_clean()


def test_a_new_rows_slug_can_still_be_typed(ada, factory):
    question = factory.make_question(choices=["yes"])
    data = opened(ada, question)
    assert "choices-0-slug" not in data
    data.update(
        {
            "choices-TOTAL_FORMS": ["2"],
            "choices-1-label": ["Maybe"],
            "choices-1-slug": ["maybe"],
            "choices-1-order": ["1"],
        }
    )
    assert save(ada, question, data).status_code == 302
    assert question.choices.filter(slug="maybe").exists()


def test_editors_can_edit_value_ratings_on_their_own_page(ada, factory):
    option = factory.make_option()
    rating = factory.make_value_rating(factory.make_value(), option)
    assert ada.get(f"/admin/treatments/valuerating/?option__id__exact={option.pk}").status_code == (
        200
    )
    assert save(ada, rating, opened(ada, rating), text="Does this well.").status_code == 302
    rating.refresh_from_db()
    assert rating.text == "Does this well."
    assert Study.objects.count() == 0 and Option.objects.count() == 1


def test_a_review_date_on_or_before_the_last_review_is_refused_keeping_every_edit(ada, factory):
    option = factory.make_option()
    option.mark_reviewed(by="Grace", on=datetime.date(2026, 6, 1))
    data = opened(ada, option)
    response = save(ada, option, data, next_review_due="2026-06-01", summary="New words. Short.")
    html = refused(response)
    assert "Choose a date after the last review (1 June 2026)." in html
    assert form_data(html, "option_form")["summary"] == ["New words. Short."]
    option.refresh_from_db()
    assert option.next_review_due == datetime.date(2027, 6, 1)


# The option page's queries


def test_the_largest_options_page_takes_at_most_20_queries(
    ada, content, django_assert_max_num_queries
):
    from tests.browser.test_admin_editing import largest_option

    option = largest_option()
    assert ada.get(change_url(option)).status_code == 200  # the version is read once a process
    with django_assert_max_num_queries(20):
        response = ada.get(change_url(option))
    assert response.status_code == 200


def test_every_picker_names_the_sources_its_row_cites(ada, factory):
    option = factory.make_option(ready=True)
    sources = [factory.make_source(slug=slug) for slug in ["b-trial", "a-review", "c-guide"]]
    claim = factory.make_claim(option, sources=sources)
    factory.make_cost(option, source=sources[2])
    option.certainty_sources.set([sources[1]])
    page = parse(ada.get(change_url(option)).content.decode())
    claims = [c.pk for c in option.claims.all()]
    row = claims.index(claim.pk)

    def chosen(name: str) -> list[str]:
        return [o.text for o in page.xpath(f"//select[@name='{name}']/option[@selected]")]

    # In the order the database gives them: by short name.
    assert chosen(f"claims-{row}-sources") == [
        s.picker_label() for s in [sources[1], sources[0], sources[2]]
    ]
    assert chosen("costs-0-source") == [sources[2].picker_label()]
    assert chosen("certainty_sources") == [sources[1].picker_label()]


def test_pickers_tell_two_sources_of_one_title_apart(ada, factory):
    title = "Stellate ganglion block for complex regional pain syndrome: a randomised trial"
    one = factory.make_source(
        title=title,
        authors="Aziz A, Brown B",
        publisher="Pain Medicine",
        year=2019,
        pmid="31000001",
    )
    two = factory.make_source(
        title=title, authors="Chen C", publisher="Regional Anesthesia", year=2021, pmid=""
    )
    option = factory.make_option(ready=True)
    claim = factory.make_claim(option, sources=[one, two])
    row = [c.pk for c in option.claims.all()].index(claim.pk)
    labels = [
        f"Aziz A et al., 2019, Pain Medicine: {title} (PMID 31000001)",
        f"Chen C, 2021, Regional Anesthesia: {title}",
    ]

    page = parse(ada.get(change_url(option)).content.decode())
    chips = page.xpath(f"//select[@name='claims-{row}-sources']/option[@selected]")
    assert sorted(o.text for o in chips) == labels

    response = ada.get(
        "/admin/autocomplete/",
        {
            "app_label": "treatments",
            "model_name": "claim",
            "field_name": "sources",
            "term": "Stellate",
        },
    )
    assert response.status_code == 200
    assert sorted(r["text"] for r in response.json()["results"]) == labels


def test_an_editor_who_may_only_add_claims_sees_none_of_the_options_claims(factory):
    from django.contrib.auth.models import Permission

    option = factory.make_option(ready=True)
    user = make_staff("newcomer")
    user.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_option", "change_option", "add_claim"])
    )
    data = opened(signed_in(user), option)
    assert data["claims-INITIAL_FORMS"] == ["0"]
    assert not any(name.endswith("-text") and name.startswith("claims-0") for name in data)
