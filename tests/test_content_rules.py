"""The rules the bundled content is held to, each failure naming the option and the text.

- Every option's main benefit gives a size (a count, a figure out of 100, points on a scale)
  or says why there is none.
- One fact, one figure: a text never states a counted fact with a figure other than its count,
  and facts told in several places are told with the same figure everywhere.
- Every option's first layer (what it is, the main benefit and the main harm) reads at grade 6
  or below; every other patient text at grade 8 or below (tests/test_content.py holds that).
"""

import re

import pytest

from treatments.models import Claim, Option, PageSection, Term
from treatments.readability import reading_grade
from treatments.writing import patient_texts, site_texts

pytestmark = pytest.mark.django_db

# A size: "x in 100", "x of N", "out of every 4", "23 points", "40%", "fell to zero".
SIZE = re.compile(
    r"\b\d+ (?:more )?(?:in|of|out of) (?:every )?\d+\b|\bevery \d+ people\b|\b\d+ points?\b"
    r"|\b\d+ ?%|\bto zero\b",
    re.IGNORECASE,
)
# Why there is no size: no trial or no group to compare with, a result of no difference (whose
# size is none), or the aid saying it could not check one.
NO_SIZE_BECAUSE = re.compile(
    r"\bno (?:trial|comparison group|dummy group|group without|clear sign)\b"
    r"|\bno (?:lower|better|more|higher)\b|\babout as well as\b|\bgive no number\b",
    re.IGNORECASE,
)
FIGURE = re.compile(r"\b(\d+) (in|of) (\d+)\b")

# Facts told in more than one place, each with the one figure it is told with: (what it is,
# how a text states it, the figure).
FACTS = [
    (
        "CRPS going away, in the US county study",
        re.compile(r"CRPS went away in (\d+ in \d+)"),
        "74 in 100",
    ),
    (
        "pain going away, in the US clinic's guanethidine report",
        re.compile(r"[Pp]ain went away in (?:only )?(?:about )?(\d+ in \d+)"),
        "9 in 100",
    ),
    (
        "pain not changing, in the US clinic's guanethidine report",
        re.compile(r"not change in (?:about )?(\d+\s+in\s+\d+)"),
        "62 in 100",
    ),
    (
        "side effects, in the US clinic's guanethidine report",
        re.compile(r"(\d+ in \d+)(?: people)? had side effects"),
        "35 in 100",
    ),
    (
        "pain getting worse, in the US clinic's guanethidine report",
        re.compile(r"worse in (?:about )?(\d+ in \d+)"),
        "15 in 100",
    ),
]


def options() -> list[Option]:
    return list(Option.objects.ready().with_content().order_by("slug"))


def report(failures: list[str]) -> str:
    return "\n" + "\n".join(failures)


def main_benefit_problem(option: Option) -> str | None:
    claim = option.main_benefit
    if claim is None or claim.has_frequency:
        return None
    if SIZE.search(claim.text) or NO_SIZE_BECAUSE.search(claim.text):
        return None
    return f"{option.slug} | main benefit gives no size and no reason | {claim.text}"


def counted_figure_problems(claim: Claim, where: str) -> list[str]:
    """A claim with a count (x of N) states it, in its text, only as that count or out of 100.

    A figure near the count's (within 5 in 100) is the same quantity told another way ("1 in
    7" for 8 of 55); a figure far from it is another group's, as a comparison often is.
    """
    if not claim.has_frequency:
        return []
    count, total = claim.frequency_count, claim.frequency_total
    in_100 = round(count * 100 / total)
    problems = []
    for x, word, n in FIGURE.findall(claim.text):
        as_counted = (int(x), int(n)) == (count, total)
        in_hundred = int(n) == 100 and abs(int(x) - in_100) <= 1
        another_group = abs(int(x) * 100 / int(n) - count * 100 / total) > 5
        if not (as_counted or in_hundred or another_group):
            problems.append(
                f"{where} | says {x} {word} {n} but its count is {count} of {total} "
                f"(about {in_100} in 100) | {claim.text}"
            )
    return problems


def every_text() -> list[tuple[str, str]]:
    texts = [(f"{o.slug} | {label}", text) for o in options() for label, text in patient_texts(o)]
    return texts + [(f"site | {label}", text) for label, text in site_texts()]


def test_every_main_benefit_gives_a_size_or_says_why_not(content):
    failures = [problem for o in options() if (problem := main_benefit_problem(o))]
    assert not failures, report(failures)


def test_the_size_rule_catches_a_benefit_with_neither(factory):
    option = factory.make_option(ready=True)
    option = Option.objects.with_content().get(pk=option.pk)
    assert main_benefit_problem(option) == (
        f"{option.slug} | main benefit gives no size and no reason | Pain eased for some people."
    )
    Claim.objects.filter(option=option).update(text="Pain fell by about 23 points of 100.")
    assert main_benefit_problem(Option.objects.with_content().get(pk=option.pk)) is None


