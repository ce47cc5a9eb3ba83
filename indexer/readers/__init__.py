"""Readers: one file of any supported format → repaired plain text.

The structure parser sees one kind of input whatever the source format:
plain text with one block per heading, paragraph or table row, blocks
separated by a blank line, already passed through ``repair_text``. Keeping
format knowledge here means the parser needs one set of patterns, not three.

Publication formats that state the structure outright (FirstAgenda's JSON:
council, date, participants, items with number, caption and case number)
also hand over that statement as a `DeclaredMeeting`, so the parser takes
what the source says instead of guessing it from text; the text of each item
still goes through the same section, decision, vote and absence reading.

Format modules are imported lazily, so reading a .txt file never loads the
PDF library and a broken optional dependency only affects its own format.
"""

from __future__ import annotations

import hashlib
import importlib
import re
from itertools import compress
from dataclasses import dataclass, field
from pathlib import Path

from ..records import Attachment, Participant

__all__ = [
    "Block", "DeclaredItem", "DeclaredMeeting", "ReadError", "SourceText", "SUPPORTED_SUFFIXES", "read_document",
]


@dataclass(frozen=True)
class Block:
    """One block of text; `heading` when the source marks it as a heading (an <h3>)."""

    text: str
    heading: bool = False


@dataclass
class DeclaredItem:
    """An agenda item as a structured source states it; `blocks` is its repaired text."""

    number: int
    title: str
    case_number: str | None = None
    blocks: list[Block] = field(default_factory=list)
    attachments: list[Attachment] = field(default_factory=list)
    absent: list[str] = field(default_factory=list)
    url: str | None = None


@dataclass
class DeclaredMeeting:
    """A meeting as a structured source states it. None means "not stated":
    the parser then reads the value from the text as it would for any file."""

    council: str | None = None
    period: str | None = None
    kind: str | None = None
    date: str | None = None
    time: str | None = None
    location: str | None = None
    participants: list[Participant] = field(default_factory=list)
    items: list[DeclaredItem] = field(default_factory=list)
    url: str | None = None


@dataclass(frozen=True)
class SourceText:
    """The repaired text of one source file and where it came from."""

    path: Path
    format: str  # "txt" | "html" | "pdf" | "firstagenda"
    text: str  # repaired; blocks separated by blank lines
    sha256: str  # of the raw file bytes, so re-ingests can skip unchanged files
    declared: DeclaredMeeting | None = None  # what a structured source states outright
    # Each page's repaired text, page 1 first, for formats with pages (PDF);
    # `text` is then these pages joined by blank lines. Lets the parser record
    # the page an item starts on, so a link can open the source there (#page=N).
    pages: tuple[str, ...] = ()


class ReadError(Exception):
    """A file that cannot be turned into text, with a short reason a person can act on.

    ``str(error)`` reads "<path>: <reason>" so an ingest report can print it
    as is; ``path`` and ``reason`` stay available separately.
    """

    def __init__(self, path: Path | str, reason: str) -> None:
        super().__init__(path, reason)
        self.path = Path(path)
        self.reason = reason

    def __str__(self) -> str:
        return f"{self.path}: {self.reason}"


# suffix → (format name, module that provides extract_text(data, path) -> str)
_FORMATS: dict[str, tuple[str, str]] = {
    ".txt": ("txt", "txt"),
    ".text": ("txt", "txt"),
    ".html": ("html", "html"),
    ".htm": ("html", "html"),
    ".pdf": ("pdf", "pdf"),
    ".json": ("firstagenda", "firstagenda"),
}
SUPPORTED_SUFFIXES: frozenset[str] = frozenset(_FORMATS)


def _read_bytes(path: Path) -> bytes:
    """The file's bytes, or a ReadError saying why they cannot be had."""
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise ReadError(path, "file not found") from None
    except IsADirectoryError:
        raise ReadError(path, "is a directory, not a file") from None
    except PermissionError:
        raise ReadError(path, "file is unreadable: permission denied") from None
    except OSError as error:
        raise ReadError(path, f"file is unreadable: {error.strerror or error}") from None


_LETTERS = re.compile(r"[^\W\d_]+")
_MAX_WORD = 40  # no Danish word is longer; a run of 5,000 "D"s is no text
_ORDINARY_LENGTH = range(2, _MAX_WORD + 1)  # a word's length
_TWO_OR_MORE = range(2, 1 << 62)
# Danish prose is over 95 % ASCII letters (æøå are a few per cent); random
# bytes decoded as cp1252 are mostly "üÍÚÿ", decoded as UTF-16 mostly CJK.
_MIN_ASCII_LETTERS = 0.7
_MIN_WORDED_SHARE = 0.5
_VOWEL = re.compile(r"[aeiouyæøåAEIOUYÆØÅ]")  # words have vowels; "XgN", "ZRL" are no words


