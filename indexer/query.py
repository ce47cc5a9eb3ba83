"""The query language, parsed into a small structure the search layer compiles.

    magtanvendelse                   plain words: all of them (then most of them)
    "skærpet tilsyn"                 an exact phrase
    botilbud OR bofællesskab         either
    -corona                          exclude
    tils*                            every word that starts with "tils"
    råd:Handicaprådet år:2025        filters (råd, år, sag, institution, kommune, type, lov, kle, beslutning, person)
    behandlet:Handicaprådet behandlet:Socialudvalget
                                     cases treated by every one of these bodies
    fra:2021-01-01 til:2021-12-31    date range

Parsing never raises: unbalanced quotes, lone operators and overlong input
are read as plain words, and anything dropped is reported in `notes`
(Danish, shown to the user).

The query owns its syntax: every filter and date bound typed into the box is
a `FilterToken` with its span in the text, so the web layer removes exactly
that token when the user removes its chip (no second tokenizer there).
Every rewrite before tokenising keeps the text's length (a stray quote, a
control character and a "lov:§ 85" value become spaces), so spans point into
the text as typed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

MAX_QUERY_CHARS = 500
MAX_CLAUSES = 32

FIELD_ALIASES = {
    "råd": "council", "raad": "council", "udvalg": "council", "council": "council",
    "år": "year", "aar": "year", "year": "year",
    "sag": "case", "sagsnr": "case", "case": "case",
    "institution": "institution", "inst": "institution",
    "kommune": "municipality", "municipality": "municipality",
    "type": "kind", "art": "kind", "kind": "kind",
    "lov": "law", "paragraf": "law", "law": "law",
    "kle": "kle",
    "beslutning": "decision_kind",
    "person": "person", "navn": "person",
    # not a facet: the item's case was treated by this body (repeat it: by all of them)
    "behandlet": "treated_by", "treated": "treated_by", "treated_by": "treated_by",
}
DATE_ALIASES = {"fra": "from", "til": "to", "from": "from", "to": "to"}

LAW_FILTER = re.compile(
    r"(?P<field>\b(?:lov|paragraf|law)):(?P<value>(?:[^\W\d_]+\s+)?§{1,2}\s*\d+(?:\s?[a-zæøå](?![\wæøå]))?)", re.I,
)
TOKEN = re.compile(
    r'(?P<neg>-)?(?:(?P<field>[^\W\d_]+):)?(?:"(?P<phrase>[^"]*)"|(?P<word>[^\s"]+))|(?P<stray>")'
)


@dataclass(frozen=True)
class FilterToken:
    """A `field:value` typed into the query: `key` is the filter (FACET key,
    or "from"/"to" for a date bound), `value` as typed, [start, end) its span
    in the query text."""

    key: str
    value: str
    start: int
    end: int


@dataclass(frozen=True)
class Clause:
    text: str
    phrase: bool = False
    prefix: bool = False  # "tils*": every word that starts with the text


@dataclass
class ParsedQuery:
    groups: list[list[Clause]] = field(default_factory=list)  # AND of OR-groups
    excluded: list[Clause] = field(default_factory=list)
    filter_tokens: list[FilterToken] = field(default_factory=list)  # in text order, dates included
    date_from: str | None = None
    date_to: str | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def filters(self) -> dict[str, list[str]]:
        """Filter key → values as typed (dates apart)."""
        found: dict[str, list[str]] = {}
        for token in self.filter_tokens:
            if token.key not in DATE_ALIASES.values():
                found.setdefault(token.key, []).append(token.value)
        return found

    @property
    def words(self) -> list[str]:
        return [c.text for group in self.groups for c in group if not c.phrase]

    @property
    def empty(self) -> bool:
        return not self.groups


def parse_date_bound(value: str, upper: bool) -> str | None:
    """ "2021-04-22", "2021-04", "2021" → ISO date (first or last day for bounds)."""
    match = re.fullmatch(r"(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?", value.strip())
    if not match:
        return None
    year, month, day = int(match[1]), match[2], match[3]
    try:
        if day:
            return date(year, int(month), int(day)).isoformat()
        if month:
            m = int(month)
            if upper:
                nxt = date(year + (m == 12), m % 12 + 1, 1)
                return date.fromordinal(nxt.toordinal() - 1).isoformat()
            return date(year, m, 1).isoformat()
        return f"{year:04d}-12-31" if upper else f"{year:04d}-01-01"
    except ValueError:
        return None


def _balanced(text: str) -> str:
    """An odd number of quotes: the last one is dropped, its words stay plain."""
    if text.count('"') % 2:
        index = text.rfind('"')
        text = text[:index] + " " + text[index + 1:]
    return text


def parse_query(text: str | None) -> ParsedQuery:
    parsed = ParsedQuery()
    text = "".join(ch if ch.isprintable() else " " for ch in (text or ""))
    if len(text) > MAX_QUERY_CHARS:
        text = text[:MAX_QUERY_CHARS]
        parsed.notes.append(f"Søgningen var for lang; kun de første {MAX_QUERY_CHARS} tegn er brugt.")
    text = _balanced(text)
    # "lov:§ 85" and "lov:serviceloven § 85" are one filter value, not "§" and a word "85";
    # taken first and blanked (same length), so the other tokens keep their spans
    laws = [FilterToken(FIELD_ALIASES[m["field"].lower()], " ".join(m["value"].split()), m.start(), m.end())
            for m in LAW_FILTER.finditer(text)]
    text = LAW_FILTER.sub(lambda m: " " * len(m.group()), text)
    tokens: list[FilterToken] = []
    pending_or = False
    clauses = 0
    for match in TOKEN.finditer(text):
        if match["stray"]:
            continue
        raw_field = (match["field"] or "").lower()
        value = match["phrase"] if match["phrase"] is not None else match["word"]
        is_phrase = match["phrase"] is not None
        if value is None:
            continue
        if raw_field in DATE_ALIASES:
            if _date_filter(parsed, DATE_ALIASES[raw_field], value):
                tokens.append(FilterToken(DATE_ALIASES[raw_field], value.strip(), match.start(), match.end()))
            continue
        if raw_field in FIELD_ALIASES:
            if value.strip():
                tokens.append(FilterToken(FIELD_ALIASES[raw_field], value.strip(), match.start(), match.end()))
            continue
        if raw_field:  # an unknown "x:y" is a plain word (URLs, times, typos)
            value = f"{match['field']}:{value}"
        if not is_phrase and value == "OR":
            pending_or = bool(parsed.groups)
            continue
        cleaned = value.strip() if is_phrase else value.strip("-+*?()[]{}!^~|&")
        if not cleaned:
            continue
        if clauses >= MAX_CLAUSES:
            parsed.notes.append(f"Kun de første {MAX_CLAUSES} søgeord er brugt.")
            break
        clauses += 1
        prefix = not is_phrase and value.rstrip(")]}").endswith("*") and "*" not in cleaned
        clause = Clause(cleaned, phrase=is_phrase and " " in cleaned, prefix=prefix)
        if match["neg"]:
            parsed.excluded.append(clause)
        elif pending_or:
            parsed.groups[-1].append(clause)
        else:
            parsed.groups.append([clause])
        pending_or = False
    parsed.filter_tokens = sorted([*laws, *tokens], key=lambda token: token.start)
    return parsed


def _date_filter(parsed: ParsedQuery, bound: str, value: str) -> bool:
    """Set the bound; False (with a note) when the value is no date."""
    iso = parse_date_bound(value, upper=bound == "to")
    if iso is None:
        label = "Fra-datoen" if bound == "from" else "Til-datoen"
        parsed.notes.append(f"{label} «{value[:40]}» er ikke en gyldig dato; den er ikke brugt. Skriv den som ÅÅÅÅ-MM-DD, fx 2025-05-06.")
        return False
    if bound == "from":
        parsed.date_from = iso
    else:
        parsed.date_to = iso
    return True


def without_spans(text: str, spans: list[tuple[int, int]]) -> str:
    """`text` with the given [start, end) spans cut out, spaces tidied: what
    removing a filter's chip leaves of the query."""
    kept, last = [], 0
    for start, end in sorted(spans):
        if start >= last:
            kept.append(text[last:start])
            last = end
    kept.append(text[last:])
    return re.sub(r"\s{2,}", " ", "".join(kept)).strip()
