"""The index schema and the mapping from records to index documents.

One index document per agenda item (a note is one item), plus one per meeting
carrying the meeting header. Every piece of a record the pages need is kept in
a compressed stored field, so the index directory alone serves the web app and
Whoosh's atomic commit keeps records and postings consistent.

Facets are declared once here (`FACETS`). Each has a share of the `facets`
column: one pickled tuple per document that the search layer loads into
memory once per index generation (indexer.columns), so counting and filtering
facets never touch stored fields or postings. (Per-facet exact-match fields
were indexed too until nothing read them: filters are masks over the column.)
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, cast

from whoosh import columns
from whoosh.fields import COLUMN, ID, STORED, TEXT, Schema

from .analysis import identifier_analyzer, lemma_analyzer, pairs_analyzer, parts_analyzer, spelling_analyzer, spelling_words, text_analyzer
from .people import item_people, roll_names
from .records import AgendaEntry, Item, ItemRecord, Meeting, MeetingRecord, MeetingSummary

@dataclass(frozen=True)
class Facet:
    key: str  # API and URL name
    label: str  # Danish UI label
    multi: bool = False


FACETS: tuple[Facet, ...] = (
    Facet("municipality", "Kommune"),
    Facet("council", "Råd og udvalg"),
    Facet("year", "År"),
    Facet("kind", "Dokumenttype"),
    Facet("decision_kind", "Beslutning"),
    Facet("kle", "KLE-gruppe"),
    Facet("case", "Sagsnummer"),
    Facet("institution", "Institution", multi=True),
    Facet("law", "Lovhenvisning", multi=True),
    # named, noted absent or voting in the item (people.item_people), names as written
    Facet("person", "Person", multi=True),
)
FACET_KEYS = tuple(f.key for f in FACETS)
FACET_BY_KEY = {f.key: f for f in FACETS}

# Field weights for BM25F: title and decision weigh more than the body.
# "notes": absence notes, names of absent members and voters, earlier treatments (Item.notes_text).
TEXT_FIELDS = {"title": 3.0, "decision": 2.0, "body": 1.0, "notes": 1.0}
PARTS_WEIGHT = 0.4  # a compound part counts less than a whole word
# "people": the names on the meeting's roll who took part in the item and are
# not named in it. A name search finds every item the member took part in, but
# a journalist searching a name wants first the items that name the person,
# note them absent or record their vote (those names are in "notes" and the
# text, at full weight); an item merely attended is context. At a tenth of the
# body's weight an attended item's score stays below any item naming the
# person (tests/test_people_search.py), yet it still ranks by the other words
# of the query. Not a phrase field: a quoted name means the name as written.
ATTENDANCE_FIELD = "people"
ATTENDANCE_WEIGHT = 0.1
# "lemmas": every word of the item's text fields as its dictionary entry
# (analysis.lemma_analyzer), one field for all four: a query word meets the
# other forms of its word that Snowball stems apart, and items holding the
# word itself (in any form) rank above items that only share its stem.
# Measured on the held-out morphology set (tests/test_morphology.py).
LEMMA_FIELD = "lemmas"
LEMMA_WEIGHT = 1.0


def build_schema() -> Schema:
    fields: dict[str, Any] = {
        "doctype": ID(stored=True),
        "id": ID(stored=True, unique=True),
        "meeting_id": ID(stored=True),
        "source_path": ID(stored=True),
        "sha256": ID(stored=True),
        "date": ID(stored=True, sortable=True),
        "ids": TEXT(analyzer=identifier_analyzer(), phrase=False),
        "spell": TEXT(analyzer=spelling_analyzer(), phrase=False),
        "facets": COLUMN(columns.PickleColumn(columns.VarBytesColumn())),
        # The bodies that treated the item's case as far as the item knows:
        # its own meeting's council and the earlier treatments it names. Read
        # into memory like `facets`, so "behandlet af både X og Y" needs no
        # stored record (search.Archive, columns.DocumentTable.treated).
        "treated_by": COLUMN(columns.PickleColumn(columns.VarBytesColumn())),
        "record": STORED(),
    }
    for name in TEXT_FIELDS:
        # Positions are not stored: phrases are answered from the *_pairs fields.
        fields[name] = TEXT(analyzer=text_analyzer(), phrase=False)
        fields[f"{name}_parts"] = TEXT(analyzer=parts_analyzer(), phrase=False)
        fields[f"{name}_pairs"] = TEXT(analyzer=pairs_analyzer(), phrase=False)
    fields[ATTENDANCE_FIELD] = TEXT(analyzer=text_analyzer(), phrase=False)
    fields[LEMMA_FIELD] = TEXT(analyzer=lemma_analyzer(), phrase=False)
    return Schema(**fields)


def same_schema(old, new) -> bool:
    """The same fields with the same analysis: an index whose analyzers differ
    (the phrase pairs gained their small words) holds tokens the searches of
    this version would not find, so it is rebuilt like one with other fields."""
    if sorted(old.names()) != sorted(new.names()):
        return False
    return all(
        type(old[name]) is type(new[name]) and getattr(old[name], "analyzer", None) == getattr(new[name], "analyzer", None)
        for name in new.names()
    )



# --- records → documents ------------------------------------------------------


def pack(data: Mapping[str, Any]) -> bytes:
    return zlib.compress(json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8"), 6)


def unpack(blob: bytes) -> Any:
    """A stored record: an ItemRecord or a MeetingRecord (indexer.records), by the document's doctype."""
    return json.loads(zlib.decompress(blob).decode("utf-8"))


