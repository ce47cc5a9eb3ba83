"""The record: one parsed document (a meeting or a note) and its agenda items.

These dataclasses are the contract between the ingester and everything after
it (index, web app, API, tests). `to_dict` gives the JSON that
`python -m indexer parse FILE` prints and the API serves; its field names are
these attributes' names.

The read side never sees these classes: the index stores their JSON and
everything after it (store, search, pages, API) reads that back. The shapes
it reads are declared below the dataclasses, once, as TypedDicts
(`ItemRecord`, `MeetingRecord` and their parts); tests/test_record_shapes.py
checks that `to_dict` writes exactly the declared keys, and the API's
OpenAPI components are generated from the same declarations
(webapp/jsonschema.py), so the document cannot drift from what is stored.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Annotated, Literal, TypedDict


@dataclass
class Participant:
    name: str
    affiliation: str | None = None
    absent: bool = False
    role: str | None = None


@dataclass
class Section:
    heading: str | None
    text: str


@dataclass
class Votes:
    """A recorded vote. Counts are the stated numbers ("For stemte: 5"), which
    win over the name lists when the minutes list names sloppily."""

    for_: list[str] = field(default_factory=list)
    against: list[str] = field(default_factory=list)
    abstained: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)

    def to_dict(self) -> VotesRecord:
        return {
            "for": list(self.for_),
            "against": list(self.against),
            "abstained": list(self.abstained),
            "counts": dict(self.counts),
        }


@dataclass
class Attachment:
    title: str
    recommended: bool = False
    url: str | None = None  # the publication's own link, where the source gives one


@dataclass
class Treatment:
    """A treatment of the case in some body, as referenced by this item.

    `source` says where the reference came from: "tidligere behandling",
    "sagsforløb" or "tekst" (a sentence in the running text); `note` keeps
    the original wording so a reader can judge the reference.
    """

    council: str
    date: str | None
    item: int | None = None
    source: str = "tidligere behandling"
    note: str | None = None
    decision: str | None = None  # that body's own decision text, where the source gives it
    decision_kind: str | None = None


@dataclass
class PathStep:
    council: str
    date: str | None


@dataclass
class Item:
    id: str
    number: int
    title: str
    case_number: str | None = None
    kle: str | None = None
    sections: list[Section] = field(default_factory=list)
    decided_by: str | None = None
    decision: str | None = None
    decision_kind: str | None = None
    votes: Votes | None = None
    absent: list[str] = field(default_factory=list)
    attendance: list[str] = field(default_factory=list)  # the absence notes as written ("Afbud: …")
    attachments: list[Attachment] = field(default_factory=list)
    attachment_count: int | None = None
    prior_treatments: list[Treatment] = field(default_factory=list)
    treatment_path: list[PathStep] = field(default_factory=list)
    institutions: list[str] = field(default_factory=list)
    law_refs: list[str] = field(default_factory=list)
    closed: bool = False
    url: str | None = None  # the item in the original publication, where the source gives one
    page: int | None = None  # the source page the item's heading is on (1 = first), for paged sources (PDF)

    def body_text(self) -> str:
        """All section text, for full-text indexing and mention scanning."""
        return "\n\n".join(s.text for s in self.sections if s.text)

    def notes_text(self) -> str:
        """What the record says beside its sections, as written: absence notes,
        the names of absent members and voters, earlier treatments' notes and
        decisions — searchable like the text (a member named as absent is found)."""
        parts = list(self.attendance)
        parts.extend(name for name in self.absent if not any(name in line for line in self.attendance))
        if self.votes:
            parts.extend(self.votes.for_ + self.votes.against + self.votes.abstained)
        for treatment in self.prior_treatments:
            parts.extend(filter(None, [treatment.note, treatment.decision if treatment.decision != treatment.note else None]))
        return "\n\n".join(dict.fromkeys(p for p in parts if p))

    def to_dict(self) -> ItemData:
        # Written out rather than dataclasses.asdict: asdict deep-copies
        # recursively and was a tenth of the index build's time.
        return {
            "id": self.id,
            "number": self.number,
            "title": self.title,
            "case_number": self.case_number,
            "kle": self.kle,
            "sections": [{"heading": s.heading, "text": s.text} for s in self.sections],
            "decided_by": self.decided_by,
            "decision": self.decision,
            "decision_kind": self.decision_kind,
            "votes": self.votes.to_dict() if self.votes else None,
            "absent": list(self.absent),
            "attendance": list(self.attendance),
            "attachments": [{"title": a.title, "recommended": a.recommended, "url": a.url} for a in self.attachments],
            "attachment_count": self.attachment_count,
            "prior_treatments": [
                {"council": t.council, "date": t.date, "item": t.item, "source": t.source, "note": t.note,
                 "decision": t.decision, "decision_kind": t.decision_kind}
                for t in self.prior_treatments
            ],
            "treatment_path": [{"council": p.council, "date": p.date} for p in self.treatment_path],
            "institutions": list(self.institutions),
            "law_refs": list(self.law_refs),
            "closed": self.closed,
            "url": self.url,
            "page": self.page,
        }


@dataclass
class Source:
    path: str
    sha256: str
    format: str


@dataclass
class Meeting:
    id: str
    municipality: str
    council: str | None
    kind: str  # referat | dagsorden | notat
    date: str | None
    time: str | None = None
    location: str | None = None
    title: str | None = None
    participants: list[Participant] = field(default_factory=list)
    source: Source | None = None
    items: list[Item] = field(default_factory=list)
    truncated: bool = False
    period: str | None = None  # the council's election period as the source names it ("2022-2025")
    url: str | None = None

    def to_dict(self) -> MeetingData:
        return {
            "id": self.id,
            "municipality": self.municipality,
            "council": self.council,
            "kind": self.kind,
            "date": self.date,
            "time": self.time,
            "location": self.location,
            "title": self.title,
            "participants": [asdict(p) for p in self.participants],
            "source": asdict(self.source) if self.source else None,
            "items": [item.to_dict() for item in self.items],
            "truncated": self.truncated,
            "period": self.period,
            "url": self.url,
        }



# --- the stored shapes: what the read side gets back from the index -----------------
#
# Every key below is always present in a stored record: the index is rebuilt
# from scratch whenever its schema or analysis changes (build.same_schema),
# and every record key was added before the current schema, so no index this
# version opens holds a record written without one. (Checked over the
# history: each commit with today's build_schema writes today's records.)
# Read them with record["key"]. A key added later without a schema change
# would be absent from older indexes' records until their sources change:
# then read it with .get and say so beside it.


@dataclass(frozen=True)
class Doc:
    """What a field's type hint cannot say, for the API's description
    (webapp/jsonschema.py reads it from `Annotated`): a Danish description and
    JSON Schema keywords such as a format or a minimum."""

    text: str | None = None
    format: str | None = None
    minimum: int | None = None


IsoDate = Annotated[str, Doc(format="date")]  # ÅÅÅÅ-MM-DD
Kind = Literal["referat", "dagsorden", "notat"]


class SectionRecord(TypedDict):
    heading: str | None
    text: str


# "for" is a keyword, hence the functional form.
VotesRecord = TypedDict("VotesRecord", {
    "for": list[str],
    "against": list[str],
    "abstained": list[str],
    "counts": Annotated[dict[str, int], Doc("De angivne tal («For stemte: 5»), nøgler for/against/abstained")],
})


class AttachmentRecord(TypedDict):
    title: str
    recommended: bool
    url: Annotated[str | None, Doc("Bilaget i kommunens egen publicering")]


class PriorTreatmentRecord(TypedDict):
    """An earlier treatment as the item names it (`Treatment`)."""

    council: str
    date: IsoDate | None
    item: Annotated[int | None, Doc("Punktnummeret i det andet møde, hvis det nævnes")]
    source: Annotated[str, Doc("Hvor henvisningen står: tidligere behandling, sagsforløb eller tekst")]
    note: Annotated[str | None, Doc("Henvisningen som skrevet")]
    decision: str | None
    decision_kind: str | None


class PathStepRecord(TypedDict):
    council: str
    date: IsoDate | None


class ParticipantRecord(TypedDict):
    name: str
    affiliation: str | None
    absent: bool
    role: str | None


class SourceRecord(TypedDict):
    path: str
    sha256: str
    format: str


class ItemData(TypedDict):
    """`Item.to_dict()`: one agenda item as `python -m indexer parse` prints it."""

    id: str
    number: int
    title: str
    case_number: str | None
    kle: str | None
    sections: list[SectionRecord]
    decided_by: str | None
    decision: str | None
    decision_kind: str | None
    votes: VotesRecord | None
    absent: list[str]
    attendance: Annotated[list[str], Doc("Fraværsnoterne som skrevet («Afbud: …»)")]
    attachments: list[AttachmentRecord]
    attachment_count: int | None
    prior_treatments: list[PriorTreatmentRecord]
    treatment_path: list[PathStepRecord]
    institutions: list[str]
    law_refs: list[str]
    closed: bool
    url: Annotated[str | None, Doc("Punktet i kommunens egen publicering")]
    page: Annotated[int | None, Doc("Siden i kildedokumentet (PDF), hvor punktets overskrift står", minimum=1)]


class MeetingSummary(TypedDict):
    """What an item's stored record carries of its meeting (schema.meeting_summary)."""

    meeting_id: str
    municipality: str
    council: str | None
    kind: Kind
    date: IsoDate | None
    meeting_title: Annotated[str | None, Doc("Mødets titel")]
    source: Annotated[str | None, Doc("Kildedokumentets sti i korpusset")]


