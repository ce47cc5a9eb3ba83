"""Follow anything: one Atom builder for searches, cases, people, councils and institutions.

Every feed is a `Feed` — a title saying what it follows ("Rådsarkiv: sag
25-003663", "Rådsarkiv: søgning: tilsyn, Socialudvalget"), the page it
follows and its entries — and `atom_response` is the only code that turns
one into Atom, so every kind has the same entries: title, absolute link
(the configured base URL, never the Host header), date, council and the
decision in a summary, newest first.

A browser that opens a feed (Accept prefers text/html: `browser_asks`) gets
the same feed as a readable Danish page, rendered here from the same `Feed`
(`feed.html`, with the address to copy into a feed reader); feed readers get
the Atom. This used to be one Atom document for both, turned into a page by
the browser through an XSLT stylesheet — Chromium now marks XSLT as
deprecated and lays a warning banner over such pages, and plans to remove it.
The feed is built with ElementTree so every text is XML-escaped by
construction; summaries are plain text (type="text"), so nothing from a
document is ever markup in a reader.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any
from xml.etree import ElementTree as ET

from flask import Blueprint, Response, render_template, request, url_for
from werkzeug.exceptions import NotFound

from indexer.cases import case_timeline
from indexer.search import Hit, SearchRequest
from .serialize import case_url, item_url, snippet_text

from .archive_state import get_archive
from .exports import base_url
from .labels import council_name, da_date, facet_value_label, sentence_case
from .lookup import council_meetings, institution_names
from .params import for_export, parse_search, search_url

ATOM_NS = "http://www.w3.org/2005/Atom"
FEED_ENTRIES = 50
DECISION_CHARS = 600  # a feed summarises; the item page and the dossier show the decision whole


@dataclass(frozen=True)
class FeedEntry:
    """One archived item in a feed; `notes` say why it is there when the feed
    is not a plain list ("Stemte: Imod", "Fraværende", a search snippet)."""

    item_id: str
    title: str
    date: str | None
    municipality: str | None
    council: str | None
    number: int | None
    decision: str | None = None
    decision_kind: str | None = None
    notes: tuple[str, ...] = ()

    @classmethod
    def from_record(cls, record: Mapping[str, Any], notes: tuple[str, ...] = ()) -> FeedEntry:
        """From an item record (Archive.item), a case timeline entry or a person's
        row of an item: shapes with different keys, hence .get."""
        return cls(
            item_id=record.get("id") or record["item_id"], title=record.get("title") or "", date=record.get("date"),
            municipality=record.get("municipality"), council=record.get("council"), number=record.get("number"),
            decision=record.get("decision"), decision_kind=record.get("decision_kind"), notes=notes,
        )

    def summary(self) -> str:
        """"Socialudvalget, 6. maj 2025, punkt 4. Beslutning (Godkendt): …" as plain text."""
        parts = [f"{self.council or 'Notat'}, {da_date(self.date)}" + (f", punkt {self.number}." if self.number is not None else ".")]
        parts.extend(self.notes)
        decision = " ".join((self.decision or "").split())
        if len(decision) > DECISION_CHARS:
            decision = decision[:DECISION_CHARS].rsplit(" ", 1)[0] + " …"
        if decision or self.decision_kind:
            kind = f" ({sentence_case(self.decision_kind)})" if self.decision_kind and decision else ""
            parts.append(f"Beslutning{kind}: {decision or sentence_case(self.decision_kind)}")
        return " ".join(parts)


@dataclass
class Feed:
    """What a feed follows: `path` is the feed's own address, `page` the page it follows."""

    title: str
    path: str
    page: str
    entries: list[FeedEntry] = field(default_factory=list)
    subtitle: str | None = None


def hit_entry(hit: Hit, decision: str | None = None) -> FeedEntry:
    """A search hit as an entry; its snippet as plain text."""
    snippet = snippet_text(hit.snippet)
    return FeedEntry(
        item_id=hit.id, title=hit.title, date=hit.date, municipality=hit.municipality, council=hit.council,
        number=hit.number, decision=decision, decision_kind=hit.decision_kind,
        notes=(f"Uddrag: {snippet}",) if snippet else (),
    )


