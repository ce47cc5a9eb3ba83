"""The HTML pages: front page, search, item, case, meeting, institution, council."""

from __future__ import annotations

from collections import defaultdict
from itertools import groupby
from typing import Any, TypeVar

from flask import Blueprint, redirect, render_template, request, send_file, url_for
from werkzeug.exceptions import NotFound

from indexer.ingest import shown_name
from indexer.people import people_table
from indexer.records import ItemRecord, MeetingRecord, MeetingRow
from .serialize import case_url, item_url, meeting_url

from .archive_state import get_archive, holder
from .casework import dossier_entries, ordered_timeline, other_treatments
from .feeds import case_title, council_title, institution_title
from .labels import council_name, da_date
from .lookup import council_meetings, institution_names
from .params import parse_meeting_page, parse_search
from .search_view import build_results
from .security import SOURCE_CSP
from .sources import resolve_source, source_mimetype

bp = Blueprint("pages", __name__)


def feed_link(title: str, endpoint: str, **values: str) -> dict[str, str]:
    """What base.html's <link rel="alternate"> and the "Følg" link need."""
    return {"title": title, "url": url_for(endpoint, **values)}


def source_url(record: ItemRecord) -> str | None:
    """The meeting's source file on this site, opened at the item's page when
    the source is a PDF and the reader recorded where the item starts."""
    if resolve_source(record["source"], holder().corpus_dir) is None:
        return None
    url = url_for("pages.meeting_source", meeting_id=record["meeting_id"])
    page = record["page"]
    return f"{url}#page={page}" if page and (record["source"] or "").lower().endswith(".pdf") else url


def source_path(meeting: MeetingRecord) -> str | None:
    return meeting["source"]["path"] if meeting["source"] else None

LATEST_MEETINGS = 8
FRONT_INSTITUTIONS = 15


Row = TypeVar("Row", ItemRecord, MeetingRow)


def by_year(rows: list[Row]) -> list[tuple[str, list[Row]]]:
    """Rows (already newest first) grouped under their year."""
    return [(year, list(group)) for year, group in groupby(rows, key=lambda r: (r["date"] or "")[:4] or "Uden dato")]


@bp.get("/")
def home():
    archive = get_archive()
    councils = {
        municipality: sorted(counter.items(), key=lambda kv: kv[0].casefold())
        for municipality, counter in sorted(archive.councils().items())
    }
    institutions = archive.facet_value_counts("institution").most_common(FRONT_INSTITUTIONS)
    return render_template(
        "home.html",
        councils=councils,
        latest=archive.meetings(limit=LATEST_MEETINGS),
        institutions=sorted(institutions, key=lambda kv: kv[0].casefold()),
        meeting_url=meeting_url,
    )


@bp.get("/soeg")
def search():
    state = parse_search(request.args)
    if state.is_blank:
        return render_template("search.html", state=state, response=None, view=None)
    response = get_archive().search(state)
    return render_template("search.html", state=state, response=response, view=build_results(state, response))


@bp.get("/punkt/<item_id>")
def item(item_id: str):
    archive = get_archive()
    record = archive.item(item_id)
    if record is None:
        raise NotFound("Punktet findes ikke i arkivet.")
    return render_template(
        "item.html",
        item=record,
        has_file=resolve_source(record["source"], holder().corpus_dir) is not None,
        source_url=source_url(record),
        treatments=other_treatments(archive, record),
        case_url=case_url,
        item_url=item_url,
        meeting_url=meeting_url,
    )


def reference_label(record: ItemRecord) -> str:
    """"Socialudvalget, 6. maj 2025, punkt 4: Skærpet tilsyn …" for a link to an item."""
    return f"{council_name(record['council']) if record['council'] else 'Notat'}, {da_date(record['date'])}, punkt {record['number']}: {record['title']}"


def danish_reference_labels(archive, timeline: dict[str, Any]) -> None:
    """casework labels reference links with ISO dates; a page shows dates the Danish way."""
    for entry in timeline["treatments"]:
        for link in entry.get("referenced_by_links", []):
            record = archive.item(link["id"])
            if record is not None:
                link["label"] = reference_label(record)


@bp.get("/sag/<path:case_number>")
def case(case_number: str):
    archive = get_archive()
    canonical = archive.canonical_case(case_number)
    if canonical is None:
        raise NotFound(f"Sagsnummeret findes ikke i arkivet: «{case_number[:80]}». Prøv at søge efter det.")
    if canonical != case_number:  # any spelling or case: one address per case
        return redirect(case_url(canonical), code=301)
    timeline = ordered_timeline(archive, canonical)
    if timeline is None:
        raise NotFound("Sagsnummeret findes ikke i arkivet.")
    danish_reference_labels(archive, timeline)
    return render_template("case.html", case=timeline, item_url=item_url,
                           feed=feed_link(case_title(canonical), "feeds.case_feed", case_number=canonical))


