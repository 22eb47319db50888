"""Pages every visitor can read outside the guided flow: information pages, sources, glossary."""

from collections import defaultdict

from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from decisionaid.caching import fragment, kept_whole
from decisionaid.http import AidRequest
from decisionaid.references import Glossary, References
from decisionaid.safety import crisis_help
from decisionaid.standards import standards as assess_standards
from treatments.models import Source, SourceKind
from treatments.releases import Content
from treatments.schema import option_sources


@require_safe
@kept_whole
def page(request: AidRequest, slug: str) -> HttpResponse:
    content = request.content
    context = {
        "page": content.page(slug),
        # The About page says where to get help at once, as every step about health does.
        "crisis_help": crisis_help(content) if slug == "about" else None,
        "fragment": fragment(content.digest, "page", slug),
        "refs": References(),
        "words": Glossary(content.terms),
    }
    return render(request, "decisionaid/pages/page.html", context)


@require_safe
@kept_whole
def sources(request: AidRequest) -> HttpResponse:
    context: dict[str, object] = {"fragment": fragment(request.content.digest, "sources")}
    # Worked out only when the page's cached part is not there: the template calls it.
    context["source_groups"] = lambda: request.content.computed("sources", source_groups)
    return render(request, "decisionaid/pages/sources.html", context)


def source_groups(content: Content) -> dict:
    """Every source behind published content, grouped by kind, with what each is cited for."""
    found: dict[int, Source] = {}
    cited_for: dict[int, dict[str, str]] = defaultdict(dict)
    for option in content.options:
        for source in option_sources(option):
            found[source.pk] = source
            cited_for[source.pk][option.name] = option.get_absolute_url()
    for section in (section for page in content.pages for section in page.related.sections):
        for source in section.related.sources:
            found[source.pk] = source
            cited_for[source.pk][section.page.title] = section.page.get_absolute_url()

    groups = []
    for kind in SourceKind:
        in_kind = [source for source in found.values() if source.kind == kind]
        in_kind.sort(key=lambda source: (source.short_citation.lower(), source.title.lower()))
        entries = [(source, list(cited_for[source.pk].items())) for source in in_kind]
        if entries:
            groups.append({"kind": kind, "entries": entries})
    return {"groups": groups, "count": len(found)}


@require_safe
@kept_whole
def glossary(request: AidRequest) -> HttpResponse:
    context = {
        "terms": request.content.terms,
        "fragment": fragment(request.content.digest, "glossary"),
    }
    return render(request, "decisionaid/pages/glossary.html", context)


@require_safe
@kept_whole
def standards(request: AidRequest) -> HttpResponse:
    """How the aid stands against the standards for decision aids, criterion by criterion."""
    content = request.content
    context: dict[str, object] = {"fragment": fragment(content.digest, "standards")}
    # Worked out only when the page's cached part is not there: the template calls it.
    context["standards"] = lambda: content.computed("standards", assess_standards)
    return render(request, "decisionaid/pages/standards.html", context)
