"""PDF reader: text PDFs of minutes → paragraphs, without page furniture.

Library choice: pypdfium2 (PDFium, the PDF engine of Chrome). Measured on the
two real minutes in shared/formats (Ballerup 2012, 15 pages; Syddjurs 2013,
5 pages), plain text extraction, median of 5 runs on the 2-core dev machine:

==============  ================  ===============  =============================
library         Ballerup (15 p.)  Syddjurs (5 p.)  quality
==============  ================  ===============  =============================
pypdfium2       0.013 s           0.005 s          all words right, spaces right,
                                                   content-stream reading order
                                                   (a two-column member list
                                                   stays column by column); char
                                                   boxes, baselines, font size
                                                   and font name per character;
                                                   marks line-end hyphens
pypdf           0.215 s           0.056 s          same words and order; no cheap
                                                   geometry or font information
pdfminer.six    0.444 s           0.063 s          same words; splits "Sagsnr.:
                                                   12/27845" into separate label
                                                   and value blocks
pdfplumber      0.985 s           0.109 s          drops spaces: "ReferatFor
                                                   Udvalget", "-kl.", "–og"
==============  ================  ===============  =============================

All four found the same words on these files; what decides is that PDFium
is 10-70x faster and gives the per-line geometry that paragraph rebuilding,
heading detection and header/footer removal need. This whole reader,
geometry included, takes 0.031 s and 0.007 s on the two files. PDFium is
not thread-safe: read PDFs from one thread per process (processes are fine).

What happens to a document:

1. every page's text is split into lines (PDFium's line breaks), each with
   its baseline, left/right edge, font size and whether it is all bold;
2. running headers and footers go: walking in from the top and bottom edge
   of each page (within a fifth of the page height), lines are dropped while
   their text recurs near the same height on at least half of the pages
   (identical, or differing only in a number that follows the page number,
   like "Side 3") or is a page number ("Side 3 af 12", "3 of 5"); the walk
   stops at the first line of content;
3. lines are joined into paragraphs: a new block starts at a larger vertical
   gap than the document's usual line pitch, at a change of font size or
   boldness (so headings stand alone), at a bullet, at an outdented list
   marker, when the previous line ended early (its next word would have
   fitted, so the break was intentional), when the text jumps up or
   sideways (a new column or table cell), and after a table or contents row
   (a line with a column-wide gap in it);
4. a word hyphenated across a line end is joined ("social-/udvalget" →
   "socialudvalget") unless the hyphen is real: a suspended compound
   ("Sundheds- og ..."), an acronym or number ("KKR-regi", "6-måneders"),
   a hyphenated form the document itself uses elsewhere, or "ikke-";
5. the text goes through repair_text like every other format.
"""

from __future__ import annotations

import bisect
import ctypes
import itertools
import math
import re
import zlib
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from ..repair import repair_text
from . import ReadError

__all__ = ["extract_pages", "extract_text", "pdf_pages", "pdf_to_text"]

_NO_TEXT_REASON = "PDF has no text layer (scanned?)"
_HEADER_ZONE = 0.2  # top and bottom fraction of the page searched for running headers/footers
_HEIGHT_SLACK = 0.03  # how far (fraction of page height) a running header may move between pages
_BREAK_SEPARATORS = re.compile("\r\n|\n|\r|\ufffe")
_DIGITS = re.compile(r"\d+")
_PAGE_NUMBER = re.compile(
    r"(?:side|page|s\.|pag\.?)\s*\d+(?:\s*(?:af|of|/|ud af|fra)\s*\d+)?"
    r"|\d+\s*(?:af|of|/)\s*\d+"
    r"|[-–—]\s*\d+\s*[-–—]",
    re.IGNORECASE,
)
_BULLETS = frozenset("•▪◦●■□➢➤►▸‣⁃\uf0b7\uf0a7\uf0a8\uf0d8\uf076\uf0fc\uf06e")
_ENUMERATOR = re.compile(r"(?:\d{1,2}|[a-zA-Z]|[ivxIVX]{1,4})[.)]\s")
_LIST_MARKER = re.compile(r"(?:\d{1,3}|[a-zA-Z]|[ivxIVX]{1,4})[.)]|[-–•▪◦●■□➢➤►▸‣⁃\uf0b7\uf0a7\uf0a8\uf0d8\uf076\uf0fc\uf06e]")
_SUSPENDED_HYPHEN_NEXT = frozenset({"og", "eller", "samt", "&", "og/eller", "hhv.", "henholdsvis", "el."})
_HYPHEN_PREFIXES = frozenset({"ikke"})
_WORDS = re.compile(r"\w+(?:-\w+)*")
_BOLD_NAME = re.compile(r"bold|black|heavy|semibold|demibold|,b\b", re.IGNORECASE)


