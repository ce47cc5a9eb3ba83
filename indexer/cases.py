"""A case across bodies: every treatment of one case number, in date order.

Three sources meet here: items in the archive filed under the case number;
the treatments those items reference (Tidligere behandling, Sagsforløb,
Behandlingsforløb and sentences in the text); and items that mention the
case number in their text. References are resolved to archived items where
the meeting is in the archive, so each entry is either linked or marked as
only referenced.

The build assembles every case's page once per index generation
(`knowledge`, the case table); `case_timeline` looks it up.
`assemble_timeline` is the assembly itself, over anything that answers the
store's three questions (`CaseSource`): the records of one generation in
memory at build time, or the live store for a number that is no case of the
archive (only mentioned in texts).
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from .records import ItemRecord
from .snapshot import fresh_on_stale
from .store import same_council
from .subjects import subject_groups

if TYPE_CHECKING:
    from .search import Archive

RELATION_LABELS = {
    "behandling": "Behandlet",
    "tidligere behandling": "Tidligere behandling",
    "sagsforløb": "Sagsforløb",
    "tekst": "Nævnt i sagsfremstillingen",
    "behandlingsforløb": "Behandlingsforløb",
    "nævnt": "Sagsnummeret nævnes",
    "planlagt": "Planlagt behandling",
}


ROLE_BY_KIND = {
    "bemærkninger": "høring",
    "ingen bemærkninger": "høring",
    "anbefales": "indstilling",
    "godkendt": "beslutning",
    "afvist": "beslutning",
    "taget til efterretning": "orientering",
}
# The wording that tells a body's part when the decision kind does not: the
# first of these found in the decision, then the note, then the title.
ROLE_WORDING: list[tuple[str, re.Pattern[str]]] = [
    ("høring", re.compile(r"(?<!\bi )\bhøring(?:ssvar|en|s)?\b|\bafg(?:iver|av|ive)\s+(?:høringssvar|bemærkninger)", re.I)),
    ("indstilling", re.compile(r"\banbefal(?:er|ede|es|et)\b|\bindstill(?:er|ede)\b", re.I)),
    ("beslutning", re.compile(r"\bbesluttede\b|\bvedtog\b|\bgodkendte\b|\bbesluttet\b|\bvedtaget\b", re.I)),
    ("orientering", re.compile(r"\borienter(?:ing|et|ede|es)\b|\btil\s+efterretning\b", re.I)),
]
ROLE_LABELS = {"høring": "Høring", "indstilling": "Indstilling", "beslutning": "Beslutning", "orientering": "Orientering"}


def treatment_role(decision_kind: str | None, *texts: str | None) -> str | None:
    """The body's part in a treatment, as the Danish wording says: høring
    (a hearing answer), indstilling (a recommendation to another body),
    beslutning or orientering; None when nothing says so.

    Hearing wording wins over a recommendation ("Handicaprådet anbefaler …"
    in a høringssvar is a hearing) but not over a decision: a Byråd that
    approves a høringssvar decided."""
    hearing = any(text and ROLE_WORDING[0][1].search(text) for text in texts)
    if hearing and decision_kind not in ("godkendt", "afvist"):
        return "høring"
    if decision_kind in ROLE_BY_KIND:
        return ROLE_BY_KIND[decision_kind]
    for text in texts:
        for role, pattern in ROLE_WORDING[1:]:
            if text and pattern.search(text):
                return role
    return None


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
    role: str | None = None  # høring | indstilling | beslutning | orientering (treatment_role)
    publication_url: str | None = None  # the item in the municipality's own publication (FirstAgenda)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["role"] = self.role or treatment_role(self.decision_kind, self.decision, *self.notes, self.title)
        return data


def _from_item(item: ItemRecord, relation: str) -> CaseEntry:
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
        publication_url=item.get("url"),
    )


def _matching(entries: list[CaseEntry], council: str, date: str | None) -> CaseEntry | None:
    for entry in entries:
        if entry.date == date and same_council(entry.council, council):
            return entry
    return None


class CaseSource(Protocol):
    """What a timeline asks of the records (`store.RecordStore` answers it, as
    does `knowledge.GenerationRecords`): items newest first."""

    def items_by_facet(self, key: str, value: str) -> list[ItemRecord]: ...

    def items_mentioning(self, text: str) -> list[ItemRecord]: ...

    def find_item(self, council: str, date: str | None, number: int | None) -> ItemRecord | None: ...


def case_timeline(archive: Archive, case_number: str) -> dict[str, Any] | None:
    """The case page's data, or None when nothing in the archive knows the case.

    One lookup in the case table of the current generation (`knowledge`);
    a copy of its own, so the pages may add their labels to it."""
    return _timeline_on(archive, case_number)


@fresh_on_stale
def _timeline_on(archive: Archive, case_number: str) -> dict[str, Any] | None:
    """On the current snapshot; retried on the newest one should the tables
    have to be computed from a generation whose files a build has just removed."""
    knowledge = archive.current().knowledge()
    found = knowledge.case(case_number)
    if found is not None:
        return found
    # no case here (at most items that mention the number), or its tables' file damaged since it was opened
    return assemble_timeline(archive, case_number)


def assemble_timeline(archive: CaseSource, case_number: str) -> dict[str, Any] | None:
    """The case page's data from the records, or None when nothing knows the case."""
    items = archive.items_by_facet("case", case_number)
    entries = [_from_item(item, "behandling") for item in items]
    for item in items:
        for t in item.get("prior_treatments", []):
            _add_reference(archive, entries, item, Reference(
                t["council"], t["date"], t.get("item"), t.get("source") or "tidligere behandling", t.get("note"),
                t.get("decision"), t.get("decision_kind"),
            ))
        for step in item.get("treatment_path", []):
            if step["date"]:
                _add_reference(archive, entries, item, Reference(step["council"], step["date"], None, "behandlingsforløb"))
    _add_planned(entries, items)
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
        # one case number, clearly different subjects? (indexer.subjects: the measure and its figures)
        "subjects": subject_groups(items, ignore={item.get("municipality") or "" for item in items} - {""}).to_dict(),
    }


