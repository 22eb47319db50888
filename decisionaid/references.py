"""Per-page helpers: numbered references and glossary words, each in order of first use.

Templates cite sources and mark up terms while they render, so a page renders its source list
and its "Words used on this page" list after everything that cites or uses them.
"""

import copy
import re
from collections.abc import Iterable

from django.utils.html import conditional_escape, escape, format_html
from django.utils.safestring import SafeString, mark_safe

from treatments.models import Source, Term


class References:
    """Numbers sources for one page, in order of first citation.

    A page with two independent lists (one swapped in place by htmx) gives each its own prefix,
    so their anchors never clash.
    """

    def __init__(self, prefix: str = "ref") -> None:
        self.prefix = prefix
        self.heading_id = "references-heading" if prefix == "ref" else f"{prefix}s-heading"
        self._numbers: dict[int, int] = {}
        self._sources: list[Source] = []

    def cite(self, sources: Source | Iterable[Source] | None) -> list[tuple[int, Source]]:
        """Number any sources not seen before; return (number, source) pairs, lowest first."""
        if sources is None:
            return []
        if isinstance(sources, Source):
            sources = [sources]
        cited = {}
        for source in sources:
            if source.pk not in self._numbers:
                self._sources.append(source)
                self._numbers[source.pk] = len(self._sources)
            cited[self._numbers[source.pk]] = source
        return sorted(cited.items(), key=lambda item: item[0])

    @property
    def entries(self) -> list[tuple[int, Source]]:
        return list(enumerate(self._sources, start=1))


class Glossary:
    """Links the first use of each glossary term on a page to its definition lower down.

    With `marks_uses`, each first use gets an id, so the definition can link back to it. A page
    that shows the same content twice (the comparison's table and its cards) marks no uses and
    gives each rendering its own `view()`, so the first use in whichever one a person sees links.
    """

    def __init__(self, terms: Iterable[Term], *, marks_uses: bool = True) -> None:
        terms = sorted(terms, key=lambda term: len(term.term), reverse=True)
        self._by_text = {term.term.lower(): term for term in terms if term.term.strip()}
        self._used: dict[str, Term] = {}  # on the whole page, shared with every view
        self._linked: set[str] = set()  # in this rendering
        self.marks_uses = marks_uses
        alternatives = "|".join(re.escape(text) for text in self._by_text)
        # Longest terms first, so "nerve block" wins over "nerve"; plurals count as a use.
        self._pattern = (
            re.compile(rf"\b({alternatives})(?:e?s)?\b", re.IGNORECASE) if alternatives else None
        )

    def view(self) -> "Glossary":
        """Another rendering of the same content: links first uses afresh, shares the word list."""
        other = copy.copy(self)
        other._linked = set()
        return other

    def link(self, text: str) -> SafeString:
        """The text, escaped, with the first use of each term linked. Terms are found in the
        raw text and every piece is escaped after, so a term never matches inside an entity."""
        if isinstance(text, SafeString) or self._pattern is None:
            return conditional_escape(text)
        pieces: list[str] = []
        start = 0
        for match in self._pattern.finditer(text):
            pieces.append(escape(text[start : match.start()]))
            pieces.append(self._link_first_use(match))
            start = match.end()
        pieces.append(escape(text[start:]))
        return mark_safe("".join(pieces))

    def _link_first_use(self, match: re.Match) -> str:
        term = self._by_text[match.group(1).lower()]
        if term.slug in self._linked:
            return escape(match.group(0))
        self._linked.add(term.slug)
        self._used.setdefault(term.slug, term)
        return format_html(
            '<a class="term" href="#term-{}"{}>{}</a>',
            term.slug,
            format_html(' id="term-use-{}"', term.slug) if self.marks_uses else "",
            match.group(0),
        )

    @property
    def used(self) -> list[Term]:
        return list(self._used.values())