@dataclass
class _Line:
    """One text line of a page and the geometry the paragraph rules need."""

    text: str
    page: int
    top: float  # baseline, measured from the top of the page
    x0: float
    x1: float
    size: float
    bold: bool
    first_word_width: float
    page_height: float
    rotated: bool = False
    gapped: bool = False  # holds a wide horizontal gap: a table or contents row


@dataclass
class _Stats:
    """Document-wide measures the paragraph rules compare against."""

    pitch: float  # usual baseline distance inside a paragraph, as a multiple of font size
    right_margin: float
    vocabulary: frozenset[str]


# --- decompression bombs ------------------------------------------------------------

# What the streams of one PDF may inflate to. A 3 MB PDF can inflate to 3 GB
# (deflate reaches about 1:1000, and filters may be chained); PDFium then
# allocates it all. The build's parse worker sets this from its FileBudget.
INFLATE_LIMIT = 512 << 20
_STREAM_START = re.compile(rb"(?<![A-Za-z])stream(?:\r\n|\n|\r)")
_ENDSTREAM = b"endstream"
_INFLATE_CHUNK = 1 << 20
_MAX_FILTER_DEPTH = 4  # [/FlateDecode /FlateDecode ...]: each layer is inflated in turn


def _inflate(chunks: Iterator[bytes]) -> Iterator[bytes]:
    """Inflate a stream of compressed chunks piece by piece (never all at once)."""
    decoder = zlib.decompressobj()
    for chunk in chunks:
        data = chunk
        while data and not decoder.eof:
            out = decoder.decompress(data, _INFLATE_CHUNK)
            data = decoder.unconsumed_tail
            if out:
                yield out


def _looks_deflated(data: bytes) -> bool:
    return len(data) >= 2 and data[0] & 0x0F == 8 and (data[0] << 8 | data[1]) % 31 == 0


def _inflated_size(raw: bytes, budget: int) -> int:
    """How large a stream becomes once inflated (a layer of deflate at a time),
    counted in bounded chunks and given up on past `budget`. A stream that
    is not deflated counts as its own size."""
    if not _looks_deflated(raw):
        return len(raw)
    chunks: Iterator[bytes] = iter((raw,))
    for _ in range(_MAX_FILTER_DEPTH):
        layer = _inflate(chunks)
        try:
            first = next(layer, b"")
        except zlib.error:
            return len(raw)
        chunks = itertools.chain((first,), layer)
        if not _looks_deflated(first):
            break
    return _count(chunks, budget, len(raw))


def _count(chunks: Iterator[bytes], budget: int, floor: int) -> int:
    total = 0
    try:
        for chunk in chunks:
            total += len(chunk)
            if total > budget:
                break
    except zlib.error:
        pass  # a damaged stream: PDFium stops where the data does, so do we
    return max(total, floor)


def inflated_size(data: bytes, limit: int) -> int:
    """What the file's streams inflate to, counted up to just past `limit`.

    Every stream of a PDF lies at the top level of the file (object streams
    hold no streams), so scanning for ``stream``/``endstream`` finds them all,
    whatever the cross-reference format.
    """
    total = 0
    position = 0
    while total <= limit:
        match = _STREAM_START.search(data, position)
        if match is None:
            break
        end = data.find(_ENDSTREAM, match.end())
        end = len(data) if end < 0 else end
        total += _inflated_size(data[match.end():end], limit - total)
        position = end + len(_ENDSTREAM)
    return total


