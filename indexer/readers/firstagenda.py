"""FirstAgenda publication JSON: one meeting per file → declared structure + text.

FirstAgenda's publication API serves each meeting as one JSON document
(Greve's archive, Hvidovre's and others'):

* ``Udvalg.Navn`` — the body, with its election period for councils that are
  renamed every period ("Byråd 2022-2025"); the period is kept apart so that
  one council stays one council across periods;
* ``Moede`` — ``Dato`` (local time with offset), ``Sted``, ``Afsluttet`` and
  ``Moededeltagere`` with ``Absent``/``ParticipationCancelled``;
* ``Dagsordenpunkter`` — ``Number``/``Punktnummer``, ``Caption``/``Navn``,
  ``CaseNumber``/``SagsNummer``, ``Bilag`` (attachments), item-level
  ``ExternalAgendaItemAttendees`` (absences with a ``Reason``) and ``Felter``,
  whose ``Html`` holds the item's sections under ``<h3>``/``<h4>`` headings.

Everything the JSON states goes into a `DeclaredMeeting`; the item HTML is
turned into blocks by the HTML reader, so sections, decisions, votes and
prior treatments are read by the same parser as every other format.

Facts checked on Greve's 342 meetings: ``IsOpen`` is false for every item, so
it does not mark closed items (the "Lukket:" caption does); ``Moede.Navn`` is
"Dagsorden" even for concluded meetings, so a concluded meeting
(``Afsluttet``) whose items carry decisions is a referat.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from ..records import Attachment, Participant
from ..repair import repair_text
from . import Block, DeclaredItem, DeclaredMeeting, ReadError
from .html import html_to_blocks

__all__ = ["extract_declared", "is_firstagenda"]

# "Byråd 2022-2025", ".Spørgsmål / Svar til Byrådet 2022-2025"
_PERIOD = re.compile(r"\s+(?P<period>(?:19|20)\d\d\s*[-–]\s*(?:19|20)\d\d)\s*$")
_ISO_DATETIME = re.compile(r"^(?P<date>\d{4}-\d\d-\d\d)(?:[T ](?P<h>\d\d):(?P<m>\d\d))?")
_DECISION_HEADING = re.compile(r"^\s*(?:beslutning(?:er)?|afgørelse)\b", re.I)
# Item-level attendance reasons that mean the person was not there.
_ABSENT_REASON = re.compile(r"fravær|afbud|forfald|ikke til stede|deltog ikke|syg", re.I)


def is_firstagenda(document: Any) -> bool:
    """A FirstAgenda meeting: an object with a Moede object and a Dagsordenpunkter list."""
    return (
        isinstance(document, dict)
        and isinstance(document.get("Moede"), dict)
        and isinstance(document.get("Dagsordenpunkter"), list)
    )


def _load(data: bytes, path: Path) -> dict[str, Any]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ReadError(path, "not valid JSON: the file is not UTF-8 text") from None
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise ReadError(path, f"not valid JSON ({error.msg} at line {error.lineno})") from None
    except RecursionError:
        raise ReadError(path, "JSON is too deeply nested to read") from None
    if not is_firstagenda(document):
        raise ReadError(path, "JSON file is not a FirstAgenda meeting document (no Moede and Dagsordenpunkter)")
    return document


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def council_and_period(name: str) -> tuple[str | None, str | None]:
    """ "Byråd 2022-2025" → ("Byråd", "2022-2025"); stray leading punctuation goes."""
    name = re.sub(r"\s+", " ", name).strip(" .,-–")
    match = _PERIOD.search(name)
    if match:
        period = re.sub(r"\s*[-–]\s*", "-", match["period"])
        return name[: match.start()].strip(" .,-–") or None, period
    return name or None, None


def _date_time(value: Any) -> tuple[str | None, str | None]:
    """Local date and wall-clock time of "2024-03-18T17:00:00+01:00" (the offset is the local one)."""
    match = _ISO_DATETIME.match(_text(value))
    if not match:
        return None, None
    time = f"{match['h']}:{match['m']}" if match["h"] else None
    return match["date"], time


def _participants(meeting: dict[str, Any]) -> list[Participant]:
    people: list[Participant] = []
    for entry in meeting.get("Moededeltagere") or []:
        if not isinstance(entry, dict):
            continue
        name = re.sub(r"\s+", " ", _text(entry.get("Name")))
        if not name:
            continue
        absent = bool(entry.get("Absent")) or bool(entry.get("ParticipationCancelled"))
        people.append(Participant(name=name, absent=absent))
    return people


def _number(point: dict[str, Any], position: int) -> int:
    for key in ("Number", "Punktnummer", "Sorting"):
        value = point.get(key)
        match = re.match(r"\s*(\d{1,5})", str(value)) if value is not None else None
        if match:
            return int(match.group(1))
    return position


def _blocks(point: dict[str, Any]) -> list[Block]:
    blocks: list[Block] = []
    for felt in point.get("Felter") or []:
        if not isinstance(felt, dict):
            continue
        if _text(felt.get("Navn")):
            blocks.append(Block(_text(felt.get("Navn")), heading=True))
        html = felt.get("Html")
        if isinstance(html, str) and html.strip():
            blocks.extend(html_to_blocks(html))
        elif _text(felt.get("Tekst")):
            blocks.extend(Block(part) for part in re.split(r"\n\s*\n", _text(felt.get("Tekst"))))
    repaired = (Block(repair_text(block.text).strip(), block.heading) for block in blocks)
    return [block for block in repaired if block.text]


def _link_base(point: dict[str, Any]) -> str | None:
    """The publication's document link prefix, read off the item's own field link
    (".../Vis/Pdf/bilag/<DocumentId>"): attachments are served under the same
    prefix by their Id. None when the document gives no such link."""
    for felt in point.get("Felter") or []:
        if not isinstance(felt, dict):
            continue
        link, document = _text(felt.get("Link")), _text(felt.get("DocumentId"))
        if link.startswith(("http://", "https://")) and document and link.endswith(document):
            return link[: -len(document)]
    return None


def _item_url(point: dict[str, Any]) -> str | None:
    for felt in point.get("Felter") or []:
        link = _text(felt.get("Link")) if isinstance(felt, dict) else ""
        if link.startswith(("http://", "https://")):
            return link
    return None


def _attachments(point: dict[str, Any]) -> list[Attachment]:
    base = _link_base(point)
    found: list[Attachment] = []
    for entry in sorted((b for b in point.get("Bilag") or [] if isinstance(b, dict)), key=lambda b: b.get("Order") or 0):
        title = re.sub(r"\s+", " ", _text(entry.get("Navn")))
        if not title:
            continue
        has_pdf = str(entry.get("HarPdfVersion", "true")).lower() != "false"
        url = f"{base}{_text(entry.get('Id'))}" if base and has_pdf and _text(entry.get("Id")) else None
        found.append(Attachment(title=repair_text(title), url=url))
    return found


def _item_absent(point: dict[str, Any]) -> list[str]:
    names: list[str] = []
    for entry in point.get("ExternalAgendaItemAttendees") or []:
        if not isinstance(entry, dict):
            continue
        name = re.sub(r"\s+", " ", _text(entry.get("Name")))
        if name and _ABSENT_REASON.search(_text(entry.get("Reason"))) and name not in names:
            names.append(name)
    return names


def _has_decision(blocks: list[Block]) -> bool:
    """A heading "Beslutning" followed by text before the next heading."""
    for index, block in enumerate(blocks):
        if block.heading and _DECISION_HEADING.match(block.text):
            following = blocks[index + 1] if index + 1 < len(blocks) else None
            if following is not None and not following.heading:
                return True
    return False


def _items(document: dict[str, Any]) -> list[DeclaredItem]:
    points = [p for p in document.get("Dagsordenpunkter") or [] if isinstance(p, dict)]
    points.sort(key=lambda p: p.get("Sorting") if isinstance(p.get("Sorting"), int) else 0)
    items: list[DeclaredItem] = []
    for position, point in enumerate(points, start=1):
        title = re.sub(r"\s+", " ", _text(point.get("Caption")) or _text(point.get("Navn")))
        case_number = _text(point.get("CaseNumber")) or _text(point.get("SagsNummer")) or None
        items.append(DeclaredItem(
            number=_number(point, position),
            title=repair_text(title) if title else f"Punkt {position}",
            case_number=case_number,
            blocks=_blocks(point),
            attachments=_attachments(point),
            absent=_item_absent(point),
            url=_item_url(point),
        ))
    return items


def _render(declared: DeclaredMeeting) -> str:
    """A plain-text rendering of the meeting (what `SourceText.text` promises)."""
    head = [f"{(declared.kind or 'dagsorden').capitalize()} {declared.council or ''}".strip()]
    if declared.date:
        head.append(f"Dato: {declared.date}{' kl. ' + declared.time if declared.time else ''}")
    if declared.location:
        head.append(f"Sted: {declared.location}")
    parts = ["\n".join(head)]
    for item in declared.items:
        parts.append(f"Punkt {item.number}: {item.title}")
        parts.extend(block.text for block in item.blocks)
    return "\n\n".join(parts)


def extract_declared(data: bytes, path: Path) -> tuple[str, DeclaredMeeting]:
    """The declared meeting of a FirstAgenda JSON file and its text; anything else → ReadError."""
    document = _load(data, path)
    moede = document["Moede"]
    udvalg = document.get("Udvalg") if isinstance(document.get("Udvalg"), dict) else {}
    council, period = council_and_period(_text(udvalg.get("Navn")))
    date, time = _date_time(moede.get("Dato") or moede.get("MeetingBeginUtc"))
    items = _items(document)
    concluded = bool(moede.get("Afsluttet")) and any(_has_decision(item.blocks) for item in items)
    declared = DeclaredMeeting(
        council=council,
        period=period,
        kind="referat" if concluded else "dagsorden",
        date=date,
        time=time,
        location=_text(moede.get("Sted")) or None,
        participants=_participants(moede),
        items=items,
    )
    if not items and not council:
        raise ReadError(path, "FirstAgenda document has neither a body nor agenda items")
    return _render(declared), declared
