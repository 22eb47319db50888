"""The bundled CRPS content: loads cleanly, round-trips, and meets the aid's own rules."""

import re

import pytest
from django.apps import apps
from django.core.management import call_command

from tests.database import rows_of
from treatments.content import bundled_fixtures
from treatments.models import (
    Claim,
    Consideration,
    Option,
    Question,
    Source,
    Study,
    Value,
)
from treatments.writing import (
    certainty_problems,
    glossary_terms,
    headline_problems,
    option_report,
    patient_texts,
    site_texts,
    too_hard,
)

pytestmark = pytest.mark.django_db

CONTENT_MODELS = [
    model
    for model in apps.get_app_config("treatments").get_models()
    if not model._meta.model_name.startswith("historical")
]
MARKETING = re.compile(r"\b(breakthrough|miracle|cure[sd]?|reset[s]?|revolutionary)\b|!", re.I)


def published():
    return list(Option.objects.ready().with_content())


def test_the_bundled_content_is_there(content):
    assert len(bundled_fixtures()) >= 2
    assert Option.objects.ready().count() >= 20
    assert Option.objects.filter(category=Option.Category.CURRENT_CARE).exists()


def test_loading_the_bundled_content_twice_changes_nothing(content):
    first = rows_of(CONTENT_MODELS)
    call_command("load_content", force=True, verbosity=0)
    assert rows_of(CONTENT_MODELS) == first


def test_load_content_leaves_an_edited_database_alone(content):
    option = Option.objects.first()
    option.name = "Edited by an editor"
    option.save()
    call_command("load_content", verbosity=0)
    option.refresh_from_db()
    assert option.name == "Edited by an editor"


def test_every_published_option_meets_the_publication_rules(content):
    for option in published():
        assert option.publication_problems() == [], option.slug


def test_every_option_has_a_main_benefit_and_a_main_harm_and_a_limitation(content):
    for option in published():
        assert any(c.is_main for c in option.benefits), option.slug
        assert any(c.is_main for c in option.harms), option.slug
        assert option.limitations, option.slug


def test_every_option_has_a_review_date_and_a_next_review(content):
    for option in published():
        assert option.last_reviewed_on is not None, option.slug
        assert option.next_review_due > option.last_reviewed_on, option.slug


def test_every_option_says_how_it_does_on_every_value(content):
    values = set(Value.objects.values_list("slug", flat=True))
    assert len(values) >= 6
    for option in published():
        rated = {rating.value.slug for rating in option.value_ratings.all()}
        assert rated == values, option.slug


def test_frequencies_carry_their_group_and_time_frame(content):
    for claim in Claim.objects.filter(frequency_total__isnull=False):
        assert claim.frequency_group.strip(), claim.text
        assert claim.frequency_timeframe.strip(), claim.text


def test_every_health_question_offers_none_and_not_sure(content):
    for question in Question.objects.filter(page__about_health=True):
        assert question.choices.filter(slug="not-sure", unsure=True).exists(), question.slug
        if question.kind == Question.Kind.MANY:
            assert question.choices.filter(exclusive=True).exists(), question.slug


def test_considerations_are_worded_as_things_to_discuss(content):
    considerations = Consideration.objects.all()
    assert considerations.count() >= 10
    for consideration in considerations:
        assert "discuss" in consideration.text.lower(), consideration.text


def test_health_answers_raise_considerations(content):
    for question, choice in [
        ("conditions", "pregnant"),
        ("conditions", "dental"),
        ("conditions", "psychosis-bipolar"),
        ("medicines", "blood-thinner"),
    ]:
        assert Consideration.objects.filter(
            choice__question__slug=question, choice__slug=choice, option__status="published"
        ).exists(), choice


def test_sources_with_a_seller_behind_them_declare_it(content):
    sellers = Source.objects.filter(kind=Source.Kind.CLINIC_WEBSITE)
    assert sellers.exists()
    for source in sellers:
        assert source.interest, source.slug


def report(failures: list[str]) -> str:
    return f"{len(failures)} to fix:\n" + "\n".join(failures)


def test_every_text_of_two_sentences_or_more_is_at_or_below_grade_eight_on_its_own(content):
    # The rule is "grade 8 or below, terms explained on first use": a word the glossary explains
    # counts as plain. Editors see the same two numbers under each text box.
    terms = glossary_terms()
    failures = []
    for option in published():
        for label, grade, text in too_hard(patient_texts(option), terms):
            failures.append(f"{option.slug} | {label} | {grade.note} | {text}")
    for label, grade, text in too_hard(site_texts(), terms):
        failures.append(f"site | {label} | {grade.note} | {text}")
    assert not failures, report(failures)


def test_main_benefit_and_main_harm_come_from_the_best_evidence(content):
    failures = [
        f"{option.slug} | {problem}"
        for option in published()
        for problem in headline_problems(option)
    ]
    assert not failures, report(failures)


def test_every_certainty_says_whose_rating_it_is_and_why(content):
    failures = [
        f"{option.slug} | {problem}"
        for option in published()
        for problem in certainty_problems(option)
    ]
    assert not failures, report(failures)


