"""CSV and JSON Lines export of any search, newest first.

The CSV file takes the hit list into a spreadsheet, the JSON Lines file into
a script; both take exactly the search page's parameters. (The search's Atom
feed is in feeds.py, with the feeds of cases, people, councils and
institutions.)

The CSV is what a Danish spreadsheet opens in columns: semicolon-separated
(Danish Excel reads "," as the decimal sign, so a comma-separated file lands
in one column), UTF-8 with a BOM (without it Excel reads æ, ø, å as cp1252).
Both files hold every matching item, streamed as they are read
(Archive.export), never a first page or a capped number of rows. The
generators need no request context (the archive and the base URL are taken
before the response starts), so they are plain generators rather than
`stream_with_context`: a stream a client abandons is simply dropped, and
cannot pop another request's context when it is collected.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator

from flask import Blueprint, Response, current_app, request

from indexer.search import Hit, SearchRequest
from .serialize import ExportRowJSON, case_url, item_url, meeting_url, snippet_text

from .archive_state import get_archive
from .labels import kind_label, sentence_case
from .params import for_export, parse_search

bp = Blueprint("exports", __name__)

CSV_COLUMNS = ("id", "dato", "kommune", "råd", "punkt", "titel", "sagsnummer", "dokumenttype", "beslutning",
               "beslutningstype", "url", "uddrag")
CSV_DELIMITER = ";"
CSV_ROWS_PER_CHUNK = 200  # rows written per piece of the streamed response
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def base_url() -> str:
    """The configured public address (never the request's Host header)."""
    return current_app.config["BASE_URL"]


def _cell(value: object) -> str:
    """A CSV cell that a spreadsheet will not run as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text


def _export_hits(state: SearchRequest) -> Iterator[Hit]:
    """Every matching item, newest first, with snippets (Archive.export)."""
    return get_archive().export(state)


def _csv_row(hit: Hit, root: str) -> list[str]:
    return [
        _cell(v)
        for v in (
            hit.id, hit.date, hit.municipality, hit.council, hit.number, hit.title, hit.case_number,
            kind_label(hit.kind), hit.decision, sentence_case(hit.decision_kind), root + item_url(hit.id),
            snippet_text(hit.snippet),
        )
    ]


def csv_chunks(hits: Iterable[Hit], root: str) -> Iterator[str]:
    """The CSV file in pieces: BOM and header, then CSV_ROWS_PER_CHUNK rows at a time."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=CSV_DELIMITER)
    buffer.write("\ufeff")  # the BOM makes Excel read the file as UTF-8 (æ, ø, å intact)
    writer.writerow(CSV_COLUMNS)
    for count, hit in enumerate(hits, 1):
        writer.writerow(_csv_row(hit, root))
        if count % CSV_ROWS_PER_CHUNK == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


@bp.get("/soeg.csv")
def csv_export() -> Response:
    state = for_export(parse_search(request.args))
    hits = _export_hits(state)  # parameters are checked before streaming: a bad request is a 400, not a cut file
    response = Response(csv_chunks(hits, base_url()), mimetype="text/csv")
    response.headers["Content-Disposition"] = 'attachment; filename="raadsarkiv-soegning.csv"'
    return response


def jsonl_record(hit: Hit, root: str) -> ExportRowJSON:
    """One line of the JSON Lines export: the item, its decision and absolute links."""
    return {
        "id": hit.id, "date": hit.date, "municipality": hit.municipality, "council": hit.council,
        "number": hit.number, "title": hit.title, "case_number": hit.case_number, "kind": hit.kind,
        "decision": hit.decision, "decision_kind": hit.decision_kind,
        "url": root + item_url(hit.id),
        "meeting_url": root + meeting_url(hit.meeting_id) if hit.meeting_id else None,
        "case_url": root + case_url(hit.case_number) if hit.case_number else None,
        "snippet": snippet_text(hit.snippet),
    }


def jsonl_lines(hits: Iterable[Hit], root: str) -> Iterator[str]:
    for hit in hits:
        yield json.dumps(jsonl_record(hit, root), ensure_ascii=False) + "\n"


@bp.get("/soeg.jsonl")
def jsonl_export() -> Response:
    """Every matching item as one JSON object per line (JSON Lines, UTF-8)."""
    state = for_export(parse_search(request.args))
    hits = _export_hits(state)
    response = Response(jsonl_lines(hits, base_url()), mimetype="application/jsonl")
    response.headers["Content-Disposition"] = 'attachment; filename="raadsarkiv-soegning.jsonl"'
    return response