def _timestamp(day: str | None) -> str:
    return f"{day}T00:00:00Z" if day else "1970-01-01T00:00:00Z"


def newest_first(entries: list[FeedEntry], limit: int = FEED_ENTRIES) -> list[FeedEntry]:
    """Entries by date, newest first (undated last), each item once, at most `limit`."""
    seen: set[str] = set()
    unique = [e for e in entries if not (e.item_id in seen or seen.add(e.item_id))]
    return sorted(unique, key=lambda e: (e.date or "", e.item_id), reverse=True)[:limit]


def _add_entry(feed: ET.Element, data: FeedEntry, root: str) -> None:
    entry = ET.SubElement(feed, f"{{{ATOM_NS}}}entry")
    url = root + item_url(data.item_id)
    ET.SubElement(entry, f"{{{ATOM_NS}}}id").text = url
    ET.SubElement(entry, f"{{{ATOM_NS}}}title").text = data.title
    ET.SubElement(entry, f"{{{ATOM_NS}}}updated").text = _timestamp(data.date)
    ET.SubElement(entry, f"{{{ATOM_NS}}}link", href=url, rel="alternate", type="text/html")
    author = ET.SubElement(entry, f"{{{ATOM_NS}}}author")
    ET.SubElement(author, f"{{{ATOM_NS}}}name").text = " – ".join(filter(None, [data.municipality, data.council])) or "Rådsarkiv"
    if data.council:
        ET.SubElement(entry, f"{{{ATOM_NS}}}category", term=data.council, label=data.council)
    ET.SubElement(entry, f"{{{ATOM_NS}}}summary", type="text").text = data.summary()


def atom_document(feed: Feed) -> bytes:
    """The feed as Atom bytes."""
    root = base_url()
    entries = newest_first(feed.entries)
    ET.register_namespace("", ATOM_NS)
    element = ET.Element(f"{{{ATOM_NS}}}feed")
    ET.SubElement(element, f"{{{ATOM_NS}}}id").text = root + feed.path
    ET.SubElement(element, f"{{{ATOM_NS}}}title").text = feed.title
    if feed.subtitle:
        ET.SubElement(element, f"{{{ATOM_NS}}}subtitle").text = feed.subtitle
    ET.SubElement(element, f"{{{ATOM_NS}}}updated").text = _timestamp(entries[0].date if entries else None)
    ET.SubElement(element, f"{{{ATOM_NS}}}link", rel="self", type="application/atom+xml", href=root + feed.path)
    ET.SubElement(element, f"{{{ATOM_NS}}}link", rel="alternate", type="text/html", href=root + feed.page)
    ET.SubElement(element, f"{{{ATOM_NS}}}generator").text = "Rådsarkiv"
    for data in entries:
        _add_entry(element, data, root)
    return b'<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(element, encoding="utf-8")


def browser_asks() -> bool:
    """A browser navigating (Accept prefers text/html over Atom). Feed readers
    ask for Atom (or anything) and get it."""
    return request.accept_mimetypes.best_match(["application/atom+xml", "text/html"]) == "text/html"


@dataclass(frozen=True)
class FeedPageEntry:
    url: str  # absolute, as in the Atom
    title: str
    date: str  # "6. maj 2025"
    author: str  # "Ballerup – Socialudvalget"
    summary: str


@dataclass(frozen=True)
class FeedPage:
    """`feed.html`'s context: the feed as a browser shows it, entries as in the Atom."""

    title: str
    subtitle: str | None
    feed_url: str  # absolute: what to paste into a feed reader
    page_url: str
    entries: list[FeedPageEntry]


def feed_page(feed: Feed) -> FeedPage:
    root = base_url()
    return FeedPage(
        title=feed.title, subtitle=feed.subtitle, feed_url=root + feed.path, page_url=feed.page,
        entries=[FeedPageEntry(url=root + item_url(entry.item_id), title=entry.title, date=da_date(entry.date),
                               author=" – ".join(filter(None, [entry.municipality, entry.council])),
                               summary=entry.summary())
                 for entry in newest_first(feed.entries)],
    )


