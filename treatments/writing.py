"""Writing aids for editors: what an option says, how plain it is and how balanced."""

from collections import Counter
from dataclasses import dataclass

from treatments.models import Claim, Option, Source, Term


@dataclass
class OptionReport:
    names: list[str]
    texts: list[tuple[str, str]]
    balance: str
    warning: str


def plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def patient_texts(option: Option) -> list[tuple[str, str]]:
    """Every patient-facing text of an option, labelled for an editor."""
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
    for claim in option.claims.all():
        texts.append((f"{claim.get_kind_display()}: {claim.text[:40]}…", claim.text))
        if claim.frequency_group:
            texts.append(("… its group", claim.frequency_group))
    texts += [(f"Consideration: {c.text[:40]}…", c.text) for c in option.considerations.all()]
    texts += [(f"Where: {n.get_region_display()}", n.text) for n in option.regions.all()]
    texts += [(f"On “{r.value.statement}”", r.text) for r in option.value_ratings.all()]
    for check in option.claim_checks.all():
        texts.append((f"Claim check: {check.claim[:40]}…", check.claim))
        texts.append(("… what the studies found", check.what_studies_found))
    for study in option.studies.all():
        texts.append((f"Study: {study.design[:40]}", f"{study.measured}. {study.found}"))
    return [(label, text) for label, text in texts if text and text.strip()]


def names_set_aside(option: Option) -> list[str]:
    """Words a patient cannot be spared: the option's name and the glossary's terms."""
    return [option.name, *Term.objects.values_list("term", flat=True)]


def option_report(option: Option) -> OptionReport:
    claims = list(option.claims.prefetch_related("sources"))
    counts = Counter(claim.kind for claim in claims)
    sources = {source.pk: source for claim in claims for source in claim.sources.all()}
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
        names=names_set_aside(option),
        texts=patient_texts(option),
        balance=balance,
        warning=interest_warning(claims),
    )


def interest_warning(claims: list[Claim]) -> str:
    benefits = [claim for claim in claims if claim.kind == Claim.Kind.BENEFIT]
    harms = [claim for claim in claims if claim.kind == Claim.Kind.HARM]
    benefit_sources: list[Source] = [s for claim in benefits for s in claim.sources.all()]
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
