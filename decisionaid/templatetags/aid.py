"""Template tags for the options pages: certainty, icon arrays, numbered references, glossary."""

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from decisionaid.references import Glossary, References
from treatments.models import Certainty

register = template.Library()

# GRADE levels as a symbol (never alone: the word is always shown and is what is read out).
CERTAINTY_SYMBOLS = {
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

FIGURES_PER_ROW = 10
FIGURE_WIDTH = 10
FIGURE_HEIGHT = 15


@register.inclusion_tag("_certainty.html#badge")
def certainty(level: str) -> dict:
    """A GRADE level as its symbol (hidden from screen readers) and its word."""
    level = Certainty(level) if level in Certainty.values else None
    return {
        "level": level,
        "symbol": CERTAINTY_SYMBOLS.get(level, ""),
        "word": level.label if level else "Not yet rated",
    }


@register.inclusion_tag("_certainty.html#legend")
def certainty_legend() -> dict:
    levels = [
        {"level": level, "symbol": CERTAINTY_SYMBOLS[level], "meaning": CERTAINTY_MEANINGS[level]}
        for level in Certainty
    ]
    return {"levels": levels}


def icon_array_figures(count: int, total: int) -> dict:
    """How many figures to draw and fill: N when N <= 100, else 100 scaled to match."""
    if total <= 100:
        return {"shown": total, "filled": count, "scaled": False}
    filled = round(count * 100 / total)
    return {"shown": 100, "filled": filled, "scaled": True}


@register.filter
def frequency_sentence(claim) -> str:
    """The frequency in words, saying honestly how a picture of 100 figures scales it."""
    if not claim.has_frequency:
        return ""
    sentence = claim.frequency_text + "."
    figures = icon_array_figures(claim.frequency_count, claim.frequency_total)
    if not figures["scaled"]:
        return sentence
    filled = figures["filled"]
    if claim.frequency_count and filled == 0:
        note = "That is fewer than 1 in 100, too few to fill one of the 100 figures shown."
    elif claim.frequency_count < claim.frequency_total and filled == 100:
        note = "That is more than 99 in 100, so all 100 figures shown are filled."
    else:
        note = f"The picture shows this as about {filled} in every 100 people."
    return f"{sentence} {note}"


@register.inclusion_tag("_icon_array.svg")
def icon_array(claim, uid: str = "") -> dict:
    """An SVG of N figures, x of them filled, whose text equivalent is the frequency sentence."""
    figures = icon_array_figures(claim.frequency_count, claim.frequency_total)
    shown, filled = figures["shown"], figures["filled"]
    columns = min(shown, FIGURES_PER_ROW)
    rows = -(-shown // FIGURES_PER_ROW)
    positions = [
        {
            "x": (i % FIGURES_PER_ROW) * FIGURE_WIDTH,
            "y": (i // FIGURES_PER_ROW) * FIGURE_HEIGHT,
            "filled": i < filled,
        }
        for i in range(shown)
    ]
    return {
        "uid": uid or f"claim-{claim.pk}",
        "sentence": frequency_sentence(claim),
        "filled": [p for p in positions if p["filled"]],
        "empty": [p for p in positions if not p["filled"]],
        "width": columns * FIGURE_WIDTH,
        "height": rows * FIGURE_HEIGHT,
        "pixel_width": columns * 14,
        "pixel_height": rows * 21,
        "scaled": figures["scaled"],
    }


@register.simple_tag
def cite(refs: References, sources) -> SafeString:
    """Numbered links such as [1, 3] to the page's source list (#ref-1, #ref-3)."""
    cited = refs.cite(sources)
    if not cited:
        return SafeString("")
    links = format_html_join(
        ", ",
        '<a href="#ref-{0}" aria-label="Source {0}">{0}</a>',
        ((number,) for number, _source in cited),
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