# Characters of prose: letters, digits, spaces and ordinary punctuation.
_PROSE_CHARS = re.compile(r"[\w\s.,;:!?()\[\]'\"«»“”‘’„/&%§+=*#@–—•·-]")
_MAX_JUNK_SHARE = 0.1
_MIN_LETTERS_FOR_SHARES = 20  # "Ærø – Åbyhøj" is Danish with half its letters non-ASCII
_MIN_LATIN_SHARE = 0.9  # Danish is written in Latin letters; random bytes "decode" to CJK or Cyrillic
_MIN_CASED_SHARE = 0.8  # words are "ord", "Ord" or "ORD", never "ôvUé"
_MIN_LETTERS = 4  # "Dagsorden" is a document; three random bytes spelling "sOp" are not


_NOT_PROSE = re.compile("[^" + _PROSE_CHARS.pattern[1:])  # the same class, negated
_BEYOND_LATIN = re.compile("[^\x00-\u024f]")  # after Latin Extended-B: CJK, Cyrillic, IPA, …


def _junk_share(text: str) -> float:
    """Share of characters that are not prose (`_PROSE_CHARS`), counted by
    one regex scan rather than a list of every prose character."""
    return len(_NOT_PROSE.findall(text)) / len(text) if text else 0.0


def looks_like_document(text: str) -> bool:
    """Words a person could read: Latin letters, mostly ASCII (in texts of
    some length), most of them in words of ordinary length that have vowels
    and ordinary case, and little else than letters, digits and punctuation.
    Shares of words are counted per word, not per letter: a minute with one
    megabyte-long junk token is still a minute.
    Random bytes that some code page "decodes" fail at least one of these
    (CJK syllables, "üÍÚ>iÿ", "ôvUé", or one endless run of letters).
    Measured: see tests/test_readers.py::test_random_bytes_are_no_document."""
    sample = text[:200_000]
    runs = _LETTERS.findall(sample)
    joined = "".join(runs)
    letters = len(joined)
    if letters < _MIN_LETTERS:
        return False
    # counted over all letters at once: per character in Python this was a
    # sixth of parsing a generated minute (cProfile, 60 files)
    ascii_letters = len(joined.encode("ascii", "ignore"))
    latin = letters - len(_BEYOND_LATIN.findall(joined))
    # the per-word counts as C loops (map, zip, compress) rather than Python
    # generators: those were a quarter of reading a generated minute
    # (cProfile, 150 files: 1.1 of 8.5 s)
    lengths = list(map(len, runs))
    words = list(compress(runs, map(_ORDINARY_LENGTH.__contains__, lengths)))
    voiced = sum(map(bool, map(_VOWEL.search, words)))
    cased = sum(map(any, zip(map(str.islower, words), map(str.isupper, words), map(str.istitle, words))))
    return (
        latin >= _MIN_LATIN_SHARE * letters
        and (letters < _MIN_LETTERS_FOR_SHARES or ascii_letters >= _MIN_ASCII_LETTERS * letters)
        and len(words) >= _MIN_WORDED_SHARE * sum(map(_TWO_OR_MORE.__contains__, lengths))
        and voiced >= _MIN_WORDED_SHARE * len(words) > 0
        and cased >= _MIN_CASED_SHARE * len(words)
        and _junk_share(sample) <= _MAX_JUNK_SHARE
    )


def read_document(path: Path) -> SourceText:
    """Read one .txt/.text, .html/.htm, .pdf or FirstAgenda .json file into repaired text.

    Raises ReadError (never anything else for a bad file) for unsupported
    suffixes, unreadable, empty, binary, encrypted or text-less files.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in _FORMATS:
        shown = suffix or "(none)"
        raise ReadError(path, f"unsupported file type {shown}; supported: .txt, .text, .html, .htm, .pdf, .json (FirstAgenda)")
    fmt, module_name = _FORMATS[suffix]
    data = _read_bytes(path)
    if not data.strip():
        raise ReadError(path, "empty file")
    module = importlib.import_module(f"{__name__}.{module_name}")
    sha256 = hashlib.sha256(data).hexdigest()
    if hasattr(module, "extract_declared"):
        text, declared = module.extract_declared(data, path)
        return SourceText(path=path, format=fmt, text=text, sha256=sha256, declared=declared)
    pages: tuple[str, ...] = ()
    if hasattr(module, "extract_pages"):
        pages = tuple(module.extract_pages(data, path))
        text = "\n\n".join(page for page in pages if page)
    else:
        text = module.extract_text(data, path)
    if not looks_like_document(text):
        raise ReadError(path, "not a document: no readable words (binary or random content)")
    return SourceText(path=path, format=fmt, text=text, sha256=sha256, pages=pages)