def unpack_item(blob: bytes) -> ItemRecord:
    """A stored item record (item_document's `record`), typed as the read side sees it."""
    return cast(ItemRecord, unpack(blob))


def kle_group(kle: str | None) -> str | None:
    """First two KLE levels: 27.69.48 → 27.69 (the group a member browses by)."""
    return ".".join(kle.split(".")[:2]) if kle else None


def facet_values(item: Item, meeting: Meeting, named: tuple[str, ...] = ()) -> dict[str, tuple[str, ...]]:
    def one(value: str | None) -> tuple[str, ...]:
        return (value,) if value else ()

    return {
        "municipality": one(meeting.municipality),
        "council": one(meeting.council),
        "year": one(meeting.date[:4] if meeting.date else None),
        "kind": one(meeting.kind),
        "decision_kind": one(item.decision_kind),
        "kle": one(kle_group(item.kle)),
        "case": one(item.case_number),
        "institution": tuple(dict.fromkeys(item.institutions)),
        "law": tuple(dict.fromkeys(item.law_refs)),
        "person": named,
    }


def treated_by(item: Item, meeting: Meeting) -> tuple[str, ...]:
    """The bodies that treated the item's case, as written: the item's own
    council and every earlier treatment it references (Tidligere behandling,
    Sagens forløb, a sentence in the text). A Behandlingsforløb's steps are
    not here: they announce treatments, they do not report them."""
    names = [meeting.council, *(treatment.council for treatment in item.prior_treatments)]
    return tuple(dict.fromkeys(name for name in names if name))


def meeting_summary(meeting: Meeting) -> MeetingSummary:
    """What an item's result line and page need of its meeting."""
    return {
        "meeting_id": meeting.id,
        "municipality": meeting.municipality,
        "council": meeting.council,
        "kind": meeting.kind,
        "date": meeting.date,
        "meeting_title": meeting.title,
        "source": meeting.source.path if meeting.source else None,
    }


def item_record(item: Item, meeting: Meeting) -> ItemRecord:
    """The stored item: the item and what its pages need of its meeting."""
    return {**item.to_dict(), **meeting_summary(meeting)}