def test_every_published_option_says_what_living_with_it_is_like(content):
    failures = [option.slug for option in published() if not option.living_with_it]
    assert not failures, report([f"{slug} | add a living-with-it claim" for slug in failures])


@pytest.mark.parametrize("field", ["pmid", "doi"])
def test_no_two_sources_share_a_pmid_or_doi(content, field):
    seen: dict[str, str] = {}
    failures = []
    for source in Source.objects.exclude(**{field: ""}).order_by("slug"):
        key = getattr(source, field).strip().lower()
        if key in seen:
            failures.append(f"{field} {key}: {seen[key]} and {source.slug}; keep one, reuse it")
        seen.setdefault(key, source.slug)
    assert not failures, report(failures)


def test_a_study_checked_against_the_paper_has_a_checked_source(content):
    failures = [
        f"{study.option.slug} | {study.source.slug} is marked checked, its source has no checked_on"
        for study in Study.objects.filter(
            checked_against_primary=True, source__checked_on__isnull=True
        ).select_related("option", "source")
    ]
    assert not failures, report(failures)


# The rules above must catch a broken row: each is shown failing on one here.


def test_the_plain_words_rule_measures_each_text_on_its_own(db):
    hard = (
        "Intravenous administration necessitates continuous cardiovascular monitoring. "
        "Contraindications encompass uncontrolled hypertension and cardiovascular instability."
    )
    easy = "You sit in a chair. A nurse puts a thin tube in your arm. It takes an hour."
    single = "Intravenous administration necessitates continuous cardiovascular monitoring."
    found = too_hard([("hard", hard), ("easy", easy), ("one sentence", single)])
    assert [label for label, _, _ in found] == ["hard"]
    assert too_hard([("averaged", f"{easy} {easy} {easy} {hard}")]) == []


def test_the_plain_words_rule_counts_only_glossary_words_as_plain(db):
    text = "Intravenous immunoglobulin is a drip of antibodies. Sympathectomy cuts a nerve chain."
    [(_, grade, _)] = too_hard([("terms", text)])
    assert grade.value > 8 and grade.glossary == ()
    assert too_hard([("terms", text)], ["Intravenous", "Immunoglobulin", "Sympathectomy"]) == []


def test_the_headline_rule_catches_a_main_benefit_from_weaker_evidence(factory):
    option = factory.make_option()
    series = factory.make_source(kind=Source.Kind.CASE_SERIES)
    trial = factory.make_source(kind=Source.Kind.RANDOMISED_TRIAL)
    main = factory.make_claim(option, is_main=True, sources=[series])
    factory.make_claim(option, text="In a trial, pain was no lower.", sources=[trial])
    factory.make_claim(option, kind="harm", is_main=True, sources=[series])
    option = Option.objects.with_content().get(pk=option.pk)
    [problem] = headline_problems(option)
    assert "main benefit" in problem and trial.slug in problem
    main.sources.add(trial)
    assert headline_problems(Option.objects.with_content().get(pk=option.pk)) == []


def test_editors_see_the_headline_and_certainty_rules_beside_the_option(factory):
    option = factory.make_option(certainty_basis=Option.CertaintyBasis.REVIEW)
    trial = factory.make_source(kind=Source.Kind.RANDOMISED_TRIAL)
    factory.make_claim(option, is_main=True, sources=[factory.make_source(kind="case_series")])
    factory.make_claim(option, text="In a trial, pain was no lower.", sources=[trial])
    warning = option_report(option).warning
    assert "Lead with the best evidence" in warning and "must name that review" in warning


def test_the_headline_rule_wants_one_main_harm(factory):
    option = factory.make_option()
    factory.make_claim(option, is_main=True)
    factory.make_claim(option, kind="harm")
    factory.make_claim(option, kind="harm")
    option = Option.objects.with_content().get(pk=option.pk)
    assert headline_problems(option) == ["Mark exactly one main harm (0 marked now)."]


def test_the_certainty_rule_wants_the_review_named_or_a_reason(factory):
    option = factory.make_option(certainty_basis=Option.CertaintyBasis.REVIEW)
    option.certainty_sources.set([factory.make_source(kind=Source.Kind.RANDOMISED_TRIAL)])
    assert certainty_problems(option)
    option.certainty_sources.add(factory.make_source(kind=Source.Kind.SYSTEMATIC_REVIEW))
    assert certainty_problems(option) == []
    option.certainty_basis, option.certainty_reason = Option.CertaintyBasis.AID, " "
    assert certainty_problems(option)
    option.certainty_basis = ""
    assert certainty_problems(option)


def test_our_own_words_have_no_marketing_words_or_exclamations(content):
    for option in published():
        sellers_words = {check.claim for check in option.claim_checks.all()}
        for label, text in patient_texts(option):
            if text not in sellers_words:  # a claim check reports a seller's claim
                assert not MARKETING.search(text), (option.slug, label, text)
