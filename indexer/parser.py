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

from . import extract
from .institutions import Gazetteer, find_institutions
from .records import Attachment, Item, Meeting, Participant, Section, Source, Treatment


class ParseError(Exception):
    """The text holds no meeting or note we can recognise."""


# --- lines -------------------------------------------------------------------


@dataclass
class Line:
    text: str
    block_start: bool  # preceded by a blank line (or the start of the text)


def to_lines(text: str) -> list[Line]:
    lines: list[Line] = []
    blank = True
    for raw in text.splitlines():
        stripped = raw.strip()
        if not stripped:
            blank = True
            continue
        lines.append(Line(stripped, blank))
        blank = False
    return lines


# --- patterns ---------------------------------------------------------------

KIND_PATTERN = r"(?P<kind>REFERAT|DAGSORDEN|BESLUTNINGSPROTOKOL|Referat|Dagsorden|Beslutningsprotokol)"
TITLE_LINE = re.compile(
    KIND_PATTERN + r"(?:\s+(?:fra|for|af))?\s*[:\-–]?\s+(?P<council>.+?)"
    r"(?:\s*[,\-–]?\s*(?:d\.|den|mødet\s+den|møde\s+den)?\s*(?P<date>\d{1,2}[.\-/]\d{1,2}[.\-/]\d{2,4}|\d{1,2}\.\s*\w+\s+\d{4}|\d{4}-\d\d-\d\d))?\s*$"
)
KIND_ONLY = re.compile(r"^(?:Åbent\s+|Offentligt\s+)?" + KIND_PATTERN + r"\s*$", re.I)
KIND_WORDS = {"referat": "referat", "beslutningsprotokol": "referat", "dagsorden": "dagsorden"}
PERSON_LINE = re.compile(r"^[A-ZÆØÅ][\w.'-]+(?:\s+[A-ZÆØÅa-zæøå][\w.'-]+){1,5}(?:\s*\([^()]{1,60}\))*(?:\s+-\s+\w+)?$")

HEADER_LABELS = {
    "council": re.compile(r"^(?:Udvalg|Råd|Forum)\s*:\s*(?P<v>.*)$", re.I),
    "date": re.compile(r"^(?:Mødedato|Dato|Tidspunkt|Mødetidspunkt)\s*:?\s*(?P<v>.*)$", re.I),
    "location": re.compile(r"^(?:Mødested|Sted|Lokale)\s*:?\s*(?P<v>.*)$", re.I),
    "participants": re.compile(r"^(?:Mødedeltagere|Deltagere|Medlemmer|Til stede|Tilstede)\s*:?\s*(?P<v>.*)$", re.I),
    "absent": re.compile(r"^(?:Afbud/Fraværende|Fraværende med afbud|Afbud|Fraværende)\s*:?\s*(?P<v>.*)$", re.I),
    "case": re.compile(r"^(?:Sagsid|Sagsnr|Sags nr|J\.\s*nr)\.?\s*:\s*(?P<v>.*)$", re.I),
}
TOC_HEADING = re.compile(r"^(?:Indholdsfortegnelse|Indhold\s*fortegnelse|Dagsordenpunkter)\s*:?$", re.I)
TOC_ENTRY = re.compile(r"^(?P<title>.+?)(?:\s*\.{2,}\s*|\t+\s*)(?P<page>\d+)$")
TOC_NUMBERED = re.compile(r"^(?P<title>\d{1,4}\.\s+.+?)\s+(?P<page>\d{1,3})$")  # "2. Bygningsvedligeholdelse 3"

