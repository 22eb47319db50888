"""Writing aids for editors: what an option says, how plain it is and how balanced."""

from collections import Counter
from dataclasses import dataclass
from typing import cast

from django.db.models import prefetch_related_objects

from treatments.models import (
    EVIDENCE_ORDER,
    Aid,
    Choice,
    Claim,
    Option,
    Page,
    Question,
    QuestionPage,
    Source,
    SourceKind,
    SuggestedQuestion,
    Term,
    Value,
)
from treatments.readability import Grade, reading_grade
from treatments.schema import OPTION_PARTS, Part


@dataclass
class OptionReport:
    balance: str
    warning: str


def plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def patient_texts(option: Option) -> list[tuple[str, str]]:
    """Every patient-facing text of an option, labelled for an editor."""
    texts = own_texts(option)
    for part in OPTION_PARTS:
        if part.own_page:
            texts += part_texts(option, part)
    return texts


def own_texts(option: Option) -> list[tuple[str, str]]:
    """The texts edited on the option's own page: its fields and the parts edited inline."""
    texts = [
        ("What it is", option.summary),
        ("What it is, in a few words", option.in_brief),
        ("How it is given", option.how_given),
        ("Time commitment", option.time_commitment),
        ("Time, in a few words", option.time_in_brief),
        ("Can it be undone", option.reversibility_note),
        ("Availability", option.availability),
        ("Why this certainty", option.certainty_reason),
        ("Cost note", option.cost_note),
    ]
    for part in OPTION_PARTS:
        if not part.own_page:
            texts += part_texts(option, part)
    return _with_words(texts)


def part_texts(option: Option, part: Part) -> list[tuple[str, str]]:
    """The patient-facing texts of one kind of the option's parts, from their prefetched rows."""
    rows = getattr(option.related, part.related_name)
    return _with_words([text for row in rows for text in row.patient_texts()])


def _with_words(texts: list[tuple[str, str]]) -> list[tuple[str, str]]:
    return [(label, text) for label, text in texts if text and text.strip()]


def glossary_terms() -> list[str]:
    """The glossary's terms: a patient is told what they mean, so they count as plain words."""
    return list(Term.objects.values_list("term", flat=True))


def site_texts() -> list[tuple[str, str]]:
    """Every patient-facing text outside the options: the home page, pages, glossary,
    questionnaire, values."""
    texts = []
    page: Page | QuestionPage
    for aid in Aid.objects.all():
        texts.append(("Home page: introduction", aid.home_lead))
        texts += [("Home page: what this aid does", point) for point in aid.does]
    for page in Page.objects.prefetch_related("sections"):
        texts.append((f"Page “{page.title}”: summary", page.summary))
        texts += [(f"Page “{page.title}”: {s.heading}", s.body) for s in page.related.sections]
    texts += [(f"Glossary: {term.term}", term.definition) for term in Term.objects.all()]
    for page in QuestionPage.objects.all():
        texts.append((f"Page of questions: {page.title}", page.title))
        texts.append((f"Page of questions hint: {page.title}", page.hint))
    for question in Question.objects.all():
        texts.append((f"Question: {question.text[:40]}", question.text))
        texts.append((f"Question hint: {question.text[:40]}", question.hint))
    texts += [
        (f"Answer: {c.label[:40]}", c.label) for c in Choice.objects.select_related("question")
    ]
    for value in Value.objects.all():
        texts.append((f"Value: {value.statement}", value.statement))
        texts.append((f"Value hint: {value.statement}", value.hint))
    texts += [(f"Suggested question {q.slug}", q.text) for q in SuggestedQuestion.objects.all()]
    return [(label, text) for label, text in texts if text and text.strip()]


def too_hard(texts: list[tuple[str, str]], glossary=()) -> list[tuple[str, Grade, str]]:
    """Texts of two sentences or more whose reading grade, measured on its own, is over the limit.

    Each text is measured alone: a hard paragraph is never hidden by easy ones around it.
    A single sentence (a heading, a label, a short claim) is left to the editor's judgement.
    Words the glossary explains count as plain: the rule is "grade 8, terms explained".
    """
    hard = []
    for label, text in texts:
        grade = reading_grade(text, glossary)
        if not grade.plain:
            hard.append((label, grade, text))
    return hard