def atom_response(feed: Feed) -> Response:
    if browser_asks():
        response = Response(render_template("feed.html", view=feed_page(feed)), mimetype="text/html")
    else:
        response = Response(atom_document(feed), mimetype="application/atom+xml")
    response.vary.add("Accept")
    return response


# --- the feeds ---------------------------------------------------------------------------------

bp = Blueprint("feeds", __name__)


def _records(hits: list[Hit]) -> list[FeedEntry]:
    """Hits with their decisions, read from the records (a hit carries only the kind)."""
    archive = get_archive()
    entries = []
    for hit in hits:
        record = archive.item(hit.id)
        entries.append(hit_entry(hit, record["decision"] if record else None))
    return entries


def case_title(case_number: str) -> str:
    return f"Rådsarkiv: sag {case_number}"


def council_title(council: str | None) -> str:
    return f"Rådsarkiv: {council_name(council)}"


def institution_title(names: list[str]) -> str:
    return f"Rådsarkiv: {' / '.join(names)}"


def search_title(state: SearchRequest) -> str:
    """"Rådsarkiv: søgning: tilsyn, Socialudvalget, fra 2021-01-01": the words, then each filter value."""
    parts = [state.q.strip()] if state.q.strip() else []
    for key, values in state.filters.items():
        parts.extend(facet_value_label(key, value) for value in values)
    if state.date_from:
        parts.append(f"fra {state.date_from}")
    if state.date_to:
        parts.append(f"til {state.date_to}")
    return f"Rådsarkiv: søgning: {', '.join(parts)}" if parts else "Rådsarkiv: nye punkter"


@bp.get("/soeg.atom")
def search_feed() -> Response:
    state = for_export(parse_search(request.args))
    response = get_archive().search(replace(state, per_page=FEED_ENTRIES))
    return atom_response(Feed(search_title(state), search_url(state, "/soeg.atom"), search_url(state), _records(response.results)))


@bp.get("/sag/<path:case_number>.atom")
def case_feed(case_number: str) -> Response:
    archive = get_archive()
    canonical = archive.canonical_case(case_number)
    timeline = case_timeline(archive, canonical) if canonical else None
    if timeline is None:
        raise NotFound("Sagsnummeret findes ikke i arkivet.")
    entries = [FeedEntry.from_record(t) for t in timeline["treatments"] if t["in_archive"] and t["item_id"]]
    return atom_response(Feed(
        case_title(canonical), url_for("feeds.case_feed", case_number=canonical), case_url(canonical),
        entries, subtitle=timeline.get("title"),
    ))


@bp.get("/raad/<slug>.atom")
def council_feed(slug: str) -> Response:
    """The items of the council's newest meetings (in every municipality that has one by that name)."""
    meetings = sorted(council_meetings(slug), key=lambda m: (m["date"] or "", m["id"]), reverse=True)
    if not meetings:
        raise NotFound("Rådet eller udvalget findes ikke i arkivet.")
    archive = get_archive()
    entries: list[FeedEntry] = []
    for meeting in meetings:
        if len(entries) >= FEED_ENTRIES:
            break
        entries.extend(FeedEntry.from_record(record) for record in archive.items_of_meeting(meeting["id"]))
    return atom_response(Feed(
        council_title(meetings[0]["council"]), url_for("feeds.council_feed", slug=slug),
        url_for("pages.council", slug=slug), entries,
    ))


@bp.get("/institution/<slug>.atom")
def institution_feed(slug: str) -> Response:
    names = institution_names(slug)
    if not names:
        raise NotFound("Institutionen findes ikke i arkivet.")
    return atom_response(Feed(
        institution_title(names), url_for("feeds.institution_feed", slug=slug),
        url_for("pages.institution", slug=slug),
        # the page's own items (exact names, newest first), not a search that might widen them
        [FeedEntry.from_record(r) for name in names for r in get_archive().items_by_facet("institution", name, limit=FEED_ENTRIES)],
    ))
