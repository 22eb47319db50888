"""Read what a page shows (table cells, links) by parsing its HTML, not by matching markup."""

import re
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


# A small document tree, for tests that need to find an element and read its text or attributes.

_VOID = {
    "area",
    "base",
    "br",
    "col",
    "embed",
    "hr",
    "img",
    "input",
    "link",
    "meta",
    "source",
    "track",
    "wbr",
}
_UNSEEN = {"script", "style", "template"}  # their content is not text a person reads
# Tags whose end may be left out: an open one ends when one of these starts, up to the boundary.
_IMPLIED_END = {
    "li": ({"li"}, {"ul", "ol", "menu"}),
    "dt": ({"dt", "dd"}, {"dl"}),
    "dd": ({"dt", "dd"}, {"dl"}),
    "tr": ({"tr", "td", "th"}, {"table", "thead", "tbody", "tfoot"}),
    "td": ({"td", "th"}, {"tr", "table"}),
    "th": ({"td", "th"}, {"tr", "table"}),
    "option": ({"option"}, {"select", "datalist", "optgroup"}),
}


class Element:
    """One element of a parsed page: its tag, attributes, and children (elements and text)."""

    def __init__(self, tag: str, attrs: dict[str, str | None], parent: "Element | None" = None):
        self.tag, self.attrs, self.parent = tag, attrs, parent
        self.children: list[Element | str] = []

    def __repr__(self) -> str:
        attrs = "".join(f' {k}="{v}"' if v is not None else f" {k}" for k, v in self.attrs.items())
        return f"<{self.tag}{attrs}>"

    def __getitem__(self, name: str) -> str:
        """An attribute's value ("" for one written without a value, such as `hidden`)."""
        return self.attrs[name] or ""

    def get(self, name: str, default: str | None = None) -> str | None:
        return self[name] if name in self.attrs else default

    @property
    def classes(self) -> list[str]:
        return (self.attrs.get("class") or "").split()

    @property
    def text(self) -> str:
        """The text inside, as a person reads it: entities decoded, spacing collapsed."""
        return _words("".join(self._strings()))

    def _strings(self):
        for child in self.children:
            if isinstance(child, str):
                yield child
            elif child.tag not in _UNSEEN:
                yield from child._strings()

    def elements(self):
        """Every element inside, in page order."""
        for child in self.children:
            if isinstance(child, Element):
                yield child
                yield from child.elements()

    def matches(self, tag: str | None = None, class_: str | None = None, **attrs) -> bool:
        if tag is not None and self.tag != tag:
            return False
        if class_ is not None and class_ not in self.classes:
            return False
        for key, wanted in attrs.items():
            name = key.rstrip("_").replace("_", "-")
            if name not in self.attrs:
                return False
            if isinstance(wanted, re.Pattern):
                if not wanted.fullmatch(self[name]):
                    return False
            elif wanted is not True and self[name] != wanted:
                return False
        return True

    def find_all(
        self, tag: str | None = None, class_: str | None = None, **attrs
    ) -> list["Element"]:
        """Every element inside with this tag (any if None), this class among its classes and
        these attributes: `aria_labelledby="x"` is aria-labelledby="x"; True asks only that the
        attribute is there; a compiled pattern, that the whole value matches it."""
        return [e for e in self.elements() if e.matches(tag, class_, **attrs)]

    def find(self, tag: str | None = None, class_: str | None = None, **attrs) -> "Element":
        """The first element inside that find_all would give; LookupError if there is none."""
        for element in self.elements():
            if element.matches(tag, class_, **attrs):
                return element
        raise LookupError(f"no {tag or 'element'} with class {class_!r}, {attrs} in {self!r}")

    def texts(self, tag: str | None = None, class_: str | None = None, **attrs) -> list[str]:
        return [e.text for e in self.find_all(tag, class_, **attrs)]

    def section(self, labelled_by: str) -> "Element":
        """The <section> named by the heading with this id."""
        return self.find("section", aria_labelledby=labelled_by)


class _TreeBuilder(HTMLParser):
    def __init__(self):
        super().__init__()
        self.root = Element("#document", {})
        self.open = [self.root]

    def handle_starttag(self, tag, attrs):
        if tag in _IMPLIED_END:
            closes, boundary = _IMPLIED_END[tag]
            for depth in range(len(self.open) - 1, 0, -1):
                if self.open[depth].tag in boundary:
                    break
                if self.open[depth].tag in closes:
                    del self.open[depth:]
                    break
        element = Element(tag, dict(attrs), self.open[-1])
        self.open[-1].children.append(element)
        if tag not in _VOID:
            self.open.append(element)

    def handle_startendtag(self, tag, attrs):
        self.open[-1].children.append(Element(tag, dict(attrs), self.open[-1]))

    def handle_endtag(self, tag):
        for depth in range(len(self.open) - 1, 0, -1):
            if self.open[depth].tag == tag:
                del self.open[depth:]
                return  # an end tag with nothing open to end is ignored, as browsers do

    def handle_data(self, data):
        self.open[-1].children.append(data)


def parse(html: str) -> Element:
    """The page as a tree of elements, to find things in with find/find_all."""
    builder = _TreeBuilder()
    builder.feed(html)
    builder.close()
    return builder.root
