"""A paper's title, authors, journal and year from PubMed, for the editors' "Fill in from PubMed"
button on a source.

The server asks NCBI's E-utilities (esummary, db=pubmed, JSON), never the editor's browser, so
pages make no third-party requests. Its answer (the version 2.0 document summary) is
`{"header": ..., "result": {"uids": [...], "<pmid>": {"title", "authors": [{"name",
"authtype"}], "fulljournalname", "source", "pubdate", "articleids": [{"idtype", "value"}],
...}}}`; an ID PubMed does not hold answers `{"uid": "<pmid>", "error": "cannot get document
summary"}` in its place.
"""

import html
import re
from dataclasses import asdict, dataclass
from typing import cast

import requests
from django.conf import settings
from django.utils.html import strip_tags

from treatments.models import Source

# Long enough for a slow answer, short enough that an editor is not left waiting.
TIMEOUT_SECONDS = 5
# NCBI asks every caller to name its tool (no spaces) and, where it can, give an email.
TOOL = "decisionaid"
# Authors named before "et al.", as the ICMJE's recommended (Vancouver) references do.
AUTHORS_NAMED = 6
# As long as a source's authors may be.
AUTHORS_MAX_LENGTH = cast(int, Source._meta.get_field("authors").max_length)


class LookupFailed(Exception):
    """PubMed gave nothing to fill in; the message says why and what to do."""


class NotInPubMed(LookupFailed):
    pass


class Unreachable(LookupFailed):
    pass


@dataclass(frozen=True)
class Paper:
    """A source's fields as PubMed gives them, each a string as the form's boxes hold it."""

    title: str
    authors: str
    publisher: str
    year: str
    doi: str

    def fields(self) -> dict[str, str]:
        """The fields PubMed gave, by the source form's field names."""
        return {name: value for name, value in asdict(self).items() if value}


def look_up(pmid: str) -> Paper:
    """The paper with this PubMed ID (digits), or LookupFailed with a message for the editor."""
    params = {"db": "pubmed", "id": pmid, "retmode": "json", "tool": TOOL}
    if settings.PUBMED_EMAIL:
        params["email"] = settings.PUBMED_EMAIL
    try:
        response = requests.get(
            settings.PUBMED_ESUMMARY_URL, params=params, timeout=TIMEOUT_SECONDS
        )
        response.raise_for_status()
        answer = response.json()
    except requests.Timeout:
        raise Unreachable(
            f"PubMed did not answer within {TIMEOUT_SECONDS} seconds. Try again in a minute, "
            "or type the details in yourself."
        ) from None
    except (requests.RequestException, ValueError):
        raise Unreachable(
            "PubMed could not be reached from this server just now. Try again in a minute, "
            "or type the details in yourself."
        ) from None
    return read_summary(answer, pmid)


def read_summary(answer, pmid: str) -> Paper:
    """The paper in an esummary answer (parsed JSON), checked as it comes from outside."""
    result = answer.get("result") if isinstance(answer, dict) else None
    record = result.get(pmid) if isinstance(result, dict) else None
    if not isinstance(record, dict) or "error" in record or not record.get("title"):
        raise NotInPubMed(
            f"PubMed has no paper with the ID {pmid}. Check the number against the paper, "
            "or type the details in yourself."
        )
    return Paper(
        title=_title(record.get("title")),
        authors=_authors(record.get("authors")),
        publisher=_text(record.get("fulljournalname") or record.get("source")),
        year=_year(record),
        doi=_doi(record.get("articleids")),
    )


def _text(value) -> str:
    """Plain text: PubMed's titles can hold markup (<i>) and entities (&amp;)."""
    return " ".join(strip_tags(html.unescape(value)).split()) if isinstance(value, str) else ""


def _title(value) -> str:
    # PubMed ends every title with a full stop; the sources keep titles as published without it.
    return _text(value).removesuffix(".")


def _authors(value) -> str:
    names = [
        _text(author.get("name"))
        for author in (value if isinstance(value, list) else [])
        if isinstance(author, dict)
    ]
    names = [name for name in names if name]
    shown = names[:AUTHORS_NAMED]
    while shown:
        text = ", ".join(shown) + (", et al." if len(shown) < len(names) else "")
        if len(text) <= AUTHORS_MAX_LENGTH:
            return text
        shown.pop()
    return ""


def _year(record: dict) -> str:
    for key in ("pubdate", "sortpubdate"):  # "2009 Oct", then "2009/10/01 00:00"
        found = re.search(r"\b(1[89]\d\d|2\d\d\d)\b", _text(record.get(key)))
        if found:
            return found[1]
    return ""


def _doi(value) -> str:
    for article_id in value if isinstance(value, list) else []:
        if isinstance(article_id, dict) and article_id.get("idtype") == "doi":
            return _text(article_id.get("value"))
    return ""
