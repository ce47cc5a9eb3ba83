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
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass
from pathlib import Path

from bs4 import BeautifulSoup
from bs4.element import CData, Comment, Declaration, Doctype, NavigableString, ProcessingInstruction, Tag

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
_SKIPPED_STRINGS = (Comment, CData, Declaration, Doctype, ProcessingInstruction)
_WHITESPACE = re.compile(r"\s+")
_BARE_NUMBER = re.compile(r"\d{1,4}")


@dataclass
class _Block:
    text: str
    heading: bool = False


def _classes(tag: Tag) -> set[str]:
    value = tag.get("class") or []
    if isinstance(value, str):
        value = value.split()
    return {c.lower() for c in value}


def _has_heading(tag: Tag) -> bool:
    return tag.find(_HEADINGS) is not None


def _is_chrome(tag: Tag) -> bool:
    """True for page furniture and hidden elements (see module docstring)."""
    name = tag.name
    if name in _NEVER_TEXT:
        return True
    if name in ("header", "footer") and tag.find_parent(_CONTENT_ANCESTORS) is None:
        return True
    if name == "form" and not _has_heading(tag):
        return True
    if name == "button" and not _has_heading(tag):
        return True
    if tag.has_attr("hidden") or str(tag.get("aria-hidden", "")).lower() == "true":
        return True
    style = tag.get("style")
    if style and _HIDDEN_STYLE.search(str(style)):
        return True
    role = str(tag.get("role", "")).lower()
    if role in _CHROME_ROLES and not (role == "button" and _has_heading(tag)):
        return True
    return bool(_classes(tag) & _CHROME_CLASSES)


def _strip_chrome(root: Tag) -> None:
    """Remove chrome elements in place (outermost first; their subtrees go with them).

    One top-down pass that does not descend into what it removes. (Asking
    each tag ``tag.decomposed`` instead made BeautifulSoup search the tag's
    whole subtree for a child named "_decomposed": quadratic, and a 1 MB
    page of nested <div>s took hours.)
    """
    doomed: list[Tag] = []
    stack = [child for child in reversed(root.contents) if isinstance(child, Tag)]
    while stack:
        tag = stack.pop()
        if _is_chrome(tag):
            doomed.append(tag)
        else:
            stack.extend(child for child in reversed(tag.contents) if isinstance(child, Tag))
    for tag in doomed:
        tag.decompose()


def _mark_block_holders(root: Tag) -> set[int]:
    """ids of all elements that contain a block element somewhere below them."""
    holders: set[int] = set()
    # A plain walk over descendants: bs4's find_all with a set of names was
    # a third of the FirstAgenda reader's time (5,106 item fragments).
    for tag in root.descendants:
        if not isinstance(tag, Tag) or tag.name not in _BLOCK_TAGS:
            continue
        parent = tag.parent
        while parent is not None and id(parent) not in holders:
            holders.add(id(parent))
            parent = parent.parent
    return holders


class _Walker:
    """Turns a cleaned DOM into blocks, in document order."""

    def __init__(self, root: Tag) -> None:
        self.holders = _mark_block_holders(root)
        self.blocks: list[_Block] = []

    # -- inline text ----------------------------------------------------------

    @staticmethod
    def _inline_text(node: Tag | NavigableString) -> str:
        """Text of an inline subtree; <br> becomes a newline, other whitespace one space."""
        if isinstance(node, NavigableString):
            return "" if isinstance(node, _SKIPPED_STRINGS) else _WHITESPACE.sub(" ", str(node))
        parts: list[str] = []
        for item in node.descendants:
            if isinstance(item, Tag):
                if item.name == "br":
                    parts.append("\n")
            elif not isinstance(item, _SKIPPED_STRINGS):
                parts.append(_WHITESPACE.sub(" ", str(item)))
        return "".join(parts)

    def _emit(self, raw: str, *, heading: bool = False) -> None:
        lines = [line.strip() for line in raw.split("\n")]
        text = "\n".join(line for line in lines if line)
        if text:
            self.blocks.append(_Block(text, heading))

    # -- blocks -----------------------------------------------------------------

    def walk(self, node: Tag) -> None:
        """Emit the blocks of ``node``'s children; loose inline runs become blocks too."""
        buffer: list[str] = []
        heading = node.name in _HEADINGS
        for child in node.children:
            if isinstance(child, Tag) and child.name == "tr":
                self._flush(buffer, heading)
                self._row(child)
            elif isinstance(child, Tag) and child.name == "pre":
                self._flush(buffer, heading)
                self._emit(child.get_text())
            elif isinstance(child, Tag) and (child.name in _BLOCK_TAGS or id(child) in self.holders):
                self._flush(buffer, heading)
                self.walk(child)
            elif isinstance(child, Tag) and child.name == "br":
                buffer.append("\n")
            else:
                buffer.append(self._inline_text(child))
        self._flush(buffer, heading)

    def _flush(self, buffer: list[str], heading: bool) -> None:
        if buffer:
            self._emit("".join(buffer), heading=heading)
            buffer.clear()

    # -- tables -----------------------------------------------------------------

    def _cells(self, row: Tag) -> list[Tag]:
        return [cell for cell in row.find_all(("td", "th"), recursive=False)]

    def _is_layout_row(self, row: Tag) -> bool:
        return any(id(cell) in self.holders for cell in self._cells(row))

    def _layout_table_head(self, row: Tag) -> Tag | None:
        """The <thead> row of the layout table ``row`` belongs to, if any."""
        table = row.find_parent("table")
        if table is None:
            return None
        head = table.find("thead")
        if head is None or head.find_parent("table") is not table:
            return None
        return head.find("tr")

    def _is_layout_table_head(self, row: Tag) -> bool:
        """A header row ("Punkt | Titel") of a table used for page layout is not content."""
        if row.parent is None or row.parent.name != "thead":
            return False
        table = row.find_parent("table")
        return table is not None and any(
            self._is_layout_row(r) for r in table.find_all("tr") if r.find_parent("table") is table
        )

    def _column_label(self, row: Tag, column: int) -> str:
        head = self._layout_table_head(row)
        if head is None:
            return ""
        cells = self._cells(head)
        if column >= len(cells):
            return ""
        return _WHITESPACE.sub(" ", self._inline_text(cells[column])).strip()

    def _row(self, row: Tag) -> None:
        cells = self._cells(row)
        if not self._is_layout_row(row):
            if self._is_layout_table_head(row):
                return
            texts = [_WHITESPACE.sub(" ", self._inline_text(cell)).strip() for cell in cells]
            self._emit(" ".join(t for t in texts if t))
            return
        prefix: list[tuple[int, str]] = []
        index = 0
        while index < len(cells) and id(cells[index]) not in self.holders:
            text = _WHITESPACE.sub(" ", self._inline_text(cells[index])).strip()
            if text:
                prefix.append((index, text))
            index += 1
        start = len(self.blocks)
        for cell in cells[index:]:
            self.walk(cell)
        self._attach_prefix(row, prefix, start)

    def _attach_prefix(self, row: Tag, prefix: list[tuple[int, str]], start: int) -> None:
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


def html_to_blocks(data: bytes | str) -> list[Block]:
    """The visible blocks of an HTML page or fragment, headings marked (not yet repaired)."""
    soup = BeautifulSoup(data, "lxml")
    root = soup.body or soup
    _strip_chrome(root)
    walker = _Walker(root)
    walker.walk(root)
    return [Block(block.text, block.heading) for block in walker.blocks]


def html_to_text(data: bytes | str) -> str:
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
