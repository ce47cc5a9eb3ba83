"""HTML reader: a municipal agenda page → one text block per heading/paragraph/row.

Agenda portals (FirstAgenda, eDoc, Prepare, ...) wrap the minutes in a lot
of page furniture: navigation, dropdown menus ("Hent som PDF", "Kopier
link"), modal dialogs, attachment-count badges, icon fonts, forms and
scripts full of localisation strings. All of that would otherwise reach the
index as words no minute ever said, so it is removed before text is taken:

* elements that never carry content (script, style, noscript, template, svg,
  form controls, iframes, ...);
* page chrome: nav, a header/footer that is not inside an article/main/
  section, forms that do not wrap the page's headings, buttons without a
  heading inside, ARIA roles for menus/dialogs/navigation/banners;
* hidden elements: ``hidden``, ``aria-hidden="true"``, inline
  ``display:none``/``visibility:hidden``, and the CSS utility classes that
  hide or decorate (sr-only, d-none, modal, dropdown-menu, glyphicon, btn,
  badge, ...).

The visible structure then decides the blocks: every block element (h1-h6,
p, li, dt/dd, div with its own text, ...) becomes one block in document
order; a simple table row becomes one block with its cells joined by " ".
Layout tables (rows whose cells hold headings and paragraphs, as FirstAgenda
uses for the agenda itself) are read cell by cell instead, and a short
leading cell such as the item number is put in front of the row's first
heading, so every agenda item heading stands on its own block with its
number: "Punkt 2: Forslag til budget 2026-2029" when the number column is
labelled "Punkt" (the shape the text exports use), else "2. Forslag ...".

The page has no structured data better than its visible text (checked on the
Aarhus FirstAgenda page: only a localisation script), so only visible text
is used.

The reader walks lxml's own tree (issue #14). It walked a BeautifulSoup tree
built from the same libxml2 parser's events, and that Python tree was 41 % of
a FirstAgenda parse (Greve's items carry their sections as HTML fragments).
Measured on a 2-core machine shared with other jobs, old and new reader
interleaved in the same run (best and median of three unless said):

* html_to_blocks alone, both readers alternated in one process: Greve's
  5,106 item fragments (36 MB of HTML) 25.5 s, 46.6 s → 9.2 s, 14.0 s
  (0.36×, 0.30×); the 276 pages of `bench.generate --items 4000
  --html-share 1.0` 12.4 s, 12.7 s → 2.8 s, 4.0 s (0.22×, 0.31×);
* read + parse (try_parse) of all 342 Greve JSON files: 34.5 s, 39.8 s →
  18.6 s, 20.2 s (0.54×, 0.51×); of those 276 generated pages: 16.9 s,
  18.0 s → 12.2 s, 12.9 s (0.72×);
* `python -m indexer build` of Greve + the seed corpus (347 meetings, 5,156
  items), the two pairs run while the load was low: 113.5 s → 102.4 s and
  117.3 s → 109.9 s wall (0.90×, 0.94×), 212 s → 197 s and 221 s → 200 s
  CPU (0.93×, 0.90×), as the profile predicts (parsing ~24 % of a build,
  the tree 41 % of that). Two earlier pairs under heavy load (230.6 → 165.5
  s, 169.2 → 213.1 s) were noise either way.

Same output, checked record by record on every document the project reads
(Greve, seeds, shared formats and pages, generated archives: 706 records,
5,390 HTML block lists, all identical) and on 20,000 random tag soups against
the old reader. The two trees differ only where lxml's cannot say what
BeautifulSoup's did: a stray <!DOCTYPE> inside the text no longer splits the
text around it into two strings (so "a <!DOCTYPE html> b" reads "a b", not
"a  b"), and a page nested 2,048 levels deep is reported as too deeply
nested (see `_parse`).
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from ..repair import repair_text
from . import Block, ReadError
from .txt import _bom_encoding, _looks_like_text, _utf16_without_bom, decode_bytes

__all__ = ["extract_text", "html_to_blocks", "html_to_text"]

# Elements whose content is never text a reader of the minutes sees.
_NEVER_TEXT = frozenset({
    "script", "style", "noscript", "template", "svg", "math", "canvas", "iframe",
    "object", "embed", "audio", "video", "map", "head", "title", "meta", "link",
    "input", "select", "option", "optgroup", "textarea", "datalist", "output",
    "label", "dialog", "nav", "img", "picture", "source", "track",
})
_CHROME_ROLES = frozenset({
    "navigation", "banner", "contentinfo", "search", "menu", "menubar",
    "menuitem", "dialog", "alertdialog", "toolbar", "tooltip", "button",
    "progressbar",
})
_CHROME_CLASSES = frozenset({
    "sr-only", "visually-hidden", "visuallyhidden", "screen-reader-text", "hidden",
    "d-none", "hide", "invisible", "modal", "dropdown-menu", "dropdown-toggle",
    "navbar", "breadcrumb", "breadcrumbs", "cookie", "cookie-banner",
    "cookie-consent", "skip-link", "skiplink", "glyphicon", "btn", "spinner",
    "pagination", "badge", "share", "print-link",
})
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
_HEADINGS = ("h1", "h2", "h3", "h4", "h5", "h6")
_CONTENT_ANCESTORS = ("article", "main", "section")

# Elements that start a new block. "br" is handled separately (a line break
# inside a block); td/th are blocks so that layout cells never glue together.
_BLOCK_TAGS = frozenset({
    "address", "article", "aside", "blockquote", "body", "caption", "center",
    "dd", "details", "div", "dl", "dt", "fieldset", "figcaption", "figure",
    "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hgroup",
    "hr", "html", "legend", "li", "main", "menu", "ol", "p", "pre", "section",
    "summary", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
})
_WHITESPACE = re.compile(r"\s+")
# The name a stripped chrome element is left under (see _strip_chrome).
_REMOVED = "removed-chrome"
_BARE_NUMBER = re.compile(r"\d{1,4}")

# Text nodes only (comments and processing instructions are other node
# types, so they are skipped without a test), with the <br>s between them, in
# document order: one C-level query instead of a Python walk with tails.
_INLINE_PARTS = etree.XPath("descendant::text() | descendant::br", smart_strings=False)
# The text of a <pre> as BeautifulSoup's get_text() gave it: ruby annotations
# (<rt>, <rp>) were a string type of their own there and left out.
_PRE_TEXT = etree.XPath("descendant::text()[not(ancestor::rt or ancestor::rp)]", smart_strings=False)

# The depth libxml2 builds trees to with huge_tree (see _parse); an element
# this deep may have lost the content below it. Few pages have enough tags
# to be that deep at all, so the query only runs for those.
_MAX_DEPTH = 2048
_REACHES_MAX_DEPTH = etree.XPath("boolean(/" + "/".join(["*"] * _MAX_DEPTH) + ")")


class TooDeep(RecursionError):
    """A page nested deeper than the parser builds trees. A RecursionError,
    because that is what the callers already report as "too deeply nested"
    (and what the old reader raised for such pages)."""



@dataclass
class _Block:
    text: str
    heading: bool = False


def _is_element(node: etree._Element) -> bool:
    """False for comments and processing instructions (their tag is a factory function)."""
    return isinstance(node.tag, str)


def _classes(tag: etree._Element) -> set[str]:
    return {c.lower() for c in (tag.get("class") or "").split()}


def _has_heading(tag: etree._Element) -> bool:
    return next(tag.iterdescendants(_HEADINGS), None) is not None


def _is_chrome(tag: etree._Element) -> bool:
    """True for page furniture and hidden elements (see module docstring)."""
    name = tag.tag
    if name in _NEVER_TEXT:
        return True
    if name in ("header", "footer") and next(tag.iterancestors(_CONTENT_ANCESTORS), None) is None:
        return True
    if name == "form" and not _has_heading(tag):
        return True
    if name == "button" and not _has_heading(tag):
        return True
    if "hidden" in tag.attrib or (tag.get("aria-hidden") or "").lower() == "true":
        return True
    style = tag.get("style")
    if style and _HIDDEN_STYLE.search(style):
        return True
    role = (tag.get("role") or "").lower()
    if role in _CHROME_ROLES and not (role == "button" and _has_heading(tag)):
        return True
    return bool(_classes(tag) & _CHROME_CLASSES)


def _strip_chrome(root: etree._Element) -> None:
    """Empty chrome elements (outermost first; their subtrees go with them).

    One top-down pass that does not descend into what it empties. An emptied
    element keeps its tail (lxml stores the text after an element as its
    tail) under a name nothing else looks for, so it is what the removed tag
    was in the BeautifulSoup tree this reader used to walk: no text, and the
    strings on either side stay two strings, each with its whitespace
    collapsed on its own. Removing the element would lose the tail; merging
    the tail into the text before it would change "a " + " b" into "a b";
    assigning the tail to a placeholder makes lxml reject the control
    characters the parser itself let through.
    """
    doomed: list[etree._Element] = []
    stack = [child for child in reversed(root) if _is_element(child)]
    while stack:
        tag = stack.pop()
        if _is_chrome(tag):
            doomed.append(tag)
        else:
            stack.extend(child for child in reversed(tag) if _is_element(child))
    for tag in doomed:
        tag.clear(keep_tail=True)
        tag.tag = _REMOVED


def _mark_block_holders(root: etree._Element) -> set[etree._Element]:
    """All elements that contain a block element somewhere below them.

    Elements, not their ids: lxml makes a new Python proxy for a node when no
    old one is alive, so an id could be reused; the set keeps the proxies
    alive, and lxml hands out the same proxy for the same node while it is.
    """
    holders: set[etree._Element] = set()
    for tag in root.iterdescendants(_BLOCK_TAGS):
        parent = tag.getparent()
        while parent is not None and parent not in holders:
            holders.add(parent)
            parent = parent.getparent()
    return holders


def _collapse(text: str | None) -> str:
    return _WHITESPACE.sub(" ", text) if text else ""


def _inline_text(node: etree._Element) -> str:
    """Text of an inline subtree; <br> becomes a newline, other whitespace one space.

    Each text node's whitespace is collapsed on its own (not the joined
    text), as the reader always did.
    """
    if not _is_element(node):
        return ""
    return "".join(
        _WHITESPACE.sub(" ", part) if isinstance(part, str) else "\n"
        for part in _INLINE_PARTS(node)
    )


def _children(row: etree._Element, names: tuple[str, ...]) -> list[etree._Element]:
    return [child for child in row if child.tag in names]


class _Walker:
    """Turns a cleaned DOM into blocks, in document order."""

    def __init__(self, roots: list[etree._Element]) -> None:
        self.holders: set[etree._Element] = set()
        for root in roots:
            self.holders |= _mark_block_holders(root)
        self.blocks: list[_Block] = []

    def _emit(self, raw: str, *, heading: bool = False) -> None:
        lines = [line.strip() for line in raw.split("\n")]
        text = "\n".join(line for line in lines if line)
        if text:
            self.blocks.append(_Block(text, heading))

    # -- blocks -----------------------------------------------------------------

    def walk(self, node: etree._Element) -> None:
        """Emit the blocks of ``node``'s children; loose inline runs become blocks too.

        The text before the first child is ``node.text``, the text after each
        child that child's ``tail``: both belong to the run around them.
        """
        buffer: list[str] = [_collapse(node.text)]
        heading = node.tag in _HEADINGS
        for child in node:
            name = child.tag
            if name == "tr":
                self._flush(buffer, heading)
                self._row(child)
            elif name == "pre":
                self._flush(buffer, heading)
                self._emit("".join(_PRE_TEXT(child)))
            elif name in _BLOCK_TAGS or child in self.holders:
                self._flush(buffer, heading)
                self.walk(child)
            elif name == "br":
                buffer.append("\n")
            else:
                buffer.append(_inline_text(child))
            buffer.append(_collapse(child.tail))
        self._flush(buffer, heading)

    def _flush(self, buffer: list[str], heading: bool) -> None:
        if buffer:
            self._emit("".join(buffer), heading=heading)
            buffer.clear()

    # -- tables -----------------------------------------------------------------

    def _cells(self, row: etree._Element) -> list[etree._Element]:
        return _children(row, ("td", "th"))

    def _is_layout_row(self, row: etree._Element) -> bool:
        return any(cell in self.holders for cell in self._cells(row))

    def _layout_table_head(self, row: etree._Element) -> etree._Element | None:
        """The <thead> row of the layout table ``row`` belongs to, if any."""
        table = next(row.iterancestors("table"), None)
        if table is None:
            return None
        head = next(table.iterdescendants("thead"), None)
        if head is None or next(head.iterancestors("table"), None) is not table:
            return None
        return next(head.iterdescendants("tr"), None)

    def _is_layout_table_head(self, row: etree._Element) -> bool:
        """A header row ("Punkt | Titel") of a table used for page layout is not content."""
        parent = row.getparent()
        if parent is None or parent.tag != "thead":
            return False
        table = next(row.iterancestors("table"), None)
        return table is not None and any(
            self._is_layout_row(r) for r in table.iterdescendants("tr")
            if next(r.iterancestors("table"), None) is table
        )

    def _column_label(self, row: etree._Element, column: int) -> str:
        head = self._layout_table_head(row)
        if head is None:
            return ""
        cells = self._cells(head)
        if column >= len(cells):
            return ""
        return _WHITESPACE.sub(" ", _inline_text(cells[column])).strip()

    def _row(self, row: etree._Element) -> None:
        cells = self._cells(row)
        if not self._is_layout_row(row):
            if self._is_layout_table_head(row):
                return
            texts = [_WHITESPACE.sub(" ", _inline_text(cell)).strip() for cell in cells]
            self._emit(" ".join(t for t in texts if t))
            return
        prefix: list[tuple[int, str]] = []
        index = 0
        while index < len(cells) and cells[index] not in self.holders:
            text = _WHITESPACE.sub(" ", _inline_text(cells[index])).strip()
            if text:
                prefix.append((index, text))
            index += 1
        start = len(self.blocks)
        for cell in cells[index:]:
            self.walk(cell)
        self._attach_prefix(row, prefix, start)

    def _attach_prefix(self, row: etree._Element, prefix: list[tuple[int, str]], start: int) -> None:
        """Put a layout row's leading cell (the item number) in front of its heading.

        A bare number under a column label becomes "<label> <n>: <heading>"
        (FirstAgenda: column "Punkt" → "Punkt 2: Forslag til budget ..."), the
        same shape the text exports use; without a label "<n>. <heading>".
        """
        if not prefix:
            return
        if start >= len(self.blocks) or not self.blocks[start].heading:
            self.blocks.insert(start, _Block(" ".join(text for _, text in prefix)))
            return
        first = self.blocks[start]
        if len(prefix) == 1 and _BARE_NUMBER.fullmatch(prefix[0][1]):
            column, number = prefix[0]
            label = self._column_label(row, column)
            lead = f"{label} {number}: " if label else f"{number}. "
        else:
            lead = " ".join(text for _, text in prefix) + " "
        first.text = lead + first.text


_META_CHARSET = re.compile(rb"""<meta\b[^>]*?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
# A page that declares Latin-1 (or ASCII) is read as cp1252, as browsers do.
_AS_CP1252 = frozenset({"latin_1", "iso8859-1", "ascii", "cp1252"})