@dataclass
class Reference:
    """A treatment an item refers to; `decision` is that body's own decision
    where the referring item quotes it (FirstAgenda's "Sagens forløb")."""

    council: str
    date: str | None
    number: int | None
    relation: str
    note: str | None = None
    decision: str | None = None
    decision_kind: str | None = None


def _add_reference(archive: CaseSource, entries: list[CaseEntry], item: ItemRecord, ref: Reference) -> None:
    existing = _matching(entries, ref.council, ref.date)
    if existing is None:
        target = archive.find_item(ref.council, ref.date, ref.number)
        if target is not None:
            existing = _from_item(target, ref.relation)
            entries.append(existing)
    if existing is None:
        existing = CaseEntry(
            date=ref.date, council=ref.council, municipality=item.get("municipality"), item_id=None, number=ref.number,
            title=None, decision=ref.decision, decision_kind=ref.decision_kind, source=None, in_archive=False,
            relation=ref.relation,
        )
        entries.append(existing)
    elif not existing.in_archive and existing.decision is None and ref.decision:
        existing.decision, existing.decision_kind = ref.decision, ref.decision_kind
    if existing.item_id != item["id"]:
        if item["id"] not in existing.referenced_by:
            existing.referenced_by.append(item["id"])
        if ref.note and ref.note not in existing.notes:
            existing.notes.append(ref.note)


def _add_planned(entries: list[CaseEntry], items: list[ItemRecord]) -> None:
    """Bodies a "Sagsprocedure" names without a date are later steps: shown as
    planned until a treatment by that body is on the case page."""
    if not items:
        return
    latest = max(items, key=lambda item: item.get("date") or "")
    for step in latest.get("treatment_path", []):
        if step["date"] or any(same_council(entry.council, step["council"]) for entry in entries):
            continue
        entries.append(CaseEntry(
            date=None, council=step["council"], municipality=latest.get("municipality"), item_id=None, number=None,
            title=None, decision=None, decision_kind=None, source=None, in_archive=False, relation="planlagt",
            referenced_by=[latest["id"]],
        ))
