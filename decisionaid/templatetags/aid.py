"""Template tags for the options pages: certainty, icon arrays, numbered references, glossary."""

from django import template
from django.template.loader import render_to_string
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from decisionaid.references import Glossary, References
from treatments.models import Certainty, Option, SourceKind

register = template.Library()


@register.simple_tag(takes_context=True)
def source_entry(context, source, template_name: str = "_source.html") -> SafeString:
    """A source's entry in a list of sources, drawn once per published version: the entry shows
    the source alone, and a page may list a hundred. A preview of the editors' draft draws its
    own afresh, as its sources are not the version's."""
    if context.get("preview"):
        return render_to_string(template_name, {"source": source})
    drawn = context["content"].computed("source_entries", lambda content: {})
    key = (template_name, source.pk)
    if key not in drawn:
        drawn[key] = render_to_string(template_name, {"source": source})
    return drawn[key]


# GRADE levels as a symbol (never alone: the word is always shown and is what is read out).
CERTAINTY_SYMBOLS: dict[str, str] = {
    Certainty.HIGH: "⊕⊕⊕⊕",
    Certainty.MODERATE: "⊕⊕⊕◯",
    Certainty.LOW: "⊕⊕◯◯",
    Certainty.VERY_LOW: "⊕◯◯◯",
}
CERTAINTY_MEANINGS = {
    Certainty.HIGH: "The studies give a very good idea of what is likely to happen. "
    "New research is unlikely to change this.",
    Certainty.MODERATE: "The studies give a good idea of what is likely to happen. "
    "New research could change this.",
    Certainty.LOW: "The studies give only some idea of what is likely to happen. "
    "New research is likely to change this.",
    Certainty.VERY_LOW: "The studies give very little idea of what is likely to happen. "
    "What really happens may be quite different.",
}


@register.inclusion_tag("_certainty.html#badge")
def certainty(level: str) -> dict:
    """A GRADE level as its symbol (hidden from screen readers) and its word."""
    known = Certainty(level) if level in Certainty.values else None
    return {
        "level": known,
        "symbol": CERTAINTY_SYMBOLS.get(level, ""),
        "word": known.label if known else "Not yet rated",
    }


@register.inclusion_tag("_certainty.html#legend")
def certainty_legend(layered: bool = False) -> dict:
    """The four GRADE levels; `layered` folds them under their heading, as on an option page."""
    levels = [
        {"level": level, "symbol": CERTAINTY_SYMBOLS[level], "meaning": CERTAINTY_MEANINGS[level]}
        for level in Certainty
    ]
    return {"levels": levels, "layered": layered}


# Every icon array has the same denominator: 100 figures, in 5 rows of 20.
FIGURES = 100
FIGURES_PER_ROW = 20
FIGURE_WIDTH = 10
FIGURE_HEIGHT = 15
PIXELS_PER_UNIT = 1.2
# Fewer people than this and a frequency says in words that it cannot be precise.
VERY_SMALL_STUDY = 30

# A source's kind as the design of the study a number comes from.
DESIGNS = {
    SourceKind.SYSTEMATIC_REVIEW: ("a review of several studies", "a review of studies"),
    SourceKind.NARRATIVE_REVIEW: ("a review", "a review"),
    SourceKind.RANDOMISED_TRIAL: ("a randomised trial", "a randomised trial"),
    SourceKind.GUIDELINE: ("a guideline", "a guideline"),
    SourceKind.OBSERVATIONAL: (
        "an observational study, with no groups chosen by chance",
        "an observational study",
    ),
    SourceKind.CASE_SERIES: (
        "reports of people treated, with no comparison group",
        "a case report or series",
    ),
    SourceKind.REGULATOR: ("a regulator's or drug maker's report", "a drug label"),
    SourceKind.CLINIC_WEBSITE: ("a clinic's website", "a clinic's website"),
    SourceKind.NEWS: ("a news report", "a news report"),
    SourceKind.PERSONAL_STORY: ("a personal story", "a personal story"),
}


def per_hundred(count: int, total: int) -> int:
    return round(count * FIGURES / total)


def in_hundred(claim) -> str:
    """The frequency out of 100, never hiding a rare event nor rounding a few away."""
    count, total = claim.frequency_count, claim.frequency_total
    filled = per_hundred(count, total)
    if count and filled == 0:
        return "Fewer than 1 in 100 people"
    if count < total and filled == FIGURES:
        return "More than 99 in 100 people"
    exact = count * FIGURES % total == 0
    return f"{'' if exact else 'About '}{filled} in 100 people"


def study_size(claim) -> int:
    return claim.study_size or claim.frequency_total


