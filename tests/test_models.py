import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from treatments.models import Claim, Consideration, Cost, Option, SuggestedQuestion

pytestmark = pytest.mark.django_db


def test_a_new_option_is_a_draft_that_patients_cannot_see(factory):
    option = factory.make_option()
    assert option.status == Option.Status.DRAFT
    assert option not in Option.objects.ready()


def test_a_suggested_questions_slug_stays_as_saved_answers_name_it():
    question = SuggestedQuestion.objects.create(slug="cost", text="What will it cost me?")
    question.slug = "price"
    with pytest.raises(ValidationError, match="It stays “cost”"):
        question.full_clean()


def test_publishing_names_everything_that_is_missing(factory):
    option = factory.make_option(certainty="", certainty_reason="", no_reliable_cost=False)
    with pytest.raises(ValidationError) as error:
        option.mark_ready()
    assert error.value.messages == [
        "Add at least one benefit.",
        "Add at least one harm or side effect.",
        "Choose an evidence certainty.",
        "Write one sentence on why the evidence has this certainty.",
        'Add a cost, or tick "no reliable cost figure found".',
    ]
    option.refresh_from_db()
    assert option.status == Option.Status.DRAFT


def test_an_option_without_its_few_words_for_the_overview_cannot_be_published(factory):
    option = factory.make_option(time_in_brief=" ")
    factory.make_claim(option, kind=Claim.Kind.BENEFIT)
    factory.make_claim(option, kind=Claim.Kind.HARM)
    assert option.publication_problems() == [
        "Say what it is and the time it takes in a few words, for the options at a glance."
    ]


def test_an_option_without_harms_cannot_be_published(factory):
    option = factory.make_option()
    factory.make_claim(option, kind=Claim.Kind.BENEFIT)
    assert option.publication_problems() == ["Add at least one harm or side effect."]


def test_a_claim_without_a_source_blocks_publishing(factory):
    option = factory.make_option()
    factory.make_claim(option, kind=Claim.Kind.BENEFIT)
    factory.make_claim(option, kind=Claim.Kind.HARM, text="Sickness during the drip.", sources=[])
    [problem] = option.publication_problems()
    assert problem.startswith("Give a source for every claim (1 without one")
    assert "Sickness during the drip." in problem


def test_a_consideration_without_a_source_blocks_publishing(factory):
    option = factory.make_option(ready=True)
    question = factory.make_question()
    consideration = Consideration.objects.create(
        choice=question.choices.first(), option=option, text="Discuss this."
    )
    assert consideration.sources.count() == 0
    assert option.publication_problems() == [
        "Give a source for every personal consideration (1 without one)."
    ]


def test_a_cost_or_the_no_figure_tick_is_enough(factory):
    option = factory.make_option(no_reliable_cost=False, ready=False)
    factory.make_claim(option, kind=Claim.Kind.BENEFIT)
    factory.make_claim(option, kind=Claim.Kind.HARM)
    factory.make_cost(option)
    option.mark_ready()
    assert option in Option.objects.ready()


def test_the_database_refuses_a_published_option_without_a_certainty(factory):
    option = factory.make_option(ready=True)
    option.certainty = ""
    with pytest.raises(IntegrityError), transaction.atomic():
        option.save()


def test_the_database_refuses_a_frequency_larger_than_its_group(factory):
    option = factory.make_option()
    with pytest.raises(IntegrityError), transaction.atomic():
        Claim.objects.create(
            option=option, kind="harm", text="x", frequency_count=5, frequency_total=3
        )


def test_the_database_refuses_half_a_frequency(factory):
    option = factory.make_option()
    with pytest.raises(IntegrityError), transaction.atomic():
        Claim.objects.create(option=option, kind="harm", text="x", frequency_count=5)


def test_a_frequency_needs_its_group_and_time_frame(factory):
    option = factory.make_option()
    claim = Claim(option=option, kind="harm", text="x", frequency_count=1, frequency_total=3)
    with pytest.raises(ValidationError, match="which group and over what time"):
        claim.clean()