ITEM_HEADINGS = [
    re.compile(r"^Punkt\s+(?P<number>\d{1,4})\s*[:.]\s*(?P<title>\S.*)$"),
    re.compile(r"^Pkt\.\s*(?P<number>\d{1,4})\s*[:.]?\s*(?P<title>\S.*)$"),
    re.compile(r"^(?P<number>\d{1,4})\s*[:.]\s+(?P<title>[A-ZÆØÅ].*)$"),
]
CLOSED_PREFIX = re.compile(r"^(?:Lukket|LUKKET|Fortroligt|Lukket punkt)\s*[:.\-–]\s*(?P<title>.*)$")

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
}
DECISION_HEADING = re.compile(
    r"^(?:Beslutning(?:\s+(?:i|fra)\s+(?P<body1>.+?))?(?:\s+(?:den|d\.)\s+(?P<date1>.+))?"
    r"|(?P<body2>.+?)s\s+beslutning(?:\s+den\s+(?P<date2>.+?))?(?:\s+Punkt\s+\d+)?)\s*:?$",
    re.I,
)
TREATMENT_SECTIONS = {"tidligere behandling", "tidligere udvalgsbeslutninger", "sagsforløb", "sagens tidligere behandling", "historik"}
STRUCTURED_SECTIONS = TREATMENT_SECTIONS | {"bilag", "beslutningen træffes af", "behandlingsforløb"}
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
    """ "Beslutning" lines only, not sentences that happen to contain the word."""
    key = heading_key(line)
    return key == "beslutning" or key.startswith("beslutning i ") or key.startswith("beslutning fra ") or bool(
        re.search(r"s beslutning( den [\d.\-/]+( punkt \d+)?)?$", key)
    )


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
) -> Meeting:
    """Parse one document's repaired text into a Meeting.

    `stem` (the file name without suffix) names documents that have no council,
    such as notes.
    """
    lines = to_lines(text)
    if not lines:
        raise ParseError("document has no text")
    gazetteer = gazetteer or Gazetteer()
    start = _first_item_index(lines)
    header = _parse_header(lines[:start] if start is not None else lines[:25])
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
    seen_numbers: dict[int, int] = {}
    for raw in raw_items:
        item = _build_item(raw, meeting, gazetteer, header)
        seen_numbers[item.number] = seen_numbers.get(item.number, 0) + 1
        if seen_numbers[item.number] > 1:
            item.id = f"{item.id}-{seen_numbers[item.number]}"
        meeting.items.append(item)
    return meeting


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
    for index, line in enumerate(lines):
        if TOC_HEADING.match(line.text):
            in_toc = True
            continue
        if in_toc and _is_toc_entry(line.text):
            toc.append(line.text)
            continue
        found = match_item(line.text)
        if found and _item_has_body(lines, index) and _listed(found, _toc_entries(toc), line):
            return index
    return None


def _toc_entries(raw: list[str]) -> list[tuple[int | None, str]]:
    entries = []
    for text in raw:
        match = TOC_ENTRY.match(text) or TOC_NUMBERED.match(text)
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
    if line.text.lower().startswith(("punkt", "pkt")):
        return True
    numbered = [(n, t) for n, t in toc if n is not None]
    if not numbered:
        return True
    return any(n == found[0] and _similar_title(t, found[1]) for n, t in numbered)


def _item_has_body(lines: list[Line], index: int) -> bool:
    """A "1. Title" line is an item only when it starts a block and the next
    line is not another numbered list entry (avoid numbered lists in text)."""
    line = lines[index]
    if line.text.lower().startswith(("punkt", "pkt")):
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
    expect = ""  # what the stacked title page shows next: "council", then "date", then "location"
    for line in lines:
        text = line.text
        if TOC_HEADING.match(text):
            break
        labelled = _header_label(text)
        if labelled:
            label, value = labelled
            listing = label if label in ("participants", "absent") and not value else None
            if value:
                _apply_label(header, label, value)
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
            return label, match["v"].strip()
    return None


def _apply_label(header: Header, label: str, value: str) -> None:
    if label == "council":
        header.council = value
    elif label == "date":
        header.date = extract.parse_date(value) or header.date
        header.time = extract.parse_time(value) or header.time
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
    for line in lines:
        if TOC_HEADING.match(line.text):
            in_toc = True
        elif in_toc and _is_toc_entry(line.text):
            raw.append(line.text)
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
            items.append(RawItem(number=found[0], title=found[1]))
        elif items:
            items[-1].lines.append(line)
    return items


def _plausible_next(items: list[RawItem], number: int, line: Line, toc_checked: bool) -> bool:
    """Numbers of "Punkt N" headings (and headings the TOC lists) are trusted;
    other bare "N. Title" headings must continue the running numbering so
    numbered lists in the text are not taken for items."""
    if line.text.lower().startswith(("punkt", "pkt")) or not items or toc_checked:
        return True
    return 0 < number - items[-1].number <= 3


