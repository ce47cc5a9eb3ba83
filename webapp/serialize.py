"""URLs of the web app's pages and the JSON shapes the API serves.

Built only here, in the web layer: the indexer returns data (records, hits,
case lines) and never knows where a page lives. The API and the feeds use
these builders; the CLI's `search --json` prints the indexer's own data
(dataclasses as JSON), without page links.

The API's shapes are declared here once, as TypedDicts (the stored records'
own shapes are in indexer/records.py); the OpenAPI document's components are
generated from them (webapp/jsonschema.py, openapi.py).
"""

from __future__ import annotations

from html import escape
from typing import Annotated, Literal, NotRequired, TypedDict
from urllib.parse import quote

from indexer.grouping import CaseLine
from indexer.records import AgendaEntry, Doc, IsoDate, ItemRecord, Kind, MeetingRecord
from indexer.search import AppliedFilter, FacetValue, Hit, SearchResponse, Snippet
from indexer.subjects import Subjects


# --- the shapes ---------------------------------------------------------------------------------
# A subclass that re-declares a record key (`url`) does so on purpose: the
# API's `url` is the page here, and the record's own link moves to
# `publication_url`. (Python merges the keys, the subclass's type winning.)


class HitJSON(TypedDict):
    id: str
    title: str
    council: str | None
    municipality: str
    date: IsoDate | None
    number: int
    case_number: str | None
    kind: Kind
    decision_kind: str | None
    url: str
    snippet: Annotated[str, Doc("HTML: escaped text with <mark> around matches")]


class LineTreatmentJSON(TypedDict):
    council: str
    date: IsoDate | None
    in_archive: Annotated[bool, Doc("false: kun henvist til i et andet punkt")]
    item_id: str | None
    decision_kind: str | None
    url: str | None


class CaseLineJSON(TypedDict):
    case_number: Annotated[str | None, Doc("null: et punkt uden sagsnummer")]
    url: Annotated[str, Doc("Sagens side (eller punktets, uden sagsnummer)")]
    title: str
    councils: Annotated[list[str], Doc("Organerne i den rækkefølge, de behandlede sagen")]
    first_date: IsoDate | None
    last_date: IsoDate | None
    treatments: Annotated[list[LineTreatmentJSON], Doc("I datoorden")]
    decision: Annotated[str | None, Doc("Seneste udfald: den seneste behandling med en beslutning")]
    decision_kind: str | None
    decision_council: str | None
    decision_date: IsoDate | None
    matching: Annotated[int, Doc("Sagens punkter, der matcher søgningen", minimum=1)]
    items: Annotated[int, Doc("Sagens punkter i arkivet", minimum=1)]
    hit: HitJSON


class PersonOfferJSON(TypedDict):
    id: str
    name: str
    municipality: str
    councils: list[str]
    url: str


class SearchResponseJSON(TypedDict):
    total: int
    page: int
    per_page: int
    results: list[HitJSON]
    facets: Annotated[dict[str, list[FacetValue]], Doc("Facetnøgle → værdier")]
    filters: dict[str, list[str]]
    suggestion: Annotated[str | None, Doc("Mente du …?")]
    notes: list[str]
    partial_match: bool
    timed_out: bool
    case: Annotated[str | None, Doc("Søgningen er dette sagsnummer (som arkivet skriver det).")]
    people: Annotated[list[PersonOfferJSON], Doc("Søgningen er denne persons navn (Gå til personen).")]
    corrected_from: Annotated[str | None, Doc("Intet matchede det indtastede; resultaterne er for `suggestion`.")]
    applied: Annotated[list[AppliedFilter], Doc("Hvert filter og hver datogrænse, som brugeren gav det.")]
    group: NotRequired[Annotated[Literal["case"], Doc("Kun med group=case")]]
    items_total: NotRequired[Annotated[int | None, Doc("group=case: matchende punkter (total tæller linjer)")]]
    lone_items: NotRequired[Annotated[int | None, Doc("group=case: linjer, der er punkter uden sagsnummer")]]
    groups: NotRequired[Annotated[list[CaseLineJSON], Doc("group=case: sidens linjer; results holder hver linjes bedste punkt")]]


class ItemJSON(ItemRecord):  # url re-declared: see above
    url: str
    case_url: str | None
    meeting_url: str | None
    publication_url: Annotated[str | None, Doc("Punktet i kommunens egen publicering (FirstAgenda)")]
    source_url: Annotated[str | None, Doc("Kildedokumentet her, åbnet ved punktets side")]


class AgendaLineJSON(AgendaEntry):
    url: str
    publication_url: Annotated[str | None, Doc("Punktet i kommunens egen publicering")]
    case_url: str | None


class MeetingJSON(MeetingRecord):
    items: Annotated[list[AgendaLineJSON], Doc("Én side af dagsordenen")]
    items_total: Annotated[int, Doc("Antal punkter i alt")]
    page: int
    per_page: int
    url: str
    publication_url: Annotated[str | None, Doc("Mødet i kommunens egen publicering (FirstAgenda)")]