def test_a_counted_claim_states_its_count_and_no_other_figure(content):
    failures = [
        problem
        for o in options()
        for claim in o.related.claims
        for problem in counted_figure_problems(claim, o.slug)
    ]
    assert not failures, report(failures)


def test_the_count_rule_catches_the_same_count_told_another_way(factory):
    option = factory.make_option()
    claim = factory.make_claim(
        option, text="Pain got worse in about 1 in 7 people.", frequency_count=8, frequency_total=55
    )
    [problem] = counted_figure_problems(claim, option.slug)
    assert "says 1 in 7 but its count is 8 of 55 (about 15 in 100)" in problem
    claim.text = "Pain got worse in about 15 in 100 people."
    assert counted_figure_problems(claim, option.slug) == []


def test_a_fact_told_in_several_places_has_one_figure(content):
    failures = []
    told = {name: 0 for name, _, _ in FACTS}
    for where, text in every_text():
        flat = " ".join(text.split())
        for name, pattern, figure in FACTS:
            for found in pattern.findall(flat):
                told[name] += 1
                if found != figure:
                    failures.append(f"{where} | {name}: says {found}, not {figure} | {flat}")
    assert not failures, report(failures)
    # Each fact is still told somewhere: a pattern that matches nothing holds nothing.
    assert all(told.values()), told


def test_every_first_layer_reads_at_grade_six_or_below(content):
    terms = list(Term.objects.values_list("term", flat=True))
    failures = []
    for o in options():
        for label, claim_or_text in [
            ("What it is", o.summary),
            ("Main benefit", o.main_benefit.text if o.main_benefit else ""),
            ("Main harm", o.main_harm.text if o.main_harm else ""),
        ]:
            grade = reading_grade(claim_or_text, terms)
            if grade.measured and grade.without_glossary is not None and grade.without_glossary > 6:
                failures.append(
                    f"{o.slug} | {label} | grade {grade.without_glossary} | {claim_or_text}"
                )
    assert not failures, report(failures)


# The certainty rule, as the About page states it, for ratings that are this aid's own: no fair
# trial in CRPS (randomised, against a dummy or usual care) is very low; one or more is low; it
# drops to very low when the trials tested another form of the treatment or another group, or
# compared it only with another active treatment. For what happens with no new treatment,
# studies that follow people over time make it low. The bundled options' evidence as the rule
# reads it, each with why (from the option's own studies and certainty reason):
FAIR_TRIAL, NONE, NATURAL_COURSE = "fair trial", "no fair trial", "natural course"
EVIDENCE = {
    "clonidine": (FAIR_TRIAL, "the trial gave it by epidural, not as offered here"),
    "corticosteroids": (FAIR_TRIAL, "the trial compared it only with another painkiller"),
    "current-care": (NATURAL_COURSE, None),
    "dexmedetomidine": (NONE, None),
    "drg-stimulation": (FAIR_TRIAL, "the trial compared it only with another stimulator"),
    "epidural-steroid": (NONE, None),
    "free-radical-scavengers": (FAIR_TRIAL, "the trial compared the two only with each other"),
    "gabapentinoids": (FAIR_TRIAL, None),
    "intrathecal-baclofen": (FAIR_TRIAL, "the trial tested single doses, not the pump"),
    "iv-lidocaine": (NONE, None),
    "iv-magnesium": (FAIR_TRIAL, None),
    "ivig": (FAIR_TRIAL, None),
    "ketamine-coma": (NONE, None),
    "nerve-pain-antidepressants": (NONE, None),
    "nsaids": (NONE, None),
    "opioids": (FAIR_TRIAL, "the trial's group was mostly people with other nerve pain"),
    "pain-management-programme": (NONE, None),
    "psychological-therapy": (FAIR_TRIAL, None),
    "spinal-cord-stimulation": (FAIR_TRIAL, None),
    "sympathectomy": (FAIR_TRIAL, "the trial compared two forms of it only with each other"),
}


def rule_level(evidence: str, drops: str | None) -> str:
    if evidence == NONE:
        return Option.Certainty.VERY_LOW
    if evidence == FAIR_TRIAL and drops:
        return Option.Certainty.VERY_LOW
    return Option.Certainty.LOW


def test_our_own_certainty_ratings_follow_the_one_written_rule(content):
    ours = Option.objects.ready().filter(certainty_basis=Option.CertaintyBasis.AID)
    failures = []
    for option in ours.order_by("slug"):
        if option.slug not in EVIDENCE:
            failures.append(f"{option.slug} | our own rating, but its evidence is not read here")
            continue
        expected = rule_level(*EVIDENCE[option.slug])
        if option.certainty != expected:
            failures.append(
                f"{option.slug} | rated {option.certainty}, the rule gives {expected} | "
                f"{EVIDENCE[option.slug]}"
            )
    assert not failures, report(failures)


def test_the_about_page_states_the_certainty_rule(content):
    bodies = " ".join(s.body for s in PageSection.objects.filter(page__slug="about"))
    assert "Our own ratings follow one rule." in bodies