def check_inflation(data: bytes, path: Path, limit: int | None = None) -> None:
    """Refuse a PDF whose streams inflate past the limit (a decompression bomb)."""
    limit = INFLATE_LIMIT if limit is None else limit
    if inflated_size(data, limit) > limit:
        raise ReadError(path, f"PDF inflates to more than {limit >> 20} MB (a decompression bomb?); not read")


# --- opening ---------------------------------------------------------------------


def _open(data: bytes, path: Path) -> pdfium.PdfDocument:
    """Open the document or raise ReadError with a reason a person can act on."""
    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as error:
        code = getattr(error, "err_code", None)
        if code == pdfium_c.FPDF_ERR_PASSWORD:
            raise ReadError(path, "PDF is encrypted") from None
        if code == pdfium_c.FPDF_ERR_SECURITY:
            raise ReadError(path, "PDF is encrypted (unsupported security handler)") from None
        if b"%PDF-" not in data[:1024]:
            raise ReadError(path, "not a PDF file (no %PDF header)") from None
        raise ReadError(path, f"PDF is damaged or truncated ({error})") from None


# --- lines with geometry ---------------------------------------------------------


class _PageReader:
    """Reads one page's lines with PDFium's per-character information."""

    def __init__(self, page: pdfium.PdfPage, number: int) -> None:
        self.page = page
        self.number = number
        self.height = page.get_height()
        self.textpage = page.get_textpage()
        self.raw = self.textpage.raw
        self.text = self._full_text()
        self._font_buffer = ctypes.create_string_buffer(256)
        self._font_flags = ctypes.c_int()

    def close(self) -> None:
        self.textpage.close()
        self.page.close()

    def _full_text(self) -> str:
        """The page text, one character per PDFium character index."""
        count = self.textpage.count_chars()
        text = self.textpage.get_text_range() if count > 0 else ""
        if len(text) != count:  # surrogate pairs: rebuild index by index
            text = "".join(
                chr(code) if 0 < (code := pdfium_c.FPDFText_GetUnicode(self.raw, i)) < 0x110000 else " "
                for i in range(count)
            )
        return text

    def _box(self, index: int) -> tuple[float, float, float, float]:
        return self.textpage.get_charbox(index, loose=True)

    def _baseline(self, index: int) -> float:
        x, y = ctypes.c_double(), ctypes.c_double()
        if pdfium_c.FPDFText_GetCharOrigin(self.raw, index, ctypes.byref(x), ctypes.byref(y)):
            return self.height - y.value
        return self.height - self._box(index)[1]

    def _is_bold_char(self, index: int) -> bool:
        if pdfium_c.FPDFText_GetFontWeight(self.raw, index) >= 600:
            return True
        length = pdfium_c.FPDFText_GetFontInfo(
            self.raw, index, self._font_buffer, len(self._font_buffer), ctypes.byref(self._font_flags)
        )
        name = self._font_buffer.value.decode("latin-1", "replace") if length else ""
        return bool(_BOLD_NAME.search(name))

    def _all_bold(self, start: int, end: int) -> bool:
        """True when every visible character of [start, end) is set in a bold font."""
        if not self._is_bold_char(start):
            return False
        return all(self._is_bold_char(i) for i in range(start, end) if not self.text[i].isspace())

    def _is_rotated(self, index: int) -> bool:
        angle = pdfium_c.FPDFText_GetCharAngle(self.raw, index)
        return angle > 0.05 and abs(angle - 2 * math.pi) > 0.05

    def lines(self) -> list[_Line]:
        result: list[_Line] = []
        start = 0
        for separator in _BREAK_SEPARATORS.finditer(self.text + "\n"):
            line = self._line(start, separator.start(), hyphen=separator.group() == "\ufffe")
            if line is not None:
                result.append(line)
            start = separator.end()
        return result

    def _line(self, start: int, end: int, *, hyphen: bool) -> _Line | None:
        segment = self.text[start:end]
        stripped = segment.strip()
        if not stripped:
            return None
        first = start + (len(segment) - len(segment.lstrip()))
        last = start + len(segment.rstrip()) - 1
        x0 = self._box(first)[0]
        x1 = self._box(last)[2]
        space = self.text.find(" ", first, last + 1)
        word_end = self._box(space - 1)[2] if space > first else x1
        return _Line(
            text=stripped + ("-" if hyphen else ""),
            page=self.number,
            top=self._baseline(first),
            x0=x0,
            x1=x1,
            size=pdfium_c.FPDFText_GetFontSize(self.raw, first),
            bold=self._all_bold(first, last + 1),
            first_word_width=max(0.0, word_end - x0),
            page_height=self.height,
            rotated=self._is_rotated(first),
            gapped=self._has_wide_gap(first, last),
        )

    def _has_wide_gap(self, first: int, last: int) -> bool:
        """True when some space run between first and last spans a column gap.

        Table cells and contents-page numbers sit on one PDFium line with a
        tab-sized gap between them; ordinary word spaces are a third of the
        font size wide. The tab after a list marker ("c.", "1)", a bullet)
        is not a column gap.
        """
        size = pdfium_c.FPDFText_GetFontSize(self.raw, first) or 10.0
        index = first
        while True:
            space = self._next_space(index, last)
            if space == -1:
                return False
            end = space
            while end < last and self.text[end] in " \t":
                end += 1
            after_marker = index == first and _LIST_MARKER.fullmatch(self.text[first:space])
            if not after_marker and self._box(end)[0] - self._box(space - 1)[2] > 1.5 * size:
                return True
            index = end

    def _next_space(self, start: int, last: int) -> int:
        positions = [p for p in (self.text.find(" ", start, last), self.text.find("\t", start, last)) if p != -1]
        return min(positions) if positions else -1