def test_a_frequency_reads_as_a_natural_frequency(factory):
    option = factory.make_option()
    claim = factory.make_claim(
        option,
        frequency_count=25,
        frequency_total=33,
        frequency_group="people in one small study",
        frequency_timeframe="over 3 months",
    )
    assert claim.frequency_text == "25 of 33 people in one small study, over 3 months"


def test_the_database_refuses_a_cost_range_that_runs_backwards(factory):
    option = factory.make_option()
    with pytest.raises(IntegrityError), transaction.atomic():
        Cost.objects.create(
            option=option, low=500, high=100, unit="each", source=factory.make_source()
        )


def test_a_cost_reads_as_a_range_with_its_currency(factory):
    option = factory.make_option()
    assert factory.make_cost(option, low=10000, high=50000).display == "US$10,000 to US$50,000"
    assert factory.make_cost(option, low=400, high=400, currency="GBP").display == "£400"


def test_marking_reviewed_sets_the_next_review_twelve_months_on(factory):
    option = factory.make_option()
    option.mark_reviewed(by="A. Editor", on=datetime.date(2026, 1, 15))
    option.refresh_from_db()
    assert option.reviewed_by == "A. Editor"
    assert option.next_review_due == datetime.date(2027, 1, 15)


def test_overdue_options_include_those_never_reviewed(factory):
    today = datetime.date(2026, 6, 1)
    never = factory.make_option()
    late = factory.make_option()
    late.mark_reviewed(by="x", on=datetime.date(2025, 1, 1))
    current = factory.make_option()
    current.mark_reviewed(by="x", on=datetime.date(2026, 5, 1))
    assert set(Option.objects.overdue(today)) == {never, late}


def test_published_options_with_content_load_in_a_fixed_number_of_queries(
    factory, django_assert_num_queries
):
    def load():
        options = list(Option.objects.ready().with_content())
        for option in options:
            for claim in option.claims.all():
                list(claim.sources.all())
            list(option.costs.all())
            list(option.studies.all())
        return options

    factory.make_option(ready=True)
    with django_assert_num_queries(10) as small:
        load()
    for _ in range(9):
        option = factory.make_option(ready=True)
        factory.make_cost(option)
        factory.make_study(option)
    with django_assert_num_queries(len(small.captured_queries)):
        assert len(load()) == 10


def test_considerations_follow_the_answers_given(factory):
    option = factory.make_option(ready=True)
    draft = factory.make_option()
    question = factory.make_question(slug="pregnancy")
    yes = question.choices.get(slug="yes")
    raised = factory.make_consideration(yes, option)
    factory.make_consideration(yes, draft)
    factory.make_consideration(question.choices.get(slug="no"), option)
    found = Consideration.objects.for_answers([("pregnancy", "yes"), ("other", "yes")])
    assert list(found) == [raised]
    assert list(Consideration.objects.for_answers([])) == []


def test_an_option_has_at_most_one_rarest_serious_harm_and_it_is_a_harm(factory):
    option = factory.make_option()
    first = factory.make_claim(option, kind=Claim.Kind.HARM, is_rare_serious=True)
    second = factory.make_claim(option, kind=Claim.Kind.HARM)
    second.is_rare_serious = True
    with pytest.raises(ValidationError, match="already has its rarest serious harm"):
        second.full_clean()
    with pytest.raises(IntegrityError), transaction.atomic():
        second.save()
    benefit = factory.make_claim(option, kind=Claim.Kind.BENEFIT)
    benefit.is_rare_serious = True
    with pytest.raises(ValidationError, match="Only a harm"):
        benefit.full_clean()
    first.full_clean()  # marking it again is no clash with itself
    assert Option.objects.with_content().get(pk=option.pk).rare_serious_harm == first


def test_a_cost_names_a_country_from_the_list_or_none(factory):
    cost = factory.make_cost(factory.make_option(), country="us")
    assert cost.get_country_display() == "United States"
    with pytest.raises(IntegrityError), transaction.atomic():
        Cost.objects.filter(pk=cost.pk).update(country="mars")
