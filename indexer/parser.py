"""The structure parser: repaired text of any format → one Meeting record.

Readers hand over plain text in blocks (paragraphs separated by blank lines).
This module finds the meeting header, the agenda items and their sections,
and delegates the reading of values (dates, votes, decisions, treatments) to
`extract`. It knows layouts only as lists of patterns, so a new
municipality's wording is a new pattern, not a new parser.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from collections.abc import Sequence

from . import extract
from .institutions import Gazetteer, find_institutions
from .readers import Block, DeclaredItem, DeclaredMeeting, SourceText
from .records import Attachment, Item, Meeting, Participant, PathStep, Section, Source, Treatment


class ParseError(Exception):
    """The text holds no meeting or note we can recognise."""


# --- lines -------------------------------------------------------------------


@dataclass
class Line:
    text: str
    block_start: bool  # preceded by a blank line (or the start of the text)
    heading: bool = False  # the source itself marks it as a heading (an HTML <h3>)
    page: int | None = None  # the source page it is on (1 = first), for sources with pages


# Page furniture that web pages of minutes carry as text: cookie notices,
# "back to top" links, download and share widgets (Brønderslev's pages).
CHROME_LINE = re.compile(
    r"^(?:til\s+toppen|tilbage\s+til\s+toppen|til\s+top|gå\s+til\s+(?:hoved)?indhold|spring\s+til\s+(?:hoved)?indhold"
    r"|udskriv(?:\s+siden)?|print|del\s+(?:på|siden)\b.*|hent\s+(?:som\s+)?pdf|download(?:\s+som\s+pdf)?"
    r"|(?=.*\bcookie)(?=.*\b(?:accepter|samtykke|politik|nej\s+tak|bruger\s+cookies))[^\n]{0,400})$",
    re.I,
)
# "Indholdsfortegnelse1. Fraværende", "10. Eventuelt1. Orientering …": a heading
# glued to the next item heading when a page lost the break between them.
GLUED_ITEM = re.compile(r"^(?P<left>.*?[a-zæøå])(?P<right>\d{1,3}\.\s*[A-ZÆØÅ].*)$")


def to_lines(text: str) -> list[Line]:
    lines: list[Line] = []
    blank = True
    for raw in text.splitlines():
        stripped = raw.strip()
        if not stripped:
            blank = True
            continue
        if CHROME_LINE.match(stripped):
            blank = True
            continue
        for index, part in enumerate(_unglue(stripped)):
            lines.append(Line(part, blank or index > 0))
        blank = False
    return lines


def paged_lines(pages: Sequence[str]) -> list[Line]:
    """Lines of a paged source (a PDF), each knowing its page (1 = first)."""
    lines: list[Line] = []
    for number, page in enumerate(pages, start=1):
        for line in to_lines(page):
            line.page = number
            lines.append(line)
    return lines


def _unglue(text: str) -> list[str]:
    """Split a heading glued to the next numbered heading; other lines stay whole."""
    match = GLUED_ITEM.match(text)
    if not match:
        return [text]
    left = match["left"].strip()
    if TOC_HEADING.match(left) or heading_key(left) in SECTION_HEADINGS or re.match(r"^\d{1,3}\.\s+\S", left):
        return [left, match["right"].strip()]
    return [text]


# --- patterns ---------------------------------------------------------------

KIND_PATTERN = r"(?P<kind>REFERAT|DAGSORDEN|BESLUTNINGSPROTOKOL|Referat|Dagsorden|Beslutningsprotokol)"
TITLE_LINE = re.compile(
    KIND_PATTERN + r"(?:\s+(?:fra|for|af))?\s*[:\-–]?\s+(?P<council>.+?)"
    r"(?:\s*[,\-–]?\s*(?:d\.|den|mødet\s+den|møde\s+den)?\s*(?P<date>\d{1,2}[.\-/]\d{1,2}[.\-/]\d{2,4}|\d{1,2}\.\s*\w+\s+\d{4}|\d{4}-\d\d-\d\d))?\s*$"
)
KIND_ONLY = re.compile(r"^(?:Åbent\s+|Offentligt\s+)?" + KIND_PATTERN + r"\s*$", re.I)
KIND_WORDS = {"referat": "referat", "beslutningsprotokol": "referat", "dagsorden": "dagsorden"}
# "Byrådet - Referat", "Handicaprådet – Dagsorden"
COUNCIL_KIND_LINE = re.compile(r"^(?P<council>[^\d:]{3,80}?)\s+[-–]\s+" + KIND_PATTERN + r"\s*$")
PERSON_LINE = re.compile(r"^[A-ZÆØÅ][\w.'-]+(?:\s+[A-ZÆØÅa-zæøå][\w.'-]+){1,5}(?:\s*\([^()]{1,60}\))*(?:\s+-\s+\w+)?$")

HEADER_LABELS = {
    "council": re.compile(r"^(?:Udvalg|Råd|Forum|Mødeforum|Organ)\s*(?::\s*(?P<v>.*)|(?P<alone>$))", re.I),
    "kind": re.compile(r"^(?:Møde|Mødetype|Dokumenttype)\s*(?::\s*(?P<v>.*)|(?P<alone>$))", re.I),
    "end": re.compile(r"^(?:Sluttidspunkt|Mødeslut|Slut)\s*(?::\s*(?P<v>.*)|(?P<alone>$))", re.I),
    "date": re.compile(r"^(?:Mødedato|Dato|Tidspunkt|Mødetidspunkt|Starttidspunkt|Mødestart)\s*:?\s*(?P<v>.*)$", re.I),
    "location": re.compile(r"^(?:Mødested|Sted|Lokale|Mødelokale)\s*:?\s*(?P<v>.*)$", re.I),
    "participants": re.compile(r"^(?:Mødedeltagere|Deltagere|Medlemmer|Til stede|Tilstede)\s*:?\s*(?P<v>.*)$", re.I),
    "absent": re.compile(r"^(?:Afbud/Fraværende|Fraværende med afbud|Afbud|Fraværende)\s*:?\s*(?P<v>.*)$", re.I),
    "case": re.compile(r"^(?:Sagsid|Sagsnr|Sags nr|J\.\s*nr)\.?\s*:\s*(?P<v>.*)$", re.I),
}
TOC_HEADING = re.compile(r"^(?:Indholdsfortegnelse|Indhold\s*fortegnelse|Dagsordens?punkter|Punkter|Indhold)\s*:?$", re.I)
TOC_BARE = re.compile(r"^(?P<title>\d{1,4}\.\s+\S.*)$")  # "3. Budgetreduktion kollektiv trafik" in a list
TOC_ENTRY = re.compile(r"^(?P<title>.+?)(?:\s*\.{2,}\s*|\t+\s*)(?P<page>\d+)$")
TOC_NUMBERED = re.compile(r"^(?P<title>\d{1,4}\.\s+.+?)\s+(?P<page>\d{1,3})$")  # "2. Bygningsvedligeholdelse 3"

ITEM_HEADINGS = [
    re.compile(r"^Punkt\s+(?P<number>\d{1,4})\s*(?:[:.]|\s[-–])\s*(?P<title>\S.*)$"),
    re.compile(r"^Pkt\.\s*(?P<number>\d{1,4})\s*(?:[:.]|\s[-–])?\s*(?P<title>\S.*)$"),
    re.compile(r"^Nr\.\s*(?P<number>\d{1,4})\s*[-–:.]\s*(?P<title>\S.*)$"),  # "Nr.25 - Titel" (Fredensborg)
    # "3. Titel", also with the case number first: "3. 27.69.48-P35-1-25 Titel"
    re.compile(r"^(?P<number>\d{1,4})\s*[:.]\s+(?P<title>(?:\d{2}\.\d{2}\.\d{2}-[A-ZÆØÅ]\d{2}-\d+-\d{2}\s+"
               r"|[A-ZÆØÅ]{2,5}-\d{4}-\d{3,}\s+|\d{2}/\d{3,}\s+)?[A-ZÆØÅ].*)$"),
]
# Headings that are always items, whatever the table of contents says.
LABELLED_ITEM = ("punkt", "pkt", "nr.")
CLOSED_PREFIX = re.compile(r"^(?:Lukket punkt|Lukket|Fortroligt)\s*[:.\-–]\s*(?P<title>.*)$", re.I)

SECTION_HEADINGS = {
    "sagsfremstilling", "indhold", "sammendrag", "baggrund", "resumé", "resume",
    "økonomiske konsekvenser og finansiering", "økonomiske konsekvenser", "budgetmæssige konsekvenser",
    "bilag", "beslutningen træffes af", "indstilling", "administrationens indstilling",
    "beslutning", "tidligere behandling", "behandlingsforløb", "tidligere udvalgsbeslutninger",
    "den videre proces", "det videre forløb", "videre proces", "yderligere deltagelse",
    "yderligere deltagelse på mødet", "yderligere deltagelse under punktet",
    "yderligere deltagelse under behandling af punktet", "sagsforløb", "retsgrundlag", "lovgrundlag",
    "høring", "kommunikation", "supplerende sagsfremstilling", "vurdering", "tidsplan",
    "personalemæssige konsekvenser", "miljømæssige konsekvenser", "beslutningskompetence",
    "sagsbeskrivelse", "forslag til beslutning", "indstilling fra direktionen", "bemærkninger",
    "høringssvar", "sagens tidligere behandling", "historik", "proces", "økonomisk konsekvens",
    "beslutningspunkter", "økonomi og organisatoriske konsekvenser", "sagen afgøres i",
    # FirstAgenda (Greve), Fredensborg, Holbæk, Brønderslev
    "fremstilling", "sagens forløb", "sagsprocedure", "øvrige forhold", "øvrige konsekvenser",
    "supplerende indstilling", "supplerende sagsbeskrivelse", "ny supplerende sagsfremstilling",
    "beslutningstema", "sagsfremstilling og økonomi", "bevilling", "kompetence", "personale",
    "sagsgang og sagstype", "alternativ indstilling", "beskrivelse af sagen",
    "beskrivelse af alternativ indstilling", "lovgrundlag – link", "lovgrundlag - link",
    "sagshistorik, henvisninger", "sagshistorik", "referat", "beslutninger", "afgørelse",
    "fraværende", "afbud",
}
DECISION_HEADING = re.compile(
    r"^(?:Beslutning(?:\s+(?:(?:i|fra)\s+)?(?P<body1>(?!den\b|d\.).+?))?(?:\s+(?:den|d\.)\s+(?P<date1>.+))?"
    r"|(?P<body2>.+?)s\s+beslutning(?:\s+den\s+(?P<date2>.+?))?(?:\s+Punkt\s+\d+)?)\s*:?$",
    re.I,
)
TREATMENT_SECTIONS = {
    "tidligere behandling", "tidligere udvalgsbeslutninger", "sagsforløb", "sagens tidligere behandling",
    "historik", "sagens forløb", "sagshistorik", "sagshistorik, henvisninger",
}
ABSENCE_SECTIONS = {"fraværende", "afbud"}
STRUCTURED_SECTIONS = TREATMENT_SECTIONS | ABSENCE_SECTIONS | {"bilag", "beslutningen træffes af", "behandlingsforløb"}
GENERIC_DECISION = {"beslutning", "beslutninger", "afgørelse", "afgørelser"}
# "Økonomiudvalget, 12. marts 2024, pkt. 45: Anbefales." — one block per body that recommended.
BODY_BLOCK = re.compile(
    r"^(?P<body>[A-ZÆØÅ][^.:;]{2,90}?),\s*(?:den\s+|d\.\s*)?(?P<date>\d{1,2}\.?\s*[a-zæøå]+\.?\s+(?:19|20)\d\d"
    r"|\d{1,2}[.\-/]\d{1,2}[.\-/](?:19|20)?\d\d|(?:19|20)\d\d-\d\d-\d\d),\s*(?:pkt|punkt)\.?\s*(?P<item>\d{1,4})\s*:\s*(?P<rest>.*)$",
    re.I,
)
ATTACHMENT_COUNT = re.compile(r"^(?P<n>\d+)\s+bilag\b", re.I)
# "Sundheds- og Forebyggelsesudvalgets beslutning den 04.12.2012 Punkt 2 Indstillingen godkendt":
# a decision heading with the decision run on after it on the same line.
DECISION_RUN_ON = re.compile(r"^(?P<head>.{3,80}?s\s+beslutning\s+den\s+[\d.\-/]+(?:\s+Punkt\s+\d+)?)\s+(?P<rest>\S.*)$", re.I)
DECIDED_IN = re.compile(r"^Sagen\s+afgøres\s+i\s*:\s*(?P<body>.+)$", re.I)
RECOMMENDED = re.compile(r"^ANBEFALES\s*[-–:]?\s*", re.I)


def heading_key(line: str) -> str:
    return line.strip().rstrip(":").strip().casefold()


def match_item(line: str) -> tuple[int, str] | None:
    style = item_style(line)
    if style is None:
        return None
    match = ITEM_HEADINGS[style].match(line)
    return int(match["number"]), match["title"].strip()


def item_style(line: str) -> int | None:
    """Which heading pattern a line matches ("Punkt N:", "Pkt. N", "N. Title"), if any.
    A bare "N. Title:" ending in a colon introduces a list, it is no heading."""
    if TOC_ENTRY.match(line):
        return None
    for style, pattern in enumerate(ITEM_HEADINGS):
        if pattern.match(line):
            if style == len(ITEM_HEADINGS) - 1 and line.rstrip().endswith(":"):
                return None
            return style
    return None


def is_section_heading(line: str) -> bool:
    if len(line) > 90:
        return False
    return heading_key(line) in SECTION_HEADINGS or _decision_heading_ok(line)


def _decision_heading_ok(line: str) -> bool:
    """Decision headings only, not sentences that happen to contain the word:
    "Beslutning", "Beslutninger", "Afgørelse", "Udvalgets beslutning",
    "Beslutning i Byrådet den 23-02-2015", "Beslutning Handicaprådet den 03-11-2015"."""
    key = heading_key(line)
    if key in GENERIC_DECISION or key.startswith(("beslutning i ", "beslutning fra ")):
        return True
    if re.search(r"s beslutning( den [\d.\-/]+( punkt \d+)?)?$", key):
        return True
    if key.startswith("beslutning ") and len(key) <= 90:
        rest = line.strip()[len("beslutning "):]
        return bool(extract.ANY_DATE.search(rest)) or bool(extract.COUNCIL_WORD.match(rest.strip()))
    return False


def _decision_heading_parts(heading: str) -> tuple[str | None, str | None]:
    """(body, date text) of "Beslutning i Udvalget for … den 10-04-2013" or
    "Sundheds- og Forebyggelsesudvalgets beslutning den 04.12.2012 Punkt 2"."""
    match = DECISION_HEADING.match(heading)
    if not match:
        return None, None
    body = match["body1"] or match["body2"]
    when = match["date1"] or match["date2"]
    return (body.strip() if body else None), when


# --- the document -------------------------------------------------------------


@dataclass
class RawItem:
    number: int
    title: str
    lines: list[Line] = field(default_factory=list)
    page: int | None = None  # the source page its heading is on


@dataclass
class Header:
    kind: str | None = None
    council: str | None = None
    date: str | None = None
    time: str | None = None
    location: str | None = None
    participants: list[Participant] = field(default_factory=list)
    case_number: str | None = None
    title: str | None = None


def slugify(text: str) -> str:
    text = text.lower().replace("æ", "ae").replace("ø", "oe").replace("å", "aa")
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")


def parse_text(
    text: str,
    *,
    municipality: str,
    source: Source | None = None,
    gazetteer: Gazetteer | None = None,
    stem: str | None = None,
    pages: Sequence[str] = (),
) -> Meeting:
    """Parse one document's repaired text into a Meeting.

    `stem` (the file name without suffix) names documents that have no council,
    such as notes. `pages`, for a paged source, is the same text page by page
    (`text` is their join): each item then records the page its heading is on.
    """
    lines = paged_lines(pages) if pages else to_lines(text)
    if not lines:
        raise ParseError("document has no text")
    gazetteer = gazetteer or Gazetteer()
    start = _first_item_index(lines)
    header = _parse_header(lines[:start] if start is not None else lines[:25])
    _fill_from_file_name(header, stem, has_items=start is not None)
    toc_entries = _toc(lines[:start] if start is not None else [])
    toc = [title for _, title in toc_entries]
    if start is None:
        header.kind = header.kind or "notat"
        raw_items = [_note_as_item(lines, header)]
    else:
        raw_items = _split_items(lines[start:], toc_entries)
    meeting = Meeting(
        id="",
        municipality=municipality,
        council=header.council,
        kind=header.kind or "referat",
        date=header.date,
        time=header.time,
        location=header.location,
        title=header.title,
        participants=header.participants,
        source=source,
    )
    meeting.id = _meeting_id(meeting, stem)
    meeting.truncated = _looks_truncated(raw_items, toc)
    if meeting.truncated:
        _restore_cut_title(raw_items, toc)
    _add_items(meeting, [(raw, None) for raw in raw_items], gazetteer, header)
    return meeting


def _add_items(meeting: Meeting, raws: list[tuple[RawItem, DeclaredItem | None]], gazetteer: Gazetteer,
               header: Header) -> None:
    """Build every item (ids unique within the meeting, "-2" for a repeated
    number), then apply what one item says about attendance at the others."""
    seen_numbers: dict[int, int] = {}
    for raw, stated in raws:
        item = _build_item(raw, meeting, gazetteer, header, stated)
        seen_numbers[item.number] = seen_numbers.get(item.number, 0) + 1
        if seen_numbers[item.number] > 1:
            item.id = f"{item.id}-{seen_numbers[item.number]}"
        meeting.items.append(item)
    _apply_partial_attendance(meeting)


def parse_source(
    source_text: SourceText,
    *,
    municipality: str,
    source: Source | None = None,
    gazetteer: Gazetteer | None = None,
    stem: str | None = None,
) -> Meeting:
    """Parse what a reader handed over: the structure a source declares
    (FirstAgenda's JSON) where it declares one, the text's own otherwise."""
    if source_text.declared is None:
        return parse_text(source_text.text, municipality=municipality, source=source, gazetteer=gazetteer, stem=stem,
                          pages=source_text.pages)
    return parse_declared(source_text.declared, municipality=municipality, source=source, gazetteer=gazetteer, stem=stem)


def parse_declared(
    declared: DeclaredMeeting,
    *,
    municipality: str,
    source: Source | None = None,
    gazetteer: Gazetteer | None = None,
    stem: str | None = None,
) -> Meeting:
    """A meeting whose header and item boundaries the source states; each
    item's blocks are read exactly as the items of a text document are."""
    gazetteer = gazetteer or Gazetteer()
    header = Header(
        kind=declared.kind, council=declared.council, date=declared.date, time=declared.time,
        location=declared.location, participants=list(declared.participants),
    )
    _fill_from_file_name(header, stem, has_items=bool(declared.items))
    meeting = Meeting(
        id="", municipality=municipality, council=header.council, kind=header.kind or "referat",
        date=header.date, time=header.time, location=header.location, participants=header.participants,
        source=source, period=declared.period, url=declared.url,
    )
    meeting.id = _meeting_id(meeting, stem)
    raws = [(RawItem(number=d.number, title=d.title, lines=_block_lines(d.blocks)), d) for d in declared.items]
    _add_items(meeting, raws, gazetteer, header)
    return meeting


def _apply_partial_attendance(meeting: Meeting) -> None:
    """ "X deltog under pkt. 1-2 og delvis under pkt. 3" (written under one item):
    X is absent from the meeting's other items."""
    for item in meeting.items:
        for text in filter(None, [item.decision, *(s.text for s in item.sections)]):
            for line in text.split("\n"):
                found = extract.parse_partial_attendance(line) if "deltog" in line else None
                if not found:
                    continue
                name, present, first = found
                for other in meeting.items:
                    attended = other.number in present if present is not None else other.number >= (first or 0)
                    if not attended and not other.closed and name not in other.absent:
                        other.absent.append(name)


# A block the source marks as a heading is taken as one only when it reads
# like a heading: Greve's <h3>/<h4> sometimes hold whole sentences.
_MAX_STATED_HEADING = 60


def _block_lines(blocks: list[Block]) -> list[Line]:
    lines: list[Line] = []
    for block in blocks:
        stated = block.heading and _reads_as_heading(block.text)
        for index, text in enumerate(t.strip() for t in block.text.split("\n")):
            if text:
                lines.append(Line(text, block_start=index == 0, heading=stated and index == 0))
    return lines


def _reads_as_heading(text: str) -> bool:
    text = text.strip()
    return (
        0 < len(text) <= _MAX_STATED_HEADING and "\n" not in text and len(text.split()) <= 7
        and not text.endswith((",", ";")) and not re.search(r"[.!?]\s+\S", text)
    )


# File names such as "socialudvalget-2025-05-06-referat" or
# "bronderslev_byraadet-2020-01-29-referat.uddrag": the fallback for council,
# date and kind when the text does not say.
FILE_DATE = re.compile(r"(?<!\d)(?P<y>(?:19|20)\d\d)-(?P<m>\d\d)-(?P<d>\d\d)(?!\d)")
FILE_KIND = re.compile(r"(?<![a-zæøå])(?P<kind>referat|dagsorden|beslutningsprotokol|notat)(?![a-zæøå])", re.I)


def _fill_from_file_name(header: Header, stem: str | None, *, has_items: bool) -> None:
    if not stem:
        return
    date = FILE_DATE.search(stem)
    if header.date is None and date:
        header.date = extract.make_date(int(date["y"]), int(date["m"]), int(date["d"]))
    kind = FILE_KIND.search(stem)
    if header.kind is None and kind and has_items:
        header.kind = KIND_WORDS.get(kind["kind"].lower(), kind["kind"].lower())
    if header.council is None and date and has_items:
        named = stem[: date.start()].rsplit("_", 1)[-1].replace("-", " ").strip()
        council = extract.restore_danish_letters(named)
        if extract.COUNCIL_WORD.search(council[:1].upper() + council[1:]):
            header.council = council[:1].upper() + council[1:]


def _meeting_id(meeting: Meeting, stem: str | None) -> str:
    parts = [meeting.municipality]
    if meeting.council:
        parts += [meeting.council, meeting.date or "udateret", meeting.kind]
    else:
        parts.append(stem or f"{meeting.kind}-{meeting.date or 'udateret'}")
    return slugify("-".join(parts))


def _is_toc_entry(text: str) -> bool:
    return bool(TOC_ENTRY.match(text) or TOC_NUMBERED.match(text))


def _first_item_index(lines: list[Line]) -> int | None:
    in_toc = False
    toc: list[str] = []
    index = 0
    while index < len(lines):
        line = lines[index]
        if TOC_HEADING.match(line.text):
            in_toc = True
            run = _bare_toc_run(lines, index + 1)
            toc.extend(run)
            index += 1 + len(run)
            continue
        if in_toc and _is_toc_entry(line.text):
            toc.append(line.text)
        else:
            found = match_item(line.text)
            if found and _item_has_body(lines, index) and _listed(found, _toc_entries(toc), line):
                return index
        index += 1
    return None


def _bare_toc_run(lines: list[Line], start: int) -> list[str]:
    """A table of contents without page numbers right under its heading: at
    least two "N. Title" lines in one block ("PUNKTER" / "1. …" / "2. …").
    One numbered line alone is the first item, not a table of contents."""
    run: list[str] = []
    index = start
    while index < len(lines) and TOC_BARE.match(lines[index].text) and (index == start or not lines[index].block_start):
        run.append(lines[index].text)
        index += 1
    return run if len(run) >= 2 else []


def _toc_entries(raw: list[str]) -> list[tuple[int | None, str]]:
    entries = []
    for text in raw:
        match = TOC_ENTRY.match(text) or TOC_NUMBERED.match(text) or TOC_BARE.match(text)
        title = match["title"].strip().rstrip(".").strip()
        numbered = match_item(title)
        entries.append((numbered[0], numbered[1]) if numbered else (None, title))
    return entries


def _similar_title(a: str, b: str) -> bool:
    a, b = a.casefold().rstrip(". "), b.casefold().rstrip(". ")
    return a.startswith(b) or b.startswith(a) or _common_prefix(a, b) >= 0.6 * min(len(a), len(b))


def _listed(found: tuple[int, str], toc: list[tuple[int | None, str]], line: Line) -> bool:
    """A bare "N. Title" heading counts as an item only when the table of
    contents lists it (when there is one): numbered lists in item text look
    exactly like headings. "Punkt N:" headings are always items."""
    if line.text.lower().startswith(LABELLED_ITEM):
        return True
    numbered = [(n, t) for n, t in toc if n is not None]
    if not numbered:
        return True
    return any(n == found[0] and _similar_title(t, found[1]) for n, t in numbered)


def _item_has_body(lines: list[Line], index: int) -> bool:
    """A "1. Title" line is an item only when it starts a block and the next
    line is not another numbered list entry (avoid numbered lists in text)."""
    line = lines[index]
    if line.text.lower().startswith(LABELLED_ITEM):
        return True
    if not line.block_start:
        return False
    following = lines[index + 1] if index + 1 < len(lines) else None
    return following is None or following.block_start


def _parse_header(lines: list[Line]) -> Header:
    """Read the meeting header in any of the layouts seen: one title line
    ("REFERAT Socialudvalget d. 06-05-2025"), labelled lines ("Mødedato …",
    "Udvalg: Aarhus Byråd") or a stacked title page ("Referat" / council /
    "tirsdag den 4. december 2012, kl. 13:00" / "i Mødecenter C …"), with
    participants inline or one per line under "Medlemmer"/"Tilstede"."""
    header = Header()
    listing: str | None = None  # "participants" / "absent" while reading a list of names
    pending: str | None = None  # a label on a line of its own ("UDVALG"): its value is the next line
    expect = ""  # what the stacked title page shows next: "council", then "date", then "location"
    for line in lines:
        text = line.text
        if TOC_HEADING.match(text):
            break
        if pending:
            _apply_label(header, pending, text)
            pending = None
            continue
        labelled = _header_label(text)
        if labelled:
            label, value = labelled
            listing = label if label in ("participants", "absent") and not value else None
            if value:
                _apply_label(header, label, value)
            elif label not in ("participants", "absent"):
                pending = label
            expect = ""
            continue
        if listing and PERSON_LINE.match(text):
            role = re.search(r"\s+-\s+(\w+)$", text)  # "Lolan Ottesen (A) - formand"
            person = extract.parse_participant(text[: role.start()] if role else text)
            if person:
                person.absent = person.absent or listing == "absent"
                person.role = person.role or (role.group(1) if role else None)
                header.participants.append(person)
            continue
        listing = None
        if _title_line(header, text):
            expect = "council" if header.council is None else "date"
            continue
        expect = _stacked_header_line(header, text, expect)
    return header


def _header_label(text: str) -> tuple[str, str] | None:
    for label, pattern in HEADER_LABELS.items():
        match = pattern.match(text)
        if match:
            return label, (match["v"] or "").strip()
    return None


def _apply_label(header: Header, label: str, value: str) -> None:
    if label == "council":
        header.council = value
    elif label == "kind":
        kind = KIND_ONLY.match(value)
        header.kind = header.kind or (KIND_WORDS[kind["kind"].lower()] if kind else None)
    elif label == "end":
        return  # the end time says nothing the start does not
    elif label == "date":
        header.date = extract.parse_date(value) or header.date
        header.time = extract.parse_time(value) or extract.parse_clock(value) or header.time
    elif label == "location":
        header.location = header.location or value
    elif label == "participants":
        header.participants.extend(extract.parse_participants(value))
    elif label == "absent":
        for person in extract.parse_participants(value):
            person.absent = True
            header.participants.append(person)
    elif label == "case":
        header.case_number = extract.find_case_number(value) or value


def _title_line(header: Header, text: str) -> bool:
    """ "REFERAT Socialudvalget d. 06-05-2025", "Dagsorden 8. oktober 2025 kl. 16.00", "Referat"."""
    if header.kind is not None:
        return False
    council_kind = COUNCIL_KIND_LINE.match(text)
    if council_kind and extract.COUNCIL_WORD.search(council_kind["council"]):
        header.kind = KIND_WORDS[council_kind["kind"].lower()]
        header.council = header.council or council_kind["council"].strip()
        return True
    alone = KIND_ONLY.match(text)
    if alone:
        header.kind = KIND_WORDS[alone["kind"].lower()]
        return True
    title = TITLE_LINE.match(text)
    if not title:
        return False
    header.kind = KIND_WORDS.get(title["kind"].lower())
    rest = title["council"].strip(" ,-–")
    if extract.ANY_DATE.match(rest):  # the title names a date, not a body
        header.date = header.date or extract.parse_date(text)
        header.time = header.time or extract.parse_time(text)
    else:
        header.council = rest
        if title["date"]:
            header.date = extract.parse_date(title["date"])
    return True


def _stacked_header_line(header: Header, text: str, expect: str) -> str:
    if expect == "council" and header.council is None and not extract.ANY_DATE.search(text) and len(text) < 120:
        header.council = text.strip()
        return "date"
    if expect in ("council", "date") and header.date is None and extract.ANY_DATE.search(text):
        header.date = extract.parse_date(text)
        header.time = header.time or extract.parse_time(text)
        return "time" if header.time is None else "location"
    if expect == "time" and header.time is None and extract.parse_time(text):
        header.time = extract.parse_time(text)
        return "location"
    if expect in ("time", "location") and header.location is None and len(text) < 120:
        header.location = re.sub(r"^i\s+", "", text).strip()
        return ""
    return expect


def _toc(lines: list[Line]) -> list[tuple[int | None, str]]:
    raw: list[str] = []
    in_toc = False
    index = 0
    while index < len(lines):
        if TOC_HEADING.match(lines[index].text):
            in_toc = True
            run = _bare_toc_run(lines, index + 1)
            raw.extend(run)
            index += 1 + len(run)
            continue
        if in_toc and _is_toc_entry(lines[index].text):
            raw.append(lines[index].text)
        index += 1
    return _toc_entries(raw)


def _split_items(lines: list[Line], toc: list[tuple[int | None, str]]) -> list[RawItem]:
    """Items start at headings of the style the first item uses: once a
    document says "Punkt 1:", a "3. Strategisk …" line inside an item is text."""
    items: list[RawItem] = []
    style = item_style(lines[0].text) if lines else None
    for index, line in enumerate(lines):
        found = match_item(line.text) if item_style(line.text) == style else None
        if (found and _item_has_body(lines, index) and _listed(found, toc, line)
                and _plausible_next(items, found[0], line, any(n is not None for n, _ in toc))):
            items.append(RawItem(number=found[0], title=found[1], page=line.page))
        elif items:
            items[-1].lines.append(line)
    return items


def _plausible_next(items: list[RawItem], number: int, line: Line, toc_checked: bool) -> bool:
    """Numbers of "Punkt N" headings (and headings the TOC lists) are trusted;
    other bare "N. Title" headings must continue the running numbering so
    numbered lists in the text are not taken for items."""
    if line.text.lower().startswith(LABELLED_ITEM) or not items or toc_checked:
        return True
    return 0 < number - items[-1].number <= 3


def _note_as_item(lines: list[Line], header: Header) -> RawItem:
    """A note (or a document whose items we cannot see) is one item: its first
    prose line is the title, everything else its text."""
    body = [line for line in lines if not any(p.match(line.text) for p in HEADER_LABELS.values())]
    body = [line for line in body if not re.match(r"^(?:Tlf|Fax|E-?mail|Kontakt|Direkte)[\w. ]*:", line.text, re.I)]
    title = body[0].text if body else "Notat"
    header.title = title
    return RawItem(number=1, title=title, lines=body[1:], page=body[0].page if body else None)


def _common_prefix(a: str, b: str) -> int:
    size = 0
    for x, y in zip(a, b):
        if x != y:
            break
        size += 1
    return size


def _cut_title(items: list[RawItem], toc: list[str]) -> str | None:
    """The TOC title of the last item when its heading looks cut off
    ("Eventuell" for "Eventuelt") and nothing follows it."""
    if not items or len(toc) < len(items) or items[-1].lines:
        return None
    heading, listed = items[-1].title, toc[len(items) - 1]
    if heading != listed and _common_prefix(heading, listed) >= max(3, int(0.6 * len(heading))):
        return listed
    return None


def _looks_truncated(items: list[RawItem], toc: list[str]) -> bool:
    return bool(toc) and (len(items) < len(toc) or _cut_title(items, toc) is not None)


def _restore_cut_title(items: list[RawItem], toc: list[str]) -> None:
    """In a document cut off mid-heading the TOC has the better title."""
    listed = _cut_title(items, toc)
    if listed:
        items[-1].title = listed


# --- one item -----------------------------------------------------------------


@dataclass
class Paragraph:
    heading: str | None
    text: str


def _paragraphs(lines: list[Line]) -> list[Paragraph]:
    """Group lines into paragraphs, each tagged with the section heading above it."""
    paragraphs: list[Paragraph] = []
    heading: str | None = None
    current: list[str] = []

    def flush() -> None:
        if current:
            paragraphs.append(Paragraph(heading, "\n".join(current)))
            current.clear()

    for line in lines:
        run_on = DECISION_RUN_ON.match(line.text)
        if run_on and _decision_heading_ok(run_on["head"]):
            flush()
            heading = run_on["head"]
            paragraphs.append(Paragraph(heading, ""))
            current.append(run_on["rest"])
            continue
        body_block = BODY_BLOCK.match(line.text) if line.block_start else None
        if body_block and extract.COUNCIL_WORD.search(body_block["body"]):
            flush()
            heading = line.text[: body_block.start("rest")].rstrip(": ").strip()
            paragraphs.append(Paragraph(heading, ""))
            if body_block["rest"].strip():
                current.append(body_block["rest"].strip())
            continue
        if line.heading or is_section_heading(line.text):
            flush()
            heading = line.text.rstrip(":").strip()
            paragraphs.append(Paragraph(heading, ""))  # marks the heading even if empty
            continue
        if line.block_start:
            flush()
        current.append(line.text)
    flush()
    return paragraphs


def _build_item(
    raw: RawItem, meeting: Meeting, gazetteer: Gazetteer, header: Header, stated: DeclaredItem | None = None,
) -> Item:
    title, titled_case = _case_in_title(raw.title)
    closed_match = CLOSED_PREFIX.match(title)
    raw = RawItem(number=raw.number, title=title, lines=raw.lines, page=raw.page)
    item = Item(
        id=f"{meeting.id}-{raw.number}",
        number=raw.number,
        page=raw.page,
        title=(closed_match["title"] if closed_match else raw.title).strip() or raw.title,
        closed=bool(closed_match),
        url=stated.url if stated else None,
    )
    paragraphs = _paragraphs(raw.lines)
    item.case_number = (stated.case_number if stated else None) or titled_case or _case_number(paragraphs) or (
        header.case_number if meeting.kind == "notat" else None
    )
    item.kle = extract.kle_of(item.case_number)
    if stated:
        item.attachments = list(stated.attachments)
        item.absent = list(stated.absent)
    if item.closed:
        return item  # closed items: only the title (and case number) are public
    kept: list[Paragraph] = []
    for paragraph in paragraphs:
        if paragraph.text and paragraph.text == item.case_number and paragraph.heading is None:
            continue
        key = heading_key(paragraph.heading or "")
        if key in TREATMENT_SECTIONS or not paragraph.text:
            kept.append(paragraph)
            continue
        text, names, notes = _take_absences(paragraph.text, listed=key in ABSENCE_SECTIONS)
        item.absent.extend(n for n in names if n not in item.absent)
        item.attendance.extend(n for n in notes if n not in item.attendance)
        if text:
            kept.append(Paragraph(paragraph.heading, text))
    _fill_structured(item, kept, meeting, listed_attachments=not item.attachments)
    if heading_key(item.title) in ABSENCE_SECTIONS and item.decision:
        # an item "Fraværende" whose decision is the list of names
        names = extract.absence_names(item.decision)
        item.absent.extend(n for n in names if n not in item.absent)
    item.sections = _sections(kept, keep_decisions=meeting.kind == "dagsorden")
    full_text = "\n\n".join(filter(None, [item.title, item.body_text(), item.decision or ""]))
    item.institutions = find_institutions(full_text, gazetteer)
    item.law_refs = extract.find_law_refs(full_text)
    item.prior_treatments = _merge_treatments(
        item.prior_treatments,
        extract.find_mentions(item.body_text(), meeting.date, meeting.council),
    )
    return item


_CASE_ALONE = rf"(?:{extract.KLE_CASE.pattern}|{extract.OTHER_CASE.pattern})"
TITLE_CASE_FIRST = re.compile(rf"^(?:sagsnr\.?\s*:?\s*)?(?P<case>{_CASE_ALONE})\s*[-–:]?\s+(?P<title>\S.*)$", re.I)
TITLE_CASE_LAST = re.compile(rf"^(?P<title>.*?\S)\s*(?:[-–]\s*|\(\s*)(?:sagsnr\.?\s*:?\s*)?(?P<case>{_CASE_ALONE})\s*\)?$", re.I)


def _case_in_title(title: str) -> tuple[str, str | None]:
    """ "27.69.48-P35-1-21 Høring om …" or "Høring om … (Sagsnr. 24/1234)": the
    case number beside the title in the heading, and the title without it."""
    match = TITLE_CASE_FIRST.match(title) or TITLE_CASE_LAST.match(title)
    if not match or not match["title"].strip(" -–:"):
        return title, None
    return match["title"].strip(" -–:"), match["case"]


def _take_absences(text: str, *, listed: bool) -> tuple[str, list[str], list[str]]:
    """Split absence notes off a paragraph: the whole paragraph ("Afbud X, Y"),
    or single lines of it ("Godkendt." / "Fraværende: Tina Rottbøll"). Under a
    heading "Fraværende" every line of names is an absence. Returns the text
    left, the names, and the notes as written."""
    if not listed and not extract.ABSENCE_HINT.search(text):
        # no line can be a note when the paragraph has no hint word: every
        # line's hint is the paragraph's (most paragraphs, line by line, were
        # a tenth of parsing an item)
        return text.strip(), [], []
    whole = extract.parse_absence(text)
    if whole is not None:
        return "", whole, [re.sub(r"\s+", " ", text).strip()]
    kept: list[str] = []
    names: list[str] = []
    notes: list[str] = []
    for line in text.split("\n"):
        found = extract.parse_absence(line)
        if found is None and listed:
            found = extract.absence_names(line) or None
        if found is None:
            kept.append(line)
        else:
            names.extend(n for n in found if n not in names)
            notes.append(line.strip())
    return "\n".join(kept).strip(), names, notes


def _case_number(paragraphs: list[Paragraph]) -> str | None:
    """The case number stands alone near the top of the item (or after a
    "Sagsnr.:" label)."""
    for paragraph in paragraphs[:6]:
        first = paragraph.text.split("\n")[0].strip()
        if not first:
            continue
        if extract.CASE_LABEL.match(first) or len(first) <= 40:
            found = extract.find_case_number(first)
            if found:
                return found
    return None


@dataclass
class DecisionBlock:
    """The text under one decision heading, with the body, date and item the heading names."""

    heading: str
    body: str | None
    date: str | None
    item: int | None
    texts: list[str] = field(default_factory=list)


def _fill_structured(item: Item, paragraphs: list[Paragraph], meeting: Meeting, *, listed_attachments: bool = True) -> None:
    """Decisions, votes, treatments, the treatment path and attachments from
    their sections; attachments the source declared win over a "Bilag" list."""
    blocks: list[DecisionBlock] = []
    treatment_lines: dict[str, list[str]] = {}
    for paragraph in paragraphs:
        key = heading_key(paragraph.heading or "")
        text = paragraph.text
        decided_in = DECIDED_IN.match(text.split("\n")[0]) if text else None
        if decided_in:
            item.decided_by = item.decided_by or decided_in["body"].strip()
            continue
        if not text:
            continue
        if key == "beslutningen træffes af":
            item.decided_by = item.decided_by or text.split("\n")[0].strip()
        elif key in TREATMENT_SECTIONS:
            source = "sagsforløb" if key in ("sagsforløb", "sagens forløb") else "tidligere behandling"
            treatment_lines.setdefault(source, []).extend(text.split("\n"))
        elif key == "behandlingsforløb":
            for line in text.split("\n"):
                step = extract.parse_path_line(line, meeting.date)
                if step:
                    item.treatment_path.append(step)
        elif key == "sagsprocedure":
            if not item.treatment_path:
                item.treatment_path = [PathStep(council=body, date=None) for body in extract.body_list(text)]
        elif key == "bilag":
            if listed_attachments:
                _read_attachments(item, text)
        elif _is_decision_block(paragraph.heading) and meeting.kind != "dagsorden":
            if not blocks or blocks[-1].heading != paragraph.heading:
                blocks.append(_decision_block(paragraph.heading or "", meeting))
            blocks[-1].texts.append(text)
    for source, lines in treatment_lines.items():
        item.prior_treatments.extend(extract.parse_treatment_lines(lines, meeting.date, source))
    own, earlier = _own_decision(blocks, meeting)
    for block in earlier:
        text = "\n\n".join(block.texts)
        item.prior_treatments.append(Treatment(
            council=block.body or meeting.council or "", date=block.date, item=block.item,
            source="tidligere behandling", note=text, decision=text, decision_kind=extract.classify_decision(text),
        ))
    if own:
        item.decision = "\n\n".join(text for block in own for text in block.texts)
        item.decision_kind = extract.classify_decision(item.decision)
        item.votes = extract.parse_votes(item.decision)
        named = next((block.body for block in own if block.body), None)
        item.decided_by = item.decided_by or named
    if not item.decided_by and meeting.kind != "notat" and item.decision:
        item.decided_by = meeting.council


def _decision_block(heading: str, meeting: Meeting) -> DecisionBlock:
    body_block = BODY_BLOCK.match(heading + ": ")
    if body_block:
        return DecisionBlock(
            heading, body_block["body"].strip(), extract.parse_date(body_block["date"], meeting.date), int(body_block["item"]),
        )
    body, when = _decision_heading_parts(heading)
    if body and heading_key(body) in ("udvalget", "rådet", "bestyrelsen"):
        body = None  # "Udvalgets beslutning": the meeting's own body
    item = re.search(r"\bpunkt\s+(\d{1,4})\b", heading, re.I)
    dated = extract.parse_date(when, meeting.date) if when else None
    return DecisionBlock(heading, body, dated, int(item.group(1)) if item else None)


def _own_decision(blocks: list[DecisionBlock], meeting: Meeting) -> tuple[list[DecisionBlock], list[DecisionBlock]]:
    """Which decision blocks are this meeting's own: those naming no other body
    and no other date. When every block names another body or date (the
    meeting's own council is unknown), the latest is taken as the decision."""
    own_key = extract.council_key(meeting.council)

    def is_own(block: DecisionBlock) -> bool:
        if block.date and meeting.date and block.date != meeting.date:
            return False
        return not block.body or not own_key or extract.council_key(block.body) == own_key or (
            block.date is not None and block.date == meeting.date
        )

    own = [block for block in blocks if is_own(block)]
    if not own and blocks and not (meeting.council and meeting.date):
        latest = max(blocks, key=lambda block: block.date or "")
        own = [latest]
    return own, [block for block in blocks if block not in own]


def _is_decision_block(heading: str | None) -> bool:
    return _is_decision_heading(heading) or bool(heading and BODY_BLOCK.match(heading + ": "))


def _is_decision_heading(heading: str | None) -> bool:
    return bool(heading) and _decision_heading_ok(heading) and heading_key(heading) != "beslutningen træffes af"


def _read_attachments(item: Item, text: str) -> None:
    lines = text.split("\n")
    merged: list[str] = []
    for line in lines:
        if merged and merged[-1].rstrip().endswith(("–", "-", ",")) and not merged[-1].rstrip().endswith(" -"):
            merged[-1] = f"{merged[-1].rstrip()} {line.strip()}"
        elif merged and merged[-1].rstrip().endswith("–"):
            merged[-1] = f"{merged[-1].rstrip()} {line.strip()}"
        else:
            merged.append(line)
    for line in merged:
        line = line.strip()
        count = ATTACHMENT_COUNT.match(line)
        if count:
            item.attachment_count = int(count["n"])
            continue
        recommended = bool(RECOMMENDED.match(line))
        title = RECOMMENDED.sub("", line).strip()
        if title:
            item.attachments.append(Attachment(title=title, recommended=recommended))


def _sections(paragraphs: list[Paragraph], keep_decisions: bool = False) -> list[Section]:
    """Prose sections in document order; structured ones (decision, attachments,
    treatments) live in their own fields and are left out here."""
    sections: list[Section] = []
    for paragraph in paragraphs:
        key = heading_key(paragraph.heading or "")
        if key in STRUCTURED_SECTIONS or (_is_decision_heading(paragraph.heading) and not keep_decisions):
            continue
        if sections and sections[-1].heading == paragraph.heading and paragraph.text:
            previous = sections[-1]
            previous.text = f"{previous.text}\n\n{paragraph.text}" if previous.text else paragraph.text
        elif paragraph.text or paragraph.heading:
            sections.append(Section(heading=paragraph.heading, text=paragraph.text))
    return [s for s in sections if s.text]


def _merge_treatments(listed: list[Treatment], mentioned: list[Treatment]) -> list[Treatment]:
    """Listed treatments first; a mention adds only a body/date not listed yet."""
    merged = list(listed)
    known = {(t.council.casefold(), t.date) for t in listed}
    for treatment in mentioned:
        key = (treatment.council.casefold(), treatment.date)
        if key not in known:
            known.add(key)
            merged.append(treatment)
    return sorted(merged, key=lambda t: t.date or "")