def item_document(item: Item, meeting: Meeting, roll: list[tuple[str, bool]] | None = None) -> dict[str, Any]:
    """One item's index document; `roll` is `people.roll_names(meeting.participants)`
    (computed once per meeting by the caller, else here)."""
    identifiers = [item.case_number or "", *item.law_refs]
    body = "" if item.closed else item.body_text()
    decision = "" if item.closed else (item.decision or "")
    notes = "" if item.closed else item.notes_text()
    people = _item_people(item, roll if roll is not None else roll_names(meeting.participants), body, decision, notes)
    if people.roll_absent:  # absent from the whole meeting by the roll: each item notes it
        missing = [name for name in people.roll_absent if name not in notes]
        notes = "\n\n".join(filter(None, [notes, ", ".join(missing)]))
    facets = facet_values(item, meeting, people.named)
    doc: dict[str, Any] = {
        "doctype": "item",
        "id": item.id,
        "meeting_id": meeting.id,
        "source_path": meeting.source.path if meeting.source else "",
        "date": meeting.date or "",
        "title": item.title,
        "title_parts": item.title,
        "title_pairs": item.title,
        "decision": decision,
        "decision_parts": decision,
        "decision_pairs": decision,
        "body": body,
        "body_parts": body,
        "body_pairs": body,
        "notes": notes,
        "notes_parts": notes,
        "notes_pairs": notes,
        ATTENDANCE_FIELD: "\n".join(people.present),
        LEMMA_FIELD: "\n".join(filter(None, [item.title, body, decision, notes])),
        "ids": "\n".join(filter(None, [*identifiers, body, decision, item.title, notes])),
        "facets": tuple(facets[key] for key in FACET_KEYS),
        "treated_by": treated_by(item, meeting),
        "record": pack(item_record(item, meeting)),
    }
    return doc


def _item_people(item: Item, roll: list[tuple[str, bool]], body: str, decision: str, notes: str):
    """The names of an open item (a closed item names no one: its text is not indexed either)."""
    if item.closed:
        return item_people((), (), "", [])
    votes = (item.votes.for_ + item.votes.against + item.votes.abstained) if item.votes else []
    return item_people(item.absent, votes, "\n".join([item.title, body, decision, notes]), roll)


def meeting_vocabulary(meeting: Meeting) -> str:
    """The meeting's distinct words, for "Mente du …?" suggestions. Kept on the
    meeting rather than on each item: suggestions need the vocabulary, not
    per-item frequencies, and this keeps the spelling postings small. The roll's
    names are in it too, so a misspelt member ("Heegard") is answered for the
    name the archive holds."""
    words: dict[str, None] = dict.fromkeys(spelling_words("\n".join(p.name for p in meeting.participants)))
    for item in meeting.items:
        text = item.title if item.closed else "\n".join([item.title, item.decision or "", item.body_text()])
        words.update(dict.fromkeys(spelling_words(text)))
    return " ".join(words)


def meeting_record(meeting: Meeting) -> MeetingRecord:
    """The stored meeting: its header and its agenda as summaries (the items
    are documents of their own)."""
    agenda: list[AgendaEntry] = [
        {
            "id": item.id,
            "number": item.number,
            "title": item.title,
            "case_number": item.case_number,
            "decision": item.decision,
            "decision_kind": item.decision_kind,
            "closed": item.closed,
            "page": item.page,
            "url": item.url,
        }
        for item in meeting.items
    ]
    return {**meeting.to_dict(), "items": agenda}  # the agenda replaces the items


def meeting_document(meeting: Meeting) -> dict[str, Any]:
    data = meeting_record(meeting)
    doc: dict[str, Any] = {
        "doctype": "meeting",
        "id": meeting.id,
        "meeting_id": meeting.id,
        "source_path": meeting.source.path if meeting.source else "",
        "sha256": meeting.source.sha256 if meeting.source else "",
        "date": meeting.date or "",
        "record": pack(data),
        "spell": meeting_vocabulary(meeting),
    }
    return doc
