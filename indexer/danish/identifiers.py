"""Identifiers in Danish council text: case numbers, § references, years.

Two grammars on purpose, in one place so they cannot drift apart unseen:

* *Recognising* a case number in a document (`find_case_number`,
  `KLE_CASE`, `OTHER_CASE`, `CASE_LABEL`) is strict: a KLE journal number or
  one of the known municipal styles, so a parser never takes a date or an
  amount for a case.
* *Tokenising* identifiers for the ``ids`` field (`identifier_spans`) is
  loose: anything identifier-shaped (groups of letters and digits joined by
  . - / that start with a digit or a short letter code), so that whatever a
  user types that looks like a number meets the same token in the text.
  Both meet in `case_key`, the spelling-free key ("EMN 2025 9242" and
  "emn-2025-009242" → "2025-9242"), and `TYPED_CASE` recognises a case number
  as people type it into a search box.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

# KLE journal numbers: 27.69.48-P35-1-21 (subject . . - facet - serial - year)
KLE_CASE = re.compile(r"\b(\d{2}\.\d{2}\.\d{2})-[A-ZÆØÅ]\d{2}-\d+-\d{2}\b")
# Other case-number styles: EMN-2025-008308, 2011-29298, 12/27845, 24/1234
OTHER_CASE = re.compile(
    r"\b(?:[A-ZÆØÅ]{2,5}-\d{4}-\d{3,}|(?:19|20)\d\d-\d{3,}|\d{2}/\d{3,})\b"
)
CASE_LABEL = re.compile(
    r"^(?:Sagsnr|Sags\s*nr|Sagsid|Sag nr|J\.\s*nr|Journalnr|Sagsnummer)\.?\s*[:.]?\s*(?P<value>\S.*)$",
    re.IGNORECASE,
)


def find_case_number(text: str) -> str | None:
    """A case number as the municipality writes it, KLE style preferred."""
    label = CASE_LABEL.match(text.strip())
    if label:
        value = label["value"].strip().rstrip(".")
        found = KLE_CASE.search(value) or OTHER_CASE.search(value)
        return found.group(0) if found else value.split()[0]
    found = KLE_CASE.search(text) or OTHER_CASE.search(text)
    return found.group(0) if found else None


_KEY_GROUPS = re.compile(r"[0-9a-zæøå]+", re.I)


def case_key(text: str | None) -> str | None:
    """One key for every way a case number is typed: "EMN-2025-009242",
    "EMN 2025 009242", "emn-2025-9242" and "2025-009242" are all "2025-9242";
    "27.69.48-P35-1-21" is "27-69-48-p35-1-21". A letter prefix before the
    first number goes, leading zeros of each group go, case is ignored.
    None when the text has no number groups a case number could be."""
    groups = [g.lower() for g in _KEY_GROUPS.findall(text or "")]
    if groups and groups[0].isalpha() and len(groups[0]) <= 6:
        groups = groups[1:]
    if len(groups) < 2 or not groups[0][0].isdigit() or not all(any(c.isdigit() for c in g) for g in groups):
        return None
    return "-".join(re.sub(r"^0+(?=\d)", "", g) for g in groups)


# A case number as people type it into a search box: groups split by spaces,
# dashes, dots or slashes, maybe after a letter code ("EMN 2025 009242").
TYPED_CASE = re.compile(
    r"(?<![\w§])(?:[A-Za-zÆØÅæøå]{2,6}[\s\-–./]+)?\d{1,6}[A-Za-z]?(?:[\s\-–./]+[A-Za-z]?\d{1,8}[A-Za-z]?){1,5}(?![\w])"
)


def kle_of(case_number: str | None) -> str | None:
    if not case_number:
        return None
    match = KLE_CASE.fullmatch(case_number)
    return match.group(1) if match else None


# --- identifiers ------------------------------------------------------------------------------

_ALNUM = "[0-9a-zæøå]"
_ID_END = r"(?![\w]|[./\-–]\w)"  # not followed by more of a word or identifier
# Case and journal numbers: alphanumeric groups joined by . - / (or an en
# dash) that start with a digit or a short letter code directly followed by
# digits: 27.69.48-P35-1-21, EMN-2025-008308, 12/27845, 2011-29298. Requiring
# that start keeps URL paths and "og/eller" out and lets the regex give up
# early on ordinary words.
_CASE_NUMBER = (
    rf"(?<![\w./\-–])(?:\d{_ALNUM}*|[a-zæøå]{{1,6}}(?=[./\-–]\d))(?:[./\-–]{_ALNUM}+)+{_ID_END}"
)
# § references: "§ 85", "§85", "§ 85 a", "§§ 103 og 104", "paragraf 85". A
# letter after a space is an inserted paragraph ("§ 81 a"), except "i", which
# is nearly always the preposition ("§ 85 i serviceloven").
_PARAGRAPH_ITEM = r"\d+(?:[a-zæøå]|\s(?!i\b)[a-zæøå])?(?![\wæøå])"
_PARAGRAPH = (
    r"(?P<sign>§§?|\bparagraf(?:ferne|fer|fen)?\b)\s*"
    rf"(?P<numbers>{_PARAGRAPH_ITEM}(?:\s*(?:,|og|-|–|til)\s*{_PARAGRAPH_ITEM})*)"
)
_YEAR = rf"(?<![\w./\-–])(?:19|20)\d\d{_ID_END}"
_IDENTIFIER = re.compile(rf"{_PARAGRAPH}|(?P<case>{_CASE_NUMBER})|(?P<year>{_YEAR})", re.IGNORECASE)
# Where an identifier can begin: a §, "paragraf", or — not inside a word or
# an identifier — a digit or the first letter of a short letter code before
# a separator and a digit. Every match of _IDENTIFIER begins at one of these
# (its three alternatives begin so), and most positions of a text are none,
# so `_identifier_matches` tries the full pattern only here: the ids field
# reads every item's whole text (measured on 40 generated and 40 Greve files'
# ids texts: 0.57-0.69 s with finditer, 0.32-0.35 s this way).
_IDENTIFIER_START = re.compile(
    rf"§|\bparagraf|(?<![\w./\-–])(?:\d|[a-zæøå](?=[a-zæøå]{{0,5}}[./\-–]\d))", re.IGNORECASE
)


def _identifier_matches(text: str) -> Iterator[re.Match[str]]:
    """`_IDENTIFIER.finditer(text)`: the same matches, the pattern tried only
    where one can begin (`_IDENTIFIER_START`). finditer tries every position
    from the end of the last match on and takes the first that matches; a
    position no identifier can begin at never matches, so skipping it changes
    nothing (the pattern's look-behinds and \\b see the text before the
    position either way)."""
    end = 0
    for start in _IDENTIFIER_START.finditer(text):
        position = start.start()
        if position < end:
            continue
        match = _IDENTIFIER.match(text, position)
        if match is not None:
            end = match.end()
            yield match
_PARAGRAPH_NUMBER = re.compile(r"(\d+)((?:[a-zæøå]|\s(?!i\b)[a-zæøå])?)(?![\wæøå])", re.IGNORECASE)
_KLE_HEAD = re.compile(r"^\d\d\.\d\d\.\d\d(?=-)")


def identifier_spans(text: str, expand: bool, keyed: bool = False) -> Iterator[tuple[str, int, int]]:
    """(token, start, end) of every identifier in ``text``, lowercased.

    With ``expand`` (index time) a KLE case number also yields its KLE code,
    so "27.69.48" finds "27.69.48-P35-1-21", and every case number also yields
    its spelling-free key ("#2025-9242", `case_key`); with ``keyed``
    (query time) a case number yields only that key, so "EMN 2025 9242" and
    "emn-2025-009242" meet. A query never expands.
    """
    for match in _identifier_matches(text):
        if match["sign"]:
            yield from _paragraph_tokens(match)
        elif match["case"]:
            token = match["case"].lower().replace("–", "-")
            key = case_key(token)
            if keyed and key:  # a query asks for the spelling-free key only
                yield f"#{key}", match.start(), match.end()
                continue
            yield token, match.start(), match.end()
            if key and expand:
                yield f"#{key}", match.start(), match.end()
            head = _KLE_HEAD.match(token) if expand else None
            if head:
                yield head.group(0), match.start(), match.start() + head.end()
                yield f"#{case_key(head.group(0))}", match.start(), match.start() + head.end()
        else:
            yield match["year"], match.start(), match.end()


def _paragraph_tokens(match: re.Match[str]) -> Iterator[tuple[str, int, int]]:
    """"§§ 103 og 104" → "§103", "§104"; a single § takes only its first number."""
    several = match["sign"] == "§§" or match["sign"].lower().startswith("paragraffer")
    offset = match.start("numbers")
    for number in _PARAGRAPH_NUMBER.finditer(match["numbers"]):
        token = "§" + number.group(1) + number.group(2).strip().lower()
        yield token, match.start(), offset + number.end()
        if not several:
            break


def extract_identifiers(text: str) -> list[str]:
    """The identifiers a text contains, each once, as the ids field holds them.

    The same grammar as ``IdentifierTokenizer`` (the ids field's analyzer),
    as a plain function for code that reads a raw string rather than a
    field. The search layer does not call it: it analyses each clause with
    the ids field's own analyzer, which needs the raw clause text too —
    splitting on whitespace first would separate "§" from "85". Ordinary
    words give no identifiers.
    """
    return list(dict.fromkeys(token for token, _, _ in identifier_spans(text, expand=False)))