def designs(claim, long: bool = True) -> str:
    kinds = dict.fromkeys(source.kind for source in claim.related.sources)
    words = [DESIGNS[kind][0 if long else 1] for kind in kinds if kind in DESIGNS]
    return " and ".join(words)


def range_text(claim) -> str:
    if claim.range_low is None:
        return ""
    return f"The study gives a range of {claim.range_low} to {claim.range_high} in 100."


@register.filter
def frequency_sentence(claim) -> str:
    """Out of 100 first, then what was really seen: how many people, the design, any range."""
    if not claim.has_frequency:
        return ""
    parts = [f"{in_hundred(claim)}."]
    timeframe = f", {claim.frequency_timeframe}" if claim.frequency_timeframe else ""
    if claim.study_size:
        parts.append(
            f"That is from a study of {claim.study_size} people: "
            f"{claim.frequency_group}{timeframe}."
        )
    else:
        parts.append(f"That is {claim.frequency_text}.")
    design = designs(claim)
    if design:
        parts.append(f"It comes from {design}.")
    if range_text(claim):
        parts.append(range_text(claim))
    if study_size(claim) < VERY_SMALL_STUDY:
        parts.append(
            f"Only {study_size(claim)} people were in it, too few to be sure of the number."
        )
    return " ".join(parts)


@register.filter
def frequency_brief(claim) -> str:
    """The same frequency in one short sentence, for a table cell."""
    if not claim.has_frequency:
        return ""
    design = designs(claim, long=False) or "a study"
    size = study_size(claim)
    people = f"{size} people"
    if size < VERY_SMALL_STUDY:
        people = f"only {people}: too few to be sure"
    spread = ""
    if claim.range_low is not None:
        spread = f" (range {claim.range_low} to {claim.range_high})"
    return f"{in_hundred(claim)}{spread}, in {design} of {people}."


@register.inclusion_tag("_icon_array.svg")
def icon_array(claim, uid: str = "") -> dict:
    """100 figures, the frequency's share of them filled; its text equivalent is the sentence."""
    filled = per_hundred(claim.frequency_count, claim.frequency_total)
    positions = [
        {
            "x": (i % FIGURES_PER_ROW) * FIGURE_WIDTH,
            "y": (i // FIGURES_PER_ROW) * FIGURE_HEIGHT,
            "filled": i < filled,
        }
        for i in range(FIGURES)
    ]
    width = FIGURES_PER_ROW * FIGURE_WIDTH
    height = FIGURES // FIGURES_PER_ROW * FIGURE_HEIGHT
    return {
        "uid": uid or f"claim-{claim.pk}",
        "sentence": frequency_sentence(claim),
        "filled": [p for p in positions if p["filled"]],
        "empty": [p for p in positions if not p["filled"]],
        "width": width,
        "height": height,
        "pixel_width": round(width * PIXELS_PER_UNIT),
        "pixel_height": round(height * PIXELS_PER_UNIT),
    }


@register.simple_tag
def cite(refs: References, sources) -> SafeString:
    """Numbered links such as [1, 3] to the page's source list (#ref-1, #ref-3)."""
    cited = refs.cite(sources)
    if not cited:
        return SafeString("")
    links = format_html_join(
        ", ",
        '<a href="#{1}-{0}" aria-label="Source {0}">{0}</a>',
        ((number, refs.prefix) for number, _source in cited),
    )
    return format_html('<sup class="ref">[{}]</sup>', links)


@register.filter
def sentence(text) -> str:
    """Text ending in exactly one full stop (or its own ? or !)."""
    text = str(text or "").strip()
    return text if not text or text.endswith((".", "?", "!")) else f"{text}."


@register.filter
def glossary(text, words: Glossary) -> SafeString:
    """Links the first use on the page of each glossary term to its definition."""
    return words.link(text or "")


# "Can it be undone" in a word or two, for the options at a glance.
UNDO_IN_BRIEF: dict[str, str] = {
    Option.Reversibility.REVERSIBLE: "Yes, it wears off",
    Option.Reversibility.PARTLY: "Partly",
    Option.Reversibility.PERMANENT: "Hard or impossible",
}


@register.filter
def undo_in_brief(reversibility: str) -> str:
    return UNDO_IN_BRIEF.get(reversibility, "Not known")


@register.filter
def lower_first(text) -> str:
    """ "If you are pregnant" as it reads mid-sentence: "if you are pregnant"."""
    text = str(text or "")
    return text[:1].lower() + text[1:]


@register.filter
def sources_of(items) -> list:
    """Every source of some cited things, once each, in order."""
    seen: dict[int, object] = {}
    for item in items:
        for source in item.related.sources:
            seen.setdefault(source.pk, source)
    return list(seen.values())
