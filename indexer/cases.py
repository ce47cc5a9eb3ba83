"""A case across bodies: every treatment of one case number, in date order.

Three sources meet here: items in the archive filed under the case number;
the treatments those items reference (Tidligere behandling, Sagsforløb,
Behandlingsforløb and sentences in the text); and items that mention the
case number in their text. References are resolved to archived items where
the meeting is in the archive, so each entry is either linked or marked as
only referenced.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from .search import Archive, same_council

RELATION_LABELS = {
    "behandling": "Behandlet",
    "tidligere behandling": "Tidligere behandling",
    "sagsforløb": "Sagsforløb",
    "tekst": "Nævnt i sagsfremstillingen",
    "behandlingsforløb": "Behandlingsforløb",
    "nævnt": "Sagsnummeret nævnes",
}


@dataclass
class CaseEntry:
    date: str | None
    council: str | None
    municipality: str | None
    item_id: str | None
    number: int | None
    title: str | None
    decision: str | None
    decision_kind: str | None
    source: str | None  # the document it is in, or the item that references it
    in_archive: bool
    relation: str
    notes: list[str] = field(default_factory=list)
    referenced_by: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _from_item(item: dict[str, Any], relation: str) -> CaseEntry:
    return CaseEntry(
        date=item.get("date"),
        council=item.get("council"),
        municipality=item.get("municipality"),
        item_id=item["id"],
        number=item.get("number"),
        title=item.get("title"),
        decision=item.get("decision"),
        decision_kind=item.get("decision_kind"),
        source=item.get("source"),
        in_archive=True,
        relation=relation,
    )


def _matching(entries: list[CaseEntry], council: str, date: str | None) -> CaseEntry | None:
    for entry in entries:
        if entry.date == date and same_council(entry.council, council):
            return entry
    return None


def case_timeline(archive: Archive, case_number: str) -> dict[str, Any] | None:
    """The case page's data, or None when nothing in the archive knows the case."""
    items = archive.items_by_facet("case", case_number)
    entries = [_from_item(item, "behandling") for item in items]
    for item in items:
        references = [
            (t["council"], t["date"], t.get("item"), t.get("source") or "tidligere behandling", t.get("note"))
            for t in item.get("prior_treatments", [])
        ] + [(p["council"], p["date"], None, "behandlingsforløb", None) for p in item.get("treatment_path", [])]
        for council, date, number, relation, note in references:
            _add_reference(archive, entries, item, council, date, number, relation, note)
    known_ids = {e.item_id for e in entries if e.item_id}
    for item in archive.items_mentioning(case_number):
        if item["id"] not in known_ids:
            entries.append(_from_item(item, "nævnt"))
            known_ids.add(item["id"])
    if not entries:
        return None
    entries.sort(key=lambda e: (e.date or "9999", e.council or "", e.number or 0))
    return {
        "case_number": case_number,
        "kle": items[0].get("kle") if items else None,
        "title": items[0]["title"] if items else None,  # the newest treatment's title
        "municipalities": sorted({e.municipality for e in entries if e.municipality}),
        "treatments": [e.to_dict() for e in entries],
    }


def _add_reference(archive: Archive, entries: list[CaseEntry], item: dict[str, Any], council: str,
                   date: str | None, number: int | None, relation: str, note: str | None) -> None:
    existing = _matching(entries, council, date)
    if existing is None:
        target = archive.find_item(council, date, number)
        if target is not None:
            existing = _from_item(target, relation)
            entries.append(existing)
    if existing is None:
        existing = CaseEntry(
            date=date, council=council, municipality=item.get("municipality"), item_id=None, number=number, title=None,
            decision=None, decision_kind=None, source=None, in_archive=False, relation=relation,
        )
        entries.append(existing)
    if existing.item_id != item["id"]:
        if item["id"] not in existing.referenced_by:
            existing.referenced_by.append(item["id"])
        if note and note not in existing.notes:
            existing.notes.append(note)
