"""Person pages, the people API and a person's Atom feed.

A journalist asks "how did this member vote, and when were they absent?":
the person page answers from `indexer.people` (rolls, absence notes, vote
lines) and adds the items whose text names the person, found by a phrase
search for each spelling. The API gives the same as JSON; the feed follows
the person's newest items.
"""

from __future__ import annotations

from dataclasses import asdict, replace
from typing import Any

from flask import Blueprint, Response, jsonify, redirect, render_template, request, url_for
from werkzeug.exceptions import NotFound

from indexer.people import POSITION_LABELS, STATUS_LABELS, Person, find_person as person_in, people_table
from indexer.search import Hit, SearchRequest
from .serialize import item_url, meeting_url

from .archive_state import get_archive
from .feeds import Feed, FeedEntry, atom_response, newest_first
from .labels import council_slug

bp = Blueprint("people", __name__)

MENTIONS_SHOWN = 50
MAX_ID_CHARS = 200
NOT_FOUND = "Personen findes ikke i arkivet."


# --- reading -----------------------------------------------------------------------------


def find_person(person_id: str) -> Person:
    """The person with this id (or a joined spelling's id), whole; 404 in Danish otherwise."""
    person = person_in(get_archive(), person_id) if len(person_id) <= MAX_ID_CHARS else None
    if person is None:
        raise NotFound(NOT_FOUND)
    return person


def mention_query(person: Person) -> str:
    """A phrase search for each spelling: "Tina Rottbøll" OR "Tina Rotbøll"."""
    phrases = [f'"{s.name.replace(chr(34), "")}"' for s in person.spellings]
    return " OR ".join(dict.fromkeys(phrases))


def mentions(person: Person, limit: int = MENTIONS_SHOWN) -> tuple[int, list[Hit]]:
    """Items in the person's municipality whose text (or notes) names them, newest first."""
    response = get_archive().search(SearchRequest(
        q=mention_query(person), filters={"municipality": [person.municipality]},
        sort="date", per_page=min(limit, 100), snippets=False,
    ))
    return response.total, response.results


# --- JSON ---------------------------------------------------------------------------------


def person_summary(person: Person) -> dict[str, Any]:
    return {
        "id": person.id,
        "name": person.name,
        "municipality": person.municipality,
        "bodies": [body.council for body in person.bodies],
        "parties": list(dict.fromkeys(code for _, code in person.parties)),
        "counts": person.counts(),
        "url": url_for("people.person_page", person_id=person.id),
        "api_url": url_for("people.api_person", person_id=person.id),
    }


def person_json(person: Person) -> dict[str, Any]:
    total, hits = mentions(person)
    return {
        **person_summary(person),
        "feed_url": url_for("people.person_feed", person_id=person.id),
        "spellings": [asdict(s) for s in person.spellings],
        "party_history": [{"date": day, "party": code} for day, code in person.parties],
        "body_details": [asdict(body) for body in person.bodies],
        "meetings": [{**asdict(row), "url": meeting_url(row.meeting_id)} for row in person.meetings],
        "votes": [{**asdict(vote), "url": item_url(vote.item_id)} for vote in person.votes],
        "mentions_total": total,
        "mentions": [
            {"id": hit.id, "title": hit.title, "date": hit.date, "council": hit.council, "number": hit.number,
             "url": item_url(hit.id)}
            for hit in hits
        ],
    }


@bp.get("/api/people")
def api_people():
    """Everyone in the archive, or one municipality's (`municipality`), by name."""
    municipality = request.args.get("municipality") or None
    people = people_table(get_archive()).of_municipality(municipality)
    return jsonify({"total": len(people), "people": [person_summary(p) for p in people]})


@bp.get("/api/people/<person_id>")
def api_person(person_id: str):
    return jsonify(person_json(find_person(person_id)))


# --- HTML -----------------------------------------------------------------------------------


@bp.get("/person/<person_id>")
def person_page(person_id: str):
    person = find_person(person_id)
    if person.id != person_id:  # a joined spelling's address: one address per person
        return redirect(url_for("people.person_page", person_id=person.id), code=301)
    total, hits = mentions(person)
    return render_template(
        "person.html",
        person=person,
        counts=person.counts(),
        mentions_total=total,
        mentions=hits,
        mention_q=mention_query(person),
        absent_ids={a.item_id for row in person.meetings for a in row.absent_items},
        vote_ids={v.item_id for v in person.votes},
        position_labels=POSITION_LABELS,
        status_labels=STATUS_LABELS,
        item_url=item_url,
        meeting_url=meeting_url,
        council_slug=council_slug,
    )


# --- Atom -------------------------------------------------------------------------------------


def feed_entries(person: Person, hits: list[Hit]) -> list[FeedEntry]:
    """The person's items: votes, absences and mentions, one entry per item,
    each saying why it is there ("Stemte: Imod (som Ø)", "Fraværende")."""
    why: dict[str, list[str]] = {}
    rows: dict[str, dict[str, Any]] = {}
    for vote in person.votes:
        label = POSITION_LABELS[vote.position] + (f" (som {vote.via_party})" if vote.via_party else "")
        rows.setdefault(vote.item_id, {"id": vote.item_id, "title": vote.title, "date": vote.date,
                                       "council": vote.council, "number": vote.number})
        why.setdefault(vote.item_id, []).append(f"Stemte: {label}.")
    for row in person.meetings:
        for absent in row.absent_items:
            rows.setdefault(absent.item_id, {"id": absent.item_id, "title": absent.title, "date": row.date,
                                             "council": row.council, "number": absent.number})
            why.setdefault(absent.item_id, []).append("Fraværende.")
    for hit in hits:
        rows.setdefault(hit.id, {"id": hit.id, "title": hit.title, "date": hit.date, "council": hit.council,
                                 "number": hit.number})
        why.setdefault(hit.id, []).append("Nævnt i punktet.")
    archive = get_archive()
    entries = []
    for row in newest_first([FeedEntry.from_record(r) for r in rows.values()]):
        record = archive.item(row.item_id)
        entries.append(replace(row, municipality=person.municipality, decision=record["decision"] if record else None,
                               decision_kind=record["decision_kind"] if record else None, notes=tuple(why[row.item_id])))
    return entries


@bp.get("/person/<person_id>.atom")
def person_feed(person_id: str) -> Response:
    person = find_person(person_id)
    _, hits = mentions(person)
    return atom_response(Feed(
        f"Rådsarkiv: {person.name} ({person.municipality})", url_for("people.person_feed", person_id=person.id),
        url_for("people.person_page", person_id=person.id), feed_entries(person, hits),
    ))
