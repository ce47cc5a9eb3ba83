"""The JSON shape of search results, shared by the web API and the CLI's --json."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from .search import SearchResponse


def item_url(item_id: str) -> str:
    return f"/punkt/{quote(item_id, safe='')}"


def case_url(case_number: str) -> str:
    return f"/sag/{quote(case_number, safe='/')}"


def meeting_url(meeting_id: str) -> str:
    return f"/moede/{quote(meeting_id, safe='')}"


def person_url(person_id: str) -> str:
    return f"/person/{quote(person_id, safe='')}"


def response_to_json(response: SearchResponse) -> dict[str, Any]:
    return {
        "total": response.total,
        "page": response.page,
        "per_page": response.per_page,
        "results": [
            {
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
            for hit in response.results
        ],
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
