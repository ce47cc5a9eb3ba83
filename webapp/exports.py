"""Atom feed and CSV export of any search, newest first.

Journalists follow a topic by subscribing to the feed of a search; the CSV
file takes the hit list into a spreadsheet. Both take exactly the search
page's parameters. The feed is built with ElementTree so every text is
XML-escaped by construction.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from html import escape
from xml.etree import ElementTree as ET

from flask import Blueprint, Response, current_app, request

from indexer.search import Hit, SearchResponse
from indexer.serialize import item_url

from .archive_state import get_archive
from .labels import da_date, kind_label, sentence_case
from .params import SearchState, parse_search

bp = Blueprint("exports", __name__)

ATOM_NS = "http://www.w3.org/2005/Atom"
FEED_ENTRIES = 50
CSV_MAX_ROWS = 1000
CSV_PAGE = 100  # the search layer's largest page
CSV_COLUMNS = ("id", "dato", "kommune", "råd", "punkt", "titel", "sagsnummer", "dokumenttype", "beslutning", "url")
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def base_url() -> str:
    """The configured public address (never the request's Host header)."""
    return current_app.config["BASE_URL"]


def _search(state: SearchState, page: int, per_page: int, snippets: bool) -> SearchResponse:
    return get_archive().search(state.to_request(page=page, per_page=per_page, snippets=snippets))


def _title(state: SearchState) -> str:
    return f"Rådsarkiv: {state.q.strip()}" if state.q.strip() else "Rådsarkiv: nye punkter"


def _timestamp(day: str | None) -> str:
    return f"{day}T00:00:00Z" if day else "1970-01-01T00:00:00Z"


def _entry(feed: ET.Element, hit: Hit, root: str) -> None:
    entry = ET.SubElement(feed, f"{{{ATOM_NS}}}entry")
    url = root + item_url(hit.id)
    ET.SubElement(entry, f"{{{ATOM_NS}}}id").text = url
    ET.SubElement(entry, f"{{{ATOM_NS}}}title").text = hit.title
    ET.SubElement(entry, f"{{{ATOM_NS}}}updated").text = _timestamp(hit.date)
    ET.SubElement(entry, f"{{{ATOM_NS}}}link", href=url, rel="alternate", type="text/html")
    author = ET.SubElement(entry, f"{{{ATOM_NS}}}author")
    ET.SubElement(author, f"{{{ATOM_NS}}}name").text = " – ".join(filter(None, [hit.municipality, hit.council]))
    if hit.council:
        ET.SubElement(entry, f"{{{ATOM_NS}}}category", term=hit.council)
    summary = ET.SubElement(entry, f"{{{ATOM_NS}}}summary", type="html")
    meta = f"{hit.council or kind_label(hit.kind)}, {da_date(hit.date)}, punkt {hit.number}"
    summary.text = f"<p>{escape(meta, quote=False)}</p><p>{hit.snippet}</p>" if hit.snippet else f"<p>{escape(meta, quote=False)}</p>"


@bp.get("/soeg.atom")
def atom() -> Response:
    state = parse_search(request.args).for_export()
    response = _search(state, 1, FEED_ENTRIES, snippets=True)
    root = base_url()
    ET.register_namespace("", ATOM_NS)
    feed = ET.Element(f"{{{ATOM_NS}}}feed")
    ET.SubElement(feed, f"{{{ATOM_NS}}}id").text = root + state.url("/soeg.atom")
    ET.SubElement(feed, f"{{{ATOM_NS}}}title").text = _title(state)
    ET.SubElement(feed, f"{{{ATOM_NS}}}updated").text = _timestamp(max((h.date or "" for h in response.results), default=None) or None)
    ET.SubElement(feed, f"{{{ATOM_NS}}}link", rel="self", href=root + state.url("/soeg.atom"))
    ET.SubElement(feed, f"{{{ATOM_NS}}}link", rel="alternate", type="text/html", href=root + state.url("/soeg"))
    for hit in response.results:
        _entry(feed, hit, root)
    body = ET.tostring(feed, encoding="utf-8", xml_declaration=True)
    return Response(body, mimetype="application/atom+xml")


def _cell(value: object) -> str:
    """A CSV cell that a spreadsheet will not run as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def _csv_hits(state: SearchState) -> Iterator[Hit]:
    """Up to CSV_MAX_ROWS hits, fetched a page at a time."""
    page, sent = 1, 0
    while sent < CSV_MAX_ROWS:
        response = _search(state, page, CSV_PAGE, snippets=False)
        for hit in response.results[: CSV_MAX_ROWS - sent]:
            sent += 1
            yield hit
        if len(response.results) < CSV_PAGE or page * CSV_PAGE >= response.total:
            return
        page += 1


@bp.get("/soeg.csv")
def csv_export() -> Response:
    state = parse_search(request.args).for_export()
    root = base_url()
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_COLUMNS)
    for hit in _csv_hits(state):
        writer.writerow(
            [
                _cell(v)
                for v in (
                    hit.id, hit.date, hit.municipality, hit.council, hit.number, hit.title, hit.case_number,
                    kind_label(hit.kind), sentence_case(hit.decision_kind), root + item_url(hit.id),
                )
            ]
        )
    # The BOM makes Excel read the file as UTF-8 (æ, ø, å intact).
    body = "\ufeff" + buffer.getvalue()
    response = Response(body, mimetype="text/csv")
    response.headers["Content-Disposition"] = 'attachment; filename="raadsarkiv-soegning.csv"'
    return response