@bp.get("/sag/<path:case_number>/dossier")
def dossier(case_number: str):
    """The case on paper: every treatment in date order with its decision whole,
    attachments and sources, laid out for printing ("Gem som PDF")."""
    archive = get_archive()
    canonical = archive.canonical_case(case_number)
    if canonical is None:
        raise NotFound(f"Sagsnummeret findes ikke i arkivet: «{case_number[:80]}».")
    if canonical != case_number:
        return redirect(url_for("pages.dossier", case_number=canonical), code=301)
    timeline = ordered_timeline(archive, canonical)
    if timeline is None:
        raise NotFound("Sagsnummeret findes ikke i arkivet.")
    danish_reference_labels(archive, timeline)
    entries = dossier_entries(archive, timeline)
    for entry in entries:
        if entry.get("record"):
            entry["source_url"] = source_url(entry["record"])
    return render_template("dossier.html", case=timeline, entries=entries, item_url=item_url, meeting_url=meeting_url,
                           feed=feed_link(case_title(canonical), "feeds.case_feed", case_number=canonical))


def agenda_pages(meeting_id: str, page: int, last_page: int) -> list[tuple[int, str]]:
    """(number, url) of the agenda pages linked from one: first, last and two on each side."""
    numbers = sorted({1, last_page, *range(max(1, page - 2), min(last_page, page + 2) + 1)})
    base = meeting_url(meeting_id)
    return [(n, base if n == 1 else f"{base}?page={n}") for n in numbers] if last_page > 1 else []


@bp.get("/moede/<meeting_id>")
def meeting(meeting_id: str):
    shown = parse_meeting_page(request.args)
    record = get_archive().meeting(meeting_id)
    if record is None:
        raise NotFound("Mødet findes ikke i arkivet.")
    source = source_path(record)
    has_file = resolve_source(source, holder().corpus_dir) is not None
    participants = record["participants"]
    agenda = record["items"]
    start, end = shown.bounds(len(agenda))
    last_page = shown.last_page(len(agenda))
    return render_template(
        "meeting.html",
        meeting=record,
        agenda=agenda[start:end],
        agenda_start=start,
        agenda_total=len(agenda),
        agenda_page=shown.page,
        agenda_pages=agenda_pages(record["id"], shown.page, last_page),
        agenda_last_page=last_page,
        person_ids={p["name"]: people_table(get_archive()).id_of(record["municipality"], p["name"]) for p in participants},
        present=[p for p in participants if not p["absent"]],
        absent=[p for p in participants if p["absent"]],
        source_path=source,
        has_file=has_file,
        item_url=item_url,
        case_url=case_url,
    )


@bp.get("/moede/<meeting_id>/kilde")
def meeting_source(meeting_id: str):
    """The meeting's source document, only if it lies under the corpus folder."""
    record = get_archive().meeting(meeting_id)
    if record is None:
        raise NotFound("Mødet findes ikke i arkivet.")
    path = resolve_source(source_path(record), holder().corpus_dir)
    if path is None:
        raise NotFound("Kildedokumentet er ikke tilgængeligt.")
    mimetype, as_attachment = source_mimetype(path)
    # Sent as an open file: Werkzeug derives headers from a path as text, which
    # fails for a name that is not UTF-8 (shown as \xNN, see indexer.ingest).
    info = path.stat()
    response = send_file(path.open("rb"), mimetype=mimetype, as_attachment=as_attachment,
                         download_name=shown_name(path.name), last_modified=info.st_mtime,
                         etag=f"{info.st_mtime_ns:x}-{info.st_size:x}")
    response.headers["Content-Security-Policy"] = SOURCE_CSP
    return response


@bp.get("/institution/<slug>")
def institution(slug: str):
    archive = get_archive()
    names = institution_names(slug)
    if not names:
        raise NotFound("Institutionen findes ikke i arkivet.")
    items: dict[str, ItemRecord] = {}
    for name in names:
        for record in archive.items_by_facet("institution", name):
            items.setdefault(record["id"], record)
    rows = sorted(items.values(), key=lambda r: (r["date"] or "", r["id"]), reverse=True)
    return render_template(
        "institution.html",
        feed=feed_link(institution_title(names), "feeds.institution_feed", slug=slug),
        names=names,
        years=by_year(rows),
        total=len(rows),
        item_url=item_url,
        meeting_url=meeting_url,
        case_url=case_url,
    )


@bp.get("/raad/<slug>")
def council(slug: str):
    meetings = council_meetings(slug)
    if not meetings:
        raise NotFound("Rådet eller udvalget findes ikke i arkivet.")
    per_municipality: dict[str, list[MeetingRow]] = defaultdict(list)
    for row in meetings:
        per_municipality[row["municipality"]].append(row)
    table = people_table(get_archive())
    spellings = {row["council"] for row in meetings}
    return render_template(
        "council.html",
        feed=feed_link(council_title(meetings[0]["council"]), "feeds.council_feed", slug=slug),
        members={m: table.in_council(spellings, m) for m in per_municipality},
        name=council_name(meetings[0]["council"]),
        council_value=meetings[0]["council"],
        municipalities=[(m, by_year(rows)) for m, rows in sorted(per_municipality.items())],
        total=len(meetings),
        meeting_url=meeting_url,
    )
