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


class _FormReader(HTMLParser):
    def __init__(self, form_id: str):
        super().__init__()
        self.form_id = form_id
        self.inside = False
        self.fields: list[tuple[str, str]] = []
        self.select: str | None = None
        self.textarea: tuple[str, list[str]] | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.inside = attrs.get("id") == self.form_id
        if not self.inside or "disabled" in attrs:
            return
        name = attrs.get("name")
        if tag == "input" and name and attrs.get("type") not in ("submit", "button", "image"):
            if attrs.get("type") in ("checkbox", "radio"):
                if "checked" in attrs:
                    self.fields.append((name, attrs.get("value") or "on"))
            else:
                self.fields.append((name, attrs.get("value") or ""))
        elif tag == "select" and name:
            self.select = name
        elif tag == "option" and self.select and "selected" in attrs:
            self.fields.append((self.select, attrs.get("value") or ""))
        elif tag == "textarea" and name:
            self.textarea = (name, [])

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "select":
            self.select = None
        elif tag == "textarea" and self.textarea:
            name, text = self.textarea
            # A browser drops the one newline that follows <textarea>.
            self.fields.append((name, "".join(text).removeprefix("\n")))
            self.textarea = None

    def handle_data(self, data):
        if self.textarea:
            self.textarea[1].append(data)


def form_data(html: str, form_id: str) -> dict[str, list[str]]:
    """What a browser would send from the form with this id, without pressing a button: every
    enabled field's value (checked boxes only), the admin's empty row templates left out."""
    reader = _FormReader(form_id)
    reader.feed(html)
    data: dict[str, list[str]] = {}
    for name, value in reader.fields:
        if "__prefix__" not in name:
            data.setdefault(name, []).append(value)
    return data


class _Elements(HTMLParser):
    def __init__(self, tag: str, attrs: dict[str, str]):
        super().__init__()
        self.tag, self.attrs = tag, attrs
        self.found: list[str] = []
        self.parts: list[str] | None = None
        self.nested = 0  # elements of the same tag inside the one being read

    def handle_starttag(self, tag, attrs):
        if tag != self.tag:
            return
        if self.parts is not None:
            self.nested += 1
        elif self.attrs.items() <= dict(attrs).items():
            self.parts = []

    def handle_endtag(self, tag):
        if tag != self.tag or self.parts is None:
            return
        if self.nested:
            self.nested -= 1
        else:
            self.found.append(_words("".join(self.parts)))
            self.parts = None

    def handle_data(self, data):
        if self.parts is not None:
            self.parts.append(data)


def texts_of(html: str, tag: str, **attrs: str) -> list[str]:
    """The text of every `tag` element that has these attributes, in page order."""
    reader = _Elements(tag, attrs)
    reader.feed(html)
    return reader.found
