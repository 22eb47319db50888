"""The bundled CRPS content: loads cleanly, round-trips, and meets the aid's own rules."""

import io
import re

import pytest
from django.apps import apps
from django.core.management import call_command

from treatments.content import bundled_fixtures
from treatments.models import (
    Choice,
    Claim,
    Consideration,
    Option,
    PageSection,
    Question,
    Source,
    Term,
    Value,
)
from treatments.readability import GRADE_LIMIT, reading_grade
from treatments.writing import names_set_aside, patient_texts

pytestmark = pytest.mark.django_db

CONTENT_MODELS = [
    f"treatments.{model._meta.model_name}"
    for model in apps.get_app_config("treatments").get_models()
    if not model._meta.model_name.startswith("historical")
]
MARKETING = re.compile(r"\b(breakthrough|miracle|cure[sd]?|reset[s]?|revolutionary)\b|!", re.I)


def dump() -> str:
    out = io.StringIO()
    call_command(
        "dumpdata",
        *CONTENT_MODELS,
        natural_foreign=True,
        natural_primary=True,
        format="json",
        indent=1,
        stdout=out,
    )
    return out.getvalue()


def published():
    return list(Option.objects.published().with_content())


def test_the_bundled_content_is_there(content):
    assert len(bundled_fixtures()) >= 2
    assert Option.objects.published().count() >= 20
    assert Option.objects.filter(category=Option.Category.CURRENT_CARE).exists()


def test_loading_the_bundled_content_twice_changes_nothing(content):
    first = dump()
    call_command("load_content", force=True, verbosity=0)
    assert dump() == first


def test_load_content_leaves_an_edited_database_alone(content):
    option = Option.objects.first()
    option.name = "Edited by an editor"
    option.save()
    call_command("load_content", verbosity=0)
    option.refresh_from_db()
    assert option.name == "Edited by an editor"


def test_an_export_loaded_into_an_empty_database_gives_identical_content(content, tmp_path):
    exported = dump()
    path = tmp_path / "export.json"
    path.write_text(exported)
    for label in reversed(CONTENT_MODELS):
        apps.get_model(label).objects.all().delete()
    assert Option.objects.count() == 0
    call_command("loaddata", str(path), verbosity=0)
    assert dump() == exported


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


def test_every_health_question_offers_not_sure(content):
    for question in Question.objects.filter(step=Question.Step.HEALTH):
        assert question.choices.filter(slug="not-sure").exists(), question.slug


def test_considerations_are_worded_as_things_to_discuss(content):
    considerations = Consideration.objects.all()
    assert considerations.count() >= 10
    for consideration in considerations:
        assert "discuss" in consideration.text.lower(), consideration.text


def test_health_answers_raise_considerations(content):
    for slug in ["pregnancy", "dental", "mental-health"]:
        assert Consideration.objects.filter(
            choice__question__slug=slug, option__status="published"
        ).exists(), slug


def test_sources_with_a_seller_behind_them_declare_it(content):
    sellers = Source.objects.filter(kind=Source.Kind.CLINIC_WEBSITE)
    assert sellers.exists()
    for source in sellers:
        assert source.interest, source.slug


def test_patient_facing_text_is_at_or_below_grade_eight(content):
    too_hard = []
    for option in published():
        text = " ".join(text for _, text in patient_texts(option))
        grade = reading_grade(text, names_set_aside(option))
        if grade > GRADE_LIMIT:
            too_hard.append((option.slug, grade))
    terms = list(Term.objects.values_list("term", flat=True))
    for section in PageSection.objects.all():
        grade = reading_grade(section.body, terms)
        if grade is not None and grade > GRADE_LIMIT:
            too_hard.append((f"{section.page.slug}: {section.heading}", grade))
    questions = " ".join(f"{q.text} {q.hint}" for q in Question.objects.all()) + " ".join(
        Choice.objects.values_list("label", flat=True)
    )
    if (grade := reading_grade(questions, terms)) > GRADE_LIMIT:
        too_hard.append(("questionnaire", grade))
    assert too_hard == []


def test_our_own_words_have_no_marketing_words_or_exclamations(content):
    for option in published():
        sellers_words = {check.claim for check in option.claim_checks.all()}
        for label, text in patient_texts(option):
            if text not in sellers_words:  # a claim check reports a seller's claim
                assert not MARKETING.search(text), (option.slug, label, text)