def evidence_rank(source: Source) -> int:
    """Where a source's kind stands in EVIDENCE_ORDER: 0 is the strongest."""
    # A source's kind is always one of SourceKind's values, which equal its members.
    return EVIDENCE_ORDER.index(cast(SourceKind, source.kind))


def headline_problems(option: Option) -> list[str]:
    """The headline rule: the main benefit and the main harm come from the best evidence.

    Among all of an option's benefits, find the strongest kind of source cited (by
    EVIDENCE_ORDER); the main benefit must cite a source of that kind. The same for harms.
    """
    problems = []
    for kind, word in ((Claim.Kind.BENEFIT, "benefit"), (Claim.Kind.HARM, "harm")):
        claims = option.claims_of(kind)
        if not claims:
            continue
        mains = [claim for claim in claims if claim.is_main]
        if len(mains) != 1:
            problems.append(f"Mark exactly one main {word} ({len(mains)} marked now).")
            continue
        sources = [source for claim in claims for source in claim.related.sources]
        if not sources:
            continue
        best = min(sources, key=evidence_rank)
        main = mains[0]
        if not any(evidence_rank(s) == evidence_rank(best) for s in main.related.sources):
            problems.append(
                f"The main {word} “{main.text[:70]}” cites no "
                f"{best.get_kind_display().lower()}, but another {word} does ({best.slug}). "
                f"Lead with the best evidence."
            )
    return problems


def certainty_problems(option: Option) -> list[str]:
    """Whose certainty rating it is, and what stands behind it."""
    basis = option.certainty_basis
    if basis == Option.CertaintyBasis.REVIEW:
        reviews = [
            s
            for s in option.related.certainty_sources
            if s.kind in (Source.Kind.SYSTEMATIC_REVIEW, Source.Kind.GUIDELINE)
        ]
        if not reviews:
            return [
                "A review's rating must name that review: add the systematic review or "
                "guideline to the certainty sources, or call it this aid's own judgement."
            ]
    elif basis == Option.CertaintyBasis.AID:
        if not option.certainty_reason.strip():
            return ["This aid's own rating needs a sentence on why."]
    else:
        return ["Say whose certainty rating this is: a named review's, or this aid's."]
    return []


def option_report(option: Option) -> OptionReport:
    claims = list(option.related.claims)
    prefetch_related_objects(claims, "sources")  # unless the option came with them
    counts = Counter(claim.kind for claim in claims)
    sources = {source.pk: source for claim in claims for source in claim.related.sources}
    kinds = Counter(source.get_kind_display().lower() for source in sources.values())
    balance = (
        ", ".join(
            [
                plural(counts[Claim.Kind.BENEFIT], "benefit"),
                plural(counts[Claim.Kind.HARM], "harm"),
                plural(counts[Claim.Kind.LIMITATION], "limitation"),
                plural(counts[Claim.Kind.PRACTICAL], "practical point"),
            ]
        )
        + ". Sources: "
        + (", ".join(f"{n} {kind}" for kind, n in kinds.most_common()) or "none")
        + "."
    )
    return OptionReport(
        balance=balance,
        warning=" ".join(
            filter(
                None,
                [interest_warning(claims), *headline_problems(option), *certainty_problems(option)],
            )
        ),
    )


def interest_warning(claims: list[Claim]) -> str:
    benefits = [claim for claim in claims if claim.kind == Claim.Kind.BENEFIT]
    harms = [claim for claim in claims if claim.kind == Claim.Kind.HARM]
    benefit_sources: list[Source] = [s for claim in benefits for s in claim.related.sources]
    if benefit_sources and all(source.interest for source in benefit_sources):
        return (
            "Every benefit rests only on sources with a declared interest. "
            "Add an independent source, or say plainly that none exists."
        )
    if abs(len(benefits) - len(harms)) > 2:
        return (
            "Benefits and harms are far apart in number: patients should see both in equal detail."
        )
    return ""
