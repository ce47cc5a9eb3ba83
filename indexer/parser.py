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

TITLE_LINE = re.compile(
    r"^(?P<kind>REFERAT|DAGSORDEN|BESLUTNINGSPROTOKOL|Referat|Dagsorden|Beslutningsprotokol)"
    r"(?:\s+(?:fra|for|af))?\s*[:\-–]?\s+(?P<council>.+?)"
    r"(?:\s*[,\-–]?\s*(?:d\.|den|mødet\s+den|møde\s+den)?\s*(?P<date>\d{1,2}[.\-/]\d{1,2}[.\-/]\d{2,4}|\d{1,2}\.\s*\w+\s+\d{4}|\d{4}-\d\d-\d\d))?\s*$"
)
KIND_WORDS = {"referat": "referat", "beslutningsprotokol": "referat", "dagsorden": "dagsorden"}

HEADER_LABELS = {
    "date": re.compile(r"^(?:Mødedato|Dato|Tidspunkt|Mødetidspunkt)\s*:?\s*(?P<v>.*)$", re.I),
    "location": re.compile(r"^(?:Mødested|Sted|Lokale)\s*:?\s*(?P<v>.*)$", re.I),
    "participants": re.compile(r"^(?:Mødedeltagere|Deltagere|Medlemmer|Til stede)\s*:?\s*(?P<v>.*)$", re.I),
    "absent": re.compile(r"^(?:Afbud|Fraværende|Fraværende med afbud)\s*:?\s*(?P<v>.*)$", re.I),
    "case": re.compile(r"^(?:Sagsid|Sagsnr|Sags nr|J\.\s*nr)\.?\s*:\s*(?P<v>.*)$", re.I),
}
TOC_HEADING = re.compile(r"^(?:Indholdsfortegnelse|Indhold\s*fortegnelse|Dagsordenpunkter)\s*:?$", re.I)
TOC_ENTRY = re.compile(r"^(?P<title>.+?)(?:\s*\.{2,}\s*|\t+\s*)(?P<page>\d+)$")

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
}
DECISION_HEADING = re.compile(
    r"^(?:Beslutning(?:\s+(?:i|fra)\s+(?P<body1>.+?))?(?:\s+(?:den|d\.)\s+(?P<date1>.+))?"
    r"|(?P<body2>.+?)s\s+beslutning(?:\s+den\s+(?P<date2>.+?))?(?:\s+Punkt\s+\d+)?)\s*:?$",
    re.I,
)
TREATMENT_SECTIONS = {"tidligere behandling", "tidligere udvalgsbeslutninger", "sagsforløb", "sagens tidligere behandling", "historik"}
STRUCTURED_SECTIONS = TREATMENT_SECTIONS | {"bilag", "beslutningen træffes af", "behandlingsforløb"}
ATTACHMENT_COUNT = re.compile(r"^(?P<n>\d+)\s+bilag\b", re.I)
RECOMMENDED = re.compile(r"^ANBEFALES\s*[-–:]?\s*", re.I)


def heading_key(line: str) -> str:
    return line.strip().rstrip(":").strip().casefold()


def match_item(line: str) -> tuple[int, str] | None:
    for pattern in ITEM_HEADINGS:
        match = pattern.match(line)
        if match and not TOC_ENTRY.match(line):
            return int(match["number"]), match["title"].strip()
    return None


def is_section_heading(line: str) -> bool:
    if len(line) > 90:
        return False
    return heading_key(line) in SECTION_HEADINGS or bool(DECISION_HEADING.match(line) and "beslutning" in line.casefold()[:60] and len(line) < 90 and _decision_heading_ok(line))


def _decision_heading_ok(line: str) -> bool:
    """ "Beslutning" lines only, not sentences that happen to contain the word."""
    key = heading_key(line)
    return key == "beslutning" or key.startswith("beslutning i ") or key.startswith("beslutning fra ") or bool(
        re.search(r"s beslutning( den .+)?$", key)
    )


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
    toc = _toc_titles(lines[:start] if start is not None else [])
    if start is None:
        header.kind = header.kind or "notat"
        raw_items = [_note_as_item(lines, header)]
    else:
        raw_items = _split_items(lines[start:])
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
    meeting.truncated = _looks_truncated(raw_items, toc, text)
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


