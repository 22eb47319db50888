"""Small builders for test content (after djangoproject.com's checklists/tests/factory.py)."""

import datetime
import itertools

from treatments import releases
from treatments.models import (
    Aid,
    Availability,
    Choice,
    Claim,
    Consideration,
    Cost,
    Option,
    Question,
    QuestionPage,
    Release,
    Source,
    Study,
    Value,
    ValueRating,
)

_counter = itertools.count(1)


class Factory:
    def publish_version(self, reason: str = "Checked in a test.") -> Release:
        """Publish the draft as the next version: patient pages show only published versions."""
        return releases.publish("Test publisher", reason)

    def make_aid(self, **fields) -> Aid:
        defaults = {
            "name": "Test condition decision aid",
            "short_name": "Test aid",
            "home_heading": "Thinking about treatment for a test condition?",
            "home_lead": "This aid helps you get ready to talk about a test condition.",
            "home_does": "asks a few questions\nshows the options",
            "summary_title": "My test condition summary",
        }
        return Aid.objects.create(**{**defaults, **fields})

    def make_source(self, **fields) -> Source:
        n = next(_counter)
        defaults = {
            "slug": f"source-{n}",
            "title": f"A trial of something, number {n}",
            "authors": "Smith A, et al.",
            "publisher": "A journal",
            "year": 2020,
            "kind": Source.Kind.RANDOMISED_TRIAL,
            "pmid": str(10000000 + n),
        }
        return Source.objects.create(**{**defaults, **fields})

    def make_option(self, *, ready: bool = False, **fields) -> Option:
        n = next(_counter)
        defaults = {
            "slug": f"option-{n}",
            # Zero-padded, so options sort by name in the order tests make them ("Option 0010"
            # after "Option 0009"), whatever other tests in the process made before.
            "name": f"Option {n:04d}",
            "category": Option.Category.THERAPY,
            "summary": "A treatment you can try.",
            "in_brief": "A treatment to try",
            "how_given": "At a clinic.",
            "time_commitment": "One visit a week for six weeks.",
            "time_in_brief": "Weekly for six weeks",
            "reversibility": Option.Reversibility.REVERSIBLE,
            "availability": "Offered in many clinics.",
            "certainty": Option.Certainty.LOW,
            "certainty_basis": Option.CertaintyBasis.AID,
            "certainty_reason": "A few small trials.",
            "no_reliable_cost": True,
        }
        option = Option.objects.create(**{**defaults, **fields})
        if ready:
            self.make_claim(option, kind=Claim.Kind.BENEFIT, is_main=True)
            self.make_claim(option, kind=Claim.Kind.HARM, is_main=True)
            option.mark_reviewed(by="Test editor", on=datetime.date.today())
            option.mark_ready()
        return option

    def make_claim(self, option: Option, *, sources=None, **fields) -> Claim:
        defaults = {"kind": Claim.Kind.BENEFIT, "text": "Pain eased for some people."}
        claim = Claim.objects.create(option=option, **{**defaults, **fields})
        claim.sources.set(sources if sources is not None else [self.make_source()])
        return claim

    def make_availability(self, option: Option, *, region="uk", **fields) -> Availability:
        defaults = {"text": "Offered by some hospitals."}
        note = Availability.objects.create(option=option, region=region, **{**defaults, **fields})
        note.sources.set([self.make_source()])
        return note

    def make_cost(self, option: Option, **fields) -> Cost:
        defaults = {"low": 100, "high": 200, "unit": "per session"}
        if "source" not in fields:
            fields["source"] = self.make_source()
        return Cost.objects.create(option=option, **{**defaults, **fields})

    def make_study(self, option: Option, **fields) -> Study:
        defaults = {
            "design": "Randomised trial",
            "participants": 40,
            "measured": "Pain",
            "found": "Less pain at 6 weeks.",
            "duration": "6 weeks",
        }
        if "source" not in fields:
            fields["source"] = self.make_source()
        return Study.objects.create(option=option, **{**defaults, **fields})

    def make_question_page(self, **fields) -> QuestionPage:
        n = next(_counter)
        defaults = {"slug": f"page-{n}", "title": f"Page {n}", "order": n}
        return QuestionPage.objects.create(**{**defaults, **fields})

    def health_page(self) -> QuestionPage:
        """A page of questions about health, made the first time it is asked for."""
        page = QuestionPage.objects.filter(about_health=True).first()
        return page or self.make_question_page(title="Health questions", about_health=True)

    def make_question(self, *, choices=("yes", "no", "not-sure"), **fields) -> Question:
        n = next(_counter)
        if "page" not in fields:
            fields["page"] = self.health_page()
        defaults = {
            "slug": f"question-{n}",
            "text": f"Question {n}?",
            "short_label": f"Question {n}",
            "order": n,
        }
        question = Question.objects.create(**{**defaults, **fields})
        for order, slug in enumerate(choices):
            Choice.objects.create(
                question=question, slug=slug, label=slug.replace("-", " ").capitalize(), order=order
            )
        return question

    def make_consideration(self, choice: Choice, option: Option, **fields) -> Consideration:
        defaults = {"text": "Something to discuss with your clinician."}
        consideration = Consideration.objects.create(
            choice=choice, option=option, **{**defaults, **fields}
        )
        consideration.sources.set([self.make_source()])
        return consideration

    def make_value(self, **fields) -> Value:
        n = next(_counter)
        defaults = {"slug": f"value-{n}", "statement": f"Value {n}", "order": n}
        return Value.objects.create(**{**defaults, **fields})

    def make_value_rating(self, value: Value, option: Option, **fields) -> ValueRating:
        defaults = {"text": "Does this moderately."}
        return ValueRating.objects.create(value=value, option=option, **{**defaults, **fields})
