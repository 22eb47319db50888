"""Read what a page shows (table cells, links) by parsing its HTML, not by matching markup."""

from html.parser import HTMLParser


def _words(text: str) -> str:
    return " ".join(text.split())


class _Reader(HTMLParser):
    def __init__(self, table_id: str | None):
        super().__init__()
        self.table_id = table_id
        self.table_depth = 0  # >0 inside the wanted table
        self.rows: list[list[str]] = []
        self.cell: list[str] | None = None
        self.links: list[tuple[str, str]] = []
        self.link: tuple[str, list[str]] | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table" and (self.table_depth or attrs.get("id") == self.table_id):
            self.table_depth += 1
        elif self.table_depth == 1 and tag == "tr":
            self.rows.append([])
        elif self.table_depth == 1 and tag in ("td", "th") and self.rows:
            self.cell = []
        elif tag == "a" and "href" in attrs:
            self.link = (attrs["href"], [])

    def handle_endtag(self, tag):
        if tag == "table" and self.table_depth:
            self.table_depth -= 1
        elif tag in ("td", "th") and self.cell is not None:
            self.rows[-1].append(_words("".join(self.cell)))
            self.cell = None
        elif tag == "a" and self.link is not None:
            self.links.append((self.link[0], _words("".join(self.link[1]))))
            self.link = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.append(data)
        if self.link is not None:
            self.link[1].append(data)


def table_rows(html: str, table_id: str) -> list[list[str]]:
    """The text of each cell, row by row, of the table with this id (header row included)."""
    reader = _Reader(table_id)
    reader.feed(html)
    return reader.rows


def links(html: str) -> list[tuple[str, str]]:
    """Every link on the page as (address, text), in page order."""
    reader = _Reader(None)
    reader.feed(html)
    return reader.links