class ItemRecord(ItemData, MeetingSummary):
    """The stored item record: `{**item.to_dict(), **meeting_summary(meeting)}`."""


class AgendaEntry(TypedDict):
    """One line of a stored meeting's agenda (schema.meeting_document)."""

    id: str
    number: int
    title: str
    case_number: str | None
    decision: str | None
    decision_kind: str | None
    closed: bool
    page: Annotated[int | None, Doc(minimum=1)]
    url: Annotated[str | None, Doc("Punktet i kommunens egen publicering")]


class _MeetingHeader(TypedDict):
    id: str
    municipality: str
    council: str | None
    kind: Kind
    date: IsoDate | None
    time: str | None
    location: str | None
    title: str | None
    participants: list[ParticipantRecord]
    source: SourceRecord | None
    truncated: Annotated[bool, Doc("Dokumentet er afkortet; de sidste punkter kan mangle")]
    period: Annotated[str | None, Doc("Valgperioden som kilden skriver den («2022-2025»)")]
    url: Annotated[str | None, Doc("Mødet i kommunens egen publicering")]


class MeetingData(_MeetingHeader):
    """`Meeting.to_dict()`: the parsed meeting with its whole items."""

    items: list[ItemData]


class MeetingRecord(_MeetingHeader):
    """The stored meeting record: the meeting with its agenda as summaries."""

    items: list[AgendaEntry]


class MeetingRow(TypedDict):
    """A meeting as the snapshot lists it in memory (snapshot.load: newest first)."""

    id: str
    municipality: str
    council: str | None
    date: IsoDate | None
    kind: Kind
    title: str | None
    items: int