def _first_item_index(lines: list[Line]) -> int | None:
    in_toc = False
    for index, line in enumerate(lines):
        if TOC_HEADING.match(line.text):
            in_toc = True
            continue
        if in_toc and TOC_ENTRY.match(line.text):
            continue
        if match_item(line.text) and _item_has_body(lines, index):
            return index
    return None


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
    header = Header()
    for line in lines:
        text = line.text
        title = TITLE_LINE.match(text)
        if title and header.council is None:
            header.kind = KIND_WORDS.get(title["kind"].lower())
            header.council = title["council"].strip(" ,-–")
            if title["date"]:
                header.date = extract.parse_date(title["date"])
            continue
        for label, pattern in HEADER_LABELS.items():
            match = pattern.match(text)
            if not match or not match["v"]:
                continue
            value = match["v"].strip()
            if label == "date":
                header.date = extract.parse_date(value) or header.date
                header.time = extract.parse_time(value) or header.time
            elif label == "location":
                header.location = header.location or value
            elif label == "participants":
                header.participants = extract.parse_participants(value)
            elif label == "absent":
                for person in extract.parse_participants(value):
                    person.absent = True
                    header.participants.append(person)
            elif label == "case":
                header.case_number = extract.find_case_number(value) or value
            break
    return header


def _toc_titles(lines: list[Line]) -> list[str]:
    titles: list[str] = []
    in_toc = False
    for line in lines:
        if TOC_HEADING.match(line.text):
            in_toc = True
        elif in_toc:
            match = TOC_ENTRY.match(line.text)
            if match:
                titles.append(match["title"].strip().rstrip("."))
    return titles


def _split_items(lines: list[Line]) -> list[RawItem]:
    items: list[RawItem] = []
    for index, line in enumerate(lines):
        found = match_item(line.text)
        if found and _item_has_body(lines, index) and _plausible_next(items, found[0], line):
            items.append(RawItem(number=found[0], title=found[1]))
        elif items:
            items[-1].lines.append(line)
    return items


def _plausible_next(items: list[RawItem], number: int, line: Line) -> bool:
    """Numbers of "Punkt N" headings are trusted; bare "N. Title" headings must
    continue the running numbering so numbered lists in the text are not items."""
    if line.text.lower().startswith(("punkt", "pkt")) or not items:
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


def _looks_truncated(items: list[RawItem], toc: list[str], text: str) -> bool:
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
        names = extract.parse_absence(paragraph.text) if paragraph.text else None
        if names is not None:
            item.absent.extend(n for n in names if n not in item.absent)
            continue
        kept.append(paragraph)
    _fill_structured(item, kept, meeting)
    item.sections = _sections(kept)
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
    for paragraph in paragraphs:
        key = heading_key(paragraph.heading or "")
        text = paragraph.text
        if not text:
            decision_heading = DECISION_HEADING.match(paragraph.heading or "")
            if decision_heading and key != "beslutning" and _decision_heading_ok(paragraph.heading or ""):
                body = decision_heading["body1"] or decision_heading["body2"]
                item.decided_by = item.decided_by or (body.strip() if body else None)
            continue
        if key == "beslutningen træffes af":
            item.decided_by = item.decided_by or text.split("\n")[0].strip()
        elif key in TREATMENT_SECTIONS:
            source = "sagsforløb" if key == "sagsforløb" else "tidligere behandling"
            for line in text.split("\n"):
                treatment = extract.parse_treatment_line(line, meeting.date, source)
                if treatment:
                    item.prior_treatments.append(treatment)
        elif key == "behandlingsforløb":
            for line in text.split("\n"):
                step = extract.parse_path_line(line, meeting.date)
                if step:
                    item.treatment_path.append(step)
        elif key == "bilag":
            _read_attachments(item, text)
        elif _is_decision_heading(paragraph.heading):
            decision_parts.append(text)
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


def _sections(paragraphs: list[Paragraph]) -> list[Section]:
    """Prose sections in document order; structured ones (decision, attachments,
    treatments) live in their own fields and are left out here."""
    sections: list[Section] = []
    for paragraph in paragraphs:
        key = heading_key(paragraph.heading or "")
        if key in STRUCTURED_SECTIONS or _is_decision_heading(paragraph.heading):
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