class TreatmentJSON(TypedDict):
    """A case treatment as the API serves it: `CaseEntry.to_dict()` without its
    agenda number, with a link."""

    date: IsoDate | None
    council: str | None
    municipality: str | None
    item_id: Annotated[str | None, Doc("null når behandlingen kun er henvist til")]
    title: str | None
    decision: str | None
    decision_kind: str | None
    source: str | None
    in_archive: bool
    relation: str
    notes: list[str]
    referenced_by: list[str]
    role: Annotated[Literal["høring", "indstilling", "beslutning", "orientering"] | None,
                    Doc("Organets rolle i behandlingen, som ordlyden siger det")]
    publication_url: Annotated[str | None, Doc("Punktet i kommunens egen publicering")]
    url: str | None


class CaseJSON(TypedDict):
    case_number: str
    title: str | None
    kle: str | None
    municipalities: list[str]
    url: str
    dossier_url: Annotated[str, Doc("Sagsdossieret til udskrift (HTML)")]
    feed_url: Annotated[str, Doc("Atom-feed for sagen")]
    subjects: Subjects
    treatments: Annotated[list[TreatmentJSON], Doc("I datoorden")]


class ExportRowJSON(TypedDict):
    """One line of /soeg.jsonl (the columns of /soeg.csv); links are absolute."""

    id: str
    date: IsoDate | None
    municipality: str
    council: str | None
    number: int
    title: str
    case_number: str | None
    kind: str
    decision: str | None
    decision_kind: str | None
    url: Annotated[str, Doc(format="uri")]
    meeting_url: Annotated[str | None, Doc(format="uri")]
    case_url: Annotated[str | None, Doc(format="uri")]
    snippet: Annotated[str, Doc("Uddrag som ren tekst")]


# --- URLs -----------------------------------------------------------------------------------------


def item_url(item_id: str) -> str:
    return f"/punkt/{quote(item_id, safe='')}"


def case_url(case_number: str) -> str:
    return f"/sag/{quote(case_number, safe='/')}"


def meeting_url(meeting_id: str) -> str:
    return f"/moede/{quote(meeting_id, safe='')}"


def person_url(person_id: str) -> str:
    return f"/person/{quote(person_id, safe='')}"


def snippet_html(snippet: Snippet | None) -> str:
    """The snippet as HTML: text escaped, each matched word in
    <mark class="hit tN"> (N: the N-th distinct word, for the page's colours)."""
    if not snippet:
        return ""
    out, last = [], 0
    for start, end, number in snippet.marks:
        out.append(escape(snippet.text[last:start], quote=False))
        out.append(f'<mark class="hit t{number}">{escape(snippet.text[start:end], quote=False)}</mark>')
        last = end
    out.append(escape(snippet.text[last:], quote=False))
    return "".join(out)


def snippet_text(snippet: Snippet | None) -> str:
    """The snippet as plain text on one line (CSV, JSON Lines, feeds)."""
    return " ".join(snippet.text.split()) if snippet else ""


def hit_to_json(hit: Hit) -> HitJSON:
    return {
        "id": hit.id,
        "title": hit.title,
        "council": hit.council,
        "municipality": hit.municipality,
        "date": hit.date,
        "number": hit.number,
        "case_number": hit.case_number,
        "kind": hit.kind,
        "decision_kind": hit.decision_kind,
        "url": item_url(hit.id),
        "snippet": snippet_html(hit.snippet),
    }


def line_to_json(line: CaseLine) -> CaseLineJSON:
    """One line of a grouped search: the case (or the lone item) with its
    treatments in date order and the latest outcome."""
    return {
        "case_number": line.case_number,
        "url": case_url(line.case_number) if line.case_number else item_url(line.hit.id),
        "title": line.title,
        "councils": line.councils,
        "first_date": line.first_date,
        "last_date": line.last_date,
        "treatments": [
            {"council": t.council, "date": t.date, "in_archive": t.in_archive, "item_id": t.item_id,
             "decision_kind": t.decision_kind, "url": item_url(t.item_id) if t.item_id else None}
            for t in line.treatments
        ],
        "decision": line.decision,
        "decision_kind": line.decision_kind,
        "decision_council": line.decision_council,
        "decision_date": line.decision_date,
        "matching": line.matching,
        "items": line.items,
        "hit": hit_to_json(line.hit),
    }


def response_to_json(response: SearchResponse) -> SearchResponseJSON:
    data: SearchResponseJSON = {
        "total": response.total,
        "page": response.page,
        "per_page": response.per_page,
        "results": [hit_to_json(hit) for hit in response.results],
        "facets": {
            key: [{"value": v.value, "count": v.count, "selected": v.selected} for v in values]
            for key, values in response.facets.items()
        },
        "filters": response.filters,
        "suggestion": response.suggestion,
        "notes": response.notes,
        "partial_match": response.partial_match,
        "timed_out": response.timed_out,
        "case": response.case,
        "people": [{**offer.to_dict(), "url": person_url(offer.id)} for offer in response.people],
        "corrected_from": response.corrected_from,
        "applied": [
            {"key": a.key, "typed": a.typed, "origin": a.origin, "values": list(a.values), "start": a.start, "end": a.end}
            for a in response.applied
        ],
    }
    if response.group:
        data["group"] = response.group
        data["items_total"] = response.items_total
        data["lone_items"] = response.lone_items
        data["groups"] = [line_to_json(line) for line in response.groups or []]
    return data
