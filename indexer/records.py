"""The record: one parsed document (a meeting or a note) and its agenda items.

These dataclasses are the contract between the ingester and everything after
it (index, web app, API, tests). `to_dict` gives the JSON that
`python -m indexer parse FILE` prints and the API serves; its field names are
these attributes' names, and the API's OpenAPI document (webapp/openapi.py)
describes them for clients.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


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

    def to_dict(self) -> dict[str, Any]:
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

    def to_dict(self) -> dict[str, Any]:
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

    def to_dict(self) -> dict[str, Any]:
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

