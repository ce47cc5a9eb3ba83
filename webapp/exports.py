"""CSV export of any search, newest first.

The CSV file takes the hit list into a spreadsheet; it takes exactly the
search page's parameters. (The search's Atom feed is in feeds.py, with the
feeds of cases, people, councils and institutions.)
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from flask import Blueprint, Response, current_app, request

from indexer.search import Hit, SearchResponse
from indexer.serialize import item_url

from .archive_state import get_archive
from .labels import kind_label, sentence_case
from .params import SearchState, parse_search

bp = Blueprint("exports", __name__)

CSV_MAX_ROWS = 1000
CSV_PAGE = 100  # the search layer's largest page
CSV_COLUMNS = ("id", "dato", "kommune", "råd", "punkt", "titel", "sagsnummer", "dokumenttype", "beslutning", "url")
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def base_url() -> str:
    """The configured public address (never the request's Host header)."""
    return current_app.config["BASE_URL"]


def _search(state: SearchState, page: int, per_page: int, snippets: bool) -> SearchResponse:
    return get_archive().search(state.to_request(page=page, per_page=per_page, snippets=snippets))


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