def decode_html(data: bytes, path: Path) -> str:
    """The page's text: a BOM or UTF-16 without one first, then the declared
    charset if the bytes really are in it, else the plain-text reader's
    evidence-first decoding (which also turns binary data away).

    Left to BeautifulSoup, a BOM-less UTF-16 page came out with U+FFFD between
    all letters, a cp1252 page declared as UTF-8 with U+FFFD for every æøå,
    and binary data named .html was indexed as text.
    """
    if _bom_encoding(data) is None and _utf16_without_bom(data) is None:
        data = data.rstrip(b"\x00")  # NUL padding some exporters leave at the end
        declared = _META_CHARSET.search(data[:4096])
        if declared is not None:
            try:
                encoding = codecs.lookup(declared.group(1).decode("ascii")).name
                text = data.decode("cp1252" if encoding in _AS_CP1252 else encoding)
            except (LookupError, UnicodeDecodeError):
                pass
            else:
                if "\x00" not in text and _looks_like_text(text):
                    return text
    return decode_bytes(data, path)


def _parse(text: str) -> etree._Element | None:
    """The page's <html> element, or None for a page without any element.

    The parser recovers from bad markup and is fed the whole text at once, as
    BeautifulSoup fed it, so the tree is the one the reader always walked.
    ``feed`` rather than ``fromstring``: fromstring refuses a str that starts
    with an XML declaration naming an encoding. A leading BOM character is
    dropped (BeautifulSoup did that too; it works around an lxml bug).

    ``huge_tree``: libxml2 builds a tree at most 256 levels deep (2,048 with
    it) and silently drops what lies deeper, where BeautifulSoup, fed the
    parser's events, kept every level. A page that reaches the limit is
    reported as too deeply nested (`TooDeep`) instead of read without its
    innermost text; the old reader already failed on such pages whenever
    their blocks nested deeper than Python's recursion limit (~1,000).
    """
    parser = etree.HTMLParser(recover=True, huge_tree=True)
    parser.feed(text[1:] if text.startswith("\ufeff") else text)
    try:
        html = parser.close()
    except etree.XMLSyntaxError:  # nothing but whitespace and comments
        return None
    if text.count("<") >= _MAX_DEPTH and _REACHES_MAX_DEPTH(html):
        raise TooDeep(f"HTML is nested {_MAX_DEPTH} levels deep or more")
    return html


