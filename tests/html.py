"""Read what a page shows (text, links, table cells, form fields) with lxml and XPath."""

import lxml.html
from lxml.html import HtmlElement

# Text inside these is not text a person reads.
SEEN_TEXT = ".//text()[not(ancestor::script or ancestor::style or ancestor::template)]"


def parse(html: str) -> HtmlElement:
    """The page (or an htmx fragment) as a tree to search with XPath."""
    return lxml.html.document_fromstring(html)


def words(text: str) -> str:
    return " ".join(text.split())


def text_of(element: HtmlElement) -> str:
    """The text inside, as a person reads it: spacing collapsed, scripts and styles left out."""
    return words("".join(element.xpath(SEEN_TEXT)))


def texts_of(element: HtmlElement, path: str) -> list[str]:
    """The text of every element the XPath finds, in page order."""
    return [text_of(found) for found in element.xpath(path)]


def first(element: HtmlElement, path: str) -> HtmlElement:
    """The first element the XPath finds; LookupError if there is none."""
    found = element.xpath(path)
    if not found:
        raise LookupError(f"nothing at {path} in {element!r}")
    return found[0]


def has_class(name: str) -> str:
    """An XPath test that `name` is one of an element's classes."""
    return f"contains(concat(' ', normalize-space(@class), ' '), ' {name} ')"


def section(element: HtmlElement, labelled_by: str) -> HtmlElement:
    """The <section> named by the heading with this id."""
    return first(element, f".//section[@aria-labelledby='{labelled_by}']")


def links(html: str) -> list[tuple[str, str]]:
    """Every link on the page as (address, text), in page order."""
    return [(a.get("href"), words(a.text_content())) for a in parse(html).xpath("//a[@href]")]


def table_rows(html: str, table_id: str) -> list[list[str]]:
    """The text of each cell, row by row, of the table with this id (header row included)."""
    table = first(parse(html), f"//table[@id='{table_id}']")
    return [
        [words(cell.text_content()) for cell in row.xpath("td|th")]
        for row in table.xpath("tr|*/tr")
    ]


def form_data(html: str, form_id: str) -> dict[str, list[str]]:
    """What a browser would send from the form with this id, without pressing a button: every
    enabled field's value (checked boxes only), the admin's empty row templates left out."""
    form = first(parse(html), f"//form[@id='{form_id}']")
    data: dict[str, list[str]] = {}
    for field in form.inputs:
        name = field.name
        if not name or "__prefix__" in name or "disabled" in field.attrib:
            continue
        if field.tag == "select":
            values = [
                option.get("value", "")
                for option in field.xpath(".//option[@selected and not(@disabled)]")
            ]
        elif field.tag == "textarea":
            values = [field.value.removeprefix("\n")]  # a browser drops the newline after the tag
        elif field.type in ("submit", "button", "image"):
            continue
        elif field.checkable:
            values = [field.get("value") or "on"] if field.checked else []
        else:
            values = [field.get("value", "")]
        for value in values:
            data.setdefault(name, []).append(value)
    return data