def _read_lines(document: pdfium.PdfDocument) -> list[list[_Line]]:
    """Lines of every page; a page PDFium cannot load counts as empty."""
    pages: list[list[_Line]] = []
    for number in range(len(document)):
        try:
            reader = _PageReader(document[number], number)
        except pdfium.PdfiumError:
            pages.append([])
            continue
        try:
            pages.append(reader.lines())
        finally:
            reader.close()
    return pages


# --- running headers and footers -------------------------------------------------


def _in_top_zone(line: _Line) -> bool:
    return line.top < _HEADER_ZONE * line.page_height


def _in_bottom_zone(line: _Line) -> bool:
    return line.top > (1 - _HEADER_ZONE) * line.page_height


def _chrome_key(text: str) -> str:
    return _DIGITS.sub("#", " ".join(text.lower().split()))


def _numbers_follow_pages(lines: list[_Line], needed: int) -> bool:
    """True when a number in each line moves with the page ("Side 3", "4 of 5")."""
    offsets: Counter[int] = Counter()
    for line in lines:
        offsets.update({int(n) - line.page for n in _DIGITS.findall(line.text) if len(n) <= 4})
    return bool(offsets) and offsets.most_common(1)[0][1] >= needed


def _running_keys(pages: list[list[_Line]]) -> dict[str, float]:
    """Keys of margin-zone lines that repeat on at least half of the pages, with their usual height.

    A repeated key counts when its text is identical everywhere (a running
    header) or differs only in a number that follows the page number. Text
    that recurs with unrelated numbers ("Sagsnr.: 2012-28504" at the top of
    every item page) is content and stays.
    """
    populated = sum(1 for lines in pages if lines)
    if populated < 2:
        return {}
    needed = max(2, math.ceil(0.5 * populated))
    by_key: dict[str, list[_Line]] = {}
    for lines in pages:
        for line in lines:
            if (_in_top_zone(line) or _in_bottom_zone(line)) and not line.rotated:
                by_key.setdefault(_chrome_key(line.text), []).append(line)
    running: dict[str, float] = {}
    for key, lines in by_key.items():
        if len({line.page for line in lines}) < needed:
            continue
        if len({" ".join(line.text.split()) for line in lines}) == 1 or _numbers_follow_pages(lines, needed):
            tops = sorted(line.top for line in lines)
            running[key] = tops[len(tops) // 2]
    return running


def _running_lines(pages: list[list[_Line]]) -> set[int]:
    """ids of the running header/footer and page-number lines of every page.

    Only lines at the page edges count: walking down from the top (and up
    from the bottom) of each page, lines are removed while they are running
    or page-number lines, and the walk stops at the first line of content.
    A running line must also sit near its usual height (a page layout may
    shift it a little), so a title page repeating the header text lower
    down keeps its own heading.
    """
    running = _running_keys(pages)

    def is_chrome(line: _Line) -> bool:
        if line.rotated:
            return False
        if _PAGE_NUMBER.fullmatch(line.text.strip()):
            return True
        usual = running.get(_chrome_key(line.text))
        return usual is not None and abs(line.top - usual) <= max(12.0, _HEIGHT_SLACK * line.page_height)

    chrome: set[int] = set()
    for lines in pages:
        for edge, in_zone in ((sorted(lines, key=lambda l: l.top), _in_top_zone),
                              (sorted(lines, key=lambda l: -l.top), _in_bottom_zone)):
            for line in edge:
                if not in_zone(line) or not is_chrome(line):
                    break
                chrome.add(id(line))
    return chrome


# --- paragraphs -------------------------------------------------------------------


def _percentile(values: list[float], fraction: float, default: float) -> float:
    if not values:
        return default
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def _usual_pitch(pitches: list[float], default: float = 1.2) -> float:
    """The line pitch inside a paragraph: the tightest spacing that is common.

    A plain percentile goes wrong for documents whose paragraphs are set
    apart by empty lines and are mostly one line long (headings, labels,
    short decisions, as in text exported to PDF): the paragraph gap is then
    the most frequent spacing, taken for the line pitch it lets every
    heading run into the paragraph below. Instead the smallest spacing that
    holds a fair share of the line pairs (within 8 %) is taken, so a few
    tight lines (superscripts, footnotes) do not count either.
    """
    if not pitches:
        return default
    ordered = sorted(pitches)
    needed = max(3, math.ceil(0.15 * len(ordered)))
    if len(ordered) < needed:
        return _percentile(ordered, 0.4, default)
    for start, low in enumerate(ordered):
        end = bisect.bisect_right(ordered, low * 1.16, lo=start)
        if end - start >= needed:
            return ordered[(start + end - 1) // 2]
    return _percentile(ordered, 0.4, default)


def _document_stats(lines: list[_Line], text_for_words: str) -> _Stats:
    """Measure the document's own line pitch, right margin and words.

    The paragraph rules compare against these rather than fixed numbers, so
    a 1.5-spaced or narrow-column document is judged by its own typesetting.
    """
    pitches: list[float] = []
    for a, b in zip(lines, lines[1:]):
        if a.page == b.page and abs(a.size - b.size) < 0.3 and a.size > 0:
            ratio = (b.top - a.top) / a.size
            if 0.8 <= ratio <= 3.0:
                pitches.append(ratio)
    pitch = _usual_pitch(pitches)
    # Table and contents rows reach past the text column; they do not set its margin.
    margin = _percentile([line.x1 for line in lines if not (line.rotated or line.gapped)], 0.95, 0.0)
    vocabulary = frozenset(word.lower() for word in _WORDS.findall(text_for_words))
    return _Stats(pitch=pitch, right_margin=margin, vocabulary=vocabulary)


def _starts_with_bullet(line: _Line) -> bool:
    """A bullet always opens a new list item, whatever the geometry says."""
    return line.text[0] in _BULLETS


def _ended_early(a: _Line, b: _Line, stats: _Stats) -> bool:
    """True when b's first word would have fitted on a: the break was intentional."""
    if a.text.endswith("-"):
        return False
    room = stats.right_margin - a.x1
    return room > b.first_word_width + 0.8 * a.size


def _continues(a: _Line, b: _Line, stats: _Stats) -> bool:
    """Does line b continue the paragraph that line a is in?"""
    if a.rotated or b.rotated or a.gapped or a.bold != b.bold or abs(a.size - b.size) > 0.6:
        return False
    if _starts_with_bullet(b) or _ended_early(a, b, stats):
        return False
    if b.page != a.page:
        last = a.text.rstrip()[-1:]
        return b.text[0].islower() or last not in ".:!?"
    pitch = b.top - a.top
    if pitch < 0.3 * a.size:  # same height or higher up: a new column or table cell
        return False
    if pitch > stats.pitch * 1.3 * max(a.size, b.size):
        return False
    if b.x0 < a.x0 - 2 and _ENUMERATOR.match(b.text):
        return False
    return True


def _join_hyphenated(left: str, right: str, vocabulary: frozenset[str]) -> str:
    """Join a line ending in "-" with the next one, deciding whether the hyphen is real."""
    head = left[:-1]
    words_before = _WORDS.findall(head[-60:])
    before = words_before[-1] if words_before else ""
    after_match = _WORDS.match(right)
    after = after_match.group() if after_match else ""
    first_token = right.split(maxsplit=1)[0] if right.strip() else ""
    if first_token.lower() in _SUSPENDED_HYPHEN_NEXT:  # "Sundheds- og Forebyggelsesudvalget"
        return f"{left} {right}"
    if not before or not after or right.startswith(","):
        return left + right
    if not before[-1].isalpha() or before[-1].isupper() or not after[0].isalpha() or after[0].isupper():
        return left + right  # "KKR-regi", "6-måneders", "Nord-Jylland"
    stem = before.rsplit("-", 1)[-1]
    if len(stem) == 1 or stem.lower() in _HYPHEN_PREFIXES:  # "e-mail", "ikke-planlagte"
        return left + right
    hyphenated, joined = f"{before}-{after}".lower(), f"{before}{after}".lower()
    if hyphenated in vocabulary and joined not in vocabulary:
        return left + right
    return head + right


def _paragraphs(lines: list[_Line], stats: _Stats) -> list[tuple[int, str]]:
    """Join lines into blocks, each with the page its first line is on; parts
    are collected in lists so long blocks stay linear."""
    blocks: list[tuple[int, str]] = []
    parts: list[str] = []
    page = 0
    previous: _Line | None = None
    for line in lines:
        if previous is not None and parts and _continues(previous, line, stats):
            last = parts[-1]
            if last.endswith("-") and len(last) > 1 and last[-2].isalnum():
                parts[-1] = _join_hyphenated(last, line.text, stats.vocabulary)
            else:
                parts.append(line.text)
        else:
            if parts:
                blocks.append((page, " ".join(parts)))
            parts, page = [line.text], line.page
        previous = line
    if parts:
        blocks.append((page, " ".join(parts)))
    return blocks


# --- entry points -------------------------------------------------------------------


def pdf_pages(data: bytes, path: Path) -> list[str]:
    """Each page's text with paragraphs rebuilt and running headers removed
    (not yet repaired). A paragraph that runs on to the next page belongs to
    the page it starts on, so a heading is always on its own page's text."""
    check_inflation(data, path)
    document = _open(data, path)
    try:
        if len(document) == 0:
            raise ReadError(path, "PDF has no pages")
        pages = _read_lines(document)
    finally:
        document.close()
    chrome = _running_lines(pages)
    lines = [line for page in pages for line in page if id(line) not in chrome]
    if not any(ch.isalpha() for line in lines for ch in line.text):
        raise ReadError(path, _NO_TEXT_REASON)
    stats = _document_stats(lines, "\n".join(line.text for line in lines))
    texts: list[list[str]] = [[] for _ in pages]
    for page, block in _paragraphs(lines, stats):
        texts[page].append(block)
    return ["\n\n".join(blocks) for blocks in texts]


def pdf_to_text(data: bytes, path: Path) -> str:
    """Text of a PDF with paragraphs rebuilt and running headers removed (not yet repaired)."""
    return "\n\n".join(page for page in pdf_pages(data, path) if page)


def extract_pages(data: bytes, path: Path) -> list[str]:
    """Repaired text of each page of a .pdf file (page 1 first; "" for a page
    without text); raises ReadError for encrypted, damaged or scanned PDFs."""
    pages = [repair_text(page) for page in pdf_pages(data, path)]
    if not any(page.strip() for page in pages):
        raise ReadError(path, _NO_TEXT_REASON)
    return pages


def extract_text(data: bytes, path: Path) -> str:
    """Repaired text of a .pdf file; raises ReadError for encrypted, damaged or scanned PDFs."""
    return "\n\n".join(page for page in extract_pages(data, path) if page)
