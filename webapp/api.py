"""The JSON API under /api: search, items, meetings, cases, and its OpenAPI description.

Errors are JSON too ({"message": "…"} in Danish, see errors.py); every
record carries the links a client needs to reach the HTML pages.
"""

from __future__ import annotations

from flask import Blueprint, jsonify, request, url_for
from werkzeug.exceptions import NotFound

from indexer.records import AgendaEntry, ItemRecord
from .serialize import AgendaLineJSON, CaseJSON, ItemJSON, MeetingJSON, TreatmentJSON, case_url, item_url, meeting_url, response_to_json

from .archive_state import get_archive
from .casework import ordered_timeline
from .openapi import openapi_document
from .pages import source_url
from .params import parse_meeting_page, parse_search

bp = Blueprint("api", __name__, url_prefix="/api")

# what a case treatment carries from the timeline's entry (the rest of TreatmentJSON is links)
TREATMENT_FIELDS = tuple(name for name in TreatmentJSON.__annotations__ if name != "url")


def item_json(record: ItemRecord) -> ItemJSON:
    """The item with its links; the record's own `url` (the publication's) becomes `publication_url`."""
    return {
        **record,
        "url": item_url(record["id"]),
        "case_url": case_url(record["case_number"]) if record["case_number"] else None,
        "meeting_url": meeting_url(record["meeting_id"]) if record["meeting_id"] else None,
        "publication_url": record["url"],
        "source_url": source_url(record),
    }


def agenda_line(summary: AgendaEntry) -> AgendaLineJSON:
    return {**summary, "url": item_url(summary["id"]), "publication_url": summary["url"],
            "case_url": case_url(summary["case_number"]) if summary["case_number"] else None}


@bp.get("/search")
def search():
    state = parse_search(request.args)
    return jsonify(response_to_json(get_archive().search(state)))


@bp.get("/items/<item_id>")
def item(item_id: str):
    record = get_archive().item(item_id)
    if record is None:
        raise NotFound("Punktet findes ikke i arkivet.")
    return jsonify(item_json(record))


@bp.get("/meetings/<meeting_id>")
def meeting(meeting_id: str):
    """The meeting with one page of its agenda (`page`, `per_page`): a meeting
    of 100,000 items was once a 25 MB answer."""
    shown = parse_meeting_page(request.args)
    record = get_archive().meeting(meeting_id)
    if record is None:
        raise NotFound("Mødet findes ikke i arkivet.")
    agenda = record["items"]
    start, end = shown.bounds(len(agenda))
    data: MeetingJSON = {**record, "items": [agenda_line(summary) for summary in agenda[start:end]],
                         "items_total": len(agenda), "page": shown.page, "per_page": shown.per_page,
                         "url": meeting_url(record["id"]), "publication_url": record["url"]}
    return jsonify(data)


@bp.get("/cases/<path:case_number>")
def case(case_number: str):
    archive = get_archive()
    canonical = archive.canonical_case(case_number)  # any spelling of a known case
    if canonical is None:
        raise NotFound("Sagsnummeret findes ikke i arkivet.")
    timeline = ordered_timeline(archive, canonical)
    if timeline is None:
        raise NotFound("Sagsnummeret findes ikke i arkivet.")
    treatments: list[TreatmentJSON] = [
        {**{name: entry[name] for name in TREATMENT_FIELDS},
         "url": item_url(entry["item_id"]) if entry["item_id"] else None}
        for entry in timeline["treatments"]
    ]
    data: CaseJSON = {
        "case_number": timeline["case_number"],
        "title": timeline["title"],
        "kle": timeline["kle"],
        "municipalities": timeline["municipalities"],
        "url": case_url(timeline["case_number"]),
        "dossier_url": url_for("pages.dossier", case_number=timeline["case_number"]),
        "feed_url": url_for("feeds.case_feed", case_number=timeline["case_number"]),
        "subjects": timeline["subjects"],
        "treatments": treatments,
    }
    return jsonify(data)


@bp.get("/openapi.json")
def openapi():
    return jsonify(openapi_document())