def _content_roots(html: etree._Element) -> list[etree._Element]:
    """The elements whose children are read: the first <body>, else every
    top-level tree that is not chrome (as BeautifulSoup's document children
    were checked).

    Text after ``</html>`` makes libxml2 start another top-level <html>
    (a sibling of the root in lxml), whose <body> counts when the first tree
    has none: "<head>...</head></html><p>x</p>" reads "x".
    """
    trees = [html, *(node for node in html.itersiblings() if _is_element(node))]
    for tree in trees:
        body = next(tree.iter("body"), None)
        if body is not None:
            return [body]
    return [tree for tree in trees if not _is_chrome(tree)]


def html_to_blocks(data: str) -> list[Block]:
    """The visible blocks of an HTML page or fragment, headings marked (not yet repaired).

    ``data`` is decoded text (see `decode_html`); the FirstAgenda reader
    passes its items' HTML fields, extract_text a decoded page.
    """
    html = _parse(data)
    roots = _content_roots(html) if html is not None else []
    for root in roots:
        _strip_chrome(root)
    walker = _Walker(roots)
    for root in roots:
        walker.walk(root)
    return [Block(block.text, block.heading) for block in walker.blocks]


def html_to_text(data: str) -> str:
    """Plain text of an HTML page, blocks separated by blank lines (not yet repaired)."""
    return "\n\n".join(block.text for block in html_to_blocks(data))


def extract_text(data: bytes, path: Path) -> str:
    """Repaired text of an .html/.htm file; a page without text → ReadError."""
    try:
        text = repair_text(html_to_text(decode_html(data, path)))
    except RecursionError:
        raise ReadError(path, "HTML is too deeply nested to read") from None
    if not text.strip():
        raise ReadError(path, "HTML page has no readable text")
    return text