def _note_as_item(lines: list[Line], header: Header) -> RawItem:
    """A note (or a document whose items we cannot see) is one item: its first
    prose line is the title, everything else its text."""
    body = [line for line in lines if not any(p.match(line.text) for p in HEADER_LABELS.values())]
    body = [line for line in body if not re.match(r"^(?:Tlf|Fax|E-?mail|Kontakt|Direkte)[\w. ]*:", line.text, re.I)]
    title = body[0].text if body else "Notat"
    header.title = title
    return RawItem(number=1, title=title, lines=body[1:])


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
        if is_section_heading(line.text):
            flush()
            heading = line.text.rstrip(":").strip()
            paragraphs.append(Paragraph(heading, ""))  # marks the heading even if empty
            continue
        if line.block_start:
            flush()
        current.append(line.text)
    flush()
    return paragraphs


def _build_item(raw: RawItem, meeting: Meeting, gazetteer: Gazetteer, header: Header) -> Item:
    closed_match = CLOSED_PREFIX.match(raw.title)
    item = Item(
        id=f"{meeting.id}-{raw.number}",
        number=raw.number,
        title=(closed_match["title"] if closed_match else raw.title).strip() or raw.title,
        closed=bool(closed_match),
    )
    paragraphs = _paragraphs(raw.lines)
    item.case_number = _case_number(paragraphs) or (header.case_number if meeting.kind == "notat" else None)
    item.kle = extract.kle_of(item.case_number)
    if item.closed:
        return item  # closed items: only the title (and case number) are public
    kept: list[Paragraph] = []
    for paragraph in paragraphs:
        if paragraph.text and paragraph.text == item.case_number and paragraph.heading is None:
            continue
        in_history = heading_key(paragraph.heading or "") in TREATMENT_SECTIONS
        names = extract.parse_absence(paragraph.text) if paragraph.text and not in_history else None
        if names is not None:
            item.absent.extend(n for n in names if n not in item.absent)
            continue
        kept.append(paragraph)
    _fill_structured(item, kept, meeting)
    item.sections = _sections(kept, keep_decisions=meeting.kind == "dagsorden")
    full_text = "\n\n".join(filter(None, [item.title, item.body_text(), item.decision or ""]))
    item.institutions = find_institutions(full_text, gazetteer)
    item.law_refs = extract.find_law_refs(full_text)
    item.prior_treatments = _merge_treatments(
        item.prior_treatments,
        extract.find_mentions(item.body_text(), meeting.date, meeting.council),
    )
    return item


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


def _fill_structured(item: Item, paragraphs: list[Paragraph], meeting: Meeting) -> None:
    decision_parts: list[str] = []
    earlier: dict[str, list[str]] = {}  # decisions of earlier meetings, by heading
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
            source = "sagsforløb" if key == "sagsforløb" else "tidligere behandling"
            treatment_lines.setdefault(source, []).extend(text.split("\n"))
        elif key == "behandlingsforløb":
            for line in text.split("\n"):
                step = extract.parse_path_line(line, meeting.date)
                if step:
                    item.treatment_path.append(step)
        elif key == "bilag":
            _read_attachments(item, text)
        elif _is_decision_heading(paragraph.heading) and meeting.kind != "dagsorden":
            body, when = _decision_heading_parts(paragraph.heading or "")
            if body and key != "beslutning":
                item.decided_by = item.decided_by or body
            dated = extract.parse_date(when, meeting.date) if when else None
            if dated and meeting.date and dated != meeting.date:
                earlier.setdefault(paragraph.heading or "", []).append(text)
            else:
                decision_parts.append(text)
    for source, lines in treatment_lines.items():
        item.prior_treatments.extend(extract.parse_treatment_lines(lines, meeting.date, source))
    for heading, texts in earlier.items():
        body, when = _decision_heading_parts(heading)
        item.prior_treatments.append(Treatment(
            council=body or meeting.council or "", date=extract.parse_date(when or "", meeting.date),
            item=None, source="tidligere behandling", note=" ".join(texts)[:300],
        ))
    if decision_parts:
        item.decision = "\n\n".join(decision_parts)
        item.decision_kind = extract.classify_decision(item.decision)
        item.votes = extract.parse_votes(item.decision)
    if not item.decided_by and meeting.kind != "notat" and item.decision:
        item.decided_by = meeting.council


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
