"""The JSON shape of search results, shared by the web API and the CLI's --json."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from .grouping import CaseLine
from .search import Hit, SearchResponse


def item_url(item_id: str) -> str:
    return f"/punkt/{quote(item_id, safe='')}"


def case_url(case_number: str) -> str:
    return f"/sag/{quote(case_number, safe='/')}"


def meeting_url(meeting_id: str) -> str:
    return f"/moede/{quote(meeting_id, safe='')}"


def person_url(person_id: str) -> str:
    return f"/person/{quote(person_id, safe='')}"


def hit_to_json(hit: Hit) -> dict[str, Any]:
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
        "snippet": hit.snippet,
    }


def line_to_json(line: CaseLine) -> dict[str, Any]:
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


def response_to_json(response: SearchResponse) -> dict[str, Any]:
    data = {
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
